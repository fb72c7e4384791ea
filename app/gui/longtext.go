//go:build !nogui && !solaris

package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onboard/internal/textwrap"
)

// textBlock is one paragraph group of a longText: its text, and whether
// it is a heading (bold).
type textBlock struct {
	text string
	bold bool
}

// longText shows a long read-only text (a licence, packages' messages) in
// a vertical scroll, word-wrapped to its width, and draws only the lines
// in view. A word-wrapped Label lays out the whole text again and again:
// with Fyne 2.7 a licence of 64 KB took 5.6 s to appear and one of 256 KB
// 88 s, growing with the square of its length. Here the text is wrapped
// once per width, each distinct word measured once, and a scroll draws a
// window's height of lines.
type longText struct {
	widget.BaseWidget
	blocks []textBlock
	scroll *container.Scroll
	body   *longTextBody

	lines     []wrappedLine
	wrappedAt float32 // the width lines were wrapped for; 0 before the first
	textSize  float32 // the theme's text size they were measured at
	widths    map[measureKey]float32
}

// wrappedLine is one line as drawn.
type wrappedLine struct {
	text string
	bold bool
}

type measureKey struct {
	s    string
	bold bool
}

func newLongText(blocks ...textBlock) *longText {
	t := &longText{blocks: blocks, widths: map[measureKey]float32{}}
	t.body = &longTextBody{t: t}
	t.body.ExtendBaseWidget(t.body)
	t.scroll = container.NewVScroll(t.body)
	t.scroll.OnScrolled = func(fyne.Position) { t.body.Refresh() }
	t.ExtendBaseWidget(t)
	return t
}

// Text is the whole text, the blocks one per line.
func (t *longText) Text() string {
	parts := make([]string, len(t.blocks))
	for i, b := range t.blocks {
		parts[i] = b.text
	}
	return strings.Join(parts, "\n")
}

func (t *longText) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(t.scroll)
}

// MinSize is a few lines: the text scrolls in whatever room it is given.
func (t *longText) MinSize() fyne.Size {
	return fyne.NewSize(theme.Padding()*4, t.lineHeight()*3+2*theme.InnerPadding())
}

// Resize wraps the lines again when the width changes.
func (t *longText) Resize(s fyne.Size) {
	if s.Width != t.wrappedAt || t.textSize != t.size() {
		t.wrap(s.Width)
	}
	t.BaseWidget.Resize(s)
	t.scroll.Refresh()
}

func (t *longText) Refresh() {
	if t.textSize != t.size() && t.wrappedAt > 0 { // the theme changed
		t.wrap(t.wrappedAt)
	}
	t.BaseWidget.Refresh()
}

func (t *longText) size() float32 { return t.Theme().Size(theme.SizeNameText) }

// lineHeight is a line's height, which a Label's wrapped lines have too.
func (t *longText) lineHeight() float32 {
	return fyne.MeasureText("M", t.size(), fyne.TextStyle{}).Height
}

// wrap breaks the blocks into lines that fit width.
func (t *longText) wrap(width float32) {
	if sz := t.size(); sz != t.textSize {
		t.textSize, t.widths = sz, map[measureKey]float32{}
	}
	t.wrappedAt = width
	avail := width - 2*theme.InnerPadding()
	t.lines = t.lines[:0]
	for _, b := range t.blocks {
		measure := func(s string) float32 { return t.measure(s, b.bold) }
		for _, para := range strings.Split(b.text, "\n") {
			for _, l := range textwrap.Line(strings.ReplaceAll(para, "\t", "    "), avail, measure) {
				t.lines = append(t.lines, wrappedLine{text: l, bold: b.bold})
			}
		}
	}
}

func (t *longText) measure(s string, bold bool) float32 {
	k := measureKey{s, bold}
	w, ok := t.widths[k]
	if !ok {
		w = fyne.MeasureText(s, t.textSize, fyne.TextStyle{Bold: bold}).Width
		t.widths[k] = w
	}
	return w
}

// longTextBody is the scrolled content: as tall as all the lines, drawing
// those in view.
type longTextBody struct {
	widget.BaseWidget
	t *longText
}

func (b *longTextBody) MinSize() fyne.Size {
	return fyne.NewSize(0, float32(len(b.t.lines))*b.t.lineHeight()+2*theme.InnerPadding())
}

func (b *longTextBody) CreateRenderer() fyne.WidgetRenderer {
	return &longTextRenderer{b: b}
}

type longTextRenderer struct {
	b     *longTextBody
	texts []*canvas.Text
	objs  []fyne.CanvasObject
}

func (r *longTextRenderer) Destroy()                     {}
func (r *longTextRenderer) MinSize() fyne.Size           { return r.b.MinSize() }
func (r *longTextRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *longTextRenderer) Layout(fyne.Size)             { r.place() }
func (r *longTextRenderer) Refresh()                     { r.place(); canvas.Refresh(r.b) }

// place draws the lines the scroll shows (and one more each side).
func (r *longTextRenderer) place() {
	t := r.b.t
	lh, pad := t.lineHeight(), theme.InnerPadding()
	first := int((t.scroll.Offset.Y-pad)/lh) - 1
	if first < 0 {
		first = 0
	}
	n := int(t.scroll.Size().Height/lh) + 3
	if first+n > len(t.lines) {
		n = max(len(t.lines)-first, 0)
	}
	for len(r.texts) < n {
		r.texts = append(r.texts, canvas.NewText("", nil))
	}
	th := t.Theme()
	fg := th.Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant())
	r.objs = r.objs[:0]
	for i := range n {
		l, c := t.lines[first+i], r.texts[i]
		c.Text, c.TextStyle, c.TextSize, c.Color = l.text, fyne.TextStyle{Bold: l.bold}, t.textSize, fg
		c.Move(fyne.NewPos(pad, pad+float32(first+i)*lh))
		c.Resize(fyne.NewSize(t.wrappedAt-2*pad, lh))
		c.Refresh()
		r.objs = append(r.objs, c)
	}
}
