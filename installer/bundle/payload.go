package bundle

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/internal/pathfold"
	"onboard/internal/rmtree"
)

// payloadChecks runs each package's payload check once per build, however
// many environments and platforms list it.
type payloadChecks struct {
	dir  string // scratch folders go here (the build's package cache)
	mu   sync.Mutex
	done map[string]*payloadCheck // sha256 → its check
}

type payloadCheck struct {
	once sync.Once
	err  error
	// the package's symlinks (path → its text) and the folders its files
	// are in, for the check across an env's packages (folderLinks); not
	// of a noarch: python package, whose paths the link step moves
	links map[string]string
	dirs  map[string]bool
	// what an install on Windows (windows) or where names ignore case
	// (folds) would refuse among all its members, info/ and those
	// paths.json does not list included, which the unpacking here, by
	// this host's rules, let through; "" = nothing (audit AS 1)
	windows, folds string
}

// check unpacks the package r into a scratch folder and deletes it, so that
// every check the install makes of each member (its name, type and link
// target, and its bytes against the size and sha256 paths.json records, and
// paths.json against the size the manifest will say) runs when the bundle
// is built: a package the install would refuse (a hardlink or symlink
// leaving the package, a device, a bomb) never reaches a bundle, where only
// the people installing it would find out. unpacked is what its paths.json
// records (the manifest's unpacked_size).
func (c *payloadChecks) check(ctx context.Context, r *resolved, unpacked int64) error {
	c.mu.Lock()
	pc := c.done[r.SHA256]
	if pc == nil {
		pc = &payloadCheck{}
		c.done[r.SHA256] = pc
	}
	c.mu.Unlock()
	pc.once.Do(func() { pc.err = c.run(ctx, r, unpacked, pc) })
	return pc.err
}

// result is the check of the package of sha256 sum, nil when none ran.
func (c *payloadChecks) result(sum string) *payloadCheck {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done[sum]
}

func (c *payloadChecks) run(ctx context.Context, r *resolved, unpacked int64, pc *payloadCheck) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("failed to create the folder %q to check packages in: %w", c.dir, err)
	}
	scratch, err := os.MkdirTemp(c.dir, ".payload-check-")
	if err != nil {
		return fmt.Errorf("failed to create a folder in %q to check a package in: %w", c.dir, err)
	}
	defer rmtree.RemoveAll(scratch)
	x, err := pkg.Extract(ctx, pkg.Request{Archive: r.Path, Dest: filepath.Join(scratch, "x"),
		Expect: pkg.Expect{SHA256: r.SHA256, Size: r.Size, Unpacked: unpacked}}, nil)
	if err != nil {
		return fmt.Errorf("an install would refuse it: %w", err)
	}
	pc.windows, pc.folds = otherHostsRefuse(filepath.Join(scratch, "x"), x.Paths)
	if link.NoarchPython(x) {
		return nil
	}
	pc.links, pc.dirs = map[string]string{}, map[string]bool{}
	for _, e := range x.Paths.Paths {
		for d := path.Dir(e.Path); d != "." && !pc.dirs[d]; d = path.Dir(d) {
			pc.dirs[d] = true
		}
		if e.PathType == pkg.PathSoftlink {
			if text, err := os.Readlink(filepath.Join(x.Dir, filepath.FromSlash(e.Path))); err == nil {
				pc.links[e.Path] = text
			}
		}
	}
	return nil
}

// otherHostsRefuse walks the unpacked package at dir and says which of its
// names an install on Windows would refuse (pkg.WindowsUnsafe: a device
// name, a trailing dot), and which member, where names ignore case
// (Windows, macOS), would be written over a file paths.json lists, which
// that install refuses; each "" when none. Two folders of one name there
// are one, and two files paths.json does not list are one written twice,
// the last kept, as conda keeps it: neither is refused (audit AT 1).
func otherHostsRefuse(dir string, paths *pkg.Paths) (windows, folds string) {
	listed := map[string]bool{}
	if paths != nil {
		for _, e := range paths.Paths {
			listed[e.Path] = true
		}
	}
	seen := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if why := pkg.WindowsUnsafe(rel); why != "" && windows == "" {
			windows = fmt.Sprintf("%q: %s", rel, why)
		}
		if d.IsDir() {
			return nil
		}
		k := pathfold.Fold(rel)
		if prev, ok := seen[k]; ok && folds == "" && (listed[prev] || listed[rel]) {
			folds = fmt.Sprintf("files %s and %s are one file where names ignore case (Windows, macOS), and the second would be written over the first", prev, rel)
		}
		seen[k] = rel
		return nil
	})
	return windows, folds
}

// folderLinks refuses an env whose packages the link step would refuse
// together: a symlink of one package that others put files under (conda
// writes them through it) and that leads outside the env, to its root, or
// to itself or a folder holding it (link.FolderLinkRefusal). Each package
// passed alone, and every install of the bundle failed (audit AR 1). Not
// for Windows, where symlinks are copies; where another link of the env
// is on the way, the link step alone can tell.
func (b *builder) folderLinks(lockFile string, entries []LockEntry, got []entryRead, sd string) error {
	if strings.HasPrefix(sd, "win-") {
		return nil
	}
	checks := make([]*payloadCheck, len(entries))
	owner := map[string][]int{} // a folder → the packages with files in it (two at most)
	links := map[string]bool{}
	for i := range entries {
		if got[i].r == nil {
			continue
		}
		checks[i] = b.payload.result(got[i].r.SHA256)
		if checks[i] == nil {
			continue
		}
		for d := range checks[i].dirs {
			if len(owner[d]) < 2 {
				owner[d] = append(owner[d], i)
			}
		}
		for l := range checks[i].links {
			links[l] = true
		}
	}
	// another link on the way: p or a folder holding it is a link of the
	// env, not self
	linkOnWay := func(p, self string) bool {
		for d := p; d != "." && d != "/" && d != ""; d = path.Dir(d) {
			if links[d] && d != self {
				return true
			}
		}
		return false
	}
	for i, e := range entries {
		if checks[i] == nil {
			continue
		}
		for _, rel := range slices.Sorted(maps.Keys(checks[i].links)) {
			text := checks[i].links[rel]
			other := slices.IndexFunc(owner[rel], func(k int) bool { return k != i })
			if other < 0 || linkOnWay(path.Dir(rel), rel) {
				continue
			}
			to := path.Clean(path.Join(path.Dir(rel), strings.ReplaceAll(text, `\`, "/")))
			if !path.IsAbs(to) && to != "." && linkOnWay(to, rel) {
				continue
			}
			if why := link.FolderLinkRefusal(rel, text); why != "" {
				o := entries[owner[rel][other]]
				return &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: fmt.Errorf(
					"an install would refuse it with %s (line %d): its symlink %s -> %s is a folder %s puts files under, and it leads %s; take one of the two out, or use builds of them that agree",
					o.Fn, o.Line, rel, text, o.Fn, strings.TrimPrefix(why, "other packages put files under it, and it leads "))}
			}
		}
	}
	return nil
}
