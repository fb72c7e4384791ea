package installer

import (
	"errors"
	"hash/maphash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"

	"onboard/installer/link"
	"onboard/installer/pkg"
)

// placer is the pkg.Router of a one-pass install into a prefix this
// transaction created: the extraction writes each plain file of a
// package (no placeholder, not a symlink) straight to its target in the
// prefix, journaled first, instead of into the scratch folder from which
// linking would rename it. Nothing else can be at those paths, except
// what another package of the same install put there first (a clash:
// the second goes to the scratch folder, and linking decides, as for
// every clash, in link order). A noarch: python package is placed only
// once the env's python is known (its package is extracted first);
// otherwise it goes the scratch way.
type placer struct {
	prefix string
	subdir string
	j      interface {
		WillMake(dirs, files []string) error
	}

	mu   sync.Mutex
	py   *link.Python
	made map[string]bool // folders of the prefix that exist (made or seen)
	// files are the targets packages were given to place: a package
	// whose file is another's folder, or whose folder is another's file,
	// is not placed, and linking refuses the pair. Without this, the
	// second package's write replaced the first one's empty folder with
	// its file (or the reverse), and the install failed with the OS's
	// "not a directory", exit 1, as the two raced. Kept by a hash of the
	// path as given (link.Owners keeps its by a hash too, of the path
	// folded to one case; this map never folded): the paths held 23
	// MB of the 82 MB live at the end of a 320,000-file install, and
	// raised its peak RSS from 114 to 166 MB (audit BI 3). Two paths of
	// one hash (a chance in 10^9 at that size) only send a package the
	// scratch way, where linking decides as it always has.
	files map[uint64]struct{}
	seed  maphash.Seed
}

// fileKey is target's key in files.
func (pl *placer) fileKey(target string) uint64 { return maphash.String(pl.seed, target) }

// isFile tells whether target is a file a package was given to place.
func (pl *placer) isFile(target string) bool {
	_, ok := pl.files[pl.fileKey(target)]
	return ok
}

func newPlacer(prefixDir, subdir string, j interface {
	WillMake(dirs, files []string) error
}) *placer {
	return &placer{prefix: prefixDir, subdir: subdir, j: j, made: map[string]bool{".": true}, files: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
}

// Route implements pkg.Router.
func (pl *placer) Route(ix *pkg.Index, lj *pkg.LinkJSON, paths *pkg.Paths) (func(int) string, error) {
	x := &pkg.Extracted{Index: ix, Link: lj, Paths: paths}
	var py *link.Python
	if ix.Name == "python" && !link.NoarchPython(x) {
		p, err := link.NewPython(ix.Version, ix.PythonSitePackagesPath, pl.subdir)
		if err != nil {
			return nil, nil // linking reports it
		}
		pl.mu.Lock()
		pl.py = p
		pl.mu.Unlock()
	}
	if link.NoarchPython(x) {
		pl.mu.Lock()
		py = pl.py
		pl.mu.Unlock()
		if py == nil {
			return nil, nil
		}
	}
	target := func(i int) string {
		e := &paths.Paths[i]
		if e.PathType != pkg.PathHardlink && e.PathType != "" || e.PrefixPlaceholder != "" {
			return ""
		}
		t := e.Path
		if py != nil {
			t = py.TargetPath(t)
		}
		if reservedTarget(t) {
			return ""
		}
		return t
	}
	files, dirs := make([]string, 0, len(paths.Paths)), map[string]bool{}
	for i := range paths.Paths {
		if t := target(i); t != "" {
			files = append(files, t)
			dirs[path.Dir(t)] = true
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	if ok, err := pl.prepare(dirs, files); err != nil || !ok {
		return nil, err
	}
	return func(i int) string {
		if t := target(i); t != "" {
			return pl.host(t)
		}
		return ""
	}, nil
}

func (pl *placer) host(target string) string {
	return filepath.Join(pl.prefix, filepath.FromSlash(target))
}

// reservedTarget tells the paths that stay out of the way of placing:
// the transaction's own folders, conda-meta and the rest of
// pkg.ReservedFolders and pkg.ReservedFiles. pkg already refuses a package
// with files there; this is a second guard, so that placing never writes
// into them whatever pkg lets through.
func reservedTarget(t string) bool {
	_, ok := pkg.Reserved(t)
	return ok
}

// prepare journals the files about to be placed and the folders they
// need, with one sync, and makes the folders. It reports false (nothing
// placed) when something that is not a folder is in the way: linking
// then reports it as it always has.
func (pl *placer) prepare(need map[string]bool, targets []string) (bool, error) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	for _, t := range targets {
		if pl.made[t] || pl.isFile(t) {
			return false, nil // another package's folder, or its file
		}
	}
	all := map[string]bool{}
	for d := range need {
		for ; !pl.made[d] && !all[d]; d = path.Dir(d) {
			if pl.isFile(d) {
				return false, nil // another package's file is this folder
			}
			all[d] = true
		}
	}
	files := make([]string, len(targets))
	for i, t := range targets {
		files[i] = pl.host(t)
	}
	sorted := make([]string, 0, len(all))
	for d := range all {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted) // parents first
	var missing []string
	for _, d := range sorted {
		fi, err := os.Lstat(pl.host(d))
		switch {
		case err == nil && !fi.IsDir():
			return false, nil
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, pl.host(d))
		case err != nil:
			return false, nil
		}
	}
	if err := pl.j.WillMake(missing, files); err != nil {
		return false, err
	}
	for _, d := range missing {
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return false, &TargetError{Path: d, Reason: "cannot create the folder", Err: err}
		}
	}
	for _, d := range sorted {
		pl.made[d] = true
	}
	for _, t := range targets {
		pl.files[pl.fileKey(t)] = struct{}{}
	}
	return true, nil
}

// python is the env's python once the placer knows it; nil for a nil
// placer (no placing).
func (pl *placer) python() *link.Python {
	if pl == nil {
		return nil
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.py
}
