// Package bundle is onboard's payload format: a zip with bundle.json, an
// optional ed25519 signature, a licence, an icon and the conda packages of
// every subdir. It opens, validates, builds, signs, attaches and finds
// bundles. It never imports the installer package.
package bundle

import (
	"fmt"
	"sort"
	"strings"

	"onboard/installer/pkg"
)

// SchemaVersion is the bundle.json schema this build reads and writes.
const SchemaVersion = 1

// Manifest is bundle.json.
type Manifest struct {
	Schema  int    `json:"schema"`
	Name    string `json:"name"`    // shown to users: "Acme Python"
	ID      string `json:"id"`      // reverse DNS: "com.acme.python"
	Version string `json:"version"` // CalVer YYYY.MM.MICRO
	// Publisher is who makes the bundle ("Acme Corp."), and URL its help
	// or about page: Apps & features' Publisher and links, the Windows
	// installer's CompanyName; "" = none (audit AF: IT saw a blank
	// publisher).
	Publisher string               `json:"publisher,omitempty"`
	URL       string               `json:"url,omitempty"`
	Created   string               `json:"created"` // RFC 3339; fixed for reproducible builds
	Demo      bool                 `json:"demo,omitempty"`
	Platforms map[string]*Platform `json:"platforms"` // by conda subdir
	Launchers []Launcher           `json:"launchers,omitempty"`
	Condarc   *Condarc             `json:"condarc,omitempty"`
	// Frozen are the envs ("base" or an env's name) the install marks as
	// frozen (CEP 22: conda-meta/frozen), each with the message conda
	// shows when asked to change it ("" = conda's own).
	Frozen map[string]string `json:"frozen,omitempty"`
	// MenuPackages are the packages whose menu files (Menu/*.json) may
	// make shortcuts, as constructor's menu_packages and conda's
	// shortcuts_only; nil = every package, empty = none.
	MenuPackages *[]string `json:"menu_packages,omitempty"`
	// Assets are the size and sha256 of the bundle's licence and icon
	// (LicenseName, IconName), checked when the bundle is opened; nil in
	// bundles of onboard before 2026-12 (assets.go).
	Assets map[string]Asset `json:"assets,omitempty"`
}

// Platform is the payload for one conda subdir.
type Platform struct {
	Base []Package            `json:"base"`
	Envs map[string][]Package `json:"envs,omitempty"`
	// VirtualSpecs are what the machine must have beyond what the
	// packages' own dependencies say (constructor's virtual_specs:
	// "__glibc >=2.28", "__osx >=12"), checked before the install.
	VirtualSpecs []string `json:"virtual_specs,omitempty"`
}

// Package is one conda package file in the bundle, at pkgs/<subdir>/<fn>.
type Package struct {
	Fn      string   `json:"fn"`
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Build   string   `json:"build"`
	Subdir  string   `json:"subdir"`
	SHA256  string   `json:"sha256"`
	MD5     string   `json:"md5"`
	Size    int64    `json:"size"`
	URL     string   `json:"url,omitempty"`
	Depends []string `json:"depends"`
	// LongestPath is the length, in UTF-16 units as Windows counts a path (winname.Units), of the longest path the
	// package installs; 0 when unknown.
	LongestPath int `json:"longest_path,omitempty"`
	// What the package unpacks to, from its paths.json, for the disk space
	// estimate (DiskEstimate); all 0 when unknown (a bundle built before).
	UnpackedSize int64 `json:"unpacked_size,omitempty"` // bytes of its files
	Files        int   `json:"files,omitempty"`         // its paths
	Dirs         int   `json:"dirs,omitempty"`          // the folders they are in
	PySize       int64 `json:"py_size,omitempty"`       // bytes of the .py files compiled at install (noarch: python)
	PyFiles      int   `json:"py_files,omitempty"`      // how many
	EntryPoints  int   `json:"entry_points,omitempty"`  // noarch: python entry points the link step writes
	// PrelinkMessages are the files of the package's
	// info/prelink_messages/ (often a vendor's licence terms), which
	// conda shows, and asks to accept, before it installs the package;
	// the front ends show them with the licence.
	PrelinkMessages []pkg.Message `json:"prelink_messages,omitempty"`
}

