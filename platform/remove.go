package platform

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"onboard/internal/atomicfile"
	"onboard/internal/capread"
	"onboard/internal/filelock"
	"onboard/internal/rmtree"
)

// Remove deletes what rec says was created: .app bundles, files, owned
// folders when empty, shell blocks, mimeapps.list entries, Windows
// Terminal profiles, and last the registry entries. Things
// already gone are fine, so Remove can run twice. It returns every
// failure joined.
func Remove(rec Record, logf Logf) error {
	var errs []error
	for _, b := range rec.Bundles {
		errs = append(errs, removeBundle(b, rec.Prefix, logf))
	}
	icons := themeIcons(rec)
	for _, f := range rec.Files {
		if bundleOf(f.Path, rec.Bundles) != "" {
			continue // went with its bundle, or the bundle was refused
		}
		if why := notOnboardsFile(f, rec.Prefix, icons, rec.Dirs); why != "" {
			logf.printf("platform: kept %s: %s", f.Path, why)
			continue
		}
		switch err := removeFile(f.Path); {
		case err == nil:
			logf.printf("platform: removed %s", f.Path)
		case errors.Is(err, fs.ErrNotExist) || gone(f.Path):
			// a read-only disk says so even of a file that is not there
			// (a launcher the install could not make, which its record
			// names: audit BA 3, uninstall failed on it)
		default:
			errs = append(errs, fmt.Errorf("failed to remove %q: %w", f.Path, err))
			continue
		}
		atomicfile.SweepPartials(f.Path) // a killed write's, which kept the folder
	}
	for _, d := range slices.Backward(rec.Dirs) {
		if !holdsRecorded(d, rec) {
			logf.printf("platform: kept folder %q: no launcher of the record is in it (the launcher record may have been changed)", d)
			continue
		}
		if err := os.Remove(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			logf.printf("platform: kept folder %q: %v", d, err)
		}
	}
	for _, s := range rec.Shell {
		errs = append(errs, undoShell(s, rec.Prefix, logf))
	}
	// last edit first: of two items' edits of one file, the first made it
	// (Created), and undone first it was left empty (audit Z)
	for _, m := range slices.Backward(rec.MimeApps) {
		errs = append(errs, undoMimeApps(m))
	}
	for _, t := range rec.Terminal {
		errs = append(errs, undoTerminal(t))
	}
	if len(rec.Registry) > 0 {
		if r := hostRegistry(); r == nil {
			errs = append(errs, errNoRegistry)
		} else {
			errs = append(errs, removeEntries(r, rec.Registry, rec.Prefix, logf))
		}
	}
	refresh(rec.Refresh, logf)
	removeMade(rec, logf) // after the refresh, which writes its caches there
	return errors.Join(errs...)
}

// madeDirCaches are the files the refresh commands write into a folder of
// launchers: a folder the set-up made that holds nothing else is empty to
// a person.
var madeDirCaches = map[string]bool{"mimeinfo.cache": true, "icon-theme.cache": true}

// mimeDatabase are the files update-mime-database writes into a MIME
// folder (DATA/mime) beside its packages folder; with the media-type
// folders of generated .xml files, a made MIME folder whose packages are
// gone holds only them (audit Y1: the uninstall left ~/.local/share/mime).
var mimeDatabase = map[string]bool{"mime.cache": true, "globs": true, "globs2": true, "magic": true, "types": true,
	"version": true, "aliases": true, "subclasses": true, "XMLnamespaces": true, "icons": true, "generic-icons": true,
	"treemagic": true}

// refreshOutput says whether the entry e of the made folder d is what a
// refresh command wrote there, and returns the files to remove for it
// (a folder last).
func refreshOutput(d string, e fs.DirEntry) ([]string, bool) {
	p := filepath.Join(d, e.Name())
	switch {
	case e.Type().IsRegular():
		return []string{p}, madeDirCaches[e.Name()] || filepath.Base(d) == "mime" && mimeDatabase[e.Name()]
	case !e.IsDir() || filepath.Base(d) != "mime" || e.Name() == "packages":
		return nil, false
	}
	// a media type's folder: text/x-acme.xml, …
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, false
	}
	var out []string
	for _, f := range entries {
		if !f.Type().IsRegular() || !strings.HasSuffix(f.Name(), ".xml") {
			return nil, false
		}
		out = append(out, filepath.Join(p, f.Name()))
	}
	return append(out, p), true
}

