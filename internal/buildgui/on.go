//go:build !nogui && !solaris

package buildgui

// HasWindow tells whether this build opens windows.
const HasWindow = true
