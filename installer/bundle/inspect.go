package bundle

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // DecodeConfig of the icon
	"sort"
	"strings"

	"onboard/internal/humanize"
)

// Summary is what 'onboard bundle inspect' and 'onboard info' show of a
// bundle. Its JSON form is part of the command-line contract.
type Summary struct {
	Name      string          `json:"name"`
	ID        string          `json:"id"`
	Version   string          `json:"version"`
	Created   string          `json:"created"`
	Demo      bool            `json:"demo"`
	Source    string          `json:"source,omitempty"`
	Kind      string          `json:"kind,omitempty"` // flag, appended, beside, demo
	Signature string          `json:"signature"`      // "unsigned", "signed (not checked)", "signed by trusted key <id>"
	Subdirs   []SubdirSummary `json:"subdirs"`
	Launchers []string        `json:"launchers,omitempty"`
	Frozen    []string        `json:"frozen,omitempty"` // the envs conda may not change (Manifest.Frozen), sorted
	// Licence and Icon describe the bundle's own files: "35.1 kB, checked
	// against bundle.json" (or "none", or "…, not listed in bundle.json"
	// for a bundle of an older onboard), "256×256 PNG, checked …".
	Licence string `json:"licence"`
	Icon    string `json:"icon,omitempty"`
}

// SubdirSummary counts the packages of one subdir.
type SubdirSummary struct {
	Subdir   string       `json:"subdir"`
	Packages int          `json:"packages"` // distinct files, base and envs
	Bytes    int64        `json:"bytes"`
	Envs     []EnvSummary `json:"envs"` // "base" first
	// Messages names the packages with prelink messages and their files:
	// "eula 1.0 (terms.txt)".
	Messages []string `json:"prelink_messages,omitempty"`
}

// EnvSummary counts the packages of one env.
type EnvSummary struct {
	Name     string `json:"name"`
	Packages int    `json:"packages"`
	Bytes    int64  `json:"bytes"`
}

// Summary describes the bundle.
func (b *Bundle) Summary() Summary {
	m := &b.Manifest
	s := Summary{
		Name: m.Name, ID: m.ID, Version: m.Version, Created: m.Created, Demo: m.Demo,
		Source: b.Source, Signature: b.signatureStatus(),
	}
	for _, sd := range m.Subdirs() {
		s.Subdirs = append(s.Subdirs, b.subdirSummary(sd))
	}
	for _, l := range m.Launchers {
		s.Launchers = append(s.Launchers, l.Name)
	}
	for env := range m.Frozen {
		s.Frozen = append(s.Frozen, env)
	}
	sort.Strings(s.Frozen)
	how := ", checked against " + ManifestName
	if m.Assets == nil {
		how = ", not listed in " + ManifestName + " (a bundle of an older onboard)"
	}
	s.Licence = "none"
	if b.licence != "" {
		s.Licence = humanize.Bytes(int64(len(b.licence))) + how
	}
	if b.icon != nil {
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(b.icon)); err == nil {
			s.Icon = fmt.Sprintf("%d×%d PNG%s", cfg.Width, cfg.Height, how)
		}
	}
	return s
}

func (b *Bundle) subdirSummary(sd string) SubdirSummary {
	p := b.Manifest.Platforms[sd]
	out := SubdirSummary{Subdir: sd, Envs: []EnvSummary{envSummary("base", p.Base)}}
	for _, n := range p.EnvNames() {
		out.Envs = append(out.Envs, envSummary(n, p.Envs[n]))
	}
	for _, q := range p.WithMessages() {
		files := make([]string, len(q.PrelinkMessages))
		for i, m := range q.PrelinkMessages {
			files[i] = m.File
		}
		out.Messages = append(out.Messages, fmt.Sprintf("%s %s (%s)", q.Name, q.Version, strings.Join(files, ", ")))
	}
	pkgs, _ := b.Packages(sd)
	for _, pk := range pkgs {
		out.Packages++
		out.Bytes += pk.Size
	}
	return out
}

func envSummary(name string, pkgs []Package) EnvSummary {
	e := EnvSummary{Name: name, Packages: len(pkgs)}
	for _, p := range pkgs {
		e.Bytes += p.Size
	}
	return e
}

func (b *Bundle) signatureStatus() string {
	switch {
	case b.Signature == nil:
		return "unsigned"
	case b.TrustedBy != nil:
		return "signed by trusted key " + KeyID(b.TrustedBy)
	}
	return "signed (not checked: pass --trust-key)"
}
