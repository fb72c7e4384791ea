package maintain

import (
	"encoding/binary"
	"fmt"
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

// pycNotCode says why the .pyc at path is not what the install compiled,
// "" when it may be: its magic number does not end in "\r\n" (Python
// then ignores it and compiles the source each time), or what follows
// its header (16 bytes since CPython 3.7, PEP 552; 12 for 3.3 to 3.6; 8
// before) is not a marshalled code object, which Python refuses
// ("ImportError: Non-code object"). conda records no hash for a .pyc, so
// a body changed at the same size is seen only when it is not code at
// all (audit AW 3). The header's length is known for CPython's files
// (NAME.cpython-XY.pyc, and NAME.pyc of Python 2) only: another
// implementation's (PyPy's magic numbers are below CPython's, its header
// 16 bytes: audit BD 4) is checked for its magic's end alone.
func pycNotCode(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var h [pycHead]byte
	n, _ := io.ReadFull(f, h[:])
	return pycHeadNotCode(path, h[:n])
}

// pycHead is how much of a .pyc pycHeadNotCode reads: the longest header
// and the marshal type after it.
const pycHead = 17

// pycHeadNotCode is pycNotCode of the file at path (its name is what
// counts) whose first bytes are h.
func pycHeadNotCode(path string, h []byte) string {
	n := len(h)
	if n < 4 {
		return ""
	}
	if h[2] != '\r' || h[3] != '\n' {
		return "its first bytes are not a .pyc header: Python ignores it and compiles the source each time"
	}
	// NAME.cpython-XY.pyc, or NAME.pyc with no tag (Python 2's layout)
	base := strings.TrimSuffix(filepath.Base(path), ".pyc")
	if !strings.Contains(base, ".cpython-") && strings.Contains(base, ".") {
		return ""
	}
	off := 8
	switch magic := binary.LittleEndian.Uint16(h[:2]); {
	case magic >= 3390 && magic < 10000:
		off = 16
	case magic >= 3230 && magic < 3390:
		off = 12
	}
	if n <= off {
		return ""
	}
	if t := h[off] &^ 0x80; t != 'c' {
		return fmt.Sprintf("what follows its header is not compiled code (marshal type %q), so Python refuses it", rune(t))
	}
	return ""
}
