package pkg

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// untar extracts tar streams into root, a fresh folder of its own, and
// refuses any member that would land, or point, outside it. Only untar
// writes under root, so its maps are the truth about what is there.
type untar struct {
	archive string
	root    string
	dirs    map[string]bool   // directories made
	files   map[string]bool   // regular files written (hardlink targets)
	links   map[string]string // symlinks made → target
	notes   []string
	buf     []byte
}

func newUntar(archive, root string) *untar {
	return &untar{
		archive: archive, root: root, dirs: map[string]bool{".": true},
		files: map[string]bool{}, links: map[string]string{}, buf: make([]byte, 256<<10),
	}
}

// extract writes every member of the tar stream r, checking ctx between
// members.
func (u *untar) extract(ctx context.Context, r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return u.readErr(ctx, err)
		}
		if err := u.member(h, tr); err != nil {
			return u.readErr(ctx, err)
		}
	}
}

// readErr keeps typed and cancellation errors and calls the rest a bad
// stream (truncated, corrupt).
func (u *untar) readErr(ctx context.Context, err error) error {
	var ue *UnsafeEntryError
	var fe *FormatError
	var pe *fs.PathError
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &ue), errors.As(err, &fe), errors.As(err, &pe):
		return err
	}
	return &FormatError{Archive: u.archive, Reason: "the compressed stream is truncated or corrupt; fetch the package again", Err: err}
}

func (u *untar) unsafe(entry, reason string) error {
	return &UnsafeEntryError{Archive: u.archive, Entry: entry, Reason: reason}
}

func (u *untar) member(h *tar.Header, r io.Reader) error {
	if h.Typeflag == tar.TypeXGlobalHeader {
		return nil
	}
	rel, why := cleanMember(h.Name)
	if why != "" {
		return u.unsafe(h.Name, why)
	}
	if rel == "." {
		return nil // the archive's own root folder
	}
	if link := u.throughLink(rel); link != "" {
		return u.unsafe(h.Name, "path passes through the symlink "+link)
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if _, ok := u.links[rel]; ok {
			return u.unsafe(h.Name, "folder member over a symlink")
		}
		return u.mkdir(rel)
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		return u.writeFile(rel, h, r)
	case tar.TypeSymlink:
		return u.symlink(rel, h)
	case tar.TypeLink:
		return u.hardlink(rel, h)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return u.unsafe(h.Name, "device or fifo member")
	}
	return u.unsafe(h.Name, fmt.Sprintf("unsupported member type %q", h.Typeflag))
}

// throughLink returns the symlink among rel's parents, or "".
func (u *untar) throughLink(rel string) string {
	for i := 0; i < len(rel); i++ {
		if rel[i] == '/' {
			if _, ok := u.links[rel[:i]]; ok {
				return rel[:i]
			}
		}
	}
	return ""
}

func (u *untar) full(rel string) string { return filepath.Join(u.root, filepath.FromSlash(rel)) }

func (u *untar) mkdir(rel string) error {
	if u.dirs[rel] {
		return nil
	}
	if err := os.MkdirAll(u.full(rel), 0o755); err != nil {
		return fmt.Errorf("failed to create folder %q: %w", rel, err)
	}
	for d := rel; d != "." && !u.dirs[d]; d = path.Dir(d) {
		u.dirs[d] = true
	}
	return nil
}

// create makes a new entry at rel after removing whatever member wrote
// there before (a later member wins, as in tar), never following a link.
func (u *untar) create(rel string, make func(string) error) error {
	if err := u.mkdir(path.Dir(rel)); err != nil {
		return err
	}
	full := u.full(rel)
	err := make(full)
	if errors.Is(err, fs.ErrExist) && !u.dirs[rel] {
		delete(u.files, rel)
		delete(u.links, rel)
		if err = os.Remove(full); err == nil {
			err = make(full)
		}
	}
	if err != nil {
		return fmt.Errorf("failed to create %q: %w", rel, err)
	}
	return nil
}

func (u *untar) writeFile(rel string, h *tar.Header, r io.Reader) error {
	var f *os.File
	err := u.create(rel, func(full string) (err error) {
		f, err = os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fs.FileMode(h.Mode&0o777))
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.CopyBuffer(f, r, u.buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("failed to write %q: %w", rel, err)
	}
	u.files[rel] = true
	return os.Chtimes(f.Name(), h.ModTime, h.ModTime)
}

// symlink recreates a symlink member. An empty target (seen in real zlib
// .conda files, G1) becomes an empty regular file, as in their .tar.bz2 twins.
func (u *untar) symlink(rel string, h *tar.Header) error {
	t := h.Linkname
	if t == "" {
		u.notes = append(u.notes, fmt.Sprintf("%s: symlink with an empty target written as an empty file, as in the .tar.bz2 form", rel))
		return u.writeFile(rel, &tar.Header{Mode: 0o644, ModTime: h.ModTime}, strings.NewReader(""))
	}
	if why := badTarget(t); why != "" {
		return u.unsafe(h.Name, why)
	}
	if escapes(path.Join(path.Dir(rel), t)) {
		return u.unsafe(h.Name, "symlink target "+t+" escapes the package")
	}
	err := u.create(rel, func(full string) error { return os.Symlink(filepath.FromSlash(t), full) })
	if err == nil {
		u.links[rel] = t
	}
	return err
}

func badTarget(t string) string {
	switch {
	case strings.HasPrefix(t, "/"), len(t) >= 2 && t[1] == ':' && isLetter(t[0]):
		return "symlink target " + t + " is absolute"
	case strings.ContainsAny(t, "\\\x00"):
		return "backslash or NUL in symlink target"
	}
	return ""
}

// hardlink links rel to an earlier regular-file member of this package.
func (u *untar) hardlink(rel string, h *tar.Header) error {
	t, why := cleanMember(h.Linkname)
	switch {
	case why != "":
		return u.unsafe(h.Name, "hardlink target: "+why)
	case !u.files[t]:
		return u.unsafe(h.Name, "hardlink to "+h.Linkname+", which is not an earlier file of the package")
	}
	err := u.create(rel, func(full string) error { return os.Link(u.full(t), full) })
	if err != nil {
		err = u.copyFile(rel, t)
	}
	if err == nil {
		u.files[rel] = true
	}
	return err
}

func (u *untar) copyFile(rel, from string) error {
	src, err := os.Open(u.full(from))
	if err != nil {
		return fmt.Errorf("failed to copy %q: %w", from, err)
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return fmt.Errorf("failed to copy %q: %w", from, err)
	}
	return u.writeFile(rel, &tar.Header{Mode: int64(st.Mode().Perm()), ModTime: st.ModTime()}, src)
}
