//go:build nogui || solaris

package buildgui

// HasWindow tells whether this build opens windows: not this one (the
// nogui tag, or Solaris, where Fyne does not build).
const HasWindow = false
