package link

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"onboard/installer/pkg"
	"onboard/installer/prefix"
)

// Journal records changes before they are made (prefix.Journal implements
// it); Execute calls it serially.
type Journal interface {
	WillCreate(paths ...string) error
	WillMkdir(dirs ...string) error
	MoveAside(path string) error
}

type nopJournal struct{}

func (nopJournal) WillCreate(...string) error { return nil }
func (nopJournal) WillMkdir(...string) error  { return nil }

// MoveAside without a journal would lose the file for good (nothing could
// put it back on a rollback), so it refuses: replacing files needs a
// journal.
func (nopJournal) MoveAside(p string) error {
	return fmt.Errorf("failed to link %q: a file is already there, and without a journal it could not be put back on a rollback; link into an empty folder or pass a journal", p)
}

// Clash is a prefix path that more than one package provides; the last of
// Dists (in link order) wins, as in conda.
type Clash struct {
	Path  string
	Dists []string
}

// Execute links every action of plans into opts.Prefix: it creates the
// missing folders, moves aside paths that already exist (when
// fresh is false: the prefix existed before), tells j about every change
// first, then links the files on all CPUs. progress gets the bytes done.
func Execute(ctx context.Context, plans []*Plan, opts *Options, j Journal, fresh bool, progress func(int64)) error {
	if j == nil {
		j = nopJournal{}
	}
	var todo []*Action
	for _, p := range plans {
		p.Hardlink = canHardlink(filepath.Join(p.Pkg.Dir, "info", "index.json"), opts.Prefix)
		for _, a := range p.Actions {
			if !a.Skip && a.Kind != KindPlaced {
				todo = append(todo, a)
			}
		}
	}
	owner := make(map[*Action]*Plan, len(todo))
	moving := false
	for _, p := range plans {
		moving = moving || p.Move
		for _, a := range p.Actions {
			owner[a] = p
		}
	}
	archive := func(a *Action) string { return archiveName(owner[a].Pkg) }
	made, err := makeDirs(opts.Prefix, todo, archive, fresh, j)
	if err != nil {
		return err
	}
	whose := func(target string) string { // the package of a path, placed or linked here
		for _, p := range plans {
			for _, a := range p.Actions {
				if a.Target == target {
					return archiveName(p.Pkg)
				}
			}
		}
		return ""
	}
	if todo, err = folderLinks(opts, todo, archive, whose, made, fresh, j); err != nil {
		return err
	}
	if err := checkLandings(opts.Prefix, todo, archive); err != nil {
		return err
	}
	if !fresh {
		if err := moveAsideExisting(ctx, opts.Prefix, todo, j); err != nil {
			return err
		}
	}
	if err := announce(opts.Prefix, todo, j); err != nil {
		return err
	}
	report := func(int64) {}
	if progress != nil {
		report = syncProgress(progress)
	}
	named := namer(opts.Item)
	one := func(_ context.Context, a *Action) error {
		named(owner[a])
		if a.Replace {
			if err := os.Remove(hostPath(opts.Prefix, a.Target)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("failed to replace %q: %w", hostPath(opts.Prefix, a.Target), err)
			}
		}
		if err := linkOne(a, opts, owner[a]); err != nil {
			return err
		}
		report(a.Size)
		return nil
	}
	if !moving {
		if err := ForEach(ctx, todo, opts.workers(), one); err != nil {
			return err
		}
		return checkMadeLinks(opts, todo, archive)
	}
	// Moving empties the package folders: everything that reads them
	// (symlinks copied from their targets, no_link copies) goes first.
	var first, moves []*Action
	for _, a := range todo {
		if a.Kind == KindLink {
			moves = append(moves, a)
		} else {
			first = append(first, a)
		}
	}
	if err := ForEach(ctx, first, opts.workers(), one); err != nil {
		return err
	}
	if err := ForEach(ctx, moves, opts.workers(), one); err != nil {
		return err
	}
	return checkMadeLinks(opts, todo, archive)
}

// checkMadeLinks checks every symlink todo made again, once all of them
// are there, in order: each was checked as it was made, through the links
// already there, but they are made in parallel, so share/a -> b/conda-meta
// was refused or not as share/b -> .. of the same install was made before
// it or after (audit P). Where one leads through the others now is what
// a later write through it would reach.
func checkMadeLinks(opts *Options, todo []*Action, archive func(*Action) string) error {
	for _, a := range todo {
		if a.Kind != KindSymlink {
			continue
		}
		dst := hostPath(opts.Prefix, a.Target)
		target, err := os.Readlink(dst)
		if err != nil {
			continue // copied, not a link (Windows, an absolute target, a regular file in the package)
		}
		why, err := checkSymlink(opts.Prefix, a.Target, dst, target)
		if err != nil {
			return err
		}
		if why != "" {
			return &pkg.UnsafeEntryError{Archive: archive(a), Entry: a.Target + " -> " + target, Reason: why}
		}
	}
	return nil
}

