//go:build !unix

package bundle

import "os/exec"

// noTerminal does nothing here: an encrypted PEM key was refused before
// osslsigncode runs (prepareSigning).
func noTerminal(*exec.Cmd) {}
