// Package child runs the programs an install starts on a package's behalf
// (link scripts, menu items' precreate code) so that a cancel stops them
// and what they leave running cannot hold the install: each runs in a
// process group of its own (Unix), which a cancel kills whole, and Wait
// gives up on pipes that a program's leftover children keep open
// WaitDelay after it ended. Without this, Ctrl-C took as long as a
// script's `sleep 40 &`, and a script that started a server held the
// install until it was killed (audit BK 1).
package child

import (
	"errors"
	"os/exec"
	"time"
)

// WaitDelay bounds the wait for the pipes of a program that ended (or was
// killed) while something it started still holds them.
const WaitDelay = 5 * time.Second

// Prepare sets cmd up as above; cmd must come from exec.CommandContext
// for a cancel to reach it.
func Prepare(cmd *exec.Cmd) {
	cmd.WaitDelay = WaitDelay
	ownGroup(cmd)
}

// Result is what cmd.Run's err means: exec.ErrWaitDelay alone says the
// program ended well and something it left running kept its output open,
// which is not its failure.
func Result(err error) error {
	if errors.Is(err, exec.ErrWaitDelay) {
		return nil
	}
	return err
}
