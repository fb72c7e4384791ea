package maintain

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"onboard/assets"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/internal/testkit"
)

// TestRepairDemoInstall installs the demo bundle with Install, damages it
// in several ways at once, and checks that repair gives back the fresh
// install byte for byte.
func TestRepairDemoInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and installs the demo bundle")
	}
	root := t.TempDir()
	t.Setenv("HOME", filepath.Join(root, "home"))
	t.Setenv("XDG_DATA_HOME", "")
	zipPath := filepath.Join(root, "demo.zip")
	if p := os.Getenv("ONBOARD_DEMO_BUNDLE"); p != "" {
		zipPath = p
	} else if data := assets.DemoBundle(); data != nil {
		if err := os.WriteFile(zipPath, data, 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Skip("no demo bundle: run 'make demo' (or set ONBOARD_DEMO_BUNDLE to a bundle zip)")
	}
	b, err := bundle.Open(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	prefix := filepath.Join(root, "demo")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		if strings.Contains(err.Error(), "not in this build yet") {
			t.Skipf("Install cannot link yet: %v", err)
		}
		t.Fatalf("Install: %v", err)
	}
	if r, err := Verify(context.Background(), prefix, VerifyOptions{}); err != nil {
		t.Fatalf("a fresh demo install verified with %v: %v", kinds(r.Problems), err)
	}
	before := testkit.Snapshot(t, prefix)
	damaged := damageDemo(t, prefix)
	// The edit in place also shows in every env that hard-links the same
	// package copy (observations G7), so only check that each is named.
	r, _ := Verify(context.Background(), prefix, VerifyOptions{})
	got := strings.Join(kinds(r.Problems), "\n")
	for _, d := range damaged {
		if !strings.Contains(got, d) {
			t.Fatalf("verify found\n%s\nwhich does not name %q", got, d)
		}
	}
	if res, err := Repair(context.Background(), prefix, RepairOptions{BundlePath: zipPath}); err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	if d := testkit.DiffSnapshots(before, testkit.Snapshot(t, prefix)); len(d) > 0 {
		sort.Strings(d)
		t.Fatalf("after repair the demo tree differs from the fresh install:\n%s", strings.Join(d, "\n"))
	}
}

// damageDemo deletes a file of one base package, edits a file of another
// in place (a hard link: the package copy changes too), and deletes a
// record of the first env.
func damageDemo(t *testing.T, prefix string) []string {
	t.Helper()
	recs, _, err := readMetaRecords(prefix)
	if err != nil || len(recs) < 2 {
		t.Fatalf("got %d records (%v); want at least 2 in the demo base", len(recs), err)
	}
	var files []string
	for _, r := range recs[:2] {
		for _, p := range r.PathsData.Paths {
			if p.PathType == "hardlink" && p.PrefixPlaceholder == "" && p.SizeInBytes != nil && *p.SizeInBytes > 0 {
				files = append(files, realPathFunc(r)(p.Path))
				break
			}
		}
	}
	if len(files) < 2 {
		t.Fatalf("found no plain file to damage in %s or %s", recs[0].Dist(), recs[1].Dist())
	}
	os.Remove(filepath.Join(prefix, filepath.FromSlash(files[0])))
	testkit.EditInPlace(t, filepath.Join(prefix, filepath.FromSlash(files[1])), "~damaged~")
	envs := listEnvs(prefix, nil)
	if len(envs) < 2 {
		t.Fatal("the demo install has no env under envs/")
	}
	erecs, _, _ := readMetaRecords(envs[1].dir)
	if len(erecs) == 0 {
		t.Fatalf("env %s has no records", envs[1].name)
	}
	os.Remove(filepath.Join(envs[1].dir, "conda-meta", erecs[0].file))
	return []string{files[0] + " missing", files[1] + " altered", envs[1].name + " " + erecs[0].Dist() + " conda-meta/" + erecs[0].file + " missing_record"}
}
