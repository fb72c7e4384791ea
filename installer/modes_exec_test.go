//go:build unix

package installer

import (
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/installer/state"
	"onboard/internal/condatest"
)

// A restore that dropped the modes of a program and of its package copy,
// in an install that keeps its package cache: the program is a copy (its
// prefix rewritten), which repair copies again from the package copy.
// The install's list decides what the program must be, and one repair
// makes it so (audit BD 1: verify then wanted it as the damaged package
// copy, and every repair failed).
func TestRepairOfAProgramWhosePackageCopyLostItsModeToo(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	const ph = "/opt/anaconda1anaconda2anaconda3"
	tool := condatest.Spec{Name: "tool", Version: "1.0", Build: "0", Subdir: "linux-64", Files: []condatest.File{
		{Path: "bin/tool", Data: []byte("#!" + ph + "/bin/sh\n"), Mode: 0o755, Placeholder: ph}}}
	b := testkit.BundleOfSpecs(t, "name = \"T\"\nid = \"org.t\"\nversion = \"2026.11.0\"\n", "", tool)
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64", KeepPackageCache: true}); err != nil {
		t.Fatal(err)
	}
	env, pkgCopy := filepath.Join(prefix, "bin", "tool"), filepath.Join(prefix, "pkgs", "tool-1.0-0", "bin", "tool")
	for _, p := range []string{env, pkgCopy} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if r, _ := maintain.Verify(t.Context(), prefix, maintain.VerifyOptions{}); r == nil || r.Healthy {
		t.Fatalf("verify of a program no longer executable: %+v", r)
	}
	if res, err := maintain.Repair(t.Context(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	if fi, err := os.Stat(env); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("after repair %s is %v (%v)", env, fi.Mode(), err)
	}
	if r, err := maintain.Verify(t.Context(), prefix, maintain.VerifyOptions{}); err != nil || !r.Healthy {
		t.Fatalf("verify after repair: %v %v", kinds(r.Problems), err)
	}
}

// Two packages ship one path, linked in two windows: the later one's
// file, not executable, wins. The list names the path for the winner
// only, and a repair of the first package, which leaves the winner's
// file, leaves its mode too (audit BD 2: it made it executable).
func TestAClashAcrossWindowsLeavesTheWinnersMode(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	old := windowPaths
	windowPaths = 1
	t.Cleanup(func() { windowPaths = old })
	first := condatest.Spec{Name: "first", Version: "1.0", Build: "0", Subdir: "linux-64", Files: []condatest.File{
		{Path: "bin/clash", Data: []byte("first\n"), Mode: 0o755}}}
	second := condatest.Spec{Name: "second", Version: "1.0", Build: "0", Subdir: "linux-64", Depends: []string{"first"}, Files: []condatest.File{
		{Path: "bin/clash", Data: []byte("second\n"), Mode: 0o644}}}
	b := testkit.BundleOfSpecs(t, "name = \"T\"\nid = \"org.t\"\nversion = \"2026.11.0\"\n", "", first, second)
	prefix := filepath.Join(t.TempDir(), "acme")
	if _, err := Install(t.Context(), Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	team := filepath.Join(prefix, "envs", "team")
	clash := filepath.Join(team, "bin", "clash")
	if data, _ := os.ReadFile(clash); string(data) != "second\n" {
		t.Fatalf("bin/clash holds %q; want the later package's", data)
	}
	if list, err := os.ReadFile(state.ExecutablesPath(prefix, "team")); err == nil && len(list) > 2 {
		t.Fatalf("the list names a file no package of the env holds executable: %s", list)
	}
	os.Remove(filepath.Join(team, "conda-meta", "first-1.0-0.json"))
	if res, err := maintain.Repair(t.Context(), prefix, maintain.RepairOptions{}); err != nil {
		t.Fatalf("Repair: %v (left %v)", err, kinds(res.Left))
	}
	if fi, err := os.Stat(clash); err != nil || fi.Mode()&0o111 != 0 {
		t.Fatalf("after a repair of the first package, the winner's %s is %v (%v)", clash, fi.Mode(), err)
	}
}
