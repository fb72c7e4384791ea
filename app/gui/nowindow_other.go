//go:build !nogui && !solaris && !windows

package gui

import (
	"fmt"
	"os"
)

// showNoWindow prints text on stderr, where a terminal shows it.
func showNoWindow(_, text string) { fmt.Fprintln(os.Stderr, "onboard: error: "+text) }
