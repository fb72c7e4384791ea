package engine

import (
	"context"
	"errors"
	"fmt"
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
// (the new install has its own). What the user put in a bundle
// environment's folder beside its packages (a notebook) is moved into the
// new version's environment; in an environment the new version drops, it
// stays in the old folder, and is named. Run again, it moves nothing twice.
func TestCarryUserFiles(t *testing.T) {
	root := t.TempDir()
	aside, prefix := filepath.Join(root, "old"), filepath.Join(root, "new")
	files := map[string]string{
		"old/envs/team/conda-meta/history":      "bundle's\n",
		"old/envs/team/conda-meta/lib-1-0.json": `{"name": "lib", "version": "1", "build": "0", "files": ["lib/team.py"]}`,
		"old/envs/team/lib/team.py":             "old\n",
		"old/envs/team/analysis.ipynb":          "my analysis\n",
		"old/envs/gone/conda-meta/history":      "an env the new version drops\n",
		"old/envs/gone/mine.ipynb":              "my notebook\n",
		"old/envs/mine/conda-meta/history":      "conda's\n",
		"old/envs/mine/notes.txt":               "mine\n",
		"old/envs/ml/conda-meta/history":        "my ml\n",
		"old/envs/README.txt":                   "a file the user put there\n",
		"old/envs/.conda_envs_dir_test":         "",
		"new/envs/team/conda-meta/history":      "new bundle's\n",
		"new/envs/ml/conda-meta/history":        "new bundle's ml\n",
		// the base: a package's file and folder, and the user's own
		"old/conda-meta/tool-1-0.json": `{"name": "tool", "version": "1", "build": "0", "files": ["bin/tool", "share/tool/x"]}`,
		"old/bin/tool":                 "old tool\n",
		"old/share/tool/x":             "x\n",
		"old/notes.txt":                "my notes\n",
		"old/notebooks/a.ipynb":        "{}\n",
		"new/bin/tool":                 "new tool\n",
		// a post-link script's output, which no record names: made again
		"old/i-was-post-linked": "old\n",
		"new/i-was-post-linked": "new\n",
	}
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte(data), 0o644)
	}
	m := &state.Manifest{Manifest: bundle.Manifest{Name: "T", ID: "org.t", Version: "1",
		Platforms: map[string]*bundle.Platform{"linux-64": {Envs: map[string][]bundle.Package{"team": nil, "gone": nil}}}}, Subdir: "linux-64"}
	os.MkdirAll(state.Dir(aside), 0o755)
	if err := state.WriteManifest(aside, m); err != nil {
		t.Fatal(err)
	}
	c, err := CarryUserFiles(aside, prefix, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Moved, " "); got != "envs/.conda_envs_dir_test envs/README.txt envs/mine envs/team/analysis.ipynb notebooks notes.txt" ||
		strings.Join(c.Left, " ") != "envs/ml" || strings.Join(c.Dropped, " ") != "envs/gone/mine.ipynb" {
		t.Fatalf("carried %+v; want conda's test file, README.txt, mine, team's analysis.ipynb, notebooks and notes.txt moved, envs/ml left, envs/gone/mine.ipynb dropped", c)
	}
	for p, want := range map[string]string{
		"new/envs/mine/notes.txt":          "mine\n",
		"new/envs/team/analysis.ipynb":     "my analysis\n",
		"old/envs/team/lib/team.py":        "old\n", // the old package's: not carried
		"old/envs/gone/mine.ipynb":         "my notebook\n",
		"new/envs/mine/conda-meta/history": "conda's\n",
		"new/envs/README.txt":              "a file the user put there\n",
		"new/envs/team/conda-meta/history": "new bundle's\n",
		"new/envs/ml/conda-meta/history":   "new bundle's ml\n",
		"old/envs/ml/conda-meta/history":   "my ml\n",
		"new/notes.txt":                    "my notes\n",
		"new/notebooks/a.ipynb":            "{}\n",
		"new/bin/tool":                     "new tool\n",
		"new/i-was-post-linked":            "new\n",
		"old/share/tool/x":                 "x\n", // the old package's: not carried
	} {
		if b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p))); string(b) != want {
			t.Errorf("%s = %q, %v; want %q", p, b, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(prefix, "envs", "gone")); err == nil {
		t.Error("the files of an env the new version drops were moved into an env folder of their own")
	}
	if !c.KeepAside() {
		t.Error("KeepAside is false; the old folder holds envs/ml and envs/gone/mine.ipynb")
	}
	if note := c.Note(aside); !strings.Contains(note, "mine") || !strings.Contains(note, "ml") || !strings.Contains(note, "envs/gone/mine.ipynb") || !strings.Contains(note, aside) {
		t.Errorf("note %q names neither what was kept nor where the rest is", note)
	} else if strings.Contains(note, ".conda_envs_dir_test") {
		t.Errorf("note %q names conda's own hidden file", note)
	}
	if c, err := CarryUserFiles(aside, prefix, nil); err != nil || len(c.Moved) != 0 || strings.Join(c.Left, " ") != "envs/ml" || len(c.Dropped) != 1 {
		t.Errorf("again: %+v, %v; want nothing moved, envs/ml left, envs/gone/mine.ipynb dropped", c, err)
	}
}

// A cancellation is told as one, with what became of the work, not as Go's
// "context canceled"; other errors keep their text.
func TestMessageOfACancellation(t *testing.T) {
	err := fmt.Errorf("failed to take conda-1-0 from the bundle: %w", context.Canceled)
	if got := Message(err); got != "cancelled" {
		t.Errorf("Message = %q; want cancelled", got)
	}
	if h := HintFor(err); !strings.Contains(h, "what was begun was undone") {
		t.Errorf("HintFor = %q; want it to say what became of the work", h)
	}
	if other := errors.New("disk full"); Message(other) != "disk full" || HintFor(other) != "" {
		t.Errorf("another error: %q, %q", Message(other), HintFor(other))
	}
}
