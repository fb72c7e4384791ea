//go:build !nogui && !solaris

package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onboard/app/wizard"
	"onboard/assets"
)

// banner is the top of a window: the bundle's icon (onboard's when the
// bundle has none), its name in large type, and a line under it.
func banner(icon []byte, name, sub string) fyne.CanvasObject {
	if len(icon) == 0 {
		icon = assets.Icon()
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource("icon.png", icon))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(48, 48))
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Wrapping = fyne.TextWrapWord // a long name, or an install's path, wraps
	subtitle := widget.NewLabel(sub)
	subtitle.Wrapping = fyne.TextWrapWord
	text := container.New(&tightVBox{}, title, subtitle)
	return container.NewPadded(container.NewBorder(nil, nil, img, nil, text))
}

// tightVBox stacks objects without padding, so that a title and its
// subtitle read as one block.
type tightVBox struct{}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height - theme.Padding()
	}
	return s
}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y-theme.Padding()/2))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - theme.Padding()
	}
}

// stepList is the side panel: every step of the wizard, the current one
// marked with an arrow icon and bold, the ones done with a tick icon.
type stepList struct {
	box    *fyne.Container
	icons  []*widget.Icon
	labels []*widget.Label
}

func newStepList(steps []wizard.Step) *stepList {
	l := &stepList{box: container.NewVBox()}
	var widest float32 // of the titles in bold, as the current step's is
	for _, st := range steps {
		ic := widget.NewIcon(nil)
		lb := widget.NewLabel(st.Title)
		l.icons, l.labels = append(l.icons, ic), append(l.labels, lb)
		l.box.Add(container.NewBorder(nil, nil, ic, nil, lb))
		b := widget.NewLabelWithStyle(st.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		widest = max(widest, b.MinSize().Width)
	}
	// as wide as its widest title in bold: sized by whichever title was
	// bold, the list, and the page beside it, moved 4 px after Welcome
	// (audit Y2)
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(theme.IconInlineSize()+theme.Padding()+widest, 0))
	l.box.Add(strut)
	return l
}

// mark shows step cur as the current one.
func (l *stepList) mark(cur int) {
	for i, lb := range l.labels {
		var res fyne.Resource
		imp := widget.MediumImportance
		switch {
		case i < cur:
			res = theme.ConfirmIcon()
		case i == cur:
			res = theme.NavigateNextIcon()
			imp = widget.HighImportance
		}
		l.icons[i].SetResource(res)
		lb.TextStyle.Bold = i == cur
		lb.Importance = imp
		lb.Refresh()
	}
}

// current returns the title of the step marked current ("" when none),
// for tests.
func (l *stepList) current() string {
	for _, lb := range l.labels {
		if lb.TextStyle.Bold {
			return lb.Text
		}
	}
	return ""
}

// columnsLayout lays its objects out in rows of len(shares) columns, each
// column taking its share of the width (never less than its widest cell)
// and each row the height of its tallest cell. Its minimum width is the
// columns' widest cells side by side, so that a window can be made that
// narrow; a scroll around it takes the rest.
type columnsLayout struct{ shares []float32 }

func (c *columnsLayout) rows(objs []fyne.CanvasObject) [][]fyne.CanvasObject {
	var out [][]fyne.CanvasObject
	n := len(c.shares)
	for i := 0; i < len(objs); i += n {
		out = append(out, objs[i:min(i+n, len(objs))])
	}
	return out
}

// colMins are the widths of each column's widest cell, padding included.
func (c *columnsLayout) colMins(objs []fyne.CanvasObject) []float32 {
	mins := make([]float32, len(c.shares))
	for _, row := range c.rows(objs) {
		for i, o := range row {
			mins[i] = max(mins[i], o.MinSize().Width+theme.Padding())
		}
	}
	return mins
}

func (c *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, m := range c.colMins(objs) {
		w += m
	}
	for _, row := range c.rows(objs) {
		var rh float32
		for _, o := range row {
			rh = max(rh, o.MinSize().Height)
		}
		h += rh + theme.Padding()
	}
	return fyne.NewSize(w, h)
}

