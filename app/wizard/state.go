// Package wizard is the install wizard without a user interface: its steps
// as data, the choices a person makes as a plain State that becomes
// installer.Options, progress tracking, and the Engine seam over the
// installer and platform packages. app/gui and app/console render it; it
// never imports Fyne, so the nogui build (Solaris, servers) uses it too.
package wizard

import (
	"context"
	"errors"
	"fmt"
	"onboard/internal/buildgui"
	"onboard/platform"
	"strings"

	"onboard/installer"
	"onboard/installer/bundle"
)

// State is what the person has chosen so far. Options turns it into the
// engine's installer.Options.
type State struct {
	Bundle  *bundle.Bundle
	Subdir  string // the bundle's payload for this machine
	Licence string // the text shown on the Licence step
	// Messages are the packages of Subdir with prelink messages, which
	// conda shows, and asks to accept, before it installs them: the
	// Licence step shows them below the licence, and accepting it
	// accepts them.
	Messages            []bundle.Package
	LicenceAccepted     bool
	Prefix              string
	JupyterLauncher     bool
	MaintenanceLauncher bool
	ShellSetup          bool
	// ShellSetupOffered: this system has start-up files the shell set-up
	// would change; not on Windows, where the front ends do not offer it.
	ShellSetupOffered bool
	AllUsers          bool
	AllUsersAllowed   bool // whether this account may install for all users
}

// NewState returns the defaults of the issue: both launchers on, shell
// set-up off, per-user install, and the prefix the engine suggests.
func NewState(ctx context.Context, e Engine) (*State, error) {
	b, err := e.FindBundle(ctx)
	if err != nil {
		return nil, err
	}
	sub, err := ChooseSubdir(&b.Manifest, e.Candidates())
	if err != nil {
		return nil, err
	}
	// A machine too old for the packages is told so at once, not at the
	// Location step, whose folder is not the cause.
	if err := installer.CheckSystem(b, sub); err != nil {
		return nil, err
	}
	s := &State{
		Bundle: b, Subdir: sub,
		JupyterLauncher: true, MaintenanceLauncher: true,
		AllUsersAllowed:   e.CanInstallForAllUsers(),
		ShellSetupOffered: ShellSetupOffered(),
	}
	s.Messages = b.Manifest.Platforms[sub].WithMessages()
	if s.Licence, err = e.Licence(b); err != nil {
		return nil, err
	}
	if s.Prefix, err = e.DefaultPrefix(&b.Manifest, false); err != nil {
		return nil, err
	}
	return s, nil
}

// ShellSetupOffered tells whether the shell set-up would change anything
// on this system (platform.ShellFiles); a variable for the tests.
var ShellSetupOffered = func() bool {
	return len(platform.ShellFiles(platform.HostTarget(), platform.HostEnv())) > 0
}

// MaintenanceShortcutMade tells whether this build makes the maintenance
// shortcut of product on this system: not on macOS for a build without
// windows, whose maintenance app is a menu in a terminal (audit BB 8).
func MaintenanceShortcutMade(product string) bool {
	return platform.MaintenanceSpec(product, buildgui.HasWindow).Launchable(platform.HostTarget())
}

// Options returns the engine options for s.
func (s *State) Options(r installer.Reporter, logf installer.Logf) installer.Options {
	return installer.Options{
		Prefix:              s.Prefix,
		Bundle:              s.Bundle,
		Subdir:              s.Subdir,
		AllUsers:            s.AllUsers && s.AllUsersAllowed,
		JupyterLauncher:     s.JupyterLauncher,
		MaintenanceLauncher: s.MaintenanceLauncher,
		ShellSetup:          s.ShellSetup && s.ShellSetupOffered,
		Reporter:            r,
		Logf:                logf,
	}
}

// StepID names a step of the wizard.
type StepID int

// The wizard's steps, in order.
const (
	StepWelcome StepID = iota
	StepLicence
	StepLocation
	StepOptions
	StepInstall
	StepFinish
)

// Step is one page of the wizard. Views (GUI widgets, console prompts) are
// looked up by ID in the packages that render them.
type Step struct {
	ID    StepID
	Title string
	// Validate says why the wizard cannot go on from this step; nil = go on.
	Validate func(ctx context.Context, e Engine, s *State) error
}

// ErrLicenceRefused is the Licence step's answer when it was not accepted.
var ErrLicenceRefused = errors.New("you need to accept the licence to install")

