//go:build unix

package maintain

import (
	"crypto/sha256"
	"hash"
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// On a prefix of many small files the system calls are most of verify's
// time (issue #15). os.Lstat, os.Open (which also asks the poller to
// watch the file), f.Stat, two reads and a close, each on the full path,
// become here: an openat in the folder (kept open while the worker's
// paths stay in it, so the kernel does not walk the whole path each
// time), one read, and a close; fstat only when the check needs the mode
// or the read disagrees with the recorded size.

// opener opens the paths of one worker's batch, relative to the last
// folder it opened.
type opener struct {
	root, dir string // the folder dirFD is open on: root/dir ("" = root)
	dirFD     int    // -1 = none
}

func newOpener() *opener { return &opener{dirFD: -1} }

// done closes the folder.
func (op *opener) done() {
	if op.dirFD >= 0 {
		unix.Close(op.dirFD)
	}
	op.root, op.dir, op.dirFD = "", "", -1
}

// at returns a descriptor of the folder root/dir (root absolute, dir
// relative and clean, with "/"), opening it when it is not the last one.
func (op *opener) at(root, dir string) (int, error) {
	if op.dirFD < 0 || dir != op.dir || root != op.root {
		op.done()
		abs := root
		if dir != "" {
			abs = root + "/" + dir
		}
		fd, err := retry(func() (int, error) {
			return unix.Open(abs, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		})
		if err != nil {
			return -1, err
		}
		op.root, op.dir, op.dirFD = root, dir, fd
	}
	return op.dirFD, nil
}

func retry(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// fastFile is a file opened without following a symlink.
type fastFile struct {
	fd       int
	statted  bool // size, mode, dev and ino are known
	size     int64
	mode     fs.FileMode
	dev, ino uint64
}

// open opens root/dir/name for reading, and fstats it when stat is set.
// missing: there is no such path. ok false otherwise: the caller checks
// the path through os instead (a symlink stands there, it cannot be
// opened, or its folder cannot).
func (op *opener) open(root, dir, name string, stat bool) (f fastFile, missing, ok bool) {
	dfd, err := op.at(root, dir)
	if err != nil {
		return f, err == unix.ENOENT, false
	}
	// O_NONBLOCK: a fifo put where a file was must not block verify
	fd, err := retry(func() (int, error) {
		return unix.Openat(dfd, name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	})
	if err != nil {
		return f, err == unix.ENOENT, false
	}
	f.fd = fd
	if stat && !f.stat() {
		f.close()
		return f, false, false
	}
	return f, false, true
}

func (f *fastFile) stat() bool {
	var st unix.Stat_t
	var err error
	for {
		err = unix.Fstat(f.fd, &st)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return false
	}
	perm := fs.FileMode(st.Mode & 0o777)
	switch uint32(st.Mode) & unix.S_IFMT {
	case unix.S_IFREG:
		f.mode = perm
	case unix.S_IFDIR:
		f.mode = fs.ModeDir | perm
	default:
		f.mode = fs.ModeIrregular | perm
	}
	f.statted, f.size, f.dev, f.ino = true, st.Size, uint64(st.Dev), uint64(st.Ino)
	return true
}

func (f *fastFile) close() { unix.Close(f.fd) }

// sameAs tells whether fi (from os.Lstat) is this (statted) file.
func (f *fastFile) sameAs(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && uint64(st.Dev) == f.dev && uint64(st.Ino) == f.ino
}

func (f *fastFile) read(p []byte) (int, error) {
	for {
		n, err := unix.Read(f.fd, p)
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}

// sum hashes the file, expected to be size bytes (its fstat size when
// statted). A file smaller than buf is read with one call in the common
// case: a regular file returns fewer bytes than asked only at its end, so
// a read that returns the whole size needs no second one.
func (f *fastFile) sum(buf []byte, size int64) ([32]byte, int64, error) {
	if size < int64(len(buf)) {
		want := int(size) + 1
		n := 0
		for n < want {
			m, err := f.read(buf[n:want])
			if err != nil {
				return [32]byte{}, int64(n), err
			}
			n += m
			if m == 0 || n >= int(size) && n < want {
				return sha256.Sum256(buf[:n]), int64(n), nil
			}
		}
		// longer than expected: hash it as a stream
		h := sha256.New()
		h.Write(buf[:n])
		return f.stream(h, buf, int64(n))
	}
	return f.stream(sha256.New(), buf, 0)
}

func (f *fastFile) stream(h hash.Hash, buf []byte, done int64) ([32]byte, int64, error) {
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
