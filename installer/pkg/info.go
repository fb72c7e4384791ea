package pkg

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"onboard/internal/pathfold"
)

// infoSource gives the info/ files of a package and tells which of its
// paths are symlinks (for the legacy info/files).
type infoSource interface {
	read(name string) ([]byte, error) // fs.ErrNotExist when absent
	isSymlink(p string) bool
	payload() ([]string, error) // every non-info/ file and symlink, sorted
}

// dirSource is an extracted package folder.
type dirSource string

func (d dirSource) read(name string) ([]byte, error) {
	max := metaCap(name)
	if max == 0 {
		max = MaxInfoListFile
	}
	return readCapped(filepath.Join(string(d), filepath.FromSlash(name)), max, string(d), name)
}

func (d dirSource) isSymlink(p string) bool {
	st, err := os.Lstat(filepath.Join(string(d), filepath.FromSlash(p)))
	return err == nil && st.Mode()&fs.ModeSymlink != 0
}

// payload walks the folder for every file and symlink outside info/.
func (d dirSource) payload() ([]string, error) {
	var out []string
	err := filepath.WalkDir(string(d), func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == string(d) {
			return err
		}
		rel, _ := filepath.Rel(string(d), p)
		rel = filepath.ToSlash(rel)
		if rel == "info" && e.IsDir() {
			return filepath.SkipDir
		}
		if !e.IsDir() {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// memSource is what ReadInfo collected from a stream.
type memSource struct {
	files   map[string][]byte
	links   map[string]bool
	members []string // every non-info/ file, link and symlink

	messages     []Message // info/prelink_messages/
	messageBytes int64     // their sizes in all

	// spent is what the streams cost so far: every header's bytes
	// (headerMeter), the names kept in members and the metadata kept in
	// files, within the package's budget.
	spent int64
}

func (m *memSource) payload() ([]string, error) {
	out := append([]string(nil), m.members...)
	sort.Strings(out)
	return out, nil
}

func (m *memSource) read(name string) ([]byte, error) {
	b, ok := m.files[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return b, nil
}

func (m *memSource) isSymlink(p string) bool { return m.links[p] }

// parseInfo reads index.json, the paths (paths.json or the legacy files)
// and link.json of a package.
func parseInfo(src infoSource, archive string) (*Index, *Paths, *LinkJSON, error) {
	return parseInfoWith(src, archive, nil, noBound)
}

// parseInfoWith is parseInfo with paths.json already read and checked
// (checkPaths), or nil: read it, within b.
func parseInfoWith(src infoSource, archive string, read *Paths, b bound) (*Index, *Paths, *LinkJSON, error) {
	ix, err := parseIndex(src, archive)
	if err != nil {
		return nil, nil, nil, err
	}
	paths, err := read, error(nil)
	if read == nil {
		paths, err = parsePaths(src, archive, b)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	link, err := parseLink(src, archive)
	if err != nil {
		return nil, nil, nil, err
	}
	return ix, paths, link, nil
}

func parseIndex(src infoSource, archive string) (*Index, error) {
	b, err := src.read("info/index.json")
	if err != nil {
		return nil, &FormatError{Archive: archive, Reason: "info/index.json is missing: this is not a conda package", Err: err}
	}
	if !utf8.Valid(b) {
		return nil, &FormatError{Archive: archive, Reason: "info/index.json: " + errNotUTF8.Error()}
	}
	ix := &Index{}
	if err := json.Unmarshal(b, ix); err != nil {
		var ne *NoarchError
		if errors.As(err, &ne) {
			return nil, &FormatError{Archive: archive, Reason: "info/index.json: " + ne.Error()}
		}
		return nil, &FormatError{Archive: archive, Reason: "info/index.json is not valid JSON", Err: err}
	}
	if ix.Name == "" || ix.Version == "" || ix.Build == "" {
		return nil, &FormatError{Archive: archive, Reason: "info/index.json lacks name, version or build"}
	}
	// name-version-build names the package's folder in pkgs/ and its
	// conda-meta record: none of them may carry a path (rattler's
	// GHSA-h672-p7h7-97v9 was this).
	for _, f := range []struct{ key, v string }{{"name", ix.Name}, {"version", ix.Version}, {"build", ix.Build}} {
		if strings.ContainsAny(f.v, "/\\:") || strings.HasPrefix(f.v, ".") || strings.ContainsFunc(f.v, unicode.IsControl) {
			return nil, &UnsafeEntryError{Archive: archive, Entry: "info/index.json " + f.key + " " + strconv.Quote(f.v),
				Reason: "a name, version or build may not hold a path"}
		}
	}
	// conda's own rules: name-version-build must split back into its
	// parts (a '-' in a version or build would make foo 1-2 and foo-1 2
	// one dist, one folder, one record), and none of them may hold a
	// space or what a match spec or a shell reads as syntax: they are
	// written into conda-meta/history and requested specs, which conda
	// parses again.
	for _, f := range []struct{ key, v string }{{"name", ix.Name}, {"version", ix.Version}, {"build", ix.Build}} {
		bad := strings.ContainsFunc(f.v, unicode.IsSpace) || strings.ContainsAny(f.v, "=<>,|*;$`\"'()[]{}#@&^")
		if f.key != "name" && strings.Contains(f.v, "-") {
			bad = true
		}
		if bad || !utf8.ValidString(f.v) {
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf("its info/index.json %s %s is not one conda accepts (no spaces, no match-spec syntax, and no '-' in a version or build)", f.key, strconv.Quote(f.v))}
		}
	}
	// what goes into the conda-meta record as it is, and conda prints
	// (conda list, conda search --info): no control character, no
	// terminal escape, UTF-8 (audit AB: a NUL in constrains, a newline
	// in track_features, escapes in a licence went in unchecked)
	fields := []struct{ key, v string }{{"license", ix.License}, {"license_family", ix.LicenseFamily},
		{"track_features", ix.TrackFeatures}, {"features", ix.Features}}
	for _, d := range ix.Depends {
		fields = append(fields, struct{ key, v string }{"depends", d})
	}
	for _, c := range ix.Constrains {
		fields = append(fields, struct{ key, v string }{"constrains", c})
	}
	for _, f := range fields {
		control := unicode.IsControl
		if strings.HasPrefix(f.key, "license") {
			// a licence's text may run over lines; a terminal escape or a
			// NUL is what conda list would print as it is
			control = func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }
		}
		if strings.ContainsFunc(f.v, control) || !utf8.ValidString(f.v) {
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf("its info/index.json %s %s holds a control character or is not UTF-8; it goes into the record conda reads and prints", f.key, strconv.Quote(f.v))}
		}
	}
	// python's site-packages folder (CEP 17): every noarch: python file
	// is placed under it, so it must stay inside the prefix.
	if sp := ix.PythonSitePackagesPath; sp != "" {
		if why := UnsafePath(sp); why != "" {
			return nil, &UnsafeEntryError{Archive: archive, Entry: "info/index.json python_site_packages_path " + strconv.Quote(sp),
				Reason: why + "; noarch: python files would be placed there"}
		}
	}
	return ix, nil
}

// UnsafePath says why a package path could leave its folder ("" when it
// cannot): it must be relative, use "/" and have no "." or ".." parts.
func UnsafePath(p string) string {
	switch {
	case p == "":
		return "empty path"
	case strings.HasPrefix(p, "/") || len(p) >= 2 && p[1] == ':': // "/x", "C:x"; "::" is fine (Perl man pages)
		return "absolute path"
	case strings.Contains(p, "\\"):
		return "backslash in a path"
	case strings.ContainsFunc(p, unicode.IsControl):
		return "control character in a path"
	case !utf8.ValidString(p):
		// conda-meta is JSON: such a name would be recorded as another
		// (U+FFFD for the bad bytes), and the file never found again
		return "a name that is not UTF-8"
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return "path leaves the package folder or is not clean"
		}
	}
	if why := reservedPath(p); why != "" {
		return why
	}
	if why := tooLong(p); why != "" {
		return why
	}
	if hostWindows {
		return WindowsUnsafe(p)
	}
	return ""
}

// ReservedFolders are the folders of a prefix that belong to conda and to
// onboard, not to any package: conda's records (a package file there
// would be a record of a package never installed, or replace a real
// one), onboard's state (its manifest, lock, journal, the bundle kept for
// repairs and the maintenance app) and its scratch folder, the base's
// envs/ (the bundle's other environments and the ones conda creates: a
// base package's file there would be written into another environment,
// its records included) and pkgs/ (conda's package cache, which conda
// trusts when it links a package into any environment). No package is
// meant to have files there, and none of the real fixture packages does.
var ReservedFolders = []string{"conda-meta", StateFolder, ScratchFolder, "envs", "pkgs"}

// The names at an environment's root that onboard writes itself, spelled
// here once: installer/state lays out StateFolder and the journal, the
// install and repair write the others.
const (
	StateFolder   = ".onboard"               // onboard's state: manifest, lock, journal, kept bundle, maintenance app
	ScratchFolder = ".condatmp"              // rewritten files before they are moved into place
	NonAdminFile  = ".nonadmin"              // the base of an install for one user, as conda marks it
	OpJournalFile = StateFolder + "-journal" // a fresh install's journal kept inside an existing folder
	MessagesFile  = ".messages.txt"          // where link scripts leave their messages
	CondarcFile   = ".condarc"               // the env's conda settings: conda config --env and --system write it, onboard does not
	// BundleCondarcFile holds the bundle's conda settings in the base.
	// conda reads $CONDA_ROOT/condarc.d/*.yml after the base's .condarc,
	// and conda config never copies it: the base's .condarc is the file
	// conda config copies whole into ~/.condarc (or envs/NAME/.condarc)
	// when that file does not exist yet (audit U 2).
	BundleCondarcFile = CondarcFolder + "/onboard.yml"
	CondarcFolder     = "condarc.d" // conda reads its *.yml files

)

// ReservedFiles are the files of an environment that onboard writes
// itself, or keeps for the user's conda settings: .condarc and the base's
// condarc.d/onboard.yml, the base's .nonadmin, and the journal of a
// fresh install into an existing folder (state.OpJournalInsidePath); and
// .messages.txt, where link scripts leave their messages. A package's
// file of that name would replace onboard's, and a repair would then put
// the package's back; a journal left there would make the next command
// roll the complete install back; a .messages.txt would be shown as the
// next script's message and deleted, and verify would call it missing.
var ReservedFiles = []string{CondarcFile, BundleCondarcFile, NonAdminFile, OpJournalFile, MessagesFile}

// Reserved tells whether p, a clean relative '/'-separated path, lies in
// one of ReservedFolders or is one of ReservedFiles. Names are compared
// as case-insensitive file systems compare them (pathfold.Fold), on every
// host: "Conda-Meta/x" is that folder on Windows and macOS, and a bundle
// built on Linux for them must refuse it as their installs do (audit P).
// No real package has such a name on Linux either.
func Reserved(p string) (what string, ok bool) {
	first, _, _ := strings.Cut(p, "/")
	for _, r := range ReservedFolders {
		if pathfold.Fold(first) == pathfold.Fold(r) {
			return r + "/", true
		}
	}
	p = pathfold.Fold(strings.TrimSuffix(p, "/"))
	for _, r := range ReservedFiles {
		if p == pathfold.Fold(r) {
			return r, true
		}
	}
	return "", false
}

// reservedPath says why p, a clean relative path, is refused when it is
// Reserved ("" when it is not).
func reservedPath(p string) string {
	if what, ok := Reserved(p); ok {
		if strings.HasSuffix(what, "/") {
			return "a file in " + what + ", which belongs to conda and onboard, not to a package"
		}
		if what == CondarcFile {
			return "the environment's " + what + ", which holds the user's conda settings, not a package's"
		}
		return "the environment's " + what + ", which onboard writes, not a package"
	}
	return ""
}

// parsePaths reads the package's paths (paths.json, else the legacy files)
// and refuses any that could leave the package folder or the prefix.
func parsePaths(src infoSource, archive string, b bound) (*Paths, error) {
	p, err := readPaths(src, archive, b)
	if err != nil {
		return nil, err
	}
	return checkPaths(p, archive)
}

// checkPaths refuses paths that could leave the package folder or the
// prefix, and path types and file modes a package cannot hold.
func checkPaths(p *Paths, archive string) (*Paths, error) {
	if p == nil {
		return nil, nil
	}
	// the list the entries came from: a legacy package's info/files
	// (audit BE 3: its refusals named an info/paths.json it has not)
	list, placeholders := "info/paths.json", "info/paths.json"
	if p.Version == 0 {
		list, placeholders = "info/files", "info/has_prefix" // where legacyPaths took each
	}
	for i := range p.Paths {
		e := &p.Paths[i]
		if why := UnsafePath(e.Path); why != "" {
			return nil, &UnsafeEntryError{Archive: archive, Entry: list + ": " + e.Path, Reason: why}
		}
		switch e.PathType {
		case PathHardlink, PathSoftlink, PathDir:
		case "":
			// conda refuses the package (path_type is required), and a
			// record without one would make conda refuse the env.
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"%s gives %q no path_type; it must be hardlink, softlink or directory", list, e.Path)}
		default:
			// pyc_file, the entry points and anything else: types conda
			// writes into its own records, never a package's files, and
			// which the size and sha256 checks would pass over.
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"%s gives %q the path_type %q; a package holds only hardlink, softlink and directory entries", list, e.Path, e.PathType)}
		}
		if e.SHA256 != "" && !isHexSHA256(e.SHA256) {
			// Not a hash: the sha256 check would pass the file by.
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"%s gives %q the sha256 %q, which is not 64 hex digits", list, e.Path, e.SHA256)}
		}
		if e.SizeInBytes != nil && *e.SizeInBytes < 0 {
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"%s gives %q the size %d", list, e.Path, *e.SizeInBytes)}
		}
		if e.FileMode != "" && e.FileMode != ModeText && e.FileMode != ModeBinary {
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"%s gives %q the file_mode %q; it must be text or binary", list, e.Path, e.FileMode)}
		}
		if e.PathType != PathDir && pathfold.Fold(e.Path) == pathfold.Fold(CondarcFolder) {
			// a file or link in place of the folder of conda's settings
			// files would take onboard's condarc.d/onboard.yml elsewhere,
			// or fail it; files in the folder are fine
			return nil, &UnsafeEntryError{Archive: archive, Entry: list + ": " + e.Path,
				Reason: "a file or link in place of the environment's " + CondarcFolder + " folder, where onboard writes the bundle's conda settings"}
		}
		if e.PrefixPlaceholder != "" && e.FileMode == "" {
			// conda's replace_prefix raises "Invalid mode: None" (audit V 6):
			// text or binary is the package's to say, not the installer's
			// to guess.
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"%s gives %q a prefix_placeholder without a file_mode (text or binary), which conda refuses too", placeholders, e.Path)}
		}
		if e.FileMode == ModeBinary && (strings.ContainsRune(e.PrefixPlaceholder, 0) || len(e.PrefixPlaceholder) < 2) {
			// a binary placeholder holding a NUL never matches as given
			// (the replacement stops at the NUL), and one of a byte fits
			// no install folder: every install failed with "choose a
			// shorter folder", which none is (audit AB)
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"%s gives %q the binary prefix_placeholder %q, which no install folder can replace", placeholders, e.Path, e.PrefixPlaceholder)}
		}
	}
	if why := sameNames(p, pathfold.Key); why != "" {
		return nil, &FormatError{Archive: archive, Reason: why}
	}
	return p, nil
}

