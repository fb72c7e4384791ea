package installer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"onboard/installer/link"
	"onboard/installer/state"
)

// execList is where the list of the env's executable files goes
// (state.ExecutablesPath): the base's when the env is its own install,
// an env's when it is PREFIX/envs/NAME of the install whose state folder
// this run uses; "" where verify would not look, and on Windows.
func (t *envTxn) execList() string {
	if runtime.GOOS == "windows" {
		return ""
	}
	root := filepath.Dir(filepath.Clean(t.stateDir))
	switch {
	case filepath.Clean(t.stateDir) == state.Dir(t.prefix):
		return state.ExecutablesPath(t.prefix, state.BaseEnv)
	case filepath.Dir(t.prefix) == filepath.Join(root, "envs"):
		return state.ExecutablesPath(root, filepath.Base(t.prefix))
	}
	return ""
}

// noteExecutables adds the files a window's plans placed that are
// executable to t.execs, by the package's dist: what the link made is
// what verify later expects (conda-meta records no modes).
func (t *envTxn) noteExecutables(ctx context.Context, plans []*link.Plan) error {
	if t.execs == nil {
		return nil
	}
	var mu sync.Mutex
	replaced := map[string]string{} // a path a package of an earlier window held: its new owner's dist
	defer func() {
		// the earlier package no longer has the file: a repair of it
		// must not make the winner's executable (audit BD 2)
		if len(replaced) == 0 {
			return
		}
		for dist, l := range t.execs {
			t.execs[dist] = slices.DeleteFunc(l, func(rel string) bool {
				owner, ok := replaced[rel]
				return ok && owner != dist
			})
			if len(t.execs[dist]) == 0 {
				delete(t.execs, dist)
			}
		}
	}()
	return link.ForEach(ctx, plans, 0, func(_ context.Context, p *link.Plan) error {
		dist := p.Pkg.Index.Dist()
		for _, a := range p.Actions {
			if a.Replace && !a.Skip {
				mu.Lock()
				replaced[a.Target] = dist
				mu.Unlock()
			}
		}
		// the modes the extraction wrote (a link or a copy keeps them),
		// else, for a package the cache already held, a stat of each file
		var exec map[int]bool
		if p.Pkg.ModesKnown {
			exec = make(map[int]bool, len(p.Pkg.Exec))
			for _, i := range p.Pkg.Exec {
				exec[int(i)] = true
			}
		}
		var found []string
		for _, a := range p.Actions {
			if !a.Skip && a.Kind == link.KindContent && a.Mode&0o111 != 0 {
				// an entry point the link step wrote (bin/jupyter-notebook):
				// it must stay executable too, and the list is what tells
				// that the package had it once conda removes it (audit BM 8)
				found = append(found, a.Target)
				continue
			}
			if a.Skip || a.Entry < 0 || a.Kind == link.KindSymlink || a.Kind == link.KindDir {
				continue
			}
			if exec != nil {
				if exec[a.Entry] {
					found = append(found, a.Target)
				}
				continue
			}
			fi, err := os.Lstat(filepath.Join(t.prefix, filepath.FromSlash(a.Target)))
			if err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				found = append(found, a.Target)
			}
		}
		if len(found) > 0 {
			mu.Lock()
			t.execs[dist] = found
			mu.Unlock()
		}
		return nil
	})
}

// writeExecutables writes the env's list of executable files, journaled,
// over the one an earlier install into the env left (its packages that
// this run did not link keep their lines).
func (t *envTxn) writeExecutables() error {
	path := t.execList()
	if t.execs == nil || path == "" {
		return nil
	}
	old, err := state.ReadExecutables(path)
	if err != nil {
		old = nil // unreadable: written anew
	}
	for dist, l := range old {
		if _, ok := t.execs[dist]; !ok {
			t.execs[dist] = l
		}
	}
	dir := filepath.Dir(path)
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := t.j.WillMkdir(dir); err != nil {
			return err
		}
	}
	if err := t.newFile(path); err != nil {
		return err
	}
	return state.WriteExecutables(path, t.execs)
}
