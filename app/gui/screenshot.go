//go:build !nogui && !solaris

package gui

import (
	"context"
	"sync"
	"time"

	"onboard/app/wizard"
	"onboard/installer"
)

// ScreenshotEngine wraps e for scripts/screenshots.sh when it opens the
// wizard at step: at the Install step the real install pauses once, part
// way through linking, so that a picture shows the progress page rather
// than the instant end of the demo install. Other steps get e as it is.
func ScreenshotEngine(e wizard.Engine, step wizard.StepID) wizard.Engine {
	if step != wizard.StepInstall {
		return e
	}
	return pausingEngine{Engine: e, pause: 20 * time.Second}
}

// pausingEngine is an Engine whose Install holds still once for pause.
type pausingEngine struct {
	wizard.Engine
	pause time.Duration
}

func (p pausingEngine) Install(ctx context.Context, o installer.Options) (*installer.Result, error) {
	o.Reporter = &pausingReporter{Reporter: o.Reporter, ctx: ctx, pause: p.pause}
	return p.Engine.Install(ctx, o)
}

// pausingReporter blocks the engine once, on the first item of the link
// stage. Only screenshots use it: the engine's Reporter contract (never
// block) is broken on purpose here.
type pausingReporter struct {
	installer.Reporter
	ctx   context.Context
	pause time.Duration
	once  sync.Once
	mu    sync.Mutex
	stage installer.Stage
}

func (r *pausingReporter) Stage(s installer.Stage, total int64) {
	r.mu.Lock()
	r.stage = s
	r.mu.Unlock()
	r.Reporter.Stage(s, total)
}

func (r *pausingReporter) Item(name string) {
	r.Reporter.Item(name)
	r.mu.Lock()
	linking := r.stage == installer.StageLink
	r.mu.Unlock()
	if linking {
		r.once.Do(func() {
			select {
			case <-time.After(r.pause):
			case <-r.ctx.Done():
			}
		})
	}
}
