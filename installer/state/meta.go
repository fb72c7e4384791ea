package state

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"onboard/installer/prefix"
)

// The one policy for reading conda-meta, as conda's PrefixData loads it:
//
//   - candidates are the regular files named *.json that do not start with
//     "._" (macOS resource forks); folders, history, created_at and the
//     like are not records;
//   - a candidate that cannot be read, is not UTF-8 or not a JSON record
//     with name, version and build is corrupt (conda refuses the env:
//     CorruptedEnvironmentError);
//   - a record whose file name is not its name-version-build.json is
//     misnamed (conda ignores it, with a warning).
//
// Neither kind is skipped silently: [ReadMeta] returns them as
// [BadRecord]s beside the good records, and each caller decides (verify
// reports them, repair moves them aside, the engine refuses a corrupt
// one).

// BadRecord is a conda-meta candidate that is not a usable record.
type BadRecord struct {
	File     string // its file name in conda-meta/
	Reason   string // why it cannot be used, for people
	Misnamed bool   // a valid record under another file name (conda ignores it); else corrupt
}

func (b *BadRecord) Error() string {
	return fmt.Sprintf("conda-meta record %q is unreadable: %s", b.File, b.Reason)
}

// Dist is the dist the file name claims (its name without ".json").
func (b *BadRecord) Dist() string { return strings.TrimSuffix(b.File, ".json") }

// Meta is what conda-meta holds.
type Meta struct {
	Records []*prefix.Record // the good records, sorted by name, then dist
	Bad     []*BadRecord     // the rest of the candidates, sorted by file name
}

// Corrupt returns the first bad record that is not merely misnamed, or
// nil: conda refuses an env that has one.
func (m *Meta) Corrupt() *BadRecord {
	for _, b := range m.Bad {
		if !b.Misnamed {
			return b
		}
	}
	return nil
}

// MetaDir is the conda-meta folder of the env at envDir.
func MetaDir(envDir string) string { return filepath.Join(envDir, "conda-meta") }

// MetaFiles lists the candidate record files of envDir/conda-meta, sorted
// by name. A missing folder is an error that wraps fs.ErrNotExist.
func MetaFiles(envDir string) ([]string, error) {
	dir := MetaDir(envDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("failed to read the conda-meta folder %q: %w", dir, err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !strings.HasSuffix(n, ".json") || strings.HasPrefix(n, "._") || e.IsDir() {
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

// ReadMeta reads every record of envDir/conda-meta in full.
func ReadMeta(envDir string) (*Meta, error) { return readMeta(envDir, ReadRecord) }

// ReadMetaHeads is ReadMeta without files and paths_data (left empty):
// what naming the installed packages needs (history, versions), read as a
// stream so that memory does not grow with the size of the records. The
// policy is the same.
func ReadMetaHeads(envDir string) (*Meta, error) { return readMeta(envDir, ReadRecordHead) }

func readMeta(envDir string, read func(string) (*prefix.Record, error)) (*Meta, error) {
	files, err := MetaFiles(envDir)
	if err != nil {
		return nil, err
	}
	m := &Meta{}
	for _, n := range files {
		r, err := read(filepath.Join(MetaDir(envDir), n))
		var bad *BadRecord
		if errors.As(err, &bad) {
			m.Bad = append(m.Bad, bad)
			continue
		}
		if err != nil {
			return nil, err
		}
		m.Records = append(m.Records, r)
	}
	sort.Slice(m.Records, func(i, j int) bool {
		a, b := m.Records[i], m.Records[j]
		return a.Name < b.Name || a.Name == b.Name && a.Dist() < b.Dist()
	})
	return m, nil
}

// ReadRecord reads one record file in full under the policy: a record
// that cannot be used is a *BadRecord.
func ReadRecord(path string) (*prefix.Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, unreadable(path, err)
	}
	if !utf8.Valid(data) {
		return nil, &BadRecord{File: filepath.Base(path), Reason: "not UTF-8"}
	}
	r, err := prefix.DecodeRecord(data)
	if err != nil {
		return nil, &BadRecord{File: filepath.Base(path), Reason: "invalid record: " + err.Error()}
	}
	return r, checkName(path, r)
}

// ReadRecordHead reads the head of one record file (see ReadMetaHeads)
// under the same policy.
func ReadRecordHead(path string) (*prefix.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, unreadable(path, err)
	}
	defer f.Close()
	u := &utf8Reader{r: bufio.NewReaderSize(f, 64<<10)}
	r, err := prefix.DecodeRecordHead(u)
	if err == nil {
		// the rest of the file must be UTF-8 too, as ReadRecord checks it
		_, err = io.Copy(io.Discard, u)
	}
	switch {
	case u.bad:
		return nil, &BadRecord{File: filepath.Base(path), Reason: "not UTF-8"}
	case err != nil:
		return nil, &BadRecord{File: filepath.Base(path), Reason: "invalid record: " + err.Error()}
	}
	return r, checkName(path, r)
}

// unreadable is a candidate that cannot be opened or read: a bad record,
// unless the file is gone (then the caller's listing is out of date, and
// the error says so).
func unreadable(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("failed to read the record %q: %w", path, err)
	}
	return &BadRecord{File: filepath.Base(path), Reason: err.Error()}
}

// checkName checks that the file is named after the record.
func checkName(path string, r *prefix.Record) error {
	if name := filepath.Base(path); name != r.FileName() {
		return &BadRecord{File: name, Misnamed: true, Reason: fmt.Sprintf("the file name should be %q", r.FileName())}
	}
	return nil
}

var errNotUTF8 = errors.New("not UTF-8")

// utf8Reader passes bytes through and fails with errNotUTF8 at the first
// byte sequence that is not UTF-8, across read boundaries.
type utf8Reader struct {
	r    io.Reader
	tail []byte // an incomplete rune at the end of the last read
	bad  bool   // errNotUTF8 was returned (a decoder may wrap or replace it)
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	n, err := u.read(p)
	if err == errNotUTF8 {
		u.bad = true
	}
	return n, err
}

func (u *utf8Reader) read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	b := p[:n]
	// first finish the rune that the last read left incomplete
	for len(u.tail) > 0 && len(b) > 0 && !utf8.FullRune(u.tail) {
		u.tail, b = append(u.tail, b[0]), b[1:]
	}
	if len(u.tail) > 0 && utf8.FullRune(u.tail) {
		if !utf8.Valid(u.tail) {
			return 0, errNotUTF8
		}
		u.tail = u.tail[:0]
	}
	// then keep back an incomplete rune at the end of this read
	cut := len(b)
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		return 0, errNotUTF8
	}
	u.tail = append(u.tail, b[cut:]...)
	if err == io.EOF && len(u.tail) > 0 {
		return 0, errNotUTF8
	}
	return n, err
}

