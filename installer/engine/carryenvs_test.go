package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/state"
)

// What the old install's envs/ holds beyond the old bundle's environments
// is moved into the new install; a name the new install has stays in the
// old folder, and is named; the old bundle's own environments stay behind
// (the new install has its own). Run again, it moves nothing twice.
func TestCarryUserEnvs(t *testing.T) {
	root := t.TempDir()
	aside, prefix := filepath.Join(root, "old"), filepath.Join(root, "new")
	files := map[string]string{
		"old/envs/team/conda-meta/history": "bundle's\n",
		"old/envs/mine/conda-meta/history": "conda's\n",
		"old/envs/mine/notes.txt":          "mine\n",
		"old/envs/ml/conda-meta/history":   "my ml\n",
		"old/envs/README.txt":              "a file the user put there\n",
		"old/envs/.conda_envs_dir_test":    "",
		"new/envs/team/conda-meta/history": "new bundle's\n",
		"new/envs/ml/conda-meta/history":   "new bundle's ml\n",
	}
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte(data), 0o644)
	}
	m := &state.Manifest{Manifest: bundle.Manifest{Name: "T", ID: "org.t", Version: "1",
		Platforms: map[string]*bundle.Platform{"linux-64": {Envs: map[string][]bundle.Package{"team": nil}}}}, Subdir: "linux-64"}
	os.MkdirAll(state.Dir(aside), 0o755)
	if err := state.WriteManifest(aside, m); err != nil {
		t.Fatal(err)
	}
	c, err := CarryUserEnvs(aside, prefix, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Moved, " ") != ".conda_envs_dir_test README.txt mine" || strings.Join(c.Left, " ") != "ml" {
		t.Fatalf("carried %+v; want conda's test file, README.txt and mine moved, ml left", c)
	}
	for p, want := range map[string]string{
		"new/envs/mine/notes.txt":          "mine\n",
		"new/envs/mine/conda-meta/history": "conda's\n",
		"new/envs/README.txt":              "a file the user put there\n",
		"new/envs/team/conda-meta/history": "new bundle's\n",
		"new/envs/ml/conda-meta/history":   "new bundle's ml\n",
		"old/envs/ml/conda-meta/history":   "my ml\n",
	} {
		if b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p))); string(b) != want {
			t.Errorf("%s = %q, %v; want %q", p, b, err, want)
		}
	}
	if note := c.Note(aside); !strings.Contains(note, "mine") || !strings.Contains(note, "ml") || !strings.Contains(note, aside) {
		t.Errorf("note %q names neither what was kept nor where the rest is", note)
	} else if strings.Contains(note, ".conda_envs_dir_test") {
		t.Errorf("note %q names conda's own hidden file", note)
	}
	if c, err := CarryUserEnvs(aside, prefix, nil); err != nil || len(c.Moved) != 0 || strings.Join(c.Left, " ") != "ml" {
		t.Errorf("again: %+v, %v; want nothing moved, ml left", c, err)
	}
}
