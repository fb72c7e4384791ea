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
	}

	m, _, _ := newMaintenance(t, &recorder{})
	in := *m.in
	in.Prefix += strings.Repeat("/a-rather-long-folder-name", 8)
	long := NewMaintenance(context.Background(), test.NewTempApp(t), m.eng, &in, m.deps)
	<-long.sized
	fits(t, "the maintenance window", long.win.Content().MinSize())
}
