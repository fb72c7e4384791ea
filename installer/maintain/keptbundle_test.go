package maintain

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// installKeeping installs the small bundle, which the install keeps as
// .onboard/bundle.zip, and returns the prefix and a copy of that bundle
// file of its own (the installer a person still has: the kept copy may be
// a hard link of the file installed from, which a damage in place would
// reach too).
func installKeeping(t *testing.T) (prefix, given string) {
	t.Helper()
	root := t.TempDir()
	t.Setenv("HOME", filepath.Join(root, "home"))
	prefix = filepath.Join(root, "acme")
	b := testkit.SmallBundle(t, "2026.12.0")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	given = filepath.Join(root, "Downloads", "acme-installer.zip")
	os.MkdirAll(filepath.Dir(given), 0o755)
	testkit.CopyFile(t, b.Path, given)
	return prefix, given
}

// teamTool is a file of the tool package, which only the team env has.
func teamTool(prefix string) string { return filepath.Join(prefix, "envs", "team", "bin", "tool") }

func repairQuiet(prefix, bundlePath string) (*RepairResult, error) {
	return Repair(context.Background(), prefix, RepairOptions{BundlePath: bundlePath, EnvironmentsTxt: "-"})
}

// keptWasPutBack tells whether res says the kept copy was put back.
func keptWasPutBack(res *RepairResult) bool {
	for _, f := range res.Fixed {
		if strings.Contains(f.Action, "the copy of the bundle kept for repairs") {
			return true
		}
	}
	return false
}

// The kept bundle.zip deleted (a disk clean-up): verify names it, not the
// maintenance app; a repair that needs a package says the copy is gone
// and gives one way out, the installer with --bundle; that repair puts
// the copy back, even when nothing else needed repair, so the next repair
// needs no --bundle (audit BM 6).
func TestLostKeptBundleIsNamedAndPutBackByRepair(t *testing.T) {
	prefix, given := installKeeping(t)
	kept := state.BundlePath(prefix)
	if err := os.Remove(kept); err != nil {
		t.Fatal(err)
	}
	r, err := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: "-"})
	notes := strings.Join(r.Notes, "\n")
	if err != nil || !strings.Contains(notes, "keeps for repairs, "+kept+", is gone") || strings.Contains(notes, state.AppPath(prefix)+", is not usable") {
		t.Fatalf("verify: %v, notes:\n%s", err, notes)
	}

	// healthy otherwise: a repair given the installer puts the copy back
	res, err := repairQuiet(prefix, given)
	if err != nil || !keptWasPutBack(res) || len(res.Before) != 0 {
		t.Fatalf("repair --bundle of a healthy install without its kept copy: %v, fixed %v", err, res.Fixed)
	}
	if b, err := os.ReadFile(kept); err != nil || len(b) == 0 {
		t.Fatalf("the kept copy was not put back: %v", err)
	}
	if r, _ := Verify(context.Background(), prefix, VerifyOptions{EnvironmentsTxt: "-"}); strings.Contains(strings.Join(r.Notes, "\n"), "keeps for repairs") {
		t.Fatalf("verify after the copy was put back:\n%s", strings.Join(r.Notes, "\n"))
	}

	// gone again, and a package to repair: the error names the copy
	os.Remove(kept)
	os.Remove(teamTool(prefix))
	_, err = repairQuiet(prefix, "")
	var re *RepairError
	if !errors.As(err, &re) {
		t.Fatalf("repair without the kept copy: %v", err)
	}
	msg, hint := err.Error(), re.Hint()
	if !strings.Contains(msg, "keeps for repairs, "+kept+", is gone") || strings.Contains(msg, "bundle attach") {
		t.Errorf("error %q", msg)
	}
	if !strings.Contains(hint, repairWithInstaller(prefix)) || strings.Count(msg+hint, "--bundle") != 1 {
		t.Errorf("hint %q (error %q): want one instruction, the installer with --bundle", hint, msg)
	}

	// the installer given: the package and the copy are put back, and
	// the next repair needs no --bundle
	if res, err := repairQuiet(prefix, given); err != nil || !keptWasPutBack(res) {
		t.Fatalf("repair --bundle: %v, fixed %v", err, res.Fixed)
	}
	os.Remove(teamTool(prefix))
	if _, err := repairQuiet(prefix, ""); err != nil {
		t.Fatalf("a later repair without --bundle: %v", err)
	}
}