// FoldClash says why p's paths could not all be installed where names
// ignore case (Windows, macOS: two entries that are one name, or a file
// and a folder of one name), or is "". bundle build asks it of the
// packages of a Windows or macOS env, whose install would refuse them.
func FoldClash(p *Paths) string { return sameNames(p, pathfold.Fold) }

// EntryPointFoldClash says which of l's noarch: python entry points would
// be one file with another, or with a script the package ships, where
// names ignore case (Tool and tool; tool and python-scripts/TOOL, both
// bin/tool on macOS), or is "". checkEntryPoints compares them as they
// are written, as a Linux install must (audit AB).
func EntryPointFoldClash(l *LinkJSON, p *Paths) string {
	if l == nil || l.Noarch == nil || l.Noarch.Type != "python" {
		return ""
	}
	seen := map[string]string{}
	if p != nil {
		for _, e := range p.Paths {
			for _, dir := range []string{"python-scripts/", "bin/"} {
				if name, ok := strings.CutPrefix(e.Path, dir); ok && !strings.Contains(name, "/") {
					seen[pathfold.Fold(name)] = fmt.Sprintf("the script %s it ships", e.Path)
				}
			}
		}
	}
	for _, ep := range l.Noarch.EntryPoints {
		cmd, _, _ := strings.Cut(ep, "=")
		cmd = strings.Trim(cmd, " \t\r\n\"'")
		k := pathfold.Fold(cmd)
		if prev, ok := seen[k]; ok {
			return fmt.Sprintf("info/link.json's entry point %q is one file with %s where names ignore case (Windows, macOS)", cmd, prev)
		}
		seen[k] = fmt.Sprintf("its entry point %q", cmd)
	}
	return ""
}