// hostPath returns the host path of a prefix-relative target.
func hostPath(prefixDir, target string) string {
	return filepath.Join(prefixDir, filepath.FromSlash(target))
}

// makeDirs creates the folders the targets need, parents first, telling j
// about the ones that do not exist yet. A folder that is already there as
// a symlink (another package's, or one made since) is followed only while
// it leads to no folder of conda's or onboard's (pkg.ReservedFolders):
// otherwise the package whose file would be written there (named by
// archive) is refused. It returns the folders it made (host paths).
func makeDirs(prefixDir string, todo []*Action, archive func(*Action) string, fresh bool, j Journal) (map[string]bool, error) {
	need := map[string]*Action{}
	files := map[string]*Action{}
	for _, a := range todo {
		if a.Kind != KindDir && a.Kind != KindSymlink {
			files[a.Target] = a
		}
	}
	for _, a := range todo {
		d := path.Dir(a.Target)
		if a.Kind == KindDir {
			d = a.Target
		}
		for d != "." && d != "/" && need[d] == nil {
			need[d] = a
			d = path.Dir(d)
		}
	}
	dirs := make([]string, 0, len(need))
	for d := range need {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var missing []string
	for _, d := range dirs {
		if f := files[d]; f != nil {
			return nil, &ConflictError{Path: d, File: archive(f), Folder: archive(need[d]), Under: need[d].Target}
		}
		fi, err := os.Lstat(hostPath(prefixDir, d))
		if err == nil && !fi.IsDir() && fi.Mode()&fs.ModeSymlink == 0 {
			if fresh {
				// all of a new prefix is this install's: another of its
				// packages put the file there
				return nil, &ConflictError{Path: d, Folder: archive(need[d]), Under: need[d].Target}
			}
			return nil, &prefix.InTheWayError{Op: "create the folder", Path: hostPath(prefixDir, d)}
		}
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			why, err := symlinkedFolder(prefixDir, hostPath(prefixDir, d))
			if err != nil {
				return nil, err
			}
			if why != "" {
				a := need[d]
				return nil, &pkg.UnsafeEntryError{Archive: archive(a), Entry: a.Target,
					Reason: fmt.Sprintf("its folder %s is a symlink that %s", d, why)}
			}
		}
		if err != nil {
			missing = append(missing, hostPath(prefixDir, d))
		}
	}
	if err := j.WillMkdir(missing...); err != nil {
		return nil, err
	}
	made := make(map[string]bool, len(missing))
	for _, d := range missing {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("failed to create the folder %q: %w", d, err)
		}
		made[d] = true
	}
	return made, nil
}

// ConflictError reports two packages of one install that cannot both be
// linked: one installs a file at Path, another (Folder) puts files under
// it (Under), as if it were a folder. The bundle is at fault (exit 3).
type ConflictError struct {
	Path   string
	File   string // the package of the file; "" when it was linked before this window
	Folder string // the package with files under Path
	Under  string // one of them
	// Reason, when set, says the conflict in full (one through a folder
	// symlink), naming the packages.
	Reason string
}

func (e *ConflictError) Error() string {
	if e.Reason != "" {
		return "packages conflict: " + e.Reason
	}
	return fmt.Sprintf("packages conflict: %s installs the file %s, and %s puts %s under it, as if it were a folder; no install can hold both",
		who(e.File), e.Path, who(e.Folder), e.Under)
}

// moveAsideExisting moves every existing target out of the way (through
// the journal, so a rollback puts it back).
func moveAsideExisting(ctx context.Context, prefixDir string, todo []*Action, j Journal) error {
	for _, a := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		if a.Kind == KindDir || a.Replace {
			continue // a Replace holds this install's own file, removed when linking
		}
		p := hostPath(prefixDir, a.Target)
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if fi.IsDir() {
			return &prefix.InTheWayError{Op: "link", Path: p, Dir: true}
		}
		if err := j.MoveAside(p); err != nil {
			return err
		}
	}
	return nil
}