// A bundle given to repair that is not the install's (another version)
// is not kept in place of the lost copy.
func TestRepairKeepsNoOtherBundleForRepairs(t *testing.T) {
	prefix, _ := installKeeping(t)
	other := testkit.SmallBundle(t, "2027.1.0")
	os.Remove(state.BundlePath(prefix))
	res, err := repairQuiet(prefix, other.Path)
	if err != nil || keptWasPutBack(res) {
		t.Fatalf("repair with another version's bundle: %v, fixed %v", err, res.Fixed)
	}
	if _, err := os.Lstat(state.BundlePath(prefix)); err == nil {
		t.Fatal("another version's bundle was kept for repairs")
	}
}

// flipByteOf flips one byte in the data of the first zip member of path
// whose name holds part.
func flipByteOf(t *testing.T, path, part string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var off int64 = -1
	for _, f := range zr.File {
		if strings.Contains(f.Name, part) {
			if off, err = f.DataOffset(); err != nil {
				t.Fatal(err)
			}
			off += int64(f.CompressedSize64) / 2
			break
		}
	}
	zr.Close()
	if off < 0 {
		t.Fatalf("no member %q in %s", part, path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	f.ReadAt(b, off)
	b[0] ^= 1
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// A kept copy damaged in place (a flipped byte in a package) or cut short
// is named as the cause of the failed repair, and the hint gives the
// installer with --bundle, not "repair again"; the repair given it puts
// the copy back (audit BM 11).
func TestRepairNamesADamagedKeptBundle(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, kept string)
		says   string
	}{
		{"flipped byte", func(t *testing.T, kept string) { flipByteOf(t, kept, "tool-") }, "which is damaged"},
		{"cut short", func(t *testing.T, kept string) {
			st, _ := os.Stat(kept)
			if err := os.Truncate(kept, st.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, "is damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix, given := installKeeping(t)
			kept := state.BundlePath(prefix)
			tc.damage(t, kept)
			os.Remove(teamTool(prefix))
			_, err := repairQuiet(prefix, "")
			var re *RepairError
			if !errors.As(err, &re) {
				t.Fatalf("repair: %v", err)
			}
			msg, hint := err.Error(), re.Hint()
			if !strings.Contains(msg, "the copy of the bundle the install keeps for repairs, "+kept) || !strings.Contains(msg, tc.says) ||
				strings.Contains(msg, "no bundle was found") {
				t.Errorf("error %q", msg)
			}
			if !strings.Contains(hint, repairWithInstaller(prefix)) || strings.Contains(hint, "repair again") {
				t.Errorf("hint %q", hint)
			}
			res, err := repairQuiet(prefix, given)
			if err != nil || !keptWasPutBack(res) || !engine.SameBundle(kept, openBundle(t, given)) {
				t.Fatalf("repair --bundle: %v, fixed %v", err, res.Fixed)
			}
			os.Remove(teamTool(prefix))
			if _, err := repairQuiet(prefix, ""); err != nil {
				t.Fatalf("a later repair without --bundle: %v", err)
			}
		})
	}
}

// Something in the way of a repair (a folder where a package's file
// belongs, a file where its folder belongs, a folder named as a record):
// the hint says to remove it, as the error does, not to repair again,
// which fails the same way (audit BM 12).
func TestRepairHintSaysToRemoveWhatIsInTheWay(t *testing.T) {
	for _, tc := range []struct {
		name string
		path func(prefix string) string
		dir  bool
	}{
		{"folder for a file", teamTool, true},
		{"file for a folder", func(p string) string { return filepath.Join(p, "envs", "team", "bin") }, false},
		{"folder for a record", func(p string) string {
			m, _ := filepath.Glob(filepath.Join(p, "envs", "team", "conda-meta", "tool-*.json"))
			return m[0]
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix, _ := installKeeping(t)
			p := tc.path(prefix)
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
			if tc.dir {
				testkit.MustWrite(t, filepath.Join(p, "mine.txt"), "the user's")
			} else {
				testkit.MustWrite(t, p, "the user's")
			}
			_, err := repairQuiet(prefix, "")
			var re *RepairError
			if !errors.As(err, &re) {
				t.Fatalf("repair: %v", err)
			}
			if h := re.Hint(); !strings.Contains(h, "remove "+state.QuoteArg(p)) || strings.Contains(h, "repair again;") {
				t.Errorf("error %q\nhint %q", err, h)
			}
		})
	}
}

func openBundle(t *testing.T, path string) *bundle.Bundle {
	t.Helper()
	b, err := bundle.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}
