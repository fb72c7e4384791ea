//go:build !nogui && !solaris

package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"onboard/app/wizard"
	"onboard/app/wizard/wizardtest"
)

// smallScreen is the largest minimum size, in Fyne's units, that fits the
// screens people have: 1366x768 at 125% is 1093x614 with a taskbar below,
// 1920x1080 at 200% is 960x540.
var smallScreen = fyne.NewSize(640, 480)

func fits(t *testing.T, what string, s fyne.Size) {
	t.Helper()
	if s.Width > smallScreen.Width || s.Height > smallScreen.Height {
		t.Errorf("%s needs at least %.0fx%.0f; it must fit in %.0fx%.0f, so that a small or scaled screen shows its buttons",
			what, s.Width, s.Height, smallScreen.Width, smallScreen.Height)
	}
}

// The wizard, with a long team name, and the maintenance window, with a
// long install path, can be made as small as a small or scaled screen: the
// headings and the banner wrap, and the pages scroll. Before, the
// one-line Welcome heading made the wizard at least 1,133 wide here (897
// with the real fonts for a short name), and at 200% its buttons were
// below the screen.
func TestWindowsFitSmallScreens(t *testing.T) {
	e := wizardtest.NewEngine(t)
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	wz.flow.State.Bundle.Manifest.Name = "Acme Research Computing Python Platform for Data Science"
	wz.views = map[wizard.StepID]fyne.CanvasObject{}
	wz.buildChrome()
	for _, id := range []wizard.StepID{wizard.StepWelcome, wizard.StepLicence, wizard.StepLocation, wizard.StepOptions, wizard.StepInstall, wizard.StepFinish} {
		wz.flow.GoTo(id)
		wz.show()
		fits(t, "the wizard's step "+wz.flow.Current().Title, wz.Window().Content().MinSize())
		// a page taller than this scrolls: Options did not, and at 640x480
		// its last line ran into the buttons (with the real fonts)
		if h := wz.views[id].MinSize().Height; h > 260 {
			t.Errorf("the %s page needs %.0f of height; it must scroll", wz.flow.Current().Title, h)
		}
	}

	m, _, _ := newMaintenance(t, &recorder{})
	in := *m.in
	in.Prefix += strings.Repeat("/a-rather-long-folder-name", 8)
	long := NewMaintenance(context.Background(), test.NewTempApp(t), m.eng, &in, m.deps)
	<-long.sized
	fits(t, "the maintenance window", long.win.Content().MinSize())
}

// The maintenance table's columns take their shares of the width where
// every cell fits, give a column too narrow for its widest cell that
// width, taken from the others' room, and need no more than the widest
// cells side by side. Before, its minimum was each cell's width divided by
// its share: 978 for a table whose cells fit in 700, which put a scroll
// bar under the table in a 920-wide window.
func TestColumnsLayoutWidths(t *testing.T) {
	c := &columnsLayout{shares: []float32{0.5, 0.25, 0.25}}
	mins := []float32{100, 100, 50}
	if ws := c.widths(mins, 800); ws[0] != 400 || ws[1] != 200 || ws[2] != 200 {
		t.Errorf("room for all: %v; want the shares 400 200 200", ws)
	}
	ws := c.widths(mins, 300)
	if ws[0] < 100 || ws[1] < 100 || ws[2] < 50 || ws[0]+ws[1]+ws[2] > 300.01 {
		t.Errorf("tight: %v; want each at least its minimum, 300 in all", ws)
	}
	if ws := c.widths(mins, 360); ws[1] != 100 || ws[0]+ws[1]+ws[2] < 359.99 || ws[0]+ws[1]+ws[2] > 360.01 {
		t.Errorf("a column below its minimum at its share: %v; want it at 100 and the width kept", ws)
	}
	m, _, _ := newMaintenance(t, &recorder{})
	<-m.sized
	table := findColumns(t, m.win.Content())
	min := table.MinSize()
	var widest float32
	for _, w := range table.Layout.(*columnsLayout).colMins(table.Objects) {
		widest += w
	}
	if min.Width != widest || min.Width > 880 {
		t.Errorf("the table needs %.0f; its widest cells side by side are %.0f, and the window's 920 must hold it", min.Width, widest)
	}
}

// The step list keeps its width from step to step: sized by the bold
// title of the current step, it was 4 px wider on Welcome, and the page
// beside it moved (audit Y2).
func TestStepListKeepsItsWidth(t *testing.T) {
	e := wizardtest.NewEngine(t)
	wz := newWizard(t, e, &recorder{}, wizard.StepWelcome)
	var widths []float32
	for _, id := range []wizard.StepID{wizard.StepWelcome, wizard.StepLicence, wizard.StepLocation, wizard.StepFinish} {
		wz.flow.GoTo(id)
		wz.show()
		widths = append(widths, wz.steps.box.MinSize().Width)
	}
	for _, w := range widths[1:] {
		if w != widths[0] {
			t.Fatalf("the step list's width moves from step to step: %v", widths)
		}
	}
}
