package wizardtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/app/wizard"
	"onboard/installer"
	"onboard/installer/bundle"
)

// Engine is wizard.Real on the test bundle, with a home folder of its own.
// DefaultPrefix and CheckPrefix are stand-ins until platform's land
// (TODO(E): drop them then); everything else is the real adapter.
type Engine struct {
	wizard.Real
	Home string
}

// NewEngine returns an Engine on a freshly built test bundle.
func NewEngine(t testing.TB) *Engine {
	return &Engine{Real: wizard.Real{BundlePath: BundleFile(t)}, Home: t.TempDir()}
}

// DefaultPrefix is Home/test-python (TODO(E): platform.DefaultPrefix).
func (e *Engine) DefaultPrefix(m *bundle.Manifest, allUsers bool) (string, error) {
	if allUsers {
		return filepath.Join(e.Home, "opt", "test-python"), nil
	}
	return filepath.Join(e.Home, "test-python"), nil
}

// CheckPrefix refuses relative paths, files and folders that are not
// empty, and warns on spaces (TODO(E): platform.CheckPrefix).
func (e *Engine) CheckPrefix(prefix string, need int64) ([]string, error) {
	if !filepath.IsAbs(prefix) {
		return nil, &installer.TargetError{Path: prefix, Reason: "not an absolute path"}
	}
	if fi, err := os.Stat(prefix); err == nil {
		if !fi.IsDir() {
			return nil, &installer.TargetError{Path: prefix, Reason: "is a file"}
		}
		if ents, _ := os.ReadDir(prefix); len(ents) > 0 {
			return nil, &installer.TargetError{Path: prefix, Reason: "folder is not empty"}
		}
	}
	if strings.Contains(prefix, " ") {
		return []string{"the path has spaces; some conda tools dislike them"}, nil
	}
	return nil, nil
}

// Blocking is an Engine whose Install starts, reports progress, and then
// waits for its context to be cancelled: a test double for Cancel.
type Blocking struct {
	*Engine
	Started chan struct{} // closed once Install runs
}

// NewBlocking wraps e.
func NewBlocking(e *Engine) *Blocking { return &Blocking{Engine: e, Started: make(chan struct{})} }

// Install reports a stage, then returns the context's error when cancelled.
func (b *Blocking) Install(ctx context.Context, o installer.Options) (*installer.Result, error) {
	o.Reporter.Stage(installer.StageExtract, 100)
	o.Reporter.Advance(42)
	o.Reporter.Item("jupyterlab-1.0-0.conda")
	o.Logf("extracting jupyterlab-1.0-0.conda")
	close(b.Started)
	<-ctx.Done()
	o.Reporter.Stage(installer.StageRollback, 0)
	return nil, ctx.Err()
}

// Failing is an Engine whose Install fails with Err: a test double for the
// error dialog when the real Install would succeed.
type Failing struct {
	*Engine
	Err error
}

// Install returns f.Err.
func (f *Failing) Install(ctx context.Context, o installer.Options) (*installer.Result, error) {
	return nil, f.Err
}

// ErrDiskFull is a typed error with a hint, for error dialogs.
var ErrDiskFull = &installer.TargetError{Path: "/x", Reason: "needs 1.2 GB, 300 MB free", Advice: "free some space or choose another disk"}
