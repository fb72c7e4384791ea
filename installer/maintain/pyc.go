package maintain

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// pycRewritten tells whether the .pyc at path, of size bytes where
// conda-meta records want, is the one Python itself writes when it
// imports a module whose .pyc was deleted (a clean-up of __pycache__):
// timestamp-based (PEP 552 flags 0), its header holding the modification
// time and size of its source .py, and longer by the source's absolute
// path: the install compiled it with the path relative to the env envDir,
// as conda does, and Python compiles it with the absolute one (stored once;
// 3 bytes more where that path no longer fits marshal's short string).
// Such a file is not damage; any other size is.
func pycRewritten(path string, size, want int64, envDir string) bool {
	src := pycSource(path)
	if src == "" {
		return false
	}
	rel, err := filepath.Rel(envDir, src)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	longer := int64(len(src) - len(rel))
	if len(rel) < 256 && len(src) >= 256 {
		longer += 3
	}
	if size != want+longer {
		return false
	}
	st, err := os.Stat(src)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [16]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || h[2] != '\r' || h[3] != '\n' {
		return false
	}
	le := binary.LittleEndian
	return le.Uint32(h[4:8]) == 0 && le.Uint32(h[8:12]) == uint32(st.ModTime().Unix()) && le.Uint32(h[12:16]) == uint32(st.Size())
}

// pycSource is the source of the .pyc at path: DIR/NAME.py for
// DIR/__pycache__/NAME.TAG.pyc (PEP 3147) and for DIR/NAME.pyc (Python
// 2's layout); "" for anything else.
func pycSource(path string) string {
	dir, base := filepath.Split(path)
	name, ok := strings.CutSuffix(base, ".pyc")
	if !ok || name == "" {
		return ""
	}
	if filepath.Base(filepath.Clean(dir)) == "__pycache__" {
		mod, _, ok := strings.Cut(name, ".")
		if !ok || mod == "" {
			return ""
		}
		return filepath.Join(filepath.Dir(filepath.Clean(dir)), mod+".py")
	}
	return filepath.Join(dir, name+".py")
}
