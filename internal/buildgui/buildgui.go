// Package buildgui says whether this build of onboard has windows (the
// Fyne GUI), for code that must not import the GUI: the installer makes
// the maintenance app's launcher run in a terminal when the app has no
// window to open (its menu of verify, repair and uninstall).
package buildgui
