//go:build unix

package installer

import (
	"crypto/sha256"
	"io/fs"
	"syscall"
)

// fastFile is a file verify opened without following a symlink: one open,
// one fstat, reads and a close, where os.Lstat, os.Open (which also asks
// the poller to watch the file) and f.Stat cost three more system calls
// per file. On a prefix of many small files those calls are most of
// verify's time (issue #15).
type fastFile struct {
	fd       int
	size     int64
	mode     fs.FileMode
	dev, ino uint64
}

// openFast opens path for reading. missing: there is no such path. ok
// false otherwise: the caller checks the path through os instead (a
// symlink stands there, or it cannot be opened).
func openFast(path string) (f fastFile, missing, ok bool) {
	var fd int
	var err error
	for {
		// O_NONBLOCK: a fifo put where a file was must not block verify
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return f, err == syscall.ENOENT, false
	}
	var st syscall.Stat_t
	for {
		err = syscall.Fstat(fd, &st)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		syscall.Close(fd)
		return f, false, false
	}
	perm := fs.FileMode(st.Mode & 0o777)
	switch uint32(st.Mode) & syscall.S_IFMT {
	case syscall.S_IFREG:
		f.mode = perm
	case syscall.S_IFDIR:
		f.mode = fs.ModeDir | perm
	default:
		f.mode = fs.ModeIrregular | perm
	}
	f.fd, f.size, f.dev, f.ino = fd, st.Size, uint64(st.Dev), uint64(st.Ino)
	return f, false, true
}

func (f *fastFile) close() { syscall.Close(f.fd) }

// sameAs tells whether fi (from os.Lstat) is this file.
func (f *fastFile) sameAs(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && uint64(st.Dev) == f.dev && uint64(st.Ino) == f.ino
}

func (f *fastFile) read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(f.fd, p)
		if err != syscall.EINTR {
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}

// sum hashes the file. A file smaller than buf is read with one call in
// the common case: a regular file returns fewer bytes than asked only at
// its end, so a read that returns the whole size needs no second one.
func (f *fastFile) sum(buf []byte) ([32]byte, int64, error) {
	if f.size < int64(len(buf)) {
		want := int(f.size) + 1
		n := 0
		for n < want {
			m, err := f.read(buf[n:want])
			if err != nil {
				return [32]byte{}, int64(n), err
			}
			n += m
			if m == 0 || n >= int(f.size) && n < want {
				return sha256.Sum256(buf[:n]), int64(n), nil
			}
		}
		// it grew since fstat: hash it as a stream
		h := sha256.New()
		h.Write(buf[:n])
		return f.stream(h, buf, int64(n))
	}
	return f.stream(sha256.New(), buf, 0)
}

func (f *fastFile) stream(h interface {
	Write([]byte) (int, error)
	Sum([]byte) []byte
}, buf []byte, done int64) ([32]byte, int64, error) {
	var out [32]byte
	for {
		m, err := f.read(buf)
		if err != nil {
			return out, done, err
		}
		if m == 0 {
			h.Sum(out[:0])
			return out, done, nil
		}
		h.Write(buf[:m])
		done += int64(m)
	}
}