// RemovedWithConda tells whether the file rel (slash-separated, relative
// to the env at envDir) went with a package the user removed with conda:
// the env's history records packages removed, and no record of the env
// lists rel. A file a damaged package lost is still listed by its record;
// a command no package of the env ever had (a launcher's subcommand that
// its dispatcher runs itself) is not "removed" without such a history.
// Verify's note and the launch's refusal both ask this.
func RemovedWithConda(envDir, rel string) bool {
	hist, err := os.ReadFile(prefix.HistoryPath(envDir))
	if err != nil || len(prefix.RemovedByHistory(hist)) == 0 {
		return false
	}
	m, err := ReadMeta(envDir)
	if err != nil || len(m.Records) == 0 {
		return false
	}
	for _, r := range m.Records {
		if slices.Contains(r.Files, rel) {
			return false
		}
	}
	return true
}

// ReinstallAdvice says how to get back, offline, a package that conda
// removed from the env env (its folder envDir) of the install at root and
// that had the file rel ("" = any): `conda install --offline` of its
// archive in the install's package cache (ROOT/pkgs), where the install
// keeps one, naming the package when the cache's extracted copy tells
// which; else that conda cannot (the install has no channel, and by name
// conda answers NoChannelsConfiguredError: audit AK 3), and what can: the
// bundle's env made again.
func ReinstallAdvice(root, env, envDir, rel string) string {
	all, having := removedArchives(root, envDir, rel)
	if len(having) > 0 {
		all = having
	}
	// this install's conda, by its path, on the env by its folder: the
	// conda first on PATH may be another's, and -n names an env of its
	// own; quoted where a space would split the command; a frozen env
	// (CEP 22) is changed only with --override-frozen (audit AQ 4)
	conda := condaProgram(root)
	frozen := ""
	if _, err := os.Stat(filepath.Join(envDir, "conda-meta", "frozen")); err == nil {
		frozen = " --override-frozen"
	}
	if len(all) > 0 {
		sort.Strings(all)
		for i, a := range all {
			all[i] = QuoteArg(a)
		}
		return fmt.Sprintf("install it again from the install's package cache%s: %s install -p %s --offline%s %s", inShell(), conda, QuoteArg(envDir), frozen, strings.Join(all, " "))
	}
	if env == BaseEnv {
		return "this install's conda cannot install it again offline (it keeps no package cache, and has no channel): run the installer again with --force, which installs the bundle's base again (without your other changes to it)"
	}
	return fmt.Sprintf("this install's conda cannot install it again offline (it keeps no package cache, and has no channel): to get the bundle's %s back%s, remove it (%s env remove -p %s%s) and run %s repair --prefix %s --env %s, which makes it again without your other changes to it",
		env, inShell(), conda, QuoteArg(envDir), frozen, QuoteArg(AppPath(root)), QuoteArg(root), env)
}

// removedArchives are the archives, in the install's package cache
// (ROOT/pkgs), of the packages the history of the env at envDir says were
// removed; having those of them whose extracted copy there has rel.
func removedArchives(root, envDir, rel string) (all, having []string) {
	hist, _ := os.ReadFile(prefix.HistoryPath(envDir))
	for dist := range prefix.RemovedByHistory(hist) {
		for _, ext := range []string{".conda", ".tar.bz2"} {
			a := filepath.Join(root, "pkgs", dist+ext)
			if fi, err := os.Stat(a); err != nil || !fi.Mode().IsRegular() {
				continue
			}
			all = append(all, a)
			if rel != "" {
				if _, err := os.Lstat(filepath.Join(root, "pkgs", dist, filepath.FromSlash(rel))); err == nil {
					having = append(having, a)
				}
			}
			break
		}
	}
	return all, having
}

