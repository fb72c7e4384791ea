//go:build !nogui && !solaris

package main

import (
	"context"

	"fyne.io/fyne/v2/app"

	"onboard/app/cli"
	"onboard/app/gui"
	"onboard/app/gui/guilocale"
	"onboard/app/launch"
	"onboard/app/wizard"
	"onboard/internal/appid"
)

// startGUI creates the real Fyne app and opens the wizard or the
// maintenance window. Only this file creates a Fyne app: app/gui takes one,
// so its tests run headless.
var startGUI cli.GUIFunc = func(ctx context.Context, env cli.Env, o cli.WizardOptions) error {
	d := gui.Deps{
		Version: cli.VersionString(),
		Launch:  cli.LaunchJupyter,
		Prefix:  o.Prefix,

		StartUninstall: o.StartUninstall,
	}
	eng := screenshotSetup(wizard.Real{BundlePath: o.BundlePath}, &d)
	return gui.Run(ctx, app.NewWithID(appid.ID), eng, d)
}

// screenshotSetup is replaced in the screenshots build (shots_on.go); the
// product runs the engine as it is.
var screenshotSetup = func(e wizard.Engine, _ *gui.Deps) wizard.Engine { return e }

func init() {
	// Fyne has read the locale by now (guilocale quietened what it could
	// not parse); the programs onboard starts get the person's values.
	guilocale.Restore()
	cli.SetLaunchUI(func(ctx context.Context, p launch.Problem) error {
		return gui.RunLaunchProblem(ctx, app.NewWithID(appid.ID), p)
	})
	cli.SetStartUI(func(ctx context.Context, s launch.Start) error {
		return gui.RunJupyterStart(ctx, app.NewWithID(appid.ID), s)
	})
}
