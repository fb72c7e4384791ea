//go:build !windows

package platform

import (
	"errors"
	"runtime"
)

var errNotWindows = errors.New("Windows shortcuts and registry entries can only be made on Windows, not " + runtime.GOOS)

func hostCreateShortcut(Shortcut) error { return errNotWindows }

// errNoRegistry is a registry entry to write or remove off Windows.
var errNoRegistry = errNotWindows

// hostRegistry is nil: there is no registry off Windows.
func hostRegistry() regStore { return nil }
