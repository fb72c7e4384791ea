package link

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/pkg"
	"onboard/internal/condatest"
	"onboard/internal/pathfold"
)

// Where names ignore case (Windows, macOS), share/README of one package
// and share/readme of a later one are one file: a clash, which the later
// package wins, as when both spell it alike. Unseen, the two were linked
// side by side (in one window, at once, into one file) and no clash was
// reported, and verify and repair would then fight over the file.
func TestFoldingHostClashOfTwoSpellings(t *testing.T) {
	for _, windows := range []bool{false, true} {
		t.Run(fmt.Sprintf("windows %v", windows), func(t *testing.T) {
			t.Cleanup(pathfold.Set(true))
			dir := t.TempDir()
			prefix := filepath.Join(dir, "prefix")
			opts := &Options{Prefix: prefix, Subdir: "linux-64", TempDir: filepath.Join(dir, "tmp")}
			os.MkdirAll(opts.TempDir, 0o755)
			names := []string{"loser", "winner"} // link order
			spelling := map[string]string{"loser": "share/README", "winner": "share/readme"}
			own := NewOwners(func(id int32) int { return int(id) })
			var window []*Plan
			for id, name := range names {
				arch, err := condatest.WriteConda(dir, condatest.Spec{Name: name, Version: "1", Build: "0", Subdir: "noarch",
					Files: []condatest.File{{Path: spelling[name], Data: []byte("from " + name)}}})
				if err != nil {
					t.Fatal(err)
				}
				x, err := pkg.Extract(context.Background(), pkg.Request{Archive: arch, PkgsDir: filepath.Join(dir, "pkgs")}, nil)
				if err != nil {
					t.Fatal(err)
				}
				p, err := Prepare(context.Background(), x, opts)
				if err != nil {
					t.Fatal(err)
				}
				own.Claim(p, int32(id), prefix)
				window = append(window, p)
				if name == "winner" && windows && !p.Actions[0].Replace {
					t.Errorf("the winner's %s does not replace the loser's %s, one file here", spelling["winner"], spelling["loser"])
				}
				if windows || id == len(names)-1 {
					if err := Execute(context.Background(), window, opts, nopJournal{}, true, nil); err != nil {
						t.Fatal(err)
					}
					own.EndWindow()
					window = nil
				}
			}
			c := own.Clashes(func(id int32) string { return names[id] })
			// Named as the winner spells it: the file's name in the prefix.
			if len(c) != 1 || c[0].Path != "share/readme" || fmt.Sprint(c[0].Dists) != "[loser winner]" {
				t.Fatalf("clashes %+v; want share/readme of [loser winner]", c)
			}
			if got, err := os.ReadFile(hostPath(prefix, "share/readme")); err != nil || string(got) != "from winner" {
				t.Errorf("share/readme = %q, %v; want the winner's", got, err)
			}
			if !windows {
				// One window: the loser's action is skipped, never linked
				// (this file system keeps the spellings apart, so a
				// linked one would show).
				if _, err := os.Lstat(hostPath(prefix, "share/README")); err == nil {
					t.Errorf("the loser's share/README was linked too")
				}
			}
		})
	}
}