// Launcher is a shortcut that runs a command in an env.
type Launcher struct {
	Name      string   `json:"name"`
	Env       string   `json:"env"`
	Command   []string `json:"command"`
	Arguments []string `json:"arguments,omitempty"`
	Icon      string   `json:"icon,omitempty"`
}

// Condarc is what the new prefix's .condarc says.
type Condarc struct {
	Channels []string `json:"channels,omitempty"`
	Offline  bool     `json:"offline,omitempty"`
	// Solver is conda's solver ("classic" where libmamba is not there).
	Solver string `json:"solver,omitempty" toml:"solver"`
	// RepodataUseZst is conda's repodata_use_zst; nil = conda's default.
	RepodataUseZst *bool `json:"repodata_use_zst,omitempty" toml:"repodata_use_zst"`
	// RepodataUseShards is conda's repodata_use_shards (conda 26.7 reads
	// sharded repodata by default, which needs msgpack and zstd);
	// nil = conda's default.
	RepodataUseShards *bool `json:"repodata_use_shards,omitempty" toml:"repodata_use_shards"`
	// AddPipAsPythonDependency is conda's add_pip_as_python_dependency;
	// nil = conda's default (true: a solver install of python wants pip,
	// which a bundle without pip cannot give).
	AddPipAsPythonDependency *bool `json:"add_pip_as_python_dependency,omitempty" toml:"add_pip_as_python_dependency"`
}

// ZipPath returns where the package is stored in the bundle:
// pkgs/<subdir>/<fn>, with the package's own subdir ("noarch" packages are
// stored once and shared by every platform).
func (p Package) ZipPath() string { return "pkgs/" + p.Subdir + "/" + p.Fn }

// Dist returns "<name>-<version>-<build>".
func (p Package) Dist() string { return p.Name + "-" + p.Version + "-" + p.Build }

// Subdirs returns the conda subdirs the manifest carries, sorted.
func (m *Manifest) Subdirs() []string {
	out := make([]string, 0, len(m.Platforms))
	for s := range m.Platforms {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// EnvNames returns the names of the envs of p, sorted.
func (p *Platform) EnvNames() []string {
	out := make([]string, 0, len(p.Envs))
	for n := range p.Envs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// All returns every package of p: the base first, then each env by name.
func (p *Platform) All() []Package {
	out := append([]Package{}, p.Base...)
	for _, n := range p.EnvNames() {
		out = append(out, p.Envs[n]...)
	}
	return out
}

// WithMessages returns the packages of p that carry prelink messages, in
// the order All gives, each archive once.
func (p *Platform) WithMessages() []Package {
	var out []Package
	seen := map[string]bool{}
	for _, q := range p.All() {
		if len(q.PrelinkMessages) > 0 && !seen[q.ZipPath()] {
			seen[q.ZipPath()] = true
			out = append(out, q)
		}
	}
	return out
}

// MessagesText is the prelink messages of pkgs as a terminal shows them:
// conda's heading, then each file, named with its package, its lines
// indented; "" when there are none.
func MessagesText(pkgs []Package) string {
	if len(pkgs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("The following PRELINK MESSAGES are INCLUDED:\n")
	for _, p := range pkgs {
		for _, m := range p.PrelinkMessages {
			fmt.Fprintf(&b, "\n  File %s of %s %s:\n\n", m.File, p.Name, p.Version)
			for _, l := range strings.Split(strings.TrimRight(m.Text, "\n"), "\n") {
				b.WriteString(strings.TrimRight("  "+l, " ") + "\n")
			}
		}
	}
	return b.String()
}
