package ctxio

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// A line that comes is read; a read that waits ends with the context, as
// a question on a terminal must when Ctrl-C is pressed.
func TestReadLine(t *testing.T) {
	line, err := ReadLine(context.Background(), bufio.NewReader(strings.NewReader("yes\nno\n")))
	if line != "yes\n" || err != nil {
		t.Fatalf("ReadLine = %q, %v", line, err)
	}
	r, w, err := os.Pipe() // nothing is ever written: a terminal nobody answers
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := ReadLine(ctx, bufio.NewReader(r))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ReadLine after the context ended = %v; want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadLine still waits for input after its context ended")
	}
}
