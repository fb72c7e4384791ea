//go:build screenshots && !nogui && !solaris

package gui

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"onboard/app/wizard"
	"onboard/installer"
)

// This file is only in the build that scripts/screenshots.sh makes
// (go build -tags screenshots); the product binary has none of it.

// ScreenshotSetup reads the settings of scripts/screenshots.sh and returns
// the engine to use, with d set for the picture:
//
//   - ONBOARD_SCREENSHOT_STEP=<step name or number>: open the wizard at that
//     step. At Install the real install pauses once, as its last env (the
//     demo's team env) starts linking, so that the picture shows progress
//     rather than the instant end of the demo.
//   - ONBOARD_SCREENSHOT_FAIL=1: the install fails with a full disk, for a
//     picture of the error dialog.
//   - ONBOARD_SCREENSHOT_REPAIR=1: the maintenance window starts a Repair
//     after its first check, which pauses half way through its own check.
func ScreenshotSetup(e wizard.Engine, d *Deps) wizard.Engine {
	v := os.Getenv("ONBOARD_SCREENSHOT_STEP")
	for i, s := range wizard.Steps() {
		if v == fmt.Sprint(i+1) || strings.EqualFold(v, s.Title) {
			d.StartStep = s.ID
		}
	}
	d.StartRepair = os.Getenv("ONBOARD_SCREENSHOT_REPAIR") == "1"
	clock := &pauseClock{}
	d.Now = clock.now
	p := pausingEngine{Engine: e, pause: 20 * time.Second, clock: clock, fail: os.Getenv("ONBOARD_SCREENSHOT_FAIL") == "1"}
	if d.StartStep != wizard.StepInstall && !d.StartRepair {
		return e
	}
	return p
}

// pauseClock is the progress's clock: it stands still while the engine is
// held, and goes on from there after, so the speed and time left shown are
// the ones the install had, not ones the pause made up.
type pauseClock struct {
	mu     sync.Mutex
	held   time.Time     // when the hold began; zero when not held
	paused time.Duration // the holds before
}

func (c *pauseClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.held.IsZero() {
		return c.held.Add(-c.paused)
	}
	return time.Now().Add(-c.paused)
}

// hold stops the clock until the returned func is called.
func (c *pauseClock) hold() (release func()) {
	c.mu.Lock()
	c.held = time.Now()
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.paused += time.Since(c.held)
		c.held = time.Time{}
		c.mu.Unlock()
	}
}

// pausingEngine is an Engine whose Install and Repair hold still once for
// pause, or whose Install fails.
type pausingEngine struct {
	wizard.Engine
	pause time.Duration
	clock *pauseClock
	fail  bool
}

func (p pausingEngine) Install(ctx context.Context, o installer.Options) (*installer.Result, error) {
	if p.fail {
		o.Reporter.Stage(installer.StageCheck, 100)
		o.Reporter.Advance(100)
		// what a disk that became full makes the real install say
		// (installer.asTargetError after the rollback), not a made-up text
		path := filepath.Join(o.Prefix, "envs", "team", "lib", "libteam.so")
		return nil, &installer.TargetError{Path: o.Prefix, Reason: "the disk became full; the folder is as it was before",
			Advice: "free some space and try again, or choose a folder on another disk",
			Err:    &fs.PathError{Op: "write", Path: path, Err: syscall.ENOSPC},
			Detail: fmt.Sprintf("write %q: %v", path, syscall.ENOSPC)}
	}
	skip := 0 // the link stages before the last env's
	if o.Bundle != nil {
		skip = max(0, len(wizard.PlanInstall(&o.Bundle.Manifest, o.Subdir).Envs)-1)
	}
	o.Reporter = &pausingReporter{Reporter: o.Reporter, ctx: ctx, pause: p.pause, clock: p.clock, at: installer.StageLink, skip: skip}
	return p.Engine.Install(ctx, o)
}

func (p pausingEngine) Repair(ctx context.Context, prefix, env string, r installer.Reporter, logf installer.Logf) (*wizard.Health, error) {
	return p.Engine.Repair(ctx, prefix, env, &pausingReporter{Reporter: r, ctx: ctx, pause: p.pause, clock: p.clock, at: installer.StageVerify}, logf)
}

// pausingReporter blocks the engine once: on the first item of stage at
// (after skip of its stages have passed), or when half of it is done. The
// engine's Reporter contract (never block) is broken on purpose here, for
// pictures only.
type pausingReporter struct {
	installer.Reporter
	ctx         context.Context
	pause       time.Duration
	clock       *pauseClock
	at          installer.Stage
	skip        int // stages at to let pass first
	once        sync.Once
	mu          sync.Mutex
	stage       installer.Stage
	done, total int64
}

func (r *pausingReporter) Stage(s installer.Stage, total int64) {
	r.mu.Lock()
	r.stage, r.done, r.total = s, 0, total
	if s == r.at && r.skip > 0 {
		r.skip--
		r.stage = "" // not this one
	}
	r.mu.Unlock()
	r.Reporter.Stage(s, total)
}

func (r *pausingReporter) Advance(n int64) {
	r.mu.Lock()
	// of n, what reaches half the stage; -1: n does not cross half
	upToHalf := int64(-1)
	if r.stage == r.at && r.total > 0 && r.done*2 < r.total && (r.done+n)*2 >= r.total {
		upToHalf = min(n, (r.total+1)/2-r.done)
	}
	r.done += n
	r.mu.Unlock()
	if upToHalf < 0 {
		r.Reporter.Advance(n)
		return
	}
	// a big file's bytes come in one report: the picture is taken at half
	// of them, not at 99% (audit Y2: the shot showed 99%)
	r.Reporter.Advance(upToHalf)
	r.hold()
	if n > upToHalf {
		r.Reporter.Advance(n - upToHalf)
	}
}

func (r *pausingReporter) Item(name string) {
	r.Reporter.Item(name)
	r.mu.Lock()
	here := r.stage == r.at
	r.mu.Unlock()
	if here {
		r.hold()
	}
}

func (r *pausingReporter) hold() {
	r.once.Do(func() {
		release := r.clock.hold()
		defer release()
		select {
		case <-time.After(r.pause):
		case <-r.ctx.Done():
		}
	})
}
