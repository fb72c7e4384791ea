//go:build !windows

package platform

import (
	"errors"
	"runtime"
)

var errNotWindows = errors.New("Windows shortcuts and registry entries can only be made on Windows, not " + runtime.GOOS)

func hostCreateShortcut(Shortcut) error { return errNotWindows }

func hostSetRegistry(RegistryEntry) error { return errNotWindows }

func hostDeleteRegistry(root, key string) error { return errNotWindows }

func hostReadRegistryFunc() func(root, key string) (map[string]string, error) { return nil }
