package bundle

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/BurntSushi/toml"
)

// Spec is the TOML file that 'onboard bundle build' reads. Paths in it are
// relative to the spec file's folder.
type Spec struct {
	Name         string                   `toml:"name"`
	ID           string                   `toml:"id"`
	Version      string                   `toml:"version"`
	Publisher    string                   `toml:"publisher"` // see Manifest.Publisher
	URL          string                   `toml:"url"`       // see Manifest.URL
	Created      string                   `toml:"created"`   // RFC 3339; "" = SOURCE_DATE_EPOCH, else the first day of the version's month
	License      string                   `toml:"license"`   // path of the licence text
	Icon         string                   `toml:"icon"`      // optional path of a PNG
	Demo         bool                     `toml:"demo"`
	PackageDirs  []string                 `toml:"package_dirs"`
	Platforms    map[string]*SpecPlatform `toml:"platforms"`
	Launchers    []Launcher               `toml:"launchers"`
	Condarc      *Condarc                 `toml:"condarc"`
	Frozen       map[string]string        `toml:"frozen"`        // env → message: see Manifest.Frozen
	MenuPackages *[]string                `toml:"menu_packages"` // see Manifest.MenuPackages

	dir string // the spec file's folder
}

// SpecPlatform names the lock files of one subdir.
type SpecPlatform struct {
	Base         string            `toml:"base"`
	Envs         map[string]string `toml:"envs"`
	VirtualSpecs []string          `toml:"virtual_specs"` // see Platform.VirtualSpecs
}

// LoadSpec reads and checks a build spec.
func LoadSpec(path string) (*Spec, error) {
	var s Spec
	data, err := readCapped(path, MaxSpecFile)
	if err != nil {
		return nil, fmt.Errorf("failed to read bundle spec %q: %w", path, err)
	}
	md, err := toml.Decode(string(data), &s)
	if err != nil {
		return nil, fmt.Errorf("failed to read bundle spec %q: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("bundle spec %q: unknown key %q", path, und[0].String())
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve %q: %w", path, err)
	}
	s.dir = filepath.Dir(abs)
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("bundle spec %q: %w", path, err)
	}
	return &s, nil
}

func (s *Spec) check() error {
	switch {
	case s.Name == "" || s.ID == "" || s.Version == "":
		return fmt.Errorf("name, id and version are required")
	case s.License == "":
		return fmt.Errorf("license (the path of a licence text file) is required")
	case len(s.Platforms) == 0:
		return fmt.Errorf("at least one [platforms.<subdir>] table is required")
	}
	if err := validatePublisher(s.Publisher, s.URL); err != nil {
		return err
	}
	if _, err := ParseCalVer(s.Version); err != nil {
		return err
	}
	for sd, p := range s.Platforms {
		if p == nil || p.Base == "" {
			return fmt.Errorf("[platforms.%s] needs base = \"<lock file>\"", sd)
		}
	}
	return nil
}

// path resolves p against the spec's folder.
func (s *Spec) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.dir, p)
}

// subdirs returns the spec's platforms, sorted.
func (s *Spec) subdirs() []string {
	out := make([]string, 0, len(s.Platforms))
	for sd := range s.Platforms {
		out = append(out, sd)
	}
	sort.Strings(out)
	return out
}

// createdTime decides bundle.json's "created": the spec's, else
// SOURCE_DATE_EPOCH, else midnight UTC on the first day of the version's
// month, never the clock, so that builds are reproducible.
func (s *Spec) createdTime() (time.Time, error) {
	if s.Created != "" {
		t, err := time.Parse(time.RFC3339, s.Created)
		if err != nil {
			return time.Time{}, fmt.Errorf("created %q is not an RFC 3339 time", s.Created)
		}
		return t.UTC(), nil
	}
	if e := os.Getenv("SOURCE_DATE_EPOCH"); e != "" {
		n, err := strconv.ParseInt(e, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", e)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	v, _ := ParseCalVer(s.Version)
	return time.Date(v.Year, time.Month(v.Month), 1, 0, 0, 0, 0, time.UTC), nil
}
