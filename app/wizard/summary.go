package wizard

import (
	"fmt"
	"sort"
	"strings"

	"onboard/assets"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/link"
	"onboard/internal/humanize"
	"onboard/platform"
)

// MaintenanceAppBytes is the size of the maintenance app an install
// copies: this program without an appended bundle, as the install's plan
// counts it. Tests replace it.
var MaintenanceAppBytes = installer.MaintenanceAppBytes

// EnvSummary is one environment of a bundle, as the Welcome step lists it.
type EnvSummary struct {
	Name     string // "base" for the prefix itself
	Packages int
	Bytes    int64            // its package files
	List     []bundle.Package // its packages, by name
}

// Title is how people see the env's name: for the base, whether it has
// conda ("base, with conda"); a bundle's base need not be Miniconda's.
func (e EnvSummary) Title() string {
	if e.Name != "base" {
		return e.Name
	}
	for _, p := range e.List {
		if p.Name == "conda" {
			return "base, with conda"
		}
	}
	return "base"
}

// Summary is what the Welcome step says will be installed.
type Summary struct {
	Name, Version string
	Demo          bool
	Subdir        string
	Envs          []EnvSummary
	// Files and ArchiveBytes are the package files and their total size,
	// each file once: a package in two envs (python) is one file of the
	// installer, as `bundle inspect` counts it.
	Files        int
	ArchiveBytes int64
	DiskBytes    int64 // estimated disk space needed, as du counts it (bundle.Platform.DiskEstimate and the kept bundle file)
}

// Summarize describes the payload of bundle b for subdir, and the space
// its install takes as du counts it: with the whole bundle file the
// install keeps for repairs (installer.CarriedBeyond: the other platforms'
// archives too), which the maintenance window's sizes add up to.
func Summarize(b *bundle.Bundle, subdir string) Summary {
	m := &b.Manifest
	s := Summary{Name: m.Name, Version: m.Version, Demo: m.Demo, Subdir: subdir}
	p := m.Platforms[subdir]
	if p == nil {
		return s
	}
	seen := map[string]bool{}
	add := func(name string, pkgs []bundle.Package) {
		list := append([]bundle.Package(nil), pkgs...)
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		s.Envs = append(s.Envs, EnvSummary{Name: name, Packages: len(pkgs), Bytes: sizeOf(pkgs), List: list})
		for _, p := range pkgs {
			if !seen[p.ZipPath()] {
				seen[p.ZipPath()] = true
				s.Files++
				s.ArchiveBytes += p.Size
			}
		}
	}
	add("base", p.Base)
	for _, name := range sortedKeys(p.Envs) {
		add(name, p.Envs[name])
	}
	var exe int64
	if link.IsWindows(subdir) {
		exe = int64(len(assets.WindowsLauncher(subdir)))
	}
	s.DiskBytes = p.DiskEstimate(MaintenanceAppBytes(), exe, false) + installer.CarriedBeyond(b, p) // the wizard keeps no package cache
	return s
}

// Lines returns the summary as short lines for people.
func (s Summary) Lines() []string {
	var out []string
	if s.Demo {
		out = append(out, "This is a demo bundle: small stand-in packages, not a real Python.")
	}
	// the space first, as the window puts it (audit AU 1, review BF 8)
	out = append(out, s.SpaceNeeded()+".")
	// each env by the one name the window gives it (it said "environment
	// team" beside "base, with conda"), and the space as a sentence, as
	// the window has it (audit BC 8)
	for _, e := range s.Envs {
		out = append(out, fmt.Sprintf("• %s: %s, %s in the installer", e.Title(), plural(e.Packages, "package"), humanize.Bytes(e.Bytes)))
	}
	if n := s.EnvsNote(); n != "" {
		out = append(out, n)
	}
	return out
}

