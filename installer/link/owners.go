package link

import (
	"hash/maphash"
	"os"
	"sort"
	"sync"

	"onboard/installer/pkg"
	"onboard/internal/pathfold"
)

// Owners decides which package of an install ends up holding each path
// when more than one provides it: the last in link order, as in conda.
// An install links its packages a window at a time, in link order, and
// forgets each window's plans once it is linked; Owners is what it keeps
// across windows: for every target, a 64-bit hash and the package that
// holds it (some 30 bytes a path, against the hundreds of a plan), and
// the clashes, which are rare. Packages are named by ids of the caller's
// choosing; rank gives their place in link order. Targets are compared
// as the host compares names (pathfold.Key): on Windows and macOS
// share/README of one package and share/readme of another are one file,
// a clash like any other.
type Owners struct {
	mu      sync.Mutex
	seed    maphash.Seed
	holder  map[uint64]int32   // target → the package whose file is there, or will be once its window is linked
	pending map[uint64]*Action // this window's actions still to link, by target
	clashes map[string][]int32 // target's key → the packages that provide it
	spelled map[string]string  // target's key → the target as the winner spells it (the file's name)
	rank    func(id int32) int
}

// NewOwners returns an empty Owners; rank gives a package's place in link
// order (it is first asked in Claim, so it may be set up after Placed).
func NewOwners(rank func(id int32) int) *Owners {
	return &Owners{seed: maphash.MakeSeed(), holder: map[uint64]int32{}, pending: map[uint64]*Action{},
		clashes: map[string][]int32{}, spelled: map[string]string{}, rank: rank}
}

func (o *Owners) hash(target string) uint64 { return maphash.String(o.seed, pathfold.Key(target)) }

// Placed says the extraction already wrote package id's file at target
// (pkg.Extracted.Placed). Safe for concurrent use.
func (o *Owners) Placed(id int32, targets []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, t := range targets {
		o.holder[o.hash(t)] = id
	}
}

// Claim decides, for the plan of package id, which of its paths it takes.
// Call it for each plan of a window in link order, then link the window
// (Execute) and call EndWindow. An action whose path a later package
// provides is marked Skip when that package's file is already there or
// comes in this window; one whose path an earlier package's file holds
// (placed by the extraction, or linked in an earlier window) is marked
// Replace: Execute removes that file before linking. Folders are shared,
// never a clash. prefixDir is where the paths are (a Skip is checked
// against the file really there).
func (o *Owners) Claim(p *Plan, id int32, prefixDir string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.rank(id)
	for _, a := range p.Actions {
		if a.Kind == KindDir {
			continue
		}
		h := o.hash(a.Target)
		if prev, ok := o.pending[h]; ok && pathfold.Key(prev.Target) == pathfold.Key(a.Target) {
			prev.Skip = true // an earlier package of this window: not linked yet
			o.clash(a.Target, o.holder[h], id)
			o.take(h, a, id)
			continue
		}
		j, held := o.holder[h]
		switch {
		case !held:
			o.take(h, a, id)
		case j == id && a.Kind == KindPlaced:
			if len(o.clashes) > 0 {
				o.respell(a.Target) // a later package's file, placed: this one is the winner
			}
		case j == id:
			a.Replace = true // the package lists the path twice; the last entry wins
			o.take(h, a, id)
		case o.rank(j) > r && a.Kind != KindPlaced && o.exists(prefixDir, a.Target):
			a.Skip = true // a later package's file, placed by the extraction
			o.clash(a.Target, id, j)
		case o.rank(j) > r:
			o.take(h, a, id) // a hash collision: nothing is there
		default:
			if a.Kind != KindPlaced {
				a.Replace = true
			}
			o.clash(a.Target, j, id)
			o.take(h, a, id)
		}
	}
}

func (o *Owners) take(h uint64, a *Action, id int32) {
	o.holder[h] = id
	if a.Kind != KindPlaced {
		o.pending[h] = a
	}
}

func (o *Owners) exists(prefixDir, target string) bool {
	_, err := os.Lstat(hostPath(prefixDir, target))
	return err == nil
}

func (o *Owners) clash(target string, ids ...int32) {
	k := pathfold.Key(target)
	o.spelled[k] = target
	have := o.clashes[k]
	for _, id := range ids {
		dup := false
		for _, h := range have {
			dup = dup || h == id
		}
		if !dup {
			have = append(have, id)
		}
	}
	o.clashes[k] = have
}

// respell names a clash's path as target spells it, when target is a
// clash's: its package is the clash's winner so far.
func (o *Owners) respell(target string) {
	if k := pathfold.Key(target); o.clashes[k] != nil {
		o.spelled[k] = target
	}
}

// EndWindow forgets the window's actions, once it is linked.
func (o *Owners) EndWindow() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.pending)
}

// Clashes returns every path more than one package provides, sorted by
// path, each with its packages' names (dist) in link order: the last
// one's file is the one in the prefix.
func (o *Owners) Clashes(dist func(id int32) string) []Clash {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Clash, 0, len(o.clashes))
	for k, ids := range o.clashes {
		sort.SliceStable(ids, func(a, b int) bool { return o.rank(ids[a]) < o.rank(ids[b]) })
		c := Clash{Path: o.spelled[k]}
		for _, id := range ids {
			c.Dists = append(c.Dists, dist(id))
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// PlacedTargets returns the targets of x's files that the extraction
// placed (pkg.Extracted.Placed): their paths, remapped with py when x is
// noarch: python (py is then the env's python, which placing needed).
func PlacedTargets(x *pkg.Extracted, py *Python) []string {
	var out []string
	noarch := NoarchPython(x) && py != nil
	for i, placed := range x.Placed {
		if !placed {
			continue
		}
		t := x.Paths.Paths[i].Path
		if noarch {
			t = py.TargetPath(t)
		}
		out = append(out, t)
	}
	return out
}
