package link

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"onboard/installer/pkg"
	"onboard/internal/pathfold"
)

// folderLinks makes, before any file of the window is linked, each symlink
// of the window whose path is now a folder (lib64 -> lib of one package,
// and lib64/libfoo.so of another): makeDirs made that folder for the
// other package's files, or the extraction placed them there, or an
// earlier window of this install linked them. conda links the symlink and
// writes the files through it; so does this: what the folder holds moves
// to where the link leads, and the symlink takes the folder's place,
// journaled. Only a folder this install made (all of a fresh prefix, or
// one in made) is replaced: one that was there before is the user's, and
// linking refuses it as before. A file that would then be at one path
// twice (lib/libfoo.so of one package, lib64/libfoo.so of another) is
// refused, naming both. It returns todo without the links it made.
func folderLinks(opts *Options, todo []*Action, archive func(*Action) string, whose func(target string) string, made map[string]bool, fresh bool, j Journal) ([]*Action, error) {
	if opts.hostOS() == "windows" {
		return todo, nil // symlinks are copies there
	}
	var links []*Action
	for _, a := range todo {
		if a.Kind != KindSymlink {
			continue
		}
		dst := hostPath(opts.Prefix, a.Target)
		if fi, err := os.Lstat(dst); err != nil || !fi.IsDir() || !fresh && !made[dst] {
			continue
		}
		if fi, err := os.Lstat(a.Source); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		links = append(links, a)
	}
	if len(links) == 0 {
		return todo, nil
	}
	// parents first
	sort.Slice(links, func(i, k int) bool { return links[i].Target < links[k].Target })
	// link's target → the folder it leads to, both prefix-relative
	moved := map[string]string{}
	done := map[*Action]bool{}
	through := newPlannedLinks(opts.Prefix, todo)
	for _, a := range links {
		to, err := folderLink(opts.Prefix, a, archive(a), whose, through.resolveLink, j)
		if err != nil {
			return nil, err
		}
		moved[a.Target], done[a] = to, true
	}
	if err := through.makeUsed(opts.Prefix, done, moved, j); err != nil {
		return nil, err
	}
	rest := make([]*Action, 0, len(todo)-len(done))
	for _, a := range todo {
		if !done[a] {
			rest = append(rest, a)
		}
	}
	return rest, clashThroughLinks(rest, moved, archive)
}

