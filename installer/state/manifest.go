package state

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"onboard/installer/bundle"
	"onboard/installer/pkg"
	"onboard/internal/atomicfile"
)

// BaseEnv is the name of the base environment, the prefix itself.
const BaseEnv = "base"

// Manifest is the installed manifest, PREFIX/.onboard/manifest.json: the
// bundle.json that was installed, the subdir chosen, and whether the
// install is for all users. Its presence is what makes a folder an onboard
// install.
type Manifest struct {
	bundle.Manifest
	Subdir string `json:"subdir"`
	// AllUsers marks an install for all users: its modes are kept at
	// 0755/0644 by install and repair.
	AllUsers bool `json:"all_users,omitempty"`
	// PackageCache says whether the install keeps conda's package cache
	// PREFIX/pkgs (--keep-package-cache), which repair then keeps whole;
	// nil in a manifest written before it was recorded. conda's own
	// commands fill pkgs/ too, with the bundle's packages among them, so
	// its content cannot tell.
	PackageCache *bool `json:"package_cache,omitempty"`
	// Home is the folder the manifest was written for, hex-encoded: conda
	// rewrites the install's path in every text file it copies into a
	// clone of the base (.onboard/ included), but not this spelling, so a
	// clone made anywhere tells the install it came from (CloneOf; audit
	// AV 2). "" in a manifest written before it was recorded.
	Home string `json:"home,omitempty"`
	// Made is what the install made outside the prefix, so that verify
	// can tell a lost .onboard/launchers.json from an install that made
	// none (audit BM 7: the record deleted, verify called the install
	// healthy and uninstall left the icons). nil in a manifest written
	// before it was recorded, and by an install that made no launcher and
	// no shell set-up; repair's rebuild of a lost manifest takes it from
	// the launcher record, when that is there.
	Made *Made `json:"made,omitempty"`
}

// Made is what an install made beside the prefix: its launchers (the
// names of their platform.LauncherSpec: the bundle's and the maintenance
// app's), whether it set up the shells, and whether it made the packages'
// menu shortcuts.
type Made struct {
	Launchers []string `json:"launchers,omitempty"`
	Shell     bool     `json:"shell,omitempty"`
	Menus     bool     `json:"menus,omitempty"`
}

// KeepsLauncherRecord tells whether the install wrote a
// .onboard/launchers.json that must still be there: it made launchers or a
// shell set-up (menu shortcuts alone may have made nothing to record).
func (m *Manifest) KeepsLauncherRecord() bool {
	return m != nil && m.Made != nil && (len(m.Made.Launchers) > 0 || m.Made.Shell)
}

// HomeOf is the folder a manifest was written for, "" when it does not
// say.
func (m *Manifest) HomeOf() string {
	b, err := hex.DecodeString(m.Home)
	if err != nil {
		return ""
	}
	return string(b)
}

// NewManifest is the installed manifest of an install of the bundle m for
// subdir: the one constructor of the install and of repair's rebuild.
func NewManifest(m bundle.Manifest, subdir string, allUsers, packageCache bool) *Manifest {
	return &Manifest{Manifest: m, Subdir: subdir, AllUsers: allUsers, PackageCache: &packageCache}
}

// OneUserDirs lists the folders where an install for one user keeps
// conda's .nonadmin marker: the base and each of the bundle's envs.
func (m *Manifest) OneUserDirs(prefixDir string) []string { return m.EnvDirs(prefixDir) }

// EnvDirs lists the folders of the base and each of the bundle's envs,
// the base first.
func (m *Manifest) EnvDirs(prefixDir string) []string {
	dirs := []string{prefixDir}
	if m != nil && m.Platforms[m.Subdir] != nil {
		for _, n := range m.Platforms[m.Subdir].EnvNames() {
			dirs = append(dirs, filepath.Join(prefixDir, "envs", n))
		}
	}
	return dirs
}

