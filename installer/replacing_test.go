package installer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
	"onboard/platform"
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
	u := changesSince(dir, old, &bundle.Platform{Envs: map[string][]bundle.Package{"team": nil}}, nil)
	if got := strings.Join(u.Kept, " "); got != "envs/team/analysis.ipynb" {
		t.Errorf("kept %q; want envs/team/analysis.ipynb (not onboard's .nonadmin)", got)
	}
	notes := strings.Join(u.planNotes(), "\n")
	if !strings.Contains(notes, "no longer has the environments of envs/gone/mine.ipynb") {
		t.Errorf("the plan's notes do not name the file in the env the new version drops:\n%s", notes)
	}
}

// What works beside the prefix is checked up front: a folder name too long
// for the journal beside it (every install) or for the old install moved
// aside (an upgrade), and an upgrade of a mount point, which cannot be
// moved aside; a name that fits, a fresh install into a mount point, pass.
func TestBesideProblems(t *testing.T) {
	linux := platform.Target{OS: "linux", Arch: "amd64"}
	codes := func(ps []platform.Problem) string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Code)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name      string
		base      int
		replacing bool
		mount     bool
		want      string
	}{
		{"short", 20, true, false, ""},
		{"journal fits, aside does not", 230, false, false, ""},
		{"aside too long", 230, true, false, platform.ProblemTooLong},
		{"journal too long", 245, false, false, platform.ProblemTooLong},
		{"mount point, fresh", 10, false, true, ""},
		{"mount point, upgrade", 10, true, true, platform.ProblemMountPoint},
	} {
		prefix := "/srv/" + strings.Repeat("a", tc.base)
		got := codes(besideProblems(linux, prefix, tc.replacing, platform.PrefixFacts{MountPoint: tc.mount}))
		if got != tc.want {
			t.Errorf("%s: problems %q; want %q", tc.name, got, tc.want)
		}
	}
}

// A prefix that is a dangling symlink is refused up front, saying so, and
// the link is left; before, the plan said "new install", and the install
// failed and its rollback deleted the link.
func TestDanglingPrefixLinkIsRefused(t *testing.T) {
	withEnv(t, fakeEnv(""))
	dir := t.TempDir()
	link := filepath.Join(dir, "acme")
	if err := os.Symlink(filepath.Join(dir, "nowhere", "acme"), link); err != nil {
		t.Skip(err)
	}
	_, err := Install(t.Context(), Options{Prefix: link, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"})
	if ExitCode(err) != ExitTarget || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("install into a dangling link: %v; want exit 4 saying where it leads does not exist", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link after the refusal: %v, %v", fi, err)
	}
}

// A conda env of the user's that has the name of one the new version
// brings stays in the old install's folder, where it no longer runs: the
// plan says so, and how to keep it (rename it first); so does the result.
func TestAnEnvOfTheNewVersionsNameIsSaidToStopWorking(t *testing.T) {
	plan := strings.Join(userChanges{Left: []string{"envs/team2"}}.planNotes(), "\n")
	if !strings.Contains(plan, "envs/team2") || !strings.Contains(plan, "no longer work") || !strings.Contains(plan, "conda rename") {
		t.Errorf("plan note: %s", plan)
	}
	res := engine.Carried{Left: []string{"envs/team2"}}.Note("/opt/x.onboard-old-1")
	if !strings.Contains(res, "no longer run") || !strings.Contains(res, "/opt/x.onboard-old-1") {
		t.Errorf("result note: %s", res)
	}
}
