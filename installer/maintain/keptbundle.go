package maintain

import (
	"fmt"
	"os"

	"onboard/installer/bundle"
	"onboard/installer/state"
)

// openKeptBundle opens the bundle the install at prefixDir keeps for its
// repairs (see the install's writeMaintenance): bundle.zip beside the
// maintenance app, or appended to it. path is the file it came from, or
// the first one there when none opens (err then says why); "" when the
// install keeps none. Repair takes packages from it, and verify checks
// that it is still this install's.
func openKeptBundle(prefixDir string) (f *bundle.Found, path string, err error) {
	for _, p := range []string{state.BundlePath(prefixDir), state.AppPath(prefixDir)} {
		// a link that leads nowhere is that file's fault, not the next's
		// (audit AH: verify blamed the maintenance app)
		if _, serr := os.Lstat(p); serr != nil {
			continue
		}
		found, oerr := bundle.Discover(bundle.DiscoverOptions{Path: p})
		if oerr == nil {
			return found, p, nil
		}
		if path == "" {
			path, err = p, oerr
		}
	}
	return nil, path, err
}

// checkKeptBundle notes when the bundle the install keeps for repairs is
// gone, unusable, or no longer this install's version: the install itself
// is whole, but a repair that needs a package would fail. On an install
// for one user the maintenance app is a hard link of the installer that
// was run, so writing another file over that download in place (cp,
// curl -o) changes it too.
func (v *verifier) checkKeptBundle() {
	if v.man == nil {
		return
	}
	m := v.man.Manifest
	fix := fmt.Sprintf("a repair that needs packages will fail until it is given the installer of %s %s: %s",
		m.Name, m.Version, state.AppCommand(v.prefix, "repair", "--prefix", v.prefix, "--bundle", "INSTALLER"))
	f, p, err := openKeptBundle(v.prefix)
	switch {
	case p == "":
		v.note("the install keeps no copy of its bundle for repairs (%s is gone); %s", state.AppPath(v.prefix), fix)
	case err != nil:
		v.note("the copy of the bundle the install keeps for repairs, %s, is not usable (%v): it was changed or replaced since the install (a hard link of the installer changes with it); %s", p, err, fix)
	default:
		defer f.Close()
		if f.Manifest.ID != m.ID || f.Manifest.Version != m.Version {
			v.note("the copy of the bundle the install keeps for repairs, %s, is now %s %s, not this install's %s %s: it was changed or replaced since the install (a hard link of the installer changes with it); %s",
				p, f.Manifest.Name, f.Manifest.Version, m.Name, m.Version, fix)
		}
	}
}
