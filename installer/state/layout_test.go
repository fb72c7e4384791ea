package state

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestLayoutIsInsideTheStateFolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "acme")
	dir := filepath.Join(p, ".onboard")
	if Dir(p) != dir {
		t.Fatalf("Dir = %s; want %s", Dir(p), dir)
	}
	for name, got := range map[string]string{
		"manifest.json":   ManifestPath(p),
		"launchers.json":  LaunchersPath(p),
		"install.log":     LogPath(p),
		"lock":            LockPath(p),
		"journal.json":    JournalPath(p),
		"bundle.zip":      BundlePath(p),
		"unpacking":       UnpackingDir(p),
		"last-check.json": LastCheckPath(p),
		"bad-records/x":   BadRecordsDir(p, "x"),
	} {
		if want := filepath.Join(dir, filepath.FromSlash(name)); got != want {
			t.Errorf("got %s; want %s", got, want)
		}
	}
	if Rel(ManifestName) != ".onboard/manifest.json" {
		t.Errorf("Rel = %q", Rel(ManifestName))
	}
}

func TestOperationFilesAreBesideThePrefix(t *testing.T) {
	parent := t.TempDir()
	p := filepath.Join(parent, "acme")
	if got, want := OpJournalPath(p), filepath.Join(parent, ".acme.onboard-journal"); got != want {
		t.Errorf("OpJournalPath = %s; want %s", got, want)
	}
	if got, want := OpJournalInsidePath(p), filepath.Join(p, ".onboard-journal"); got != want {
		t.Errorf("OpJournalInsidePath = %s; want %s", got, want)
	}
	if got, want := AsidePath(p, 42), p+".onboard-old-42"; got != want {
		t.Errorf("AsidePath = %s; want %s", got, want)
	}
	// none of them is inside the prefix folder that the operation moves
	for _, q := range []string{OpJournalPath(p), AsidePath(p, 1)} {
		if strings.HasPrefix(q, p+string(filepath.Separator)) {
			t.Errorf("%s is inside the prefix", q)
		}
	}
}

func TestPrefixOf(t *testing.T) {
	p := filepath.Join(t.TempDir(), "acme")
	if got, ok := PrefixOf(AppPath(p)); !ok || got != p {
		t.Errorf("PrefixOf(AppPath) = %q, %v; want %q", got, ok, p)
	}
	if got, ok := PrefixOf(LockPath(p)); !ok || got != p {
		t.Errorf("PrefixOf(LockPath) = %q, %v; want %q", got, ok, p)
	}
	if _, ok := PrefixOf(filepath.Join(p, "bin", "onboard")); ok {
		t.Error("a program outside a state folder was taken for a maintenance app")
	}
	if AppFile("windows") != "onboard.exe" || AppFile("linux") != "onboard" {
		t.Errorf("AppFile: %q, %q", AppFile("windows"), AppFile("linux"))
	}
}
