package cli

import (
	"context"
	"errors"

	"onboard/app/console"
	"onboard/app/wizard"
)

func init() { consoleWizard = runConsoleWizard }

// VersionString is onboard's version as `onboard version` prints it.
func VersionString() string { return version() }

// runConsoleWizard is the text wizard: chosen when no display is found, or
// with `onboard --console`.
func runConsoleWizard(ctx context.Context, env Env, o WizardOptions) error {
	c := console.IO{In: env.Stdin, Out: env.Stdout}
	err := console.Run(ctx, c, wizard.Real{BundlePath: o.BundlePath}, console.Options{Launch: LaunchJupyter, Prefix: o.Prefix})
	if q := (*console.Quit)(nil); errors.As(err, &q) {
		return reportedError{err} // it said that nothing was installed
	}
	return err
}