// widths gives each column its share of width, or its minimum where that
// is more, taking the difference from the columns that have room to
// spare, in proportion to it.
func (c *columnsLayout) widths(mins []float32, width float32) []float32 {
	ws := make([]float32, len(mins))
	var over, spare float32
	for i, m := range mins {
		ws[i] = width * c.shares[i]
		if ws[i] < m {
			over += m - ws[i]
			ws[i] = m
		} else {
			spare += ws[i] - m
		}
	}
	if over > 0 && spare > 0 {
		f := min(1, over/spare)
		for i, m := range mins {
			if ws[i] > m {
				ws[i] -= (ws[i] - m) * f
			}
		}
	}
	return ws
}

func (c *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	ws := c.widths(c.colMins(objs), size.Width)
	y := float32(0)
	for _, row := range c.rows(objs) {
		var rh float32
		for _, o := range row {
			rh = max(rh, o.MinSize().Height)
		}
		x := float32(0)
		for i, o := range row {
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(ws[i]-theme.Padding(), rh))
			x += ws[i]
		}
		y += rh + theme.Padding()
	}
}

// keyButton is a button that Enter presses as well as Space, as a focused
// button does on Windows and GNOME. Fyne gives every key to the widget that
// has focus (a button reached with Tab), and its button takes only Space:
// Enter on a focused Back did nothing. Esc goes on to the window (onEsc;
// nil drops it). The window's fields hold &b.Button.
type keyButton struct {
	widget.Button
	onEsc   func(*fyne.KeyEvent)
	focused bool // draws the focus ring
}

// FocusGained shows the focus ring: Fyne marks a focused button by
// blending its focus colour, the primary colour, into its own, which on a
// primary button (Next, Install, Close) changed it by 5 units of 255.
func (b *keyButton) FocusGained() { b.focused = true; b.Button.FocusGained() }

// FocusLost hides the focus ring.
func (b *keyButton) FocusLost() { b.focused = false; b.Button.FocusLost() }

// CreateRenderer is the button's, with a ring in the foreground colour
// around it while it has the focus.
func (b *keyButton) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = 2
	return &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), ring: ring, b: b}
}

type ringRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	b    *keyButton
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Resize(size)
	r.ring.Move(fyne.NewPos(0, 0))
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(append([]fyne.CanvasObject{}, r.WidgetRenderer.Objects()...), r.ring)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.StrokeColor = color.Transparent
	if r.b.focused {
		r.ring.StrokeColor = theme.Color(theme.ColorNameForeground)
	}
	r.ring.CornerRadius = theme.InputRadiusSize()
	r.ring.Refresh()
}

// newButton is a button of onboard's windows; icon may be nil.
func newButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter and passes Esc to the window.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(&fyne.PointEvent{})
	case fyne.KeyEscape:
		if b.onEsc != nil {
			b.onEsc(ev)
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// disclosure is a titled section that its header button opens and closes,
// as Fyne's accordion does. Its header is a keyButton: Enter on it, once
// Tab has reached it, opens or closes it, and Esc goes on to the window
// (Cancel). The accordion's own header took Space alone and dropped
// Enter and Esc (audit N).
type disclosure struct {
	header  *keyButton
	content fyne.CanvasObject
	box     *fyne.Container
}

// newDisclosure is a closed section titled title holding content; onEsc
// takes Esc on its header.
func newDisclosure(title string, content fyne.CanvasObject, onEsc func(*fyne.KeyEvent)) *disclosure {
	d := &disclosure{content: content}
	d.header = newButton(title, theme.MenuExpandIcon(), d.toggle)
	d.header.Alignment = widget.ButtonAlignLeading
	d.header.Importance = widget.LowImportance
	d.header.onEsc = onEsc
	content.Hide()
	d.box = container.NewVBox(d.header, content)
	return d
}

// toggle opens the section when closed, and closes it when open.
func (d *disclosure) toggle() {
	if d.content.Visible() {
		d.content.Hide()
		d.header.SetIcon(theme.MenuExpandIcon())
	} else {
		d.content.Show()
		d.header.SetIcon(theme.MenuDropDownIcon())
	}
	d.box.Refresh()
}