// sameNames says why two entries of p are one path as key compares them,
// or is "": one listed twice (conda's second link clobbers the first, and
// its record holds both), two spellings of one name, or a file or
// symlink that is also the folder of another entry (the second could not
// be made or, through a symlink, would be written somewhere else).
func sameNames(p *Paths, key func(string) string) string {
	list := "info/paths.json"
	if p.Version == 0 {
		list = "info/files" // a legacy package's (legacyPaths)
	}
	seen := make(map[string]*PathEntry, len(p.Paths))
	for i := range p.Paths {
		e := &p.Paths[i]
		k := key(e.Path)
		if prev, dup := seen[k]; dup {
			if prev.Path == e.Path {
				return fmt.Sprintf("%s lists %q twice", list, e.Path)
			}
			return fmt.Sprintf("%s lists %q and %q, which are one file where names ignore case (Windows, macOS); the second would overwrite the first", list, prev.Path, e.Path)
		}
		seen[k] = e
	}
	folders := map[string]bool{}
	for _, e := range p.Paths {
		for d := path.Dir(e.Path); d != "." && !folders[key(d)]; d = path.Dir(d) {
			if f, ok := seen[key(d)]; ok && f.PathType != PathDir {
				return fmt.Sprintf("%s lists %q as a %s and %q inside it", list, f.Path, f.PathType, e.Path)
			}
			folders[key(d)] = true
		}
	}
	return ""
}

