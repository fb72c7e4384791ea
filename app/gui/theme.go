//go:build !nogui && !solaris

package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// readableTheme is Fyne's own theme with status colours a person can read on
// the light background. Fyne's light theme draws success, warning and error
// text in the bright colours of its dark one (#43f436 on white is 1.5:1,
// #ff9800 2.2:1); "healthy", "This is a demo bundle" and the errors of the
// Location step are text, so they get darker tones that reach WCAG's 4.5:1 on
// the background and on the input fields, and keep white text on a button of
// that importance readable. In the dark variant only the error red is lighter
// (Fyne's is 4.4:1 on a dark input field). In both, a control's boundary
// (the input border: an unchecked check box, a field) is darker or lighter.
type readableTheme struct{ fyne.Theme }

// Status colours: in the light variant Material's green 800 and red 800 and an
// amber dark enough for text; in the dark one a lighter red.
var (
	lightSuccess = color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	lightWarning = color.NRGBA{R: 0xa8, G: 0x4f, B: 0x00, A: 0xff}
	lightError   = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	darkError    = color.NRGBA{R: 0xff, G: 0x66, B: 0x59, A: 0xff}
	// A control's boundary (an unchecked check box, a field) at WCAG
	// 1.4.11's 3:1 or more on the background and on a field: Fyne's were
	// 1.2-1.6:1, and an unchecked box on the light page could not be seen.
	lightInputBorder = color.NRGBA{R: 0x76, G: 0x76, B: 0x76, A: 0xff}
	darkInputBorder  = color.NRGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff}
)

func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if v == theme.VariantLight {
		switch n {
		case theme.ColorNameSuccess:
			return lightSuccess
		case theme.ColorNameWarning:
			return lightWarning
		case theme.ColorNameError:
			return lightError
		case theme.ColorNameInputBorder:
			return lightInputBorder
		}
	}
	switch n {
	case theme.ColorNameError:
		return darkError
	case theme.ColorNameInputBorder:
		return darkInputBorder
	}
	return t.Theme.Color(n, v)
}

// useReadableTheme sets onboard's theme on a: Fyne's, with readable status
// colours; the variant still follows the system's light or dark setting.
func useReadableTheme(a fyne.App) {
	a.Settings().SetTheme(readableTheme{theme.DefaultTheme()})
}
