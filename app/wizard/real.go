package wizard

import (
	"context"
	"errors"
	"fmt"
	"onboard/internal/humanize"
	"runtime"
	"strings"

	"onboard/assets"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/maintain"
	"onboard/installer/uninstall"
	"onboard/platform"
)

// Real is the Engine over the installer, bundle and platform packages.
type Real struct {
	// BundlePath is --bundle FILE; "" = discover the bundle.
	BundlePath string
}

var _ Engine = Real{}

// FindBundle opens BundlePath, else discovers the bundle: appended to this
// executable, bundle.zip beside it, or the embedded demo bundle.
func (r Real) FindBundle(ctx context.Context) (*bundle.Bundle, error) {
	f, err := bundle.Discover(bundle.DiscoverOptions{Path: r.BundlePath, Demo: assets.DemoBundle()})
	if err != nil {
		return nil, installer.WrapBundleError(err)
	}
	return f.Bundle, nil
}

// Licence returns the bundle's LICENSE.txt, as checked when it was opened.
func (Real) Licence(b *bundle.Bundle) (string, error) {
	if t := b.Licence(); t != "" {
		return t, nil
	}
	return "This bundle carries no licence text. Ask your platform team which terms apply.", nil
}

// Candidates returns the subdirs platform.Detect finds for this machine.
func (Real) Candidates() []string { return platform.Detect().Candidates() }

// DefaultPrefix asks platform for the default prefix of m on this machine.
func (Real) DefaultPrefix(m *bundle.Manifest, allUsers bool) (string, error) {
	return platform.DefaultPrefix(platform.HostTarget(), platform.HostEnv(), m.Name, allUsers)
}

// CanInstallForAllUsers reports whether this account may install for
// everyone.
func (Real) CanInstallForAllUsers() bool { return platform.CanInstallForAllUsers() }

// Plan runs installer.Plan, which changes nothing, with the launchers
// Install uses: an interrupted install of the folder is not recovered
// here but foreseen (InstallPlan.Recover), and Install recovers it.
func (Real) Plan(ctx context.Context, o installer.Options) (*installer.InstallPlan, error) {
	if o.WindowsLauncher == nil {
		o.WindowsLauncher = assets.WindowsLauncher // its size is in the disk space needed
	}
	if o.LauncherIcon == nil {
		o.LauncherIcon = assets.Icon() // its files are among the launchers'
	}
	return installer.Plan(ctx, o)
}

// Install runs installer.Install with the Windows entry-point launchers
// this program carries.
func (Real) Install(ctx context.Context, o installer.Options) (*installer.Result, error) {
	if o.WindowsLauncher == nil {
		o.WindowsLauncher = assets.WindowsLauncher
	}
	if o.LauncherIcon == nil {
		o.LauncherIcon = assets.Icon()
	}
	return installer.Install(ctx, o)
}

// Verify runs maintain.Verify, of the whole install or of env, which
// recovers an interrupted operation first.
func (Real) Verify(ctx context.Context, prefix, env string, r installer.Reporter, logf installer.Logf) (*Health, error) {
	rep, err := maintain.Verify(ctx, prefix, maintain.VerifyOptions{Env: env, Reporter: r, Logf: logf})
	var de *engine.DamageError
	if err != nil && !errors.As(err, &de) {
		return nil, err
	}
	return HealthOfVerify(rep), nil
}

// HealthOfVerify summarizes a verify report.
func HealthOfVerify(rep *maintain.Report) *Health {
	h := &Health{OK: rep.Healthy, Env: rep.Env, Removed: rep.Removed, Remade: rep.Remade}
	for _, p := range rep.Problems {
		h.add(p)
	}
	h.Summary = humanize.Count(len(rep.Envs), "environment") + ", " + humanize.Count(rep.Packages, "package") + ", " + humanize.Count(rep.Files, "file") + " checked"
	if !rep.Healthy {
		n := 0
		for _, pkgs := range rep.Damaged() { // by env
			n += len(pkgs)
		}
		h.Summary = humanize.Count(len(rep.Problems), "problem") + " found"
		if n > 0 {
			h.Summary += " in " + humanize.Count(n, "package")
		}
	}
	return h
}

// Repair runs maintain.Repair, of the whole install or of env; archives
// gone from PREFIX/pkgs come from BundlePath or the bundle this program
// carries.
func (rl Real) Repair(ctx context.Context, prefix, env string, r installer.Reporter, logf installer.Logf) (*Health, error) {
	res, err := maintain.Repair(ctx, prefix, maintain.RepairOptions{BundlePath: rl.BundlePath, Env: env,
		WindowsLauncher: assets.WindowsLauncher, LauncherIcon: assets.Icon(), Reporter: r, Logf: logf})
	if res == nil {
		return nil, err
	}
	return HealthOfRepair(res), err
}