func readPaths(src infoSource, archive string, b bound) (*Paths, error) {
	ps, ok := src.(pathsSource)
	if !ok {
		return nil, fmt.Errorf("failed to read info/paths.json of %q: no stream", archive)
	}
	rc, size, err := ps.openPaths()
	if errors.Is(err, fs.ErrNotExist) {
		p, err := legacyPaths(src, archive, b.maxEntries())
		if tm := (*tooManyLines)(nil); errors.As(err, &tm) {
			return nil, &Error{Archive: archive, Member: tm.name, What: "total size", Want: strconv.FormatInt(b.limit, 10)}
		}
		if ll := (*longLine)(nil); errors.As(err, &ll) {
			return nil, &FormatError{Archive: archive, Reason: ll.Error()}
		}
		return p, err
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read info/paths.json of %q: %w", archive, err)
	}
	defer rc.Close()
	if size > MaxPathsJSON {
		return nil, &Error{Archive: archive, Member: "info/paths.json", What: "metadata size",
			Want: strconv.FormatInt(MaxPathsJSON, 10), Got: strconv.FormatInt(size, 10)}
	}
	p, err := decodePaths(io.LimitReader(rc, MaxPathsJSON), b.maxEntries())
	if errors.Is(err, errTooManyPaths) {
		return nil, &Error{Archive: archive, Member: "info/paths.json", What: "total size", Want: strconv.FormatInt(b.limit, 10)}
	}
	if errors.Is(err, errNotUTF8) {
		return nil, &FormatError{Archive: archive, Reason: "info/paths.json: " + errNotUTF8.Error()}
	}
	if err != nil {
		return nil, &FormatError{Archive: archive, Reason: "info/paths.json is not valid JSON", Err: err}
	}
	if p.Version != 1 {
		return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
			"info/paths.json has paths_version %d; only version 1 is known (a newer onboard may read it)", p.Version)}
	}
	return p, nil
}

