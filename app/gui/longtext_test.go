//go:build !nogui && !solaris

package gui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
	"onboard/installer/bundle"
)

// drawn returns the lines a longText draws.
func drawn(lt *longText) []*canvas.Text {
	var out []*canvas.Text
	for _, o := range test.WidgetRenderer(lt.body).Objects() {
		out = append(out, o.(*canvas.Text))
	}
	return out
}

// A licence of a megabyte is wrapped to the window and only the lines in
// view are drawn; they fit the width, follow the scroll and wrap again
// when the window narrows.
func TestLongTextDrawsTheLinesInView(t *testing.T) {
	test.NewTempApp(t)
	const para = "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction."
	var b strings.Builder
	n := 0
	for ; b.Len() < 1<<20; n++ {
		fmt.Fprintf(&b, "%d. %s\n\n", n, para)
	}
	lt := newLongText(textBlock{text: "Licence", bold: true}, textBlock{text: strings.TrimSpace(b.String())}, textBlock{text: "The end."})
	w := test.NewTempWindow(t, lt)
	w.Resize(fyne.NewSize(800, 600))
	lh := lt.lineHeight()
	check := func(when string) []*canvas.Text {
		t.Helper()
		ts := drawn(lt)
		if max := int(lt.scroll.Size().Height/lh) + 3; len(ts) > max || len(ts) < 10 {
			t.Fatalf("%s: %d lines drawn; want at most the %d a window shows", when, len(ts), max)
		}
		avail := lt.Size().Width - 2*theme.InnerPadding()
		for _, c := range ts {
			if got := fyne.MeasureText(c.Text, c.TextSize, c.TextStyle).Width; got > avail {
				t.Fatalf("%s: line %q is %v wide; the text has %v", when, c.Text, got, avail)
			}
		}
		return ts
	}
	ts := check("at the top")
	if ts[0].Text != "Licence" || !ts[0].TextStyle.Bold || ts[1].TextStyle.Bold ||
		!strings.HasPrefix("0. "+para, ts[1].Text+" "+ts[2].Text) || len(ts[1].Text) < 40 || ts[3].Text != "" {
		t.Fatalf("the first lines drawn are %q (bold %v), %q, %q, %q", ts[0].Text, ts[0].TextStyle.Bold, ts[1].Text, ts[2].Text, ts[3].Text)
	}
	wide := len(lt.lines)
	if wide < 3*n { // each paragraph is two lines or more, and a blank one
		t.Fatalf("%d lines at 800 pixels for %d paragraphs of %d characters", wide, n, len(para))
	}
	lt.scroll.ScrollToBottom()
	ts = check("at the bottom")
	if last := ts[len(ts)-1]; last.Text != "The end." || last.Position().Y+lh > lt.body.Size().Height {
		t.Fatalf("at the bottom the last line drawn is %q at %v of %v", last.Text, last.Position().Y, lt.body.Size().Height)
	}
	w.Resize(fyne.NewSize(400, 600))
	check("narrowed")
	if len(lt.lines) <= wide {
		t.Fatalf("narrowed to 400, %d lines; at 800 it was %d", len(lt.lines), wide)
	}
}

// The Licence step's scroll follows the window's layout: the text takes
// the room between the heading and the box.
func TestLongTextFillsItsRoom(t *testing.T) {
	test.NewTempApp(t)
	lt := newLongText(textBlock{text: "short"})
	c := container.NewBorder(nil, nil, nil, nil, lt)
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(500, 400))
	if s := lt.Size(); s.Height < 300 || s.Width < 400 {
		t.Fatalf("the text has %v of a 500×400 window", s)
	}
	if ts := drawn(lt); len(ts) != 1 || ts[0].Text != "short" {
		t.Fatalf("drawn %d lines", len(ts))
	}
}

// BenchmarkLicenceStep compares a word-wrapped Label in a scroll (the
// Licence step before) with longText, laying out a licence in a window.
func BenchmarkLicenceStep(b *testing.B) {
	para := "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction.\n\n"
	for _, kb := range []int{16, 64, 1024} {
		text := strings.Repeat(para, kb<<10/len(para)+1)
		for _, v := range []struct {
			name string
			make func() fyne.CanvasObject
		}{
			{"label", func() fyne.CanvasObject { return container.NewVScroll(wrapped(text)) }},
			{"longText", func() fyne.CanvasObject { return newLongText(textBlock{text: text}) }},
		} {
			if v.name == "label" && kb > 64 {
				continue // minutes
			}
			b.Run(fmt.Sprintf("%s/%dKB", v.name, kb), func(b *testing.B) {
				a := test.NewTempApp(b)
				for b.Loop() {
					w := a.NewWindow("licence")
					w.SetContent(v.make())
					w.Resize(fyne.NewSize(800, 600))
					w.Close()
				}
			})
		}
	}
}

// The Welcome step's package list is built when it is opened, not when
// the step is shown.
func TestPackageListIsBuiltWhenOpened(t *testing.T) {
	test.NewTempApp(t)
	built := 0
	numpy := widget.NewLabel("numpy")
	acc := widget.NewAccordion(widget.NewAccordionItem("Show the packages", newLazy(func() fyne.CanvasObject {
		built++
		return numpy
	})))
	w := test.NewTempWindow(t, container.NewVScroll(container.NewVBox(acc)))
	w.Resize(fyne.NewSize(400, 300))
	if built != 0 {
		t.Fatalf("the closed list was built %d times", built)
	}
	acc.Open(0)
	if built != 1 || !strings.Contains(texts(w), "numpy\n") {
		t.Fatalf("opened: built %d times, the window shows:\n%s", built, texts(w))
	}
	if numpy.Size().Height < numpy.MinSize().Height || acc.MinSize().Height < 2*numpy.MinSize().Height {
		t.Fatalf("opened, the list is %v in an accordion of %v; want room for it", numpy.Size(), acc.MinSize())
	}
	acc.Close(0)
	acc.Open(0)
	if built != 1 {
		t.Fatalf("built %d times after opening it again", built)
	}
}

// BenchmarkPackageList lays out the Welcome step's package list opened:
// a grid grown by Add (the plainest way, and the list before) against the
// cells given at once.
func BenchmarkPackageList(b *testing.B) {
	for _, n := range []int{150, 750, 3000} {
		var list []bundle.Package
		for i := range n {
			list = append(list, bundle.Package{Name: fmt.Sprintf("package-%05d", i), Version: "1.2.3", Size: 123456})
		}
		sum := wizard.Summary{Envs: []wizard.EnvSummary{{Name: "base", Packages: n, List: list}}}
		grown := func() fyne.CanvasObject {
			g := container.NewGridWithColumns(3)
			for _, p := range list {
				g.Add(widget.NewLabel(p.Name))
				g.Add(widget.NewLabel(p.Version))
				g.Add(widget.NewLabel("123 kB"))
			}
			return g
		}
		for _, v := range []struct {
			name string
			make func() fyne.CanvasObject
		}{{"grown", grown}, {"atOnce", func() fyne.CanvasObject { return packageList(sum) }}} {
			if v.name == "grown" && n > 750 {
				continue // minutes
			}
			b.Run(fmt.Sprintf("%s/%d", v.name, n), func(b *testing.B) {
				a := test.NewTempApp(b)
				for b.Loop() {
					w := a.NewWindow("packages")
					w.SetContent(container.NewVScroll(v.make()))
					w.Resize(fyne.NewSize(800, 600))
					w.Close()
				}
			})
		}
	}
}
