package link

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"onboard/installer/pkg"
	"onboard/internal/condatest"
)

// prefixRouter places every regular file of a package at its path in
// the prefix, as the installer's placer does in a new prefix.
type prefixRouter struct{ prefix string }

func (r prefixRouter) Route(_ *pkg.Index, _ *pkg.LinkJSON, p *pkg.Paths) (func(int) string, error) {
	for _, e := range p.Paths {
		os.MkdirAll(filepath.Join(r.prefix, filepath.Dir(filepath.FromSlash(e.Path))), 0o755)
	}
	return func(i int) string {
		if p.Paths[i].PathType != pkg.PathHardlink {
			return ""
		}
		return hostPath(r.prefix, p.Paths[i].Path)
	}, nil
}

// Two packages with the same file, extracted with placing in either
// order: the one linked last wins, whether its file was placed first
// (the other then went to its scratch folder) or the other one's was
// (then replaced when linking).
func TestExecuteClashWithPlacedFiles(t *testing.T) {
	spec := func(name, content string) condatest.Spec {
		return condatest.Spec{Name: name, Version: "1", Build: "0", Subdir: "noarch",
			Files: []condatest.File{{Path: "share/clash.txt", Data: []byte(content)},
				{Path: "share/" + name + ".txt", Data: []byte(name)}}}
	}
	type tcase struct {
		placedFirst string
		move        bool // scratch files renamed into place, or linked
		windows     bool // each package linked in a window of its own
	}
	var cases []tcase
	for _, placedFirst := range []string{"loser", "winner"} {
		for _, move := range []bool{true, false} {
			for _, windows := range []bool{true, false} {
				cases = append(cases, tcase{placedFirst, move, windows})
			}
		}
	}
	for _, tc := range cases {
		placedFirst := tc.placedFirst
		t.Run(fmt.Sprintf("%s placed, move %v, windows %v", placedFirst, tc.move, tc.windows), func(t *testing.T) {
			dir := t.TempDir()
			prefix := filepath.Join(dir, "prefix")
			opts := &Options{Prefix: prefix, Subdir: "linux-64", TempDir: filepath.Join(dir, "tmp")}
			os.MkdirAll(opts.TempDir, 0o755)
			xs := map[string]*pkg.Extracted{}
			order := []string{"loser", "winner"}
			if placedFirst == "winner" {
				order = []string{"winner", "loser"}
			}
			for _, name := range order {
				arch, err := condatest.WriteConda(dir, spec(name, "from "+name))
				if err != nil {
					t.Fatal(err)
				}
				x, err := pkg.Extract(context.Background(), pkg.Request{Archive: arch,
					Dest: filepath.Join(dir, "scratch", name), Router: prefixRouter{prefix}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				xs[name] = x
			}
			names := []string{"loser", "winner"} // link order
			own := NewOwners(func(id int32) int { return int(id) })
			for id, name := range names {
				own.Placed(int32(id), PlacedTargets(xs[name], nil))
			}
			var window []*Plan
			for id, name := range names {
				p, err := Prepare(context.Background(), xs[name], opts)
				if err != nil {
					t.Fatal(err)
				}
				p.Move = tc.move
				own.Claim(p, int32(id), prefix)
				window = append(window, p)
				if tc.windows || id == len(names)-1 {
					if err := Execute(context.Background(), window, opts, nopJournal{}, true, nil); err != nil {
						t.Fatal(err)
					}
					own.EndWindow()
					window = nil
				}
			}
			c := own.Clashes(func(id int32) string { return names[id] })
			if len(c) != 1 || c[0].Path != "share/clash.txt" || fmt.Sprint(c[0].Dists) != "[loser winner]" {
				t.Fatalf("clashes %+v; want share/clash.txt of [loser winner]", c)
			}
			for f, want := range map[string]string{"share/clash.txt": "from winner", "share/loser.txt": "loser", "share/winner.txt": "winner"} {
				got, err := os.ReadFile(hostPath(prefix, f))
				if err != nil || string(got) != want {
					t.Errorf("%s = %q, %v; want %q", f, got, err, want)
				}
			}
		})
	}
}
