package installer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/state"
)

// The plan of an upgrade names the user's files in the bundle's
// environments: kept where the new version has that environment, left in
// the old install's folder where it does not.
func TestChangesSinceNamesFilesInTheBundlesEnvs(t *testing.T) {
	dir := t.TempDir()
	for p, data := range map[string]string{
		"envs/team/conda-meta/history": "",
		"envs/team/analysis.ipynb":     "{}\n",
		"envs/team/.nonadmin":          "",
		"envs/gone/conda-meta/history": "",
		"envs/gone/mine.ipynb":         "{}\n",
		"conda-meta/history":           "",
	} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte(data), 0o644)
	}
	old := &state.Manifest{Manifest: bundle.Manifest{Platforms: map[string]*bundle.Platform{
		"linux-64": {Envs: map[string][]bundle.Package{"team": nil, "gone": nil}}}}, Subdir: "linux-64"}
	u := changesSince(dir, old, &bundle.Platform{Envs: map[string][]bundle.Package{"team": nil}})
	if got := strings.Join(u.Kept, " "); got != "envs/team/analysis.ipynb" {
		t.Errorf("kept %q; want envs/team/analysis.ipynb (not onboard's .nonadmin)", got)
	}
	notes := strings.Join(u.planNotes(), "\n")
	if !strings.Contains(notes, "no longer has the environments of envs/gone/mine.ipynb") {
		t.Errorf("the plan's notes do not name the file in the env the new version drops:\n%s", notes)
	}
}
