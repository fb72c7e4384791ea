package wizardtest

import (
	"context"
	"path/filepath"
	"testing"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/bundle"
)

// Engine is wizard.Real on the test bundle. Only DefaultPrefix differs:
// it points into a temporary home folder, so that tests never install
// into the real one; and whether all-users installs are offered is a
// setting, not whether the test runs as root.
type Engine struct {
	wizard.Real
	Home     string
	AllUsers bool // what CanInstallForAllUsers reports
}

// CanInstallForAllUsers reports e.AllUsers.
func (e *Engine) CanInstallForAllUsers() bool { return e.AllUsers }

// NewEngine returns an Engine on a freshly built test bundle. It points
// HOME and the XDG folders at a temporary home, so that launchers and
// ~/.conda/environments.txt written by a real install stay in the test.
func NewEngine(t testing.TB) *Engine {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	return &Engine{Real: wizard.Real{BundlePath: BundleFile(t)}, Home: home}
}

// DefaultPrefix is Home/test-python (Home/opt/test-python for all users).
func (e *Engine) DefaultPrefix(m *bundle.Manifest, allUsers bool) (string, error) {
	if allUsers {
		return filepath.Join(e.Home, "opt", "test-python"), nil
	}
	return filepath.Join(e.Home, "test-python"), nil
}

// Blocking is an Engine whose Install starts, reports progress, and then
// waits for its context to be cancelled: a test double for Cancel.
type Blocking struct {
	*Engine
	Started chan struct{} // closed once Install runs
	Release chan struct{} // closed by a test: the install goes on, and ends as the real one
}

// NewBlocking wraps e.
func NewBlocking(e *Engine) *Blocking {
	return &Blocking{Engine: e, Started: make(chan struct{}), Release: make(chan struct{})}
}

// Install reports a stage, then returns the context's error when
// cancelled, or installs when released.
func (b *Blocking) Install(ctx context.Context, o installer.Options) (*installer.Result, error) {
	o.Reporter.Stage(installer.StageExtract, 100)
	o.Reporter.Advance(42)
	o.Reporter.Item("jupyterlab-1.0-0.conda")
	o.Logf("extracting jupyterlab-1.0-0.conda")
	close(b.Started)
	select {
	case <-ctx.Done():
	case <-b.Release:
		return b.Engine.Install(ctx, o)
	}
	o.Reporter.Stage(installer.StageRollback, 0)
	return nil, ctx.Err()
}

// Failing is an Engine whose Install fails with Err: a test double for the
// error dialog when the real Install would succeed.
type Failing struct {
	*Engine
	Err error
}

// Install gets most of the way, then returns f.Err.
func (f *Failing) Install(ctx context.Context, o installer.Options) (*installer.Result, error) {
	if o.Reporter != nil {
		o.Reporter.Stage(installer.StageExtract, 100)
		o.Reporter.Advance(98)
	}
	return nil, f.Err
}

// ErrDiskFull is a typed error with a hint, for error dialogs.
var ErrDiskFull = &installer.TargetError{Path: "/x", Reason: "needs 1.2 GB, 300 MB free", Advice: "free some space or choose another disk"}