func parseLink(src infoSource, archive string) (*LinkJSON, error) {
	for _, name := range []string{"info/link.json", "info/package_metadata.json"} {
		b, err := src.read(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("failed to read %s of %q: %w", name, archive, err)
		}
		if !utf8.Valid(b) {
			return nil, &FormatError{Archive: archive, Reason: name + ": " + errNotUTF8.Error()}
		}
		l := &LinkJSON{}
		if err := json.Unmarshal(b, l); err != nil {
			var ne *NoarchError
			if errors.As(err, &ne) {
				return nil, &FormatError{Archive: archive, Reason: name + ": " + ne.Error()}
			}
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				// valid JSON of another shape: said without Go's types
				// (audit AN 3)
				return nil, &FormatError{Archive: archive, Reason: name + " is not shaped as conda reads it (an object with package_metadata_version and a noarch object)"}
			}
			return nil, &FormatError{Archive: archive, Reason: name + " is not valid JSON", Err: err}
		}
		if l.PackageMetadataVersion != 1 {
			return nil, &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"%s has package_metadata_version %d; only version 1 is known", name, l.PackageMetadataVersion)}
		}
		return l, nil
	}
	return nil, nil
}

// lines returns the non-empty, non-comment lines of an info file, trimmed,
// as conda's yield_lines does; an absent file has none.
// lines reads the lines of a legacy list file that are not blank or
// comments; more than maxLines (when >= 0) is a *tooManyLines.
func lines(src infoSource, name string, maxLines int) ([]string, error) {
	b, err := src.read(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for rest := string(b); rest != ""; {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			if len(l) > maxListLine {
				return nil, &longLine{name: name, n: len(l)}
			}
			if maxLines >= 0 && len(out) >= maxLines {
				return nil, &tooManyLines{name: name}
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// maxListLine is the longest line of a list file: a path, and for
// has_prefix a placeholder and a mode, quoted. A 63 MiB line of a 450-byte
// package took 200 MB to parse (audit BK 5).
const maxListLine = maxPathLen + 1024

// longLine is lines' error for a line longer than maxListLine.
type longLine struct {
	name string
	n    int
}

func (e *longLine) Error() string {
	return fmt.Sprintf("%s has a line of %d bytes; a path (at most %d bytes), with a placeholder and a mode, needs at most %d", e.name, e.n, maxPathLen, maxListLine)
}

// tooManyLines is lines' error for a list file of more lines than the
// package can pay for (each names a file, whose member costs at least
// pathEntryCost).
type tooManyLines struct{ name string }

func (e *tooManyLines) Error() string { return e.name + ": " + errTooManyPaths.Error() }

// isHexSHA256 says whether s is a sha256 in hex (either case, as conda
// compares them).
func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// bound is what a package may still cost (left) of its package-wide
// limit, for reading its paths.json: limit 0 is no bound (a package
// folder onboard extracted and checked).
type bound struct{ left, limit int64 }

var noBound = bound{}

// archiveBound is the budget of a package not extracted yet.
func archiveBound(size int64) bound {
	l := Budget(size)
	return bound{left: l, limit: l}
}

func (b bound) maxEntries() int {
	if b.limit == 0 {
		return -1
	}
	return int(max(b.left, 0) / pathEntryCost)
}

// checkEntryPoints refuses the entry points of a noarch: python package's
// link.json that the link step could not make as conda does, before
// anything is linked: "command = module:function" with a command that is
// a plain file name, each command once, and none that is also a script
// the package ships (python-scripts/<command> or bin/<command>): two
// writers of one bin/<command>, whose outcome would depend on which is
// linked first. (link.ParseEntryPoint makes them.)
// maxCommand is the longest entry point command: a file name holds 255
// bytes, and Windows' launcher adds "-script.py" beside "<cmd>.exe".
const maxCommand = 200

// pyNameRe is a dotted Python name, as link.ParseEntryPoint wants the
// module and the function.
var pyNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// pyNames tells whether target ("module:function", spaces and quotes
// around) names a module and a function as link.ParseEntryPoint reads
// them.
func pyNames(target string) bool {
	target = strings.Trim(target, " \t\r\n\"'")
	i := strings.LastIndexByte(target, ':')
	return i >= 0 && pyName(strings.TrimSpace(target[:i])) && pyName(strings.TrimSpace(target[i+1:]))
}

// pyName tells whether s is a dotted name Python can import or call:
// identifiers, none a keyword ("m:import" made a script of
// "from m import import", which Python cannot run: audit BK 4).
func pyName(s string) bool {
	if !pyNameRe.MatchString(s) {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if pyKeywords[part] {
			return false
		}
	}
	return true
}

// pyKeywords are Python 3's reserved words (keyword.kwlist; the soft
// keywords match, case, type and _ are names).
var pyKeywords = map[string]bool{"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true, "from": true, "global": true, "if": true, "import": true,
	"in": true, "is": true, "lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true, "raise": true,
	"return": true, "try": true, "while": true, "with": true, "yield": true}

// noarchTarget is where a noarch: python package's path lands, whatever
// the env's python: site-packages/ and lib/pythonX.Y/site-packages/ (or
// Lib/site-packages/) are one folder, python-scripts/ is bin/ (Scripts/ on
// Windows); a .pyc in __pycache__ beside a .py the package ships is the
// file the compile step writes. "" for any other path.
func noarchTarget(p string, shipped map[string]bool) string {
	for _, sp := range []string{"site-packages/", "Lib/site-packages/"} {
		if rest, ok := strings.CutPrefix(p, sp); ok {
			return pycSource("SP/"+rest, shipped)
		}
	}
	if m := libSitePackages.FindStringSubmatch(p); m != nil {
		return pycSource("SP/"+m[1], shipped)
	}
	if rest, ok := strings.CutPrefix(p, "python-scripts/"); ok {
		return "BIN/" + rest
	}
	for _, b := range []string{"bin/", "Scripts/"} {
		if rest, ok := strings.CutPrefix(p, b); ok {
			return "BIN/" + rest
		}
	}
	return ""
}

var libSitePackages = regexp.MustCompile(`^lib/python3\.\d+t?/site-packages/(.*)$`)

// pycSource names a shipped __pycache__/X.cpython-NN.pyc (under SP/) by
// the X.py it would be compiled from, where the package ships that .py:
// the compile step writes that very file.
var pycName = regexp.MustCompile(`^(.*/)?__pycache__/([^/]+)\.cpython-\d+t?\.pyc$`)

func pycSource(t string, shipped map[string]bool) string {
	if m := pycName.FindStringSubmatch(strings.TrimPrefix(t, "SP/")); m != nil {
		if shipped["site-packages/"+m[1]+m[2]+".py"] {
			return "SP/" + m[1] + m[2] + ".py (compiled)"
		}
	}
	return t
}

// checkNoarchTargets refuses a noarch: python package two of whose paths
// land on one file once placed (site-packages/x and
// lib/python3.11/site-packages/x; python-scripts/foo and bin/foo; a .pyc
// the compile step writes): its record would list that file twice, and
// verify and repair could never agree with it.
func checkNoarchTargets(archive string, l *LinkJSON, p *Paths) error {
	if l == nil || l.Noarch == nil || l.Noarch.Type != "python" || p == nil {
		return nil
	}
	shipped := make(map[string]bool, len(p.Paths))
	for _, e := range p.Paths {
		shipped[e.Path] = true
	}
	seen := map[string]string{}
	for _, e := range p.Paths {
		if e.PathType == PathDir {
			continue
		}
		t := noarchTarget(e.Path, shipped)
		if strings.HasSuffix(t, " (compiled)") && shipped[e.Path] && !strings.HasSuffix(e.Path, ".py") {
			return &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"it ships %q, the file that compiling its %s writes at install", e.Path, strings.TrimSuffix(strings.TrimPrefix(t, "SP/"), " (compiled)"))}
		}
		if t == "" {
			continue
		}
		if prev, dup := seen[t]; dup {
			return &FormatError{Archive: archive, Reason: fmt.Sprintf(
				"info/paths.json lists %q and %q, which are one file once a noarch: python package is placed", prev, e.Path)}
		}
		seen[t] = e.Path
	}
	return nil
}

func checkEntryPoints(archive string, l *LinkJSON, p *Paths) error {
	if l == nil || l.Noarch == nil || l.Noarch.Type != "python" || len(l.Noarch.EntryPoints) == 0 {
		return nil
	}
	shipped := map[string]bool{}
	if p != nil {
		for _, e := range p.Paths {
			shipped[e.Path] = true
		}
	}
	seen := map[string]bool{}
	for _, ep := range l.Noarch.EntryPoints {
		cmd, target, ok := strings.Cut(ep, "=")
		cmd = strings.Trim(cmd, " \t\r\n\"'")
		bad := ""
		switch {
		case !ok || !strings.Contains(target, ":"):
			bad = "is not \"command = module:function\""
		case cmd == "" || strings.ContainsAny(cmd, "/\\\x00") || strings.ContainsFunc(cmd, unicode.IsControl) || strings.HasPrefix(cmd, ".") || !utf8.ValidString(cmd):
			bad = "has a command that is not a plain file name"
		case len(cmd) > maxCommand:
			bad = fmt.Sprintf("has a command name of %d bytes; at most %d fit a file name with the launcher's suffixes", len(cmd), maxCommand)
		case !pyNames(target):
			bad = "names a module or function that is not a Python name"
		case seen[cmd]:
			bad = "names a command another entry point names"
		case shipped["python-scripts/"+cmd] || shipped["bin/"+cmd] || shipped["Scripts/"+cmd+".exe"]:
			bad = "names a command the package also ships as a script"
		}
		if bad != "" {
			return &FormatError{Archive: archive, Reason: fmt.Sprintf("its info/link.json entry point %q %s", ep, bad)}
		}
		seen[cmd] = true
	}
	return nil
}