// SpaceNeeded is the Welcome step's line on the disk space the install
// takes on this machine, named in words ("for 64-bit Linux"), not by its
// conda subdir.
func (s Summary) SpaceNeeded() string {
	return fmt.Sprintf("Space needed on disk: about %s (for %s)", humanize.Bytes(s.DiskBytes), platform.SubdirWords(s.Subdir))
}

// EnvsNote says what the environments are for, to a newcomer who has
// not met conda's word (audit Y2: nothing said that "team" is where one
// works); "" when the bundle has only the base.
func (s Summary) EnvsNote() string {
	work, base := s.envRoles()
	if work == "" {
		return ""
	}
	return fmt.Sprintf("Python and its packages go into separate environments: you will work in %s; %s.", work, base)
}

// WorkNote is EnvsNote once installed, for the maintenance window, where
// the rows are the environments and "no Jupyter" beside base read as
// something broken (audit AU 13); "" when the bundle has only the base.
func (s Summary) WorkNote() string {
	work, base := s.envRoles()
	if work == "" {
		return ""
	}
	return fmt.Sprintf("You work in %s; %s.", work, base)
}

// envRoles names where one works ("the team environment": "work in
// team" read as "in a team", audit AU 6) and what base is for; work is
// "" when the bundle has only the base.
func (s Summary) envRoles() (work, base string) {
	var named []string
	base = "base holds the tools that manage them"
	for _, e := range s.Envs {
		switch {
		case e.Name != "base":
			named = append(named, e.Name)
		case e.Title() != "base":
			base = "base holds conda, which manages them"
		}
	}
	if len(named) == 0 {
		return "", base
	}
	work = named[0]
	if len(named) > 1 {
		work = strings.Join(named[:len(named)-1], ", ") + " or " + named[len(named)-1]
	}
	return "the " + work + " environment", base
}

func sizeOf(ps []bundle.Package) (n int64) {
	for _, p := range ps {
		n += p.Size
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ChooseSubdir returns the first of candidates that m has a payload for.
func ChooseSubdir(m *bundle.Manifest, candidates []string) (string, error) {
	for _, c := range candidates {
		if m.Platforms[c] != nil {
			return c, nil
		}
	}
	return "", &installer.PlatformError{Want: candidates, Have: sortedKeys(m.Platforms)}
}

// JupyterEnv returns the env the Jupyter launcher runs: the env of the
// first launcher whose command mentions jupyter, else the first env of the
// bundle, else "" (the base env).
func JupyterEnv(m *bundle.Manifest, subdir string) string {
	for _, l := range m.Launchers {
		if strings.Contains(strings.ToLower(strings.Join(l.Command, " ")), "jupyter") {
			return l.Env
		}
	}
	if p := m.Platforms[subdir]; p != nil {
		if keys := sortedKeys(p.Envs); len(keys) > 0 {
			return keys[0]
		}
	}
	return ""
}

// JupyterCommand returns the command (with its arguments) of the bundle's
// Jupyter launcher for env, e.g. ["jupyter", "notebook"]; nil when the
// bundle has none (then `onboard launch` runs `jupyter lab`).
func JupyterCommand(m *bundle.Manifest, env string) []string {
	if l := jupyterLauncher(m, env); l != nil {
		return append(append([]string{}, l.Command...), l.Arguments...)
	}
	return nil
}

// JupyterName is the name of the bundle's Jupyter launcher for env, as the
// applications menu shows it ("JupyterLab"); "Jupyter" when it has none.
func JupyterName(m *bundle.Manifest, env string) string {
	if l := jupyterLauncher(m, env); l != nil && l.Name != "" {
		return l.Name
	}
	return "Jupyter"
}

func jupyterLauncher(m *bundle.Manifest, env string) *bundle.Launcher {
	for i, l := range m.Launchers {
		if l.Env == env && len(l.Command) > 0 && strings.Contains(strings.ToLower(strings.Join(l.Command, " ")), "jupyter") {
			return &m.Launchers[i]
		}
	}
	return nil
}

// plural returns "1 package", "2 packages".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