// FolderLinkRefusal says why the symlink at rel (env-relative, "/"
// between its parts) whose text is target cannot be a folder that other
// packages put files under, as the link step refuses it; "" when the two
// alone do not tell. It takes target from rel's folder as it is written:
// bundle build runs it over each env's packages where no link of the env
// is on either way (the link step follows those).
func FolderLinkRefusal(rel, target string) string {
	t := strings.ReplaceAll(target, `\`, "/")
	if filepath.IsAbs(target) || path.IsAbs(t) {
		return leadsOutside
	}
	to := path.Clean(path.Join(path.Dir(rel), t))
	if to == ".." || strings.HasPrefix(to, "../") {
		return leadsOutside
	}
	return leadsWhere(rel, to)
}

const leadsOutside = "other packages put files under it, and it leads outside the prefix"

// leadsWhere says why a folder symlink at rel that leads to the folder to
// (both env-relative) cannot hold other packages' files; "" when it can.
func leadsWhere(rel, to string) string {
	switch {
	case to == ".":
		// the env's root holds every folder: share/b -> .. slipped past
		// the test below ("./" is no prefix of "share/b/"), and exit 1
		// followed
		return "other packages put files under it, and it leads to the environment's root, which holds it and the folders of conda and onboard"
	case to == rel || strings.HasPrefix(to+"/", rel+"/") || strings.HasPrefix(rel+"/", to+"/"):
		return "other packages put files under it, and it leads to itself or to a folder that holds it"
	}
	return ""
}

// folderLink replaces the folder at a's target with a's symlink, moving
// what the folder holds to where the link leads (made when missing), and
// returns that place, prefix-relative.
func folderLink(prefixDir string, a *Action, archive string, whose func(target string) string, through func(link, text string) (string, bool), j Journal) (string, error) {
	dst := hostPath(prefixDir, a.Target)
	target, err := os.Readlink(a.Source)
	if err != nil {
		return "", fmt.Errorf("failed to link %q: %w", dst, err)
	}
	unsafe := func(why string) error {
		return &pkg.UnsafeEntryError{Archive: archive, Entry: a.Target + " -> " + target, Reason: why, WithOthers: true}
	}
	if filepath.IsAbs(target) || strings.HasPrefix(target, "/") {
		return "", unsafe(leadsOutside)
	}
	why, err := checkSymlink(prefixDir, a.Target, dst, target)
	if err != nil {
		return "", err
	}
	if why != "" {
		return "", unsafe(why)
	}
	// where it leads, through the links this window makes on the way
	// (usr/lib64 -> ../lib64 and lib64 -> lib: lib, as conda writes the
	// files through both; making lib64 a folder stopped lib64's own link,
	// audit AB)
	to, ok := through(a.Target, strings.ReplaceAll(target, `\`, "/"))
	if !ok {
		return "", unsafe("other packages put files under it, and it leads through a loop of symlinks, or through more of them than the system follows")
	}
	if why := leadsWhere(a.Target, to); why != "" {
		return "", unsafe(why)
	}
	land := hostPath(prefixDir, to)
	switch fi, err := os.Stat(land); {
	case errors.Is(err, fs.ErrNotExist):
		if err := mkdirJournaled(land, j); err != nil {
			return "", err
		}
	case err != nil:
		return "", fmt.Errorf("failed to link %q: %w", dst, err)
	case !fi.IsDir():
		return "", &ConflictError{Path: a.Target, Reason: fmt.Sprintf("package %s makes %s a symlink to %s, which is a file, and other packages of this environment put files under %s; no install can hold both", archive, a.Target, target, a.Target)}
	}
	if err := mergeInto(dst, land, a.Target, to, j); err != nil {
		var at *alreadyThere
		if errors.As(err, &at) {
			// two packages' files at one path once the link is followed
			// (lib64/libfoo.so through lib64 -> lib, and lib/libfoo.so):
			// a conflict of the bundle, as clashThroughLinks finds it
			return "", &ConflictError{Path: at.from, Reason: fmt.Sprintf("package %s makes %s a symlink to %s, so %s of %s would be %s, which %s puts there; no install can hold both",
				archive, a.Target, target, at.from, who(whose(at.from)), at.to, who(whose(at.to)))}
		}
		return "", fmt.Errorf("failed to link %q: package %s makes it a symlink to %s, but other packages of this environment put files under it, and %w; tell whoever made the bundle", dst, archive, target, err)
	}
	if err := os.Remove(dst); err != nil {
		return "", fmt.Errorf("failed to link %q: %w", dst, err)
	}
	if err := j.WillCreate(dst); err != nil {
		return "", err
	}
	if err := os.Symlink(target, dst); err != nil {
		return "", fmt.Errorf("failed to link %q: %w", dst, err)
	}
	return to, nil
}

// plannedLinks are the relative symlinks a window makes (lib64 -> lib),
// by their prefix-relative path, for resolving a path through them and
// through those already in the env (an earlier window's, audit AG).
type plannedLinks struct {
	prefix string
	text   map[string]string  // target → where it leads, as written
	act    map[string]*Action // target → its action
	used   map[string]bool    // those a resolve went through
}

func newPlannedLinks(prefixDir string, todo []*Action) *plannedLinks {
	pl := &plannedLinks{prefix: prefixDir, text: map[string]string{}, act: map[string]*Action{}, used: map[string]bool{}}
	for _, a := range todo {
		if a.Kind != KindSymlink {
			continue
		}
		if t, err := os.Readlink(a.Source); err == nil && !filepath.IsAbs(t) && !strings.HasPrefix(t, "/") {
			pl.text[a.Target], pl.act[a.Target] = strings.ReplaceAll(t, `\`, "/"), a
		}
	}
	return pl
}

// resolve reads the prefix-relative path p as the system will once the
// links are made: each part of it that one of them will be, or that is a
// symlink in the env already, is replaced by where it leads, read from the
// folder the link is in once the links before it are followed
// (x/lib64 -> ../lib under x -> y/z is y/lib, as the system reads it;
// audit AD). A link that leads outside the prefix stops it: the checks of
// the link that uses the path say what is wrong. ok is false for a loop
// (a -> b, b -> a), or a path through more links than the system follows.
func (pl *plannedLinks) resolve(p string) (string, bool) {
	hops := 0
	return pl.resolveHops(p, &hops)
}

// resolveLink is where the link at the prefix-relative path link, whose
// text is text, leads: its folder and its text read through the links on
// the way, the link itself counted, all against the system's one limit
// (audit AG: the link went uncounted, and its folder and its text had a
// budget each).
func (pl *plannedLinks) resolveLink(link, text string) (string, bool) {
	hops := 1
	dir, ok := pl.resolveHops(path.Dir(link), &hops)
	if !ok {
		return link, false
	}
	return pl.resolveHops(path.Clean(path.Join(dir, text)), &hops)
}

// maxLinkHops is the system's own limit of the links it follows in a
// path, those in the links' own paths included (Linux's MAXSYMLINKS).
const maxLinkHops = 40

// linkAt is the text of the link at the prefix-relative path p: one the
// window makes (planned), or one in the env already, read as the system
// reads it (through the links above it); ok is false where p is no link.
func (pl *plannedLinks) linkAt(p string) (text string, planned, ok bool) {
	if t, ok := pl.text[p]; ok {
		return t, true, true
	}
	host := hostPath(pl.prefix, p)
	if fi, err := os.Lstat(host); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return "", false, false
	}
	t, err := os.Readlink(host)
	if err != nil {
		return "", false, false
	}
	if filepath.IsAbs(t) || strings.HasPrefix(t, "/") {
		return "/", false, true // outside the prefix: it stops the resolve
	}
	return strings.ReplaceAll(t, `\`, "/"), false, true
}

// resolveHops is resolve, counting the links followed in *hops.
func (pl *plannedLinks) resolveHops(p string, hops *int) (string, bool) {
	for {
		changed := false
		for i := len(p); i > 0; i = strings.LastIndexByte(p[:i], '/') {
			t, planned, ok := pl.linkAt(p[:i])
			if !ok {
				continue
			}
			if *hops++; *hops > maxLinkHops {
				return p, false
			}
			if t == "/" {
				return p, true
			}
			dir, ok := pl.resolveHops(path.Dir(p[:i]), hops)
			if !ok {
				return p, false
			}
			to := path.Clean(path.Join(dir, t))
			if to == ".." || strings.HasPrefix(to, "../") {
				return p, true
			}
			if planned {
				pl.used[p[:i]] = true
			}
			// a link to the env's root (s -> .) leads there, which the
			// link using the path is refused for (audit AG: it was left
			// unread, and refused as a conflict)
			p, changed = path.Clean(to+p[i:]), true
			if p == "." {
				return p, true
			}
			break
		}
		if !changed {
			return p, true
		}
	}
}

// makeUsed makes now, journaled, the links a resolve went through that
// are not there yet (lib64 -> lib, which usr/lib64 -> ../lib64 leads
// through): the files written through the chain must find them, and the
// window links its paths in parallel. It returns their actions, done.
func (pl *plannedLinks) makeUsed(prefixDir string, done map[*Action]bool, moved map[string]string, j Journal) error {
	for _, target := range slices.Sorted(maps.Keys(pl.used)) {
		a := pl.act[target]
		if done[a] {
			continue
		}
		dst := hostPath(prefixDir, target)
		if _, err := os.Lstat(dst); err == nil {
			continue // there: linking it is the window's, as before
		}
		why, err := checkSymlink(prefixDir, target, dst, pl.text[target])
		if err != nil {
			return err
		}
		if why != "" {
			continue // refused when the window links it
		}
		if err := mkdirJournaled(filepath.Dir(dst), j); err != nil {
			return err
		}
		if err := j.WillCreate(dst); err != nil {
			return err
		}
		if err := os.Symlink(pl.text[target], dst); err != nil {
			return fmt.Errorf("failed to link %q: %w", dst, err)
		}
		done[a] = true
		moved[target], _ = pl.resolve(target) // for clashThroughLinks: lib64/x is lib/x
	}
	return nil
}

// mkdirJournaled makes the folder dir and its missing parents, journaled
// parents first.
func mkdirJournaled(dir string, j Journal) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		missing = append([]string{d}, missing...)
	}
	if err := j.WillMkdir(missing...); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create the folder %q: %w", dir, err)
	}
	return nil
}

// who names the package of a file in a message.
func who(archive string) string {
	if archive == "" {
		return "another package of this environment"
	}
	return "package " + archive
}

// alreadyThere is a file of the folder a link replaces that would land on
// a file already where the link leads; from and to are prefix-relative.
type alreadyThere struct{ from, to string }

func (e *alreadyThere) Error() string {
	return fmt.Sprintf("%s would then be %s, which is already there", e.from, e.to)
}

// mergeInto moves everything in the folder from (fromRel, prefix-relative)
// into the folder to (rel), journaled: a name to lacks moves whole, a
// folder both have is merged, and a file both would hold is an
// *alreadyThere, as is one that would land in conda's or onboard's files
// (pkg.Reserved: a link to the env's root, and a .onboard-journal or
// conda-meta/ under it) an error naming it.
func mergeInto(from, to, fromRel, rel string, j Journal) error {
	ents, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range ents {
		src, dst := filepath.Join(from, e.Name()), filepath.Join(to, e.Name())
		if what, ok := pkg.Reserved(path.Join(rel, e.Name())); ok {
			return fmt.Errorf("%s would land in %s, which belongs to conda and onboard", src, what)
		}
		fi, err := os.Lstat(dst)
		switch {
		case err == nil && fi.IsDir() && e.IsDir():
			if err := mergeInto(src, dst, path.Join(fromRel, e.Name()), path.Join(rel, e.Name()), j); err != nil {
				return err
			}
			if err := os.Remove(src); err != nil {
				return err
			}
			continue
		case err == nil:
			return &alreadyThere{from: path.Join(fromRel, e.Name()), to: path.Join(rel, e.Name())}
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		if e.IsDir() {
			err = j.WillMkdir(dst)
		} else {
			err = j.WillCreate(dst)
		}
		if err != nil {
			return err
		}
		if err := os.Rename(src, dst); err != nil {
			return err
		}
	}
	return nil
}

// clashThroughLinks refuses two actions of todo whose paths are one file
// once the folder links moved (link target → where it leads) are
// followed: lib/libfoo.so of one package and lib64/libfoo.so, through
// lib64 -> lib, of another.
func clashThroughLinks(todo []*Action, moved map[string]string, archive func(*Action) string) error {
	real := func(t string) string {
		for i := len(t); i > 0; i = strings.LastIndexByte(t[:i], '/') {
			if to, ok := moved[t[:i]]; ok {
				return to + t[i:]
			}
		}
		return t
	}
	seen := map[string]*Action{}
	var through []*Action
	for _, a := range todo {
		if a.Kind == KindDir {
			continue
		}
		if r := real(a.Target); r != a.Target {
			through = append(through, a)
			continue
		}
		seen[pathfold.Key(a.Target)] = a
	}
	for _, a := range through {
		r := real(a.Target)
		if b, ok := seen[pathfold.Key(r)]; ok {
			return &ConflictError{Path: a.Target, Reason: fmt.Sprintf("package %s puts a file at %s, through a folder symlink, and package %s puts one at %s, which is the same file; no install can hold both",
				archive(a), a.Target, archive(b), b.Target)}
		}
		seen[pathfold.Key(r)] = a
	}
	return nil
}

// checkLandings refuses an action whose path, followed through the folder
// symlinks now in the env (a package's, made in an earlier install or by
// folderLinks), lands in conda's or onboard's files (pkg.Reserved): a
// link to the env's root (share/x -> ..) with another package's
// share/x/.onboard-journal or share/x/conda-meta/evil.json under it. pkg
// refuses such paths as written; this is where they really land. Each
// folder is resolved once; one that leads outside the env is the user's
// (checkSymlink refuses a package's), and followed as conda follows it.
func checkLandings(prefixDir string, todo []*Action, archive func(*Action) string) error {
	root, err := filepath.EvalSymlinks(prefixDir)
	if err != nil {
		return nil // linking reports it
	}
	real := map[string]string{".": "."} // folder → where it really is, prefix-relative; "" = outside
	var resolve func(d string) string
	resolve = func(d string) string {
		if r, ok := real[d]; ok {
			return r
		}
		r := ""
		if up := resolve(path.Dir(d)); up != "" {
			r = path.Join(up, path.Base(d))
			if fi, err := os.Lstat(hostPath(prefixDir, d)); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
				if e, err := filepath.EvalSymlinks(hostPath(prefixDir, d)); err == nil {
					r, _ = within(root, e)
				}
			}
		}
		real[d] = r
		return r
	}
	for _, a := range todo {
		dir := path.Dir(a.Target)
		rd := resolve(dir)
		if rd == "" || rd == dir {
			continue // outside (the user's link), or no link on the way
		}
		land := path.Join(rd, path.Base(a.Target))
		if what, ok := pkg.Reserved(land); ok {
			return &pkg.UnsafeEntryError{Archive: archive(a), Entry: a.Target,
				Reason: fmt.Sprintf("through a folder symlink it lands at %s, in %s, which belongs to conda and onboard, not to a package", land, what)}
		}
	}
	return nil
}
