//go:build nogui || solaris

package main

import "onboard/app/cli"

// startGUI is nil in the nogui build: the console wizard is used instead.
var startGUI cli.GUIFunc
