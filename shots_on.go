//go:build screenshots && !nogui && !solaris

package main

import "onboard/app/gui"

// The screenshots build (scripts/screenshots.sh) reads its settings from
// the environment; the product binary has no such hook.
func init() { screenshotSetup = gui.ScreenshotSetup }