// RemovedWithCondaKnown is RemovedWithConda where the install also shows
// that a package the history says was removed had rel: the install's list
// of the executables it made in the env (env: BaseEnv or its name) names
// rel under such a package, or the package cache's copy of one has it.
// For a file no package may ever have had (a launcher's subcommand
// program, which its dispatcher may run itself), the history's removals
// alone are no sign of it (audit BM 8). Where the install keeps no list
// (Windows, an older install), the history's removals still are.
func RemovedWithCondaKnown(root, envDir, env, rel string) bool {
	if !RemovedWithConda(envDir, rel) {
		return false
	}
	if _, having := removedArchives(root, envDir, rel); len(having) > 0 {
		return true
	}
	x, err := ReadExecutables(ExecutablesPath(root, env))
	if err != nil || x == nil {
		return true
	}
	hist, _ := os.ReadFile(prefix.HistoryPath(envDir))
	removed := prefix.RemovedByHistory(hist)
	for dist, files := range x {
		if removed[dist] && slices.Contains(files, rel) {
			return true
		}
	}
	return false
}

// inShell says where the commands are typed: on Windows a Command Prompt,
// whose quoting they use (PowerShell reads a quoted program as a string:
// audit AT 2); elsewhere any POSIX shell.
func inShell() string {
	if runtime.GOOS == "windows" {
		return ", in a Command Prompt (the maintenance window's Terminal is one)"
	}
	return ""
}

// condaProgram is the conda of the install at root, quoted for a command
// line; "conda" when its base has none.
func condaProgram(root string) string {
	exe := filepath.Join(root, "bin", "conda")
	if runtime.GOOS == "windows" {
		exe = filepath.Join(root, "Scripts", "conda.exe")
	}
	if _, err := os.Stat(exe); err != nil {
		return "conda"
	}
	if py := filepath.Join(root, "bin", "python"); runtime.GOOS != "windows" && strings.ContainsAny(root, " \t") {
		// a shebang cannot hold a path with a space: onboard's bin/conda
		// there starts through /bin/sh, but after `conda init` with
		// "#!/usr/bin/env python", another Python, which has no conda
		// (audit AV 1): the base's python runs conda either way
		if _, err := os.Stat(py); err == nil {
			return QuoteArg(py) + " -m conda"
		}
	}
	return QuoteArg(exe)
}

// RepairCommand is the command line that repairs the install at prefix
// with its own program: no "onboard" is on anyone's PATH.
func RepairCommand(prefix string) string {
	return AppCommand(prefix, "repair", "--prefix", prefix)
}

// AppCommand is the command line that runs the install at prefix's own
// program with args, each quoted as a person pastes it (QuoteArg). On
// Windows a quoted program is a command of the Command Prompt, which
// PowerShell reads otherwise (it wants "& " first): the line says where.
func AppCommand(prefix string, args ...string) string {
	app := QuoteArg(AppPath(prefix))
	s := app
	for _, a := range args {
		s += " " + QuoteArg(a)
	}
	if runtime.GOOS == "windows" && strings.HasPrefix(app, `"`) {
		s += " (in a Command Prompt)"
	}
	return s
}

// QuoteArg is s as one argument of a command line a person pastes, where
// a space or a shell's special character would split or change it: in
// single quotes for a POSIX shell, which expand nothing ($, ` and ! did
// in double ones: audit AT 2); in double quotes for cmd.exe, where a path
// holds no quote.
func QuoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"&|;()<>*?[]$`!^%~{}#=,") {
		return s
	}
	if runtime.GOOS == "windows" {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// RemovedModule tells whether Python's missing module mod ("No module named
// 'six'") is a package that conda removed from the env at envDir (its
// history), with no package of its name there now: a dependency removed
// with --force, which a repair leaves as the user's change (audit AK 2).
// The package is the module's name, or python-NAME or pyNAME (pyyaml).
func RemovedModule(envDir, mod string) bool {
	hist, err := os.ReadFile(prefix.HistoryPath(envDir))
	if err != nil {
		return false
	}
	m, err := ReadMeta(envDir)
	if err != nil {
		return false
	}
	now := map[string]bool{}
	for _, r := range m.Records {
		now[r.Name] = true
	}
	want := normalName(strings.SplitN(mod, ".", 2)[0])
	for dist := range prefix.RemovedByHistory(hist) {
		name := prefix.DistPackageName(dist)
		if now[name] {
			continue // another version is there
		}
		for _, n := range []string{name, strings.TrimPrefix(name, "python-"), strings.TrimPrefix(name, "py")} {
			if normalName(n) == want && n != "" {
				return true
			}
		}
	}
	return false
}

// normalName folds a package or module name as PEP 503 does.
func normalName(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "_", ".", "_").Replace(s))
}
