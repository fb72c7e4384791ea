package installer

import (
	"onboard/installer/bundle"
	"onboard/installer/pkg"
)

// PackageFile is one conda archive to install, with what the caller expects
// of it. The engine checks SHA256 (else MD5) and Size before using it.
type PackageFile struct {
	Path    string   // the archive on disk (.conda or .tar.bz2)
	SHA256  string   // expected, lowercase hex; "" when unknown
	MD5     string   // expected; used when SHA256 is ""
	Size    int64    // expected; 0 when unknown
	URL     string   // origin URL for conda-meta and urls.txt; "" = file:// URL of Path
	Depends []string // channel-patched depends; nil = those of info/index.json
	// Files and Unpacked are what the package holds (the bundle manifest's
	// facts; 0 when unknown): with them for every package, the extract
	// stage's progress follows each package's expected cost
	// (ExtractCost), not its archive's size.
	Files    int
	Unpacked int64
	// Open, when set, reads the archive from elsewhere (a bundle member);
	// Path then only names it (its base name is the fn) and Size is required.
	Open pkg.Opener `json:"-"`
}

// EnvRequest asks InstallEnv to make one conda environment.
type EnvRequest struct {
	Prefix   string        // the environment to create
	PkgsDir  string        // the package cache; "" = Prefix/pkgs
	Subdir   string        // the subdir of the payload: decides Windows or Unix rules
	Packages []PackageFile // any order: linked in dependency order
	// Requested names the user-requested specs (history "# update specs",
	// requested_spec(s) in conda-meta). Empty: every package pinned exactly,
	// as conda's @EXPLICIT install ("<unknown>/noarch::dependent==1.0=0").
	Requested  []string
	RootPrefix string // ROOT_PREFIX for link scripts; "" = Prefix
	// EnvironmentsTxt is the registry to append Prefix to; "" = the user's
	// ~/.conda/environments.txt; "-" = do not register.
	EnvironmentsTxt string
	Condarc         []byte // written to Prefix/condarc.d/onboard.yml when non-nil
	Command         string // the "# cmd:" line of conda-meta/history
	// StateDir holds the prefix lock and the transaction journal; "" =
	// RootPrefix/.onboard when Prefix is inside RootPrefix (an env of an
	// install), else Prefix/.onboard.
	StateDir string
	// LockHeld says the caller already holds the lock of StateDir
	// (LockPrefix), so InstallEnv does not take it.
	LockHeld bool
	// NewPrefix says the caller made Prefix for this install (or found it
	// empty) and rolls it back if the install fails (Install's
	// whole-operation journal): it holds nothing but the caller's state
	// folder (and, with --keep-package-cache, pkgs/). InstallEnv then
	// installs as into a folder it created itself (files written in
	// place, no lookup of what the folder held, a journal that needs no
	// syncs inside it), but its rollback only empties the folder, leaving
	// the state folder and the folder itself to the caller
	// (prefix.RootNew).
	NewPrefix bool
	// NoPackageCache installs in one pass: each archive is read once,
	// extracted into a scratch folder inside the prefix and its files
	// moved into place. Nothing is written to PkgsDir (no archives, no
	// extracted folders, no urls.txt); the records still name
	// PkgsDir/<fn> and PkgsDir/<dist>, where conda's cache would hold
	// them. An extracted folder already in PkgsDir is still used.
	NoPackageCache bool
	// WindowsLauncher returns the entry-point launcher written as
	// Scripts/<cmd>.exe for a Windows subdir (the program's embedded
	// assets.WindowsLauncher); nil fails a package with Windows entry points.
	WindowsLauncher func(subdir string) []byte
	Reporter        Reporter
	Logf            Logf
}

// Clash is a path that more than one package of an install provides. As in
// conda the last package linked wins; onboard reports it instead of staying
// silent.
type Clash struct {
	Path     string   `json:"path"`
	Packages []string `json:"packages"` // dists, in link order; the last one won
}

// EnvResult reports what InstallEnv did.
type EnvResult struct {
	Prefix   string   `json:"prefix"`
	Packages []string `json:"packages"` // dists linked, in link order
	Clashes  []Clash  `json:"clashes,omitempty"`
	Notes    []string `json:"notes,omitempty"` // e.g. "pyc compilation skipped: ..."
}

// Options configures Install of a whole bundle.
type Options struct {
	Prefix              string
	Bundle              *bundle.Bundle
	Subdir              string // "" = the best subdir of the bundle for this machine
	AllUsers            bool
	JupyterLauncher     bool // register the bundle's launchers
	MaintenanceLauncher bool // register a launcher of the maintenance app
	ShellSetup          bool // add a marked block to the user's shell start-up files
	// NoShortcuts makes none of the shortcuts that the packages' menu files
	// (Menu/*.json) ask for; conda makes them by default (its "shortcuts").
	NoShortcuts bool
	Force       bool // allow installing an older version over a newer one
	// KeepPackageCache also writes conda's package cache, PREFIX/pkgs
	// (the archives and their extracted folders, hard-linked into the
	// envs), for teams that want it. Without it each package is read
	// once from the bundle and its files written straight into the prefix.
	KeepPackageCache bool
	// WindowsLauncher supplies the Windows entry-point launcher (see
	// EnvRequest.WindowsLauncher).
	WindowsLauncher func(subdir string) []byte
	// LauncherIcon is the launchers' icon (a PNG) when the bundle carries
	// none: onboard's own; nil = launchers without an icon.
	LauncherIcon []byte
	Reporter     Reporter
	Logf         Logf
}

// launcherIcon is the icon of the launchers o makes: the bundle's, else
// o.LauncherIcon.
func launcherIcon(o Options) []byte {
	if icon := o.Bundle.Icon(); icon != nil {
		return icon
	}
	return o.LauncherIcon
}

// Result reports what Install did.
type Result struct {
	Name    string   `json:"name"` // the bundle's, as its manifest says
	ID      string   `json:"id"`
	Prefix  string   `json:"prefix"`
	Subdir  string   `json:"subdir"`
	Version string   `json:"version"`
	Envs    []string `json:"envs"`    // the named environments (PREFIX/envs/NAME); base is always there and not listed
	Changed bool     `json:"changed"` // false: the same version was already installed (its records there; its files not checked)
	// Replaced is the install the folder held, which this one replaced
	// (an upgrade, a downgrade, another bundle); nil for a new install.
	Replaced *InstalledVersion `json:"replaced,omitempty"`
	Clashes  []Clash           `json:"clashes,omitempty"`
	Notes    []string          `json:"notes,omitempty"`
	// Warnings are what the person must hear even from a silent run:
	// their own environments the upgrade left in the old install's folder
	// (a new version's env of the same name took their place).
	Warnings []string `json:"warnings,omitempty"`
	LogPath  string   `json:"log,omitempty"`
}