// Steps returns the wizard's steps in order.
func Steps() []Step {
	return []Step{
		{ID: StepWelcome, Title: "Welcome"},
		{ID: StepLicence, Title: "Licence", Validate: validateLicence},
		{ID: StepLocation, Title: "Location", Validate: validatePlan},
		{ID: StepOptions, Title: "Options", Validate: validatePlan},
		{ID: StepInstall, Title: "Install"},
		{ID: StepFinish, Title: "Finish"},
	}
}

func validateLicence(_ context.Context, _ Engine, s *State) error {
	if !s.LicenceAccepted {
		if len(s.Messages) > 0 {
			return licenceAndMessagesRefused{} // what the box accepts, named whole (audit AU 16)
		}
		return ErrLicenceRefused
	}
	return nil
}

// LicenceRefusal is what the Licence step says, capitalised, when s's
// licence (and its packages' messages) is not accepted: the console's
// line, as the window says validateLicence's error.
func LicenceRefusal(s *State) string {
	msg := ErrLicenceRefused.Error()
	if len(s.Messages) > 0 {
		msg = licenceAndMessagesRefused{}.Error()
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// licenceAndMessagesRefused is ErrLicenceRefused where the packages have
// messages to accept with the licence.
type licenceAndMessagesRefused struct{}

func (licenceAndMessagesRefused) Error() string {
	return "you need to accept the licence and the packages' messages to install"
}
func (licenceAndMessagesRefused) Is(target error) bool { return target == ErrLicenceRefused }

// validatePlan lets the wizard go on when the engine's plan of the
// choices so far would go ahead, or has nothing to do.
func validatePlan(ctx context.Context, e Engine, s *State) error {
	_, err := CheckPlan(ctx, e, s.Options(nil, nil))
	return err
}

// ErrNoFolder is the Location step's answer when no folder is given.
var ErrNoFolder = errors.New("choose a folder to install into")

// CheckPlan asks the engine what Install would do with o (see
// installer.Plan); it changes nothing. The error is why Install would
// refuse. It takes Options rather than the State, so that the GUI can run
// it off the UI thread on a copy.
func CheckPlan(ctx context.Context, e Engine, o installer.Options) (*installer.InstallPlan, error) {
	if o.Prefix == "" {
		return nil, ErrNoFolder
	}
	return e.Plan(ctx, o)
}

// Flow walks the steps: Next validates the current step before moving on,
// Back never validates.
type Flow struct {
	Steps  []Step
	State  *State
	Engine Engine
	cur    int
}

// NewFlow starts a flow at the first step.
func NewFlow(e Engine, s *State) *Flow { return &Flow{Steps: Steps(), State: s, Engine: e} }

// Current returns the step shown now.
func (f *Flow) Current() Step { return f.Steps[f.cur] }

// Index returns the position of the current step, from 0.
func (f *Flow) Index() int { return f.cur }

// Next validates the current step and moves to the next one.
func (f *Flow) Next(ctx context.Context) error {
	if v := f.Current().Validate; v != nil {
		if err := v(ctx, f.Engine, f.State); err != nil {
			return err
		}
	}
	if f.cur < len(f.Steps)-1 {
		f.cur++
	}
	return nil
}

// Back moves to the previous step.
func (f *Flow) Back() {
	if f.cur > 0 {
		f.cur--
	}
}

// GoTo shows the step id without validation (screenshots, going back to
// fix the cause of an error).
func (f *Flow) GoTo(id StepID) error {
	for i, s := range f.Steps {
		if s.ID == id {
			f.cur = i
			return nil
		}
	}
	return fmt.Errorf("no wizard step %d", id)
}

// SetAllUsers sets AllUsers and, while the folder is still the default of
// the other choice, moves it to this choice's default (def: the engine's
// DefaultPrefix): an install for all users goes to the system's folder,
// not the installing user's home. It says whether the folder moved. The
// window's Options step and the console's ask it alike; the console kept
// the home folder (audit Y3).
func (s *State) SetAllUsers(on bool, def func(*bundle.Manifest, bool) (string, error)) bool {
	old, _ := def(&s.Bundle.Manifest, s.AllUsers)
	s.AllUsers = on
	if s.Prefix != old {
		return false
	}
	p, err := def(&s.Bundle.Manifest, on)
	if err != nil || p == s.Prefix {
		return false
	}
	s.Prefix = p
	return true
}