// announce tells j about every file about to be created, in chunks.
func announce(prefixDir string, todo []*Action, j Journal) error {
	const chunk = 2048
	paths := make([]string, 0, min(chunk, len(todo)))
	for i, a := range todo {
		if a.Kind != KindDir {
			paths = append(paths, hostPath(prefixDir, a.Target))
		}
		if len(paths) == chunk || i == len(todo)-1 {
			if err := j.WillCreate(paths...); err != nil {
				return err
			}
			paths = make([]string, 0, chunk) // j may keep the slice it was given
		}
	}
	return nil
}

// linkOne puts one action's path into the prefix.
func linkOne(a *Action, opts *Options, p *Plan) error {
	dst := hostPath(opts.Prefix, a.Target)
	var err error
	switch a.Kind {
	case KindDir:
		err = os.MkdirAll(dst, 0o755)
	case KindContent:
		err = writeNew(dst, a.Content, a.Mode)
	case KindRewrite:
		err = os.Rename(a.Temp, dst)
	case KindSymlink:
		err = linkSymlink(a, dst, opts, p.Pkg)
	case KindLink:
		if p.Move {
			if err = os.Rename(a.Source, dst); err == nil {
				return nil
			}
		}
		if p.Hardlink {
			if err = os.Link(a.Source, dst); err == nil {
				return nil
			}
		}
		err = copyFile(a.Source, dst)
	case KindCopy:
		err = copyFile(a.Source, dst)
	}
	if err != nil {
		if fi, lerr := os.Lstat(dst); a.Kind != KindDir && lerr == nil && fi.IsDir() {
			// another package of the env put files under this path
			return &ConflictError{Path: a.Target, File: archiveName(p.Pkg), Under: a.Target + "/…"}
		}
		return fmt.Errorf("failed to link %q: %w", dst, err)
	}
	return nil
}

// linkSymlink recreates a softlink entry of package x: a symlink with the
// same relative target (dangling ones too), or a copy of the content when
// the package holds a regular file there, the target is absolute, or the
// host is Windows. A relative target that leaves the prefix is refused
// (checkSymlink), as an unsafe entry of x.
func linkSymlink(a *Action, dst string, opts *Options, x *pkg.Extracted) error {
	fi, err := os.Lstat(a.Source)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return copyFile(a.Source, dst)
	}
	target, err := os.Readlink(a.Source)
	if err != nil {
		return err
	}
	if filepath.IsAbs(target) || strings.HasPrefix(target, "/") || opts.hostOS() == "windows" {
		return copyFile(a.Source, dst) // follows the link inside the package
	}
	why, err := checkSymlink(opts.Prefix, a.Target, dst, target)
	if err != nil {
		return err
	}
	if why != "" {
		return &pkg.UnsafeEntryError{Archive: archiveName(x), Entry: a.Target + " -> " + target, Reason: why}
	}
	err = os.Symlink(target, dst)
	if fi, lerr := os.Lstat(dst); err != nil && lerr == nil && fi.IsDir() {
		// A folder that was there before this install (folderLinks
		// replaces the ones it made): the user's, or a package's files.
		return &prefix.InTheWayError{Op: "link", Path: dst, Dir: true,
			Why:    fmt.Sprintf("package %s makes it a symlink to %s, but ", archiveName(x), target),
			Advice: fmt.Sprintf("move the folder's files to %s, remove it, and try again", target)}
	}
	return err
}

// archiveName names package x in an error: its archive's file name.
func archiveName(x *pkg.Extracted) string {
	switch {
	case x != nil && x.Record != nil && x.Record.Fn != "":
		return x.Record.Fn
	case x != nil:
		return filepath.Base(x.Dir)
	}
	return "(unknown)"
}

// symlinkedFolder says why the folder symlink dir of the prefix may not be
// written through ("" when it may): it leads into one of conda's or
// onboard's folders (pkg.ReservedFolders) of the prefix. One that leads
// outside the prefix was not made by a package (checkSymlink refuses
// those) but by the user, and is followed, as conda follows it.
func symlinkedFolder(prefix, dir string) (string, error) {
	root, err := filepath.EvalSymlinks(prefix)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) || symlinkLoop(err) {
		return "", nil // dangling or a loop: creating in it fails, as before
	}
	if err != nil {
		return "", err
	}
	if rel, ok := within(root, real); ok {
		return leadsReserved(rel), nil
	}
	return "", nil
}

