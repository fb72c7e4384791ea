package launch

import (
	"context"
	"errors"

	"onboard/installer"
)

// Problem is a launch that failed, for a window or a prompt to offer the
// way out: Repair when the env is broken, then Retry.
type Problem struct {
	Prefix, Env string
	What        string // what failed to start, for people: "" = Jupyter
	Err         error
	LogPath     string
	// Repair repairs the install; nil when the problem is not one Repair
	// fixes (Repairable is false).
	Repair func(ctx context.Context, r installer.Reporter, logf installer.Logf) error
	// Retry launches again (after a repair).
	Retry func(ctx context.Context) error
}

// Name is what failed to start: What, or Jupyter.
func (p Problem) Name() string { return firstOr(p.What, "Jupyter") }

// Repairable tells whether the problem is a broken env.
func (p Problem) Repairable() bool {
	var ee *EnvError
	return p.Repair != nil && errors.As(p.Err, &ee)
}

// Start is a launch that a window shows while it runs: a menu shortcut
// started with no terminal, where the address printed when no browser
// opens went unseen (audit BO 2). Run starts it and returns a
// *NoBrowserError when the server runs but no browser opened; any other
// error is shown as Problem with Err set to it (Repair, then Retry).
type Start struct {
	Name string // the shortcut's name, "JupyterLab"
	Run  func(ctx context.Context) error
	Problem
}
