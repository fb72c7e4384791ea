//go:build !nogui && !solaris

// Package gui is onboard's Fyne interface: the install wizard and the
// maintenance window with its Help menu. It is a thin view over the engine.
package gui

import (
	"context"

	"onboard/app/cli"
)

// Run opens the wizard. It is a placeholder until the wizard lands.
func Run(ctx context.Context, env cli.Env) error {
	return cli.ErrNoDisplay
}