// within returns real's path relative to root, '/'-separated, when it is
// root or inside it.
func within(root, real string) (string, bool) {
	rel, err := filepath.Rel(root, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// leadsReserved says why a place rel of the prefix is one no symlink may
// lead to ("" when it is not): in or at one of pkg.ReservedFolders.
func leadsReserved(rel string) string {
	if rel == "." {
		return ""
	}
	if what, ok := pkg.Reserved(rel); ok && strings.HasSuffix(what, "/") {
		return "leads into " + what + ", which belongs to conda and onboard, not to a package"
	}
	return ""
}

// symlinkLoop tells whether err is a chain of symlinks that never ends
// (filepath.EvalSymlinks' "too many links", or the system's ELOOP).
func symlinkLoop(err error) bool {
	return err != nil && (errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "too many links"))
}

// realPath resolves the symlinks of p as far as p exists: its longest
// existing part, resolved, joined with the rest.
func realPath(p string) (string, error) {
	rest := ""
	for {
		r, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(p)
		if !errors.Is(err, fs.ErrNotExist) || parent == p {
			return "", err
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// checkSymlink refuses a relative symlink target that leaves the prefix,
// from where the link really is, not only from its path: a folder on its
// path may itself be a symlink, of another package, that leads elsewhere
// in the prefix (lib/up -> .. makes lib/up/x -> ../y point beside the
// prefix, and a later package's lib/up/x/f.txt be written there). Every
// symlink onboard makes stays inside the prefix this way, so every path
// through them does too. A target that goes up after going down ("a/../..")
// is refused: where it leads would change with a later link at "a".
func checkSymlink(prefix, short, dst, target string) (why string, err error) {
	if escapesPrefix(short, target) {
		return "the symlink leaves the prefix", nil
	}
	up, down := 0, false
	for _, part := range strings.Split(strings.ReplaceAll(target, `\`, "/"), "/") {
		switch part {
		case "", ".":
		case "..":
			if down {
				return "the symlink goes up after going down, so where it leads depends on other links", nil
			}
			up++
		default:
			down = true
		}
	}
	root, err := filepath.EvalSymlinks(prefix)
	if err != nil {
		return "", err
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(dst))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Sprintf("its folder is %q, outside the prefix, through a symlink", dir), nil
	}
	depth := 0
	if rel != "." {
		depth = strings.Count(rel, string(filepath.Separator)) + 1
	}
	if up > depth {
		return fmt.Sprintf("the symlink leaves the prefix from %q, where it really is: a folder on its path is a symlink", dir), nil
	}
	// Where it leads, through the links already there (lib/a -> ../d/conda-meta
	// with d -> .): never into conda's or onboard's folders, which a later
	// package's file lib/a/x would then be written into.
	land, err := realPath(filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(target, `\`, "/"))))
	if symlinkLoop(err) {
		// share/a -> b, share/b -> a: it leads nowhere, as conda makes it
		// (audit V 2: the install failed, exit 1, "EvalSymlinks: too many
		// links", naming no package)
		return "", nil
	}
	if err != nil {
		return "", err
	}
	// (One that leads outside goes through a link the user made, as
	// symlinkedFolder allows.)
	if rel, ok := within(root, land); ok {
		if why := leadsReserved(rel); why != "" {
			return "the symlink " + why, nil
		}
	}
	return "", nil
}

// writeNew writes data to dst, which must not exist.
func writeNew(dst string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(dst, mode)
}

// copyFile copies src (following symlinks) to the new file dst with src's
// mode and modification time, as conda's copy + copystat.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%q is a folder, not a file", src)
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := os.Chmod(dst, fi.Mode().Perm()); err != nil {
		return err
	}
	return os.Chtimes(dst, fi.ModTime(), fi.ModTime())
}

// canHardlink tests once per package, as conda does, whether a hard link
// from the package cache into the prefix works (and is not a symlink).
func canHardlink(src, prefixDir string) bool {
	test := filepath.Join(prefixDir, ".tmp.index.json."+randomSuffix())
	defer os.Remove(test)
	if err := os.Link(src, test); err != nil {
		return false
	}
	fi, err := os.Lstat(test)
	return err == nil && fi.Mode()&fs.ModeSymlink == 0
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// syncProgress serialises calls to progress.
func syncProgress(progress func(int64)) func(int64) {
	ch := make(chan struct{}, 1)
	return func(n int64) {
		ch <- struct{}{}
		progress(n)
		<-ch
	}
}

// namer returns a function that calls item once per plan, the first time
// one of its files is linked; item may be nil.
func namer(item func(dist string)) func(p *Plan) {
	if item == nil {
		return func(*Plan) {}
	}
	var mu sync.Mutex
	seen := map[*Plan]bool{}
	return func(p *Plan) {
		mu.Lock()
		defer mu.Unlock()
		if p != nil && !seen[p] {
			seen[p] = true
			item(p.Dist())
		}
	}
}
