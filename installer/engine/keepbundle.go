package engine

import (
	"bytes"
	"fmt"
	"os"

	"onboard/installer/bundle"
	"onboard/internal/atomicfile"
)

// KeepBundle puts bundle b at dst (PREFIX/.onboard/bundle.zip) as the copy
// the install keeps for its repairs: the file b was read from, carried as
// CarryFile carries it (a hard link only where nobody but the installing
// user can change it, never for an install for all users), or b's zip
// written out when b came from bytes (the demo). What was carried must be
// the bundle read: a file replaced or changed since it was read (audit
// AH), or a link, is written again from b as it was read. The install
// keeps its bundle this way, and a repair given the installer puts a
// lost copy back this way (audit BM 6). It returns how, for the log.
func KeepBundle(b *bundle.Bundle, dst string, allUsers bool) (string, error) {
	if b.Path != "" {
		how, err := CarryFile(b.Path, dst, allUsers)
		if err != nil {
			return "", fmt.Errorf("failed to keep the bundle for repairs: %w", err)
		}
		if SameBundle(dst, b) {
			return fmt.Sprintf("%s of %q", how, b.Path), nil
		}
		os.Remove(dst)
	}
	if err := atomicfile.Write(dst, 0o644, b.WriteZip); err != nil {
		return "", fmt.Errorf("failed to keep the bundle for repairs: %w", err)
	}
	if b.Path != "" {
		return fmt.Sprintf("written from the bundle as it was read (%q changed since)", b.Path), nil
	}
	return fmt.Sprintf("written to %q", dst), nil
}

// SameBundle tells whether the regular file at path holds bundle b: the
// same bundle.json and signature, byte for byte.
func SameBundle(path string, b *bundle.Bundle) bool {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	kb, err := bundle.Open(path)
	if err != nil {
		return false
	}
	defer kb.Close()
	return bytes.Equal(kb.ManifestBytes, b.ManifestBytes) && bytes.Equal(kb.Signature, b.Signature)
}