// MarkOneUser writes conda's empty .nonadmin into dir, or removes it when
// oneUser is false: the marker follows the manifest's AllUsers, never the
// other way round. conda and menuinst then make later shortcuts for this
// user alone, without asking to elevate.
func MarkOneUser(dir string, oneUser bool) error {
	p := filepath.Join(dir, pkg.NonAdminFile)
	if !oneUser {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("failed to remove conda's marker of an install for one user %q: %w", p, err)
		}
		return nil
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		return fmt.Errorf("failed to write conda's marker of an install for one user %q: %w", p, err)
	}
	return nil
}

// IsOneUser tells whether dir holds conda's .nonadmin marker.
func IsOneUser(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, pkg.NonAdminFile))
	return err == nil
}

// ReadManifest reads the installed manifest of the install at prefix. When
// there is none the error wraps fs.ErrNotExist; a manifest that exists but
// cannot be read or parsed is any other error, naming the file.
func ReadManifest(prefixDir string) (*Manifest, error) {
	p := ManifestPath(prefixDir)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("failed to read the installed manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("the installed manifest %q is damaged (invalid JSON: %v)", p, err)
	}
	// Env names become folders (PREFIX/envs/NAME): one a bundle could not
	// have ("../../x") was not written by onboard, and would lead verify,
	// repair and uninstall outside the install.
	for sd, pl := range m.Platforms {
		if pl == nil {
			continue
		}
		for n := range pl.Envs {
			if !bundle.ValidEnvName(n) {
				return nil, fmt.Errorf("the installed manifest %q is damaged: platform %s names an environment %q, which no bundle may", p, sd, n)
			}
		}
	}
	return &m, nil
}

// HasManifest tells whether prefix holds an installed manifest (readable
// or not).
func HasManifest(prefixDir string) bool {
	_, err := os.Stat(ManifestPath(prefixDir))
	return err == nil
}

// LostState tells whether prefixDir is an install of onboard's whose
// state folder is gone (audit BM 9: deleted whole, verify called it
// healthy and uninstall "not an onboard install"): it has no manifest, no
// maintenance app and no bundle kept for repairs, while the bundle's conda
// settings that onboard wrote, begun by bundle.CondarcHeader, are still
// in it. A plain conda prefix has none of them, and is not called broken.
func LostState(prefixDir string) bool {
	for _, p := range []string{ManifestPath(prefixDir), AppPath(prefixDir), BundlePath(prefixDir)} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	f, err := os.Open(filepath.Join(prefixDir, filepath.FromSlash(pkg.BundleCondarcFile)))
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(bundle.CondarcHeader))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == bundle.CondarcHeader
}

// WriteManifest writes the installed manifest of the install at prefix,
// whose state folder exists: synced, then renamed into place, so that a
// crash leaves the old manifest or the new one, never half of one.
func WriteManifest(prefixDir string, m *Manifest) error {
	c := *m
	if abs, err := filepath.Abs(prefixDir); err == nil {
		c.Home = hex.EncodeToString([]byte(abs))
	}
	data, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return fmt.Errorf("failed to encode the installed manifest: %w", err)
	}
	p := ManifestPath(prefixDir)
	if err := atomicfile.WriteFile(p, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("failed to write the installed manifest %q: %w", p, err)
	}
	return nil
}

// EnvDists returns the dists (name-version-build) that the manifest's
// subdir installs in each env, by env name ([BaseEnv] for the base). A nil
// manifest, or one without its subdir, has none.
func (m *Manifest) EnvDists() map[string][]string {
	out := map[string][]string{}
	if m == nil || m.Platforms[m.Subdir] == nil {
		return out
	}
	p := m.Platforms[m.Subdir]
	dists := func(ps []bundle.Package) []string {
		ds := make([]string, 0, len(ps))
		for _, x := range ps {
			ds = append(ds, x.Dist())
		}
		return ds
	}
	out[BaseEnv] = dists(p.Base)
	for n, ps := range p.Envs {
		out[n] = dists(ps)
	}
	return out
}
