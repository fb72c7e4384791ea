// Package ctxio reads a line of input as a context allows: a question on a
// terminal must end when the person presses Ctrl-C (SIGINT) or the
// program is told to stop (SIGTERM), not wait for an Enter that may never
// come.
package ctxio

import (
	"bufio"
	"context"
)

// ReadLine reads up to and including '\n' from r, as r.ReadString does,
// or returns ctx's error as soon as ctx ends. The read then goes on in the
// background and its line is lost: the caller is meant to stop reading r.
func ReadLine(ctx context.Context, r *bufio.Reader) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := r.ReadString('\n')
		done <- result{line, err}
	}()
	select {
	case res := <-done:
		return res.line, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
