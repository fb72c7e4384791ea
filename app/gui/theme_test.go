//go:build !nogui && !solaris

package gui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// The status texts ("healthy", the demo bundle's warning, an error under a
// field) and a button of that importance are readable in both variants: WCAG
// AA's 4.5:1 for text. Fyne's light theme draws them in its dark theme's
// bright colours (1.5:1 for "healthy" on white).
func TestStatusColoursAreReadable(t *testing.T) {
	a := test.NewTempApp(t)
	useReadableTheme(a)
	th := a.Settings().Theme()
	on := map[fyne.ThemeColorName]fyne.ThemeColorName{
		theme.ColorNameSuccess: theme.ColorNameForegroundOnSuccess,
		theme.ColorNameWarning: theme.ColorNameForegroundOnWarning,
		theme.ColorNameError:   theme.ColorNameForegroundOnError,
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for status, fg := range on {
			c := th.Color(status, v)
			for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameOverlayBackground} {
				if r := contrast(c, th.Color(bg, v)); r < 4.5 {
					t.Errorf("variant %d: %s text on %s: contrast %.2f:1, want 4.5:1", v, status, bg, r)
				}
			}
			if r := contrast(th.Color(fg, v), c); r < 4.5 {
				t.Errorf("variant %d: %s on a %s button: contrast %.2f:1, want 4.5:1", v, fg, status, r)
			}
		}
	}
	// everything else is Fyne's
	for _, n := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNamePrimary, theme.ColorNameBackground} {
		if th.Color(n, theme.VariantLight) != theme.DefaultTheme().Color(n, theme.VariantLight) {
			t.Errorf("%s differs from Fyne's", n)
		}
	}
}

// An unchecked check box and a field's border can be seen: WCAG 1.4.11
// asks 3:1 for a control's boundary. In Fyne's light theme the box was
// #F3F3F3 on white, 1.1:1, and "Make the conda command…" read as a sentence.
func TestControlBordersCanBeSeen(t *testing.T) {
	a := test.NewTempApp(t)
	useReadableTheme(a)
	th := a.Settings().Theme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground} {
			if r := contrast(th.Color(theme.ColorNameInputBorder, v), th.Color(bg, v)); r < 3 {
				t.Errorf("variant %d: the input border on %s: contrast %.2f:1, want 3:1", v, bg, r)
			}
		}
	}
}