// removeMade removes, innermost first, the folders the set-up made
// (Record.Made) that now hold nothing, or nothing but what the refresh
// commands write (refreshOutput); a folder with anything else stays. Only a folder above one of the record's
// launcher files counts: a changed record cannot have it remove others.
func removeMade(rec Record, logf Logf) {
	above := func(d string) bool {
		for _, f := range rec.Files {
			if strings.HasPrefix(f.Path, d+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	for _, d := range slices.Backward(rec.Made) {
		if !filepath.IsAbs(d) || filepath.Clean(d) != d || !above(d) {
			continue
		}
		entries, err := os.ReadDir(d)
		if err != nil {
			continue // gone already
		}
		var caches []string
		mine := true
		for _, e := range entries {
			paths, ok := refreshOutput(d, e)
			if !ok {
				mine = false
				break
			}
			caches = append(caches, paths...)
		}
		if !mine {
			continue // something of someone else's
		}
		for _, c := range caches {
			os.Remove(c)
		}
		if err := os.Remove(d); err != nil {
			logf.printf("platform: kept folder %q: %v", d, err)
		} else {
			logf.printf("platform: removed folder %q, which the launchers' set-up had made", d)
		}
	}
}

// notOnboardsFile says why the recorded file f is not, or no longer, a
// launcher file of the install at prefix, so that Remove keeps it: a
// changed record (a package conda installed later may write any file of
// the prefix) cannot have it delete other files, and a launcher that
// another install has replaced since stays. "" when it is, or is gone.
func notOnboardsFile(f RecordFile, prefix string, icons map[string]bool, dirs []string) string {
	if !filepath.IsAbs(f.Path) || filepath.Clean(f.Path) != f.Path {
		return "onboard records clean, absolute paths only; the launcher record may have been changed"
	}
	b, err := capread.ReadFile(f.Path, maxLauncherFile)
	if errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	lower := strings.ToLower(f.Path)
	switch f.Kind {
	case KindEntry, KindPlist, KindShortcut:
		base := filepath.Base(f.Path)
		shape := map[string]bool{KindEntry: strings.HasSuffix(lower, ".desktop") || base == LaunchConfigName ||
			(bytes.HasPrefix(b, []byte("#!")) && bytes.Contains(b, []byte("\n# Made by onboard for "))), // a shell launcher
			KindPlist: base == "Info.plist", KindShortcut: strings.HasSuffix(lower, ".lnk")}[f.Kind]
		if !shape {
			break
		}
		if err == nil && (holdsPrefix(b, prefix) || holdsWhole(b, []byte(xmlEscape(prefix)), 1)) {
			return ""
		}
		return "it does not name this install (another install may have replaced it)"
	case KindIcon:
		// The install's own icon (Windows: .onboard/icon.ico; macOS: in
		// the .app), where it really is; or the theme icon that a
		// launcher of this install names (Linux: Icon=<name>).
		if inside(f.Path, prefix) || icons[f.Path] {
			return ""
		}
	case KindMime:
		if err == nil && strings.HasSuffix(lower, ".xml") && bytes.Contains(b, []byte(mimeMarker)) {
			return ""
		}
	case KindOther, KindCopy:
		if strings.HasSuffix(lower, ".lnk") && shortcutPlace(f.Path, dirs) {
			return "" // a shortcut to a command outside the install
		}
	}
	return fmt.Sprintf("it is not a launcher file onboard makes (kind %q); the launcher record may have been changed", f.Kind)
}

// shortcutPlace tells whether the .lnk at p is where onboard puts a
// package's shortcut: in a Start Menu folder the record made (dirs), or
// on a Desktop. A shortcut to a command outside the install names nothing
// of it, so its place is what tells it from a shortcut of the user's.
func shortcutPlace(p string, dirs []string) bool {
	dir := filepath.Dir(p)
	if slices.Contains(dirs, dir) {
		return true
	}
	return strings.EqualFold(filepath.Base(dir), "Desktop")
}

// inside tells whether the file p is in the folder dir where it really
// is: p's folder resolved through its symlinks, and dir too.
func inside(p, dir string) bool {
	rp, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return false
	}
	rd, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(rd, filepath.Join(rp, filepath.Base(p)))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// themeIcons are the recorded icons of the hicolor theme that a recorded
// .desktop launcher of this install names (Icon=NAME, and the icon is
// DATA/icons/hicolor/SIZE/apps/NAME.png beside its DATA/applications):
// the only icons outside the install that Remove deletes. Read before
// anything is removed.
func themeIcons(rec Record) map[string]bool {
	named := map[string]bool{}
	for _, f := range rec.Files {
		if f.Kind != KindEntry || !strings.HasSuffix(f.Path, ".desktop") {
			continue
		}
		b, err := capread.ReadFile(f.Path, maxLauncherFile)
		if err != nil || !holdsPrefix(b, rec.Prefix) {
			continue
		}
		data := filepath.Dir(filepath.Dir(f.Path))
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(strings.TrimSpace(line), "Icon="); ok && name != "" && !strings.ContainsAny(name, `/\`) {
				named[filepath.Join(data, "icons", "hicolor")+"\x00"+name+".png"] = true
			}
		}
	}
	icons := map[string]bool{}
	for _, f := range rec.Files {
		if f.Kind != KindIcon {
			continue
		}
		apps := filepath.Dir(f.Path)
		theme := filepath.Dir(filepath.Dir(apps))
		if filepath.Base(apps) == "apps" && named[theme+"\x00"+filepath.Base(f.Path)] {
			icons[f.Path] = true
		}
	}
	return icons
}

// holdsRecorded tells whether the recorded folder d holds a file or .app
// of the record: a folder onboard made for its launchers (the Start Menu
// folder) does, until they are removed; any other is not Remove's.
func holdsRecorded(d string, rec Record) bool {
	for _, f := range rec.Files {
		if filepath.Dir(f.Path) == d {
			return true
		}
	}
	for _, b := range rec.Bundles {
		if filepath.Dir(b) == d {
			return true
		}
	}
	return false
}

// maxLauncherFile caps what notOnboardsFile reads of a recorded file
// (launchers are a few KB; a .lnk at most some).
const maxLauncherFile = 4 << 20

// NamesPrefix tells whether the launcher file at path (a .desktop file, a
// .lnk; for an .app folder its Info.plist) names the install at prefix:
// whether it is this install's, and not another's of the same name.
func NamesPrefix(path, prefix string) bool {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "Contents", "Info.plist")
	}
	b, err := os.ReadFile(path)
	return err == nil && (holdsPrefix(b, prefix) || holdsWhole(b, []byte(xmlEscape(prefix)), 1))
}

// removeBundle deletes a macOS .app that onboard made for the install at
// prefix. It refuses any other folder, so a tampered record cannot delete
// arbitrary trees, and keeps an .app that another install has replaced
// since (two installs in folders of the same name share launcher names:
// docs/platform.md), as Remove keeps other launcher files (audit AL 2).
func removeBundle(dir, prefix string, logf Logf) error {
	info, err := os.ReadFile(filepath.Join(dir, "Contents", "Info.plist"))
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
			return nil
		}
	}
	if !strings.HasSuffix(dir, ".app") || !bytes.Contains(info, []byte("OnboardPrefix")) {
		return fmt.Errorf("failed to remove %q: it is not a launcher that onboard made; delete it by hand if you want", dir)
	}
	if prefix != "" && !NamesPrefix(dir, prefix) {
		logf.printf("platform: kept %s: it does not name this install (another install may have replaced it)", dir)
		return nil
	}
	if err := rmtree.RemoveAll(dir); err != nil {
		return fmt.Errorf("failed to remove %q: %w", dir, err)
	}
	return nil
}

// SetupShell adds the block that puts bin first on PATH to each file (see
// [ShellFiles] and [AddShellBlock]), writing each atomically, and returns
// a [Record] of the edits for [Remove].
func SetupShell(files []string, prefix, bin string) (Record, error) {
	rec := Record{Schema: 1, Target: HostTarget(), Prefix: prefix}
	for _, f := range files {
		f = resolveLink(f)
		if err := setupShellFile(f, prefix, bin, &rec); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// setupShellFile adds the block to the file f, holding its lock: two
// onboards adding or removing their blocks at once lost one of them.
func setupShellFile(f, prefix, bin string, rec *Record) error {
	defer filelock.Replaced(f)()
	old, err := os.ReadFile(f)
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return fmt.Errorf("failed to read %q: %w", f, err)
	}
	out, err := AddShellBlock(old, prefix, bin)
	if err != nil {
		return err
	}
	if err := atomicWrite(f, bytes.NewReader(out), fileMode(f, 0o644)); err != nil {
		return err
	}
	if !slices.ContainsFunc(rec.Shell, func(s ShellEdit) bool { return s.Path == f }) {
		rec.Shell = append(rec.Shell, ShellEdit{Path: f, Created: created})
	}
	return nil
}

// undoShell removes the block for prefix from one file, leaving it byte
// for byte as it was before; a file onboard created and that is now empty
// is deleted.
func undoShell(s ShellEdit, prefix string, logf Logf) error {
	s.Path = resolveLink(s.Path)
	defer filelock.Replaced(s.Path)()
	old, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to read %q: %w", s.Path, err)
	}
	out, found := RemoveShellBlock(old, prefix)
	if !found {
		return nil
	}
	logf.printf("platform: removed the shell set-up block from %s", s.Path)
	if s.Created && len(bytes.TrimSpace(out)) == 0 {
		// blank lines only: what conda init --reverse leaves of its own
		// block in a file onboard made (audit AC 2, AK 6)
		return os.Remove(s.Path)
	}
	return atomicWrite(s.Path, bytes.NewReader(out), fileMode(s.Path, 0o644))
}

// fileMode returns the permissions of an existing file, else def.
func fileMode(path string, def fs.FileMode) fs.FileMode {
	if fi, err := os.Stat(path); err == nil {
		return fi.Mode().Perm()
	}
	return def
}

// resolveLink follows symlinks (dotfiles kept in a repository), so the
// rename of an atomic write replaces the real file, not the link.
func resolveLink(path string) string {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	return path
}

// removeFile is os.Remove; a test stands in a disk's answers.
var removeFile = os.Remove

// gone tells whether nothing is at path.
func gone(path string) bool {
	_, err := os.Lstat(path)
	return errors.Is(err, fs.ErrNotExist)
}