// HealthOfRepair summarizes what a repair found, fixed and left.
func HealthOfRepair(res *maintain.RepairResult) *Health {
	h := &Health{OK: len(res.Left) == 0, Env: res.Env}
	for _, f := range res.Fixed {
		h.Fixed = append(h.Fixed, fixLine(f))
	}
	for _, p := range res.Left {
		h.add(p)
	}
	switch {
	case len(res.Before) == 0 && len(h.Fixed) == 0:
		h.Summary = "nothing needed repair"
	case len(res.Before) == 0:
		// only the copy of the bundle kept for repairs was put back
		h.Summary = "no problems found; " + strings.Join(h.Fixed, "; ")
	case h.OK:
		h.Summary = "repaired: " + humanize.Count(len(res.Before), "problem") + " fixed"
	default:
		h.Summary = humanize.Count(len(res.Left), "problem") + " could not be repaired"
	}
	return h
}

// Uninstall runs installer.Uninstall.
func (Real) Uninstall(ctx context.Context, prefix string, r installer.Reporter, logf installer.Logf) error {
	return uninstall.Run(ctx, prefix, uninstall.Options{Reporter: r, Logf: logf})
}

// MaxEnvLines is how many problems of one env Health.EnvLines says.
const MaxEnvLines = 100

// add adds problem p to h.
func (h *Health) add(p maintain.Problem) {
	h.Problems = append(h.Problems, problemLine(p))
	if h.EnvProblems == nil {
		h.EnvProblems, h.EnvLines = map[string]int{}, map[string][]string{}
	}
	h.EnvProblems[p.Env]++
	if len(h.EnvLines[p.Env]) < MaxEnvLines {
		h.EnvLines[p.Env] = append(h.EnvLines[p.Env], problemWords(p))
	}
}

// fixLine says what Repair did, for people.
func fixLine(f maintain.Fix) string {
	if f.Package == "" || strings.Contains(f.Action, f.Package) {
		return fmt.Sprintf("%s: %s", f.Env, f.Action)
	}
	return fmt.Sprintf("%s in %s: %s", f.Package, f.Env, f.Action)
}

// problemLine says what is wrong, for people.
func problemLine(p maintain.Problem) string {
	line := fmt.Sprintf("%s: %s %s", p.Env, p.Kind, p.Path)
	if p.Package != "" {
		line += " (" + p.Package + ")"
	}
	return line
}

// problemKindWords says a kind of problem after the path it is about.
var problemKindWords = map[maintain.ProblemKind]string{
	maintain.ProblemMissing:          "is missing",
	maintain.ProblemAltered:          "was changed",
	maintain.ProblemWrongSize:        "was changed",
	maintain.ProblemWrongLink:        "is not the link it should be",
	maintain.ProblemMissingRecord:    "is missing: conda no longer knows the package is installed",
	maintain.ProblemUnreadableRecord: "cannot be read",
	maintain.ProblemManifest:         "is damaged or missing",
	maintain.ProblemMore:             "lists a package with more damaged files",
	maintain.ProblemHistory:          "is missing: conda no longer sees this environment",
	maintain.ProblemEnvironmentsTxt:  "does not list this environment",
	maintain.ProblemLauncher:         "(a launcher) is missing or changed",
	maintain.ProblemNonAdmin:         "(conda's marker of an install for one user) is missing or should not be there",
	maintain.ProblemSettings:         "(the bundle's conda settings) is missing, changed, or left by an older onboard",
	maintain.ProblemApp:              "(the maintenance app, which the launchers run) is missing or damaged",
}

// problemWords says problem p in words for the maintenance window, without
// its env: the path, what is wrong with it, and its package.
func problemWords(p maintain.Problem) string {
	words, ok := problemKindWords[p.Kind]
	if !ok {
		words = strings.ReplaceAll(string(p.Kind), "_", " ")
	}
	line := p.Path + " " + words
	switch {
	case p.Kind == maintain.ProblemWrongSize:
		// "301 bytes, want 291": the size is how it was found
		var got, want int64
		if n, _ := fmt.Sscanf(p.Detail, "%d bytes, want %d", &got, &want); n == 2 {
			line += fmt.Sprintf(" (%s now, %s when installed)", humanize.Bytes(got), humanize.Bytes(want))
		}
	case p.Detail != "" && p.Kind != maintain.ProblemMissing && p.Kind != maintain.ProblemAltered:
		line += " (" + p.Detail + ")"
	}
	if p.Package != "" && !strings.Contains(p.Path, p.Package) {
		line += ", of the package " + p.Package
	}
	return line
}

// ErrNoLauncher is returned where starting Jupyter is not wired in.
var ErrNoLauncher = errors.New("starting Jupyter is not available in this window; use the Jupyter shortcut in " + LauncherMenu(runtime.GOOS))
