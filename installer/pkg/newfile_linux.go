package pkg

import (
	"io"
	"io/fs"
	"syscall"
	"time"
	"unsafe"
)

// fdFile writes a new file through its descriptor alone. os.OpenFile
// would also try to register a regular file with the network poller
// (four fcntl calls and an epoll_ctl that fails, per file), and
// os.Chtimes would look the path up again; this costs open, write, one
// utimensat on the descriptor and close, as tar does.
type fdFile struct {
	fd   int
	name string
}

func create(name string, perm fs.FileMode) (newFile, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, uint32(perm.Perm()))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &fdFile{fd: fd, name: name}, nil
	}
}

func (f *fdFile) Name() string { return f.name }

func (f *fdFile) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := syscall.Write(f.fd, p[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, &fs.PathError{Op: "write", Path: f.name, Err: err}
		}
		if m == 0 {
			return n, io.ErrShortWrite
		}
		n += m
	}
	return n, nil
}

func (f *fdFile) finish(mtime time.Time) error {
	var err error
	if !mtime.IsZero() {
		ts := syscall.NsecToTimespec(mtime.UnixNano())
		times := [2]syscall.Timespec{ts, ts}
		// utimensat(fd, NULL, times, 0) is futimens(fd, times).
		if _, _, e := syscall.Syscall6(syscall.SYS_UTIMENSAT, uintptr(f.fd), 0, uintptr(unsafe.Pointer(&times[0])), 0, 0, 0); e != 0 {
			err = &fs.PathError{Op: "utimensat", Path: f.name, Err: e}
		}
	}
	if cerr := syscall.Close(f.fd); cerr != nil && err == nil {
		err = &fs.PathError{Op: "close", Path: f.name, Err: cerr}
	}
	return err
}

func (f *fdFile) abort() { syscall.Close(f.fd) }
