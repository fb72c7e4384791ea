package bundle

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"

	"onboard/internal/atomicfile"
)

// member is one zip member to write: data in memory, or a file whose
// sha256 must still be what the build checked.
type member struct {
	name   string
	data   []byte
	path   string
	sha256 string
}

// writeZip writes members, in order, as STORED zip entries with a fixed
// modification time, to a temporary file beside out, then renames it.
func writeZip(out string, members []member, mtime time.Time) error {
	return atomicfile.Write(out, 0o644, func(f io.Writer) error {
		w := newSparseWriter(f)
		zw := zip.NewWriter(w)
		for _, m := range members {
			if err := writeMember(zw, m, mtime); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("failed to finish the bundle zip: %w", err)
		}
		return w.Finish()
	})
}

func writeMember(zw *zip.Writer, m member, mtime time.Time) error {
	h := &zip.FileHeader{Name: m.name, Method: zip.Store, Modified: mtime}
	h.SetMode(0o644)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return fmt.Errorf("failed to add %s to the bundle: %w", m.name, err)
	}
	if m.path == "" {
		_, err = w.Write(m.data)
		return err
	}
	f, err := os.Open(m.path)
	if err != nil {
		return fmt.Errorf("failed to read %q: %w", m.path, err)
	}
	defer f.Close()
	s := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, s), f); err != nil {
		return fmt.Errorf("failed to copy %q into the bundle: %w", m.path, err)
	}
	if got := hex.EncodeToString(s.Sum(nil)); got != m.sha256 {
		return fmt.Errorf("%q changed while the bundle was built (sha256 %s; was %s)", m.path, got, m.sha256)
	}
	return nil
}
