package bundle

import (
	"bytes"
	"io"
	"os"
)

// sparseWriter writes to a file, turning runs of zero bytes into holes
// (a seek instead of a write), so that copying a bundle or a package with
// long zero runs does not use disk for them. Finish must be called after
// the last Write: it sets the file's length when it ends in a hole.
// Writers other than *os.File are written to as they are.
type sparseWriter struct {
	w       io.Writer
	f       *os.File
	pending int64 // zero bytes not written yet
}

const sparseBlock = 64 << 10

var zeroBlock = make([]byte, sparseBlock)

func newSparseWriter(w io.Writer) *sparseWriter {
	f, _ := w.(*os.File)
	return &sparseWriter{w: w, f: f}
}

func (s *sparseWriter) Write(p []byte) (int, error) {
	if s.f == nil {
		return s.w.Write(p)
	}
	written := 0
	for len(p) > 0 {
		n := min(len(p), sparseBlock)
		if bytes.Equal(p[:n], zeroBlock[:n]) {
			s.pending += int64(n)
		} else {
			if err := s.flushHole(); err != nil {
				return written, err
			}
			if _, err := s.f.Write(p[:n]); err != nil {
				return written, err
			}
		}
		written += n
		p = p[n:]
	}
	return written, nil
}

func (s *sparseWriter) flushHole() error {
	if s.pending == 0 {
		return nil
	}
	_, err := s.f.Seek(s.pending, io.SeekCurrent)
	s.pending = 0
	return err
}

// Finish makes a trailing hole part of the file.
func (s *sparseWriter) Finish() error {
	if s.f == nil || s.pending == 0 {
		return nil
	}
	pos, err := s.f.Seek(s.pending, io.SeekCurrent)
	if err != nil {
		return err
	}
	s.pending = 0
	return s.f.Truncate(pos)
}
