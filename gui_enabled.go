//go:build !nogui && !solaris

package main

import "onboard/app/gui"

// startGUI opens the Fyne wizard or maintenance window.
var startGUI = gui.Run
