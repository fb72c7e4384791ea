package wizard

import (
	"context"

	"onboard/installer"
	"onboard/installer/bundle"
)

// Engine is what the wizards and the maintenance window need from the
// installer and platform packages. Real is the one implementation; tests
// use it too, and wrap it only to force a failure.
type Engine interface {
	// FindBundle returns the bundle this program carries or was pointed at.
	FindBundle(ctx context.Context) (*bundle.Bundle, error)
	// Licence returns the bundle's licence text.
	Licence(b *bundle.Bundle) (string, error)
	// Candidates lists the conda subdirs this machine can run, best first.
	Candidates() []string
	// DefaultPrefix suggests where to install m.
	DefaultPrefix(m *bundle.Manifest, allUsers bool) (string, error)
	// CanInstallForAllUsers tells whether this account may install for
	// everyone on the machine.
	CanInstallForAllUsers() bool
	// Plan says what Install would do with o, changing nothing
	// (installer.Plan): the verdict the Location and Options steps show.
	// It is called off the UI thread as a person types.
	Plan(ctx context.Context, o installer.Options) (*installer.InstallPlan, error)
	// Install installs a bundle.
	Install(ctx context.Context, o installer.Options) (*installer.Result, error)
	// Verify checks an install, or only its environment env ("base" or
	// the name of PREFIX/envs/<env>) when env is not "".
	Verify(ctx context.Context, prefix, env string, r installer.Reporter, logf installer.Logf) (*Health, error)
	// Repair puts back what is broken in an install, or only in its
	// environment env when env is not "".
	Repair(ctx context.Context, prefix, env string, r installer.Reporter, logf installer.Logf) (*Health, error)
	// Uninstall removes an install and its launchers.
	Uninstall(ctx context.Context, prefix string, r installer.Reporter, logf installer.Logf) error
}

// Health is the result of Verify or Repair, as the user interfaces show it.
type Health struct {
	OK       bool     // nothing is wrong (after Repair: nothing is left wrong)
	Problems []string // one line per problem found (Repair: left unrepaired)
	Fixed    []string // what Repair put back
	Summary  string   // one line, e.g. "healthy: 1423 files checked"
	// EnvProblems counts the problems (after Repair: those left) per env;
	// envs without problems are absent.
	EnvProblems map[string]int `json:",omitempty"`
	// EnvLines says each env's problems in words, without the env's name
	// ("bin/jupyter-notebook is missing (jupyter-6.4-py_0)"), at most
	// MaxEnvLines of them: what the maintenance window lists.
	EnvLines map[string][]string `json:",omitempty"`
	// Removed are the envs the user removed with conda (maintain.Report's
	// Removed): not checked, and no damage.
	Removed []string `json:",omitempty"`
	// Remade are the bundle's envs the user made again with conda
	// (maintain.Report's Remade): the user's, not checked.
	Remade []string `json:",omitempty"`
	// Env is the one environment checked or repaired; "" = the whole
	// install.
	Env string `json:",omitempty"`
}
