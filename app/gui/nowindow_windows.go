//go:build !nogui

package gui

import "golang.org/x/sys/windows"

// showNoWindow shows text in a message box: a GUI program has no console.
func showNoWindow(title, text string) {
	t, _ := windows.UTF16PtrFromString(text)
	c, _ := windows.UTF16PtrFromString(title)
	windows.MessageBox(0, t, c, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SETFOREGROUND)
}
