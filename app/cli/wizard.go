package cli

import (
	"context"

	"onboard/app/console"
	"onboard/app/wizard"
)

func init() {
	SetConsoleWizard(runConsoleWizard)
	register("--console", runConsoleFlag)
}

// VersionString is onboard's version as `onboard version` prints it.
func VersionString() string { return version() }

// runConsoleWizard is the text wizard: chosen when no display is found, or
// with `onboard --console`.
func runConsoleWizard(ctx context.Context, env Env) error {
	c := console.IO{In: env.Stdin, Out: env.Stdout}
	return console.Run(ctx, c, wizard.Real{}, console.Options{Launch: LaunchJupyter})
}

// runConsoleFlag is `onboard --console [--bundle FILE]`.
func runConsoleFlag(ctx context.Context, args []string, env Env) error {
	fs := newFlags("--console", env)
	bundlePath := fs.String("bundle", "", "install this bundle file instead of the one carried by onboard")
	if err := parse(fs, args); err != nil {
		return err
	}
	c := console.IO{In: env.Stdin, Out: env.Stdout}
	return console.Run(ctx, c, wizard.Real{BundlePath: *bundlePath}, console.Options{Launch: LaunchJupyter})
}
