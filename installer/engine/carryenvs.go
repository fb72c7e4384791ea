package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/state"
)

// Carried is what an upgrade took over from the old install.
type Carried struct {
	// Moved are the names in the old envs/ folder now in the new one.
	Moved []string
	// Left are those the new install has an environment of the same name
	// of: they stay in the old install's folder, which is then kept.
	Left []string
}

// Note says what c means to the person who upgraded ("" when nothing was
// carried or left); aside is the old install's folder.
func (c Carried) Note(aside string) string {
	var parts []string
	if moved := state.Named(c.Moved); len(moved) > 0 {
		parts = append(parts, fmt.Sprintf("kept what was made in envs/ since the install (environments made with conda): %s", strings.Join(moved, ", ")))
	}
	if len(c.Left) > 0 {
		parts = append(parts, fmt.Sprintf("the new version has environments named %s, so yours of those names stay in the old install at %q; move what you need out of it, then delete it",
			strings.Join(c.Left, ", "), aside))
	}
	return strings.Join(parts, "; ")
}

// CarryUserEnvs moves into the new install at prefix what the old one,
// moved aside to aside, holds in its envs/ folder that was not one of the
// old bundle's environments: the environments the user made with conda
// (`conda create -n NAME` puts them there) and anything else put there.
// An upgrade replaces the bundle's environments; these are the user's, and
// an upgrade must not delete them. They are renamed (the same disk), so
// they end at the paths they were made for: their records, activation and
// launchers work as before. An entry the new install already has (the new
// version brings an environment of that name) is left in aside, which the
// caller then keeps. Run again, it carries what is still there: a
// recovery after a crash in the middle finishes it.
func CarryUserEnvs(aside, prefix string, logf Logf) (Carried, error) {
	logf = LogfOrNop(logf)
	var c Carried
	if _, err := os.Stat(filepath.Join(aside, "envs")); errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	// An old install whose manifest is gone or damaged (replaced with
	// --force) names no environment of its own: all of envs/ is carried,
	// where the new install leaves room.
	old, _ := state.ReadManifest(aside)
	for _, name := range state.UserEnvs(aside, old) {
		from, to := filepath.Join(aside, "envs", name), filepath.Join(prefix, "envs", name)
		if _, err := os.Lstat(to); err == nil {
			c.Left = append(c.Left, name)
			continue
		}
		if err := os.MkdirAll(filepath.Join(prefix, "envs"), 0o755); err != nil {
			return c, fmt.Errorf("failed to keep %q in the new install: %w", from, err)
		}
		if err := os.Rename(from, to); err != nil {
			return c, fmt.Errorf("failed to keep %q in the new install at %q: %w; move it there by hand", from, to, err)
		}
		syncDir(filepath.Join(prefix, "envs"))
		logf("upgrade: kept %q, which the old bundle did not install (made with conda), at %q", from, to)
		c.Moved = append(c.Moved, name)
	}
	return c, nil
}
