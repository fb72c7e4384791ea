package prefix

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"onboard/installer/pkg"
)

// DefaultCondaVersion is written as "# conda version:" in conda-meta/history
// when the install carries no conda package: the conda release whose
// behaviour onboard follows (docs/engine.md).
const DefaultCondaVersion = "26.7.2"

// HistoryEntry is one transaction of conda-meta/history.
type HistoryEntry struct {
	Time         time.Time
	Command      string   // the "# cmd:" line
	CondaVersion string   // first three dot components are written
	Removed      []string // dist strings "<channel>/<subdir>::<n>-<v>-<b>"
	Added        []string
	UpdateSpecs  []string // "# update specs: [...]"; nil = line left out
}

// FormatHistory returns entry as conda's History.write_changes writes it.
// Removed and Added are sorted.
func FormatHistory(e HistoryEntry) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "==> %s <==\n", e.Time.Format("2006-01-02 15:04:05"))
	fmt.Fprintf(&b, "# cmd: %s\n", e.Command)
	fmt.Fprintf(&b, "# conda version: %s\n", shortVersion(e.CondaVersion))
	for _, d := range sorted(e.Removed) {
		b.WriteString("-" + d + "\n")
	}
	for _, d := range sorted(e.Added) {
		b.WriteString("+" + d + "\n")
	}
	if e.UpdateSpecs != nil {
		fmt.Fprintf(&b, "# update specs: %s\n", PyListRepr(e.UpdateSpecs))
	}
	return b.Bytes()
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func shortVersion(v string) string {
	if v == "" {
		v = DefaultCondaVersion
	}
	parts := strings.SplitN(v, ".", 4)
	if len(parts) > 3 {
		parts = parts[:3]
	}
	return strings.Join(parts, ".")
}

// PyListRepr returns Python's repr() of a list of strings.
func PyListRepr(ss []string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = pyStrRepr(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// pyStrRepr is Python's repr() of a str: single quotes unless the string
// holds ' and no ".
func pyStrRepr(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

var historyHead = regexp.MustCompile(`^==>\s*(.+?)\s*<==`)

// historyStates replays conda-meta/history as conda's History does
// (construct_states): an entry whose lines hold a "+" or "-" changes the
// state; any other entry, an empty one included, replaces it with its
// lines. It returns the state after the last entry, and the state after
// the last entry that was not empty (nil when there is none).
func historyStates(data []byte) (final, lastChange map[string]bool) {
	final = map[string]bool{}
	var entry []string
	inEntry := false
	apply := func() {
		if !inEntry {
			return
		}
		diff := false
		for _, l := range entry {
			diff = diff || l[0] == '+' || l[0] == '-'
		}
		if !diff {
			final = map[string]bool{}
			for _, l := range entry {
				final[l] = true
			}
			if len(entry) == 0 {
				return // a no-op: not a change of what is installed
			}
		}
		for _, l := range entry {
			switch l[0] {
			case '+':
				final[l[1:]] = true
			case '-':
				delete(final, l[1:])
			}
		}
		lastChange = make(map[string]bool, len(final))
		for d := range final {
			lastChange[d] = true
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case historyHead.MatchString(line):
			apply()
			entry, inEntry = entry[:0], true
		case line[0] == '#' || !inEntry:
		default:
			entry = append(entry, line)
		}
	}
	apply()
	return final, lastChange
}

// HistoryState returns the set of dist strings that conda-meta/history
// data says are installed, as conda itself reads it: after an entry that
// changed nothing (conda writes one for a no-op or a forced reinstall of
// the same package), conda takes the state to be empty.
func HistoryState(data []byte) map[string]bool {
	final, _ := historyStates(data)
	return final
}

// RemovedByHistory returns, by dist name (name-version-build, without its
// channel), the packages that a transaction recorded in conda-meta/history
// removed: named in some entry, and absent after the last entry that
// changed the state. A package whose record was lost without such an
// entry is not in it.
func RemovedByHistory(data []byte) map[string]bool {
	_, last := historyStates(data)
	now := map[string]bool{}
	for d := range last {
		now[DistName(d)] = true
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if len(line) < 2 || line[0] == '#' || historyHead.MatchString(line) {
			continue
		}
		if line[0] == '+' || line[0] == '-' {
			line = line[1:]
		}
		if d := DistName(line); !now[d] {
			out[d] = true
		}
	}
	return out
}

// DistPackageName is the package name of a dist name-version-build.
func DistPackageName(dist string) string {
	for range 2 {
		if i := strings.LastIndexByte(dist, '-'); i > 0 {
			dist = dist[:i]
		}
	}
	return dist
}

// DistName drops the "channel/subdir::" of a history dist string.
func DistName(s string) string {
	if i := strings.LastIndex(s, "::"); i >= 0 {
		return s[i+2:]
	}
	return s
}

// HistoryDiff returns what to write as removed and added lines: the
// difference between the history's state and the dists now installed.
func HistoryDiff(history []byte, installed []string) (removed, added []string) {
	state := HistoryState(history)
	now := map[string]bool{}
	for _, d := range installed {
		now[d] = true
		if !state[d] {
			added = append(added, d)
		}
	}
	for d := range state {
		if !now[d] {
			removed = append(removed, d)
		}
	}
	return sorted(removed), sorted(added)
}

// HistoryPath returns prefixDir/conda-meta/history.
func HistoryPath(prefixDir string) string {
	return filepath.Join(prefixDir, "conda-meta", "history")
}

// AppendHistory appends entry to prefixDir/conda-meta/history, creating it.
func AppendHistory(prefixDir string, e HistoryEntry) error {
	p := HistoryPath(prefixDir)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("failed to open the history %q: %w", p, err)
	}
	if _, err := f.Write(FormatHistory(e)); err != nil {
		f.Close()
		return fmt.Errorf("failed to write the history %q: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("failed to write the history %q: %w", p, err)
	}
	return nil
}

// WriteCreatedAt writes conda-meta/created_at (epoch seconds as Python
// prints a float) unless it exists.
func WriteCreatedAt(prefixDir string, t time.Time) error {
	p := filepath.Join(prefixDir, "conda-meta", "created_at")
	if _, err := os.Lstat(p); err == nil {
		return nil
	}
	secs := float64(t.UnixMicro()) / 1e6
	return writeFileAtomic(p, []byte(strconv.FormatFloat(secs, 'f', -1, 64)), 0o644)
}

// WriteCondarc writes the bundle's conda settings, data, to
// prefixDir/condarc.d/onboard.yml (pkg.BundleCondarcFile), making the
// folder. The folder must be a real one: not a link that would take the
// file elsewhere.
func WriteCondarc(prefixDir string, data []byte) error {
	p := filepath.Join(prefixDir, filepath.FromSlash(pkg.BundleCondarcFile))
	dir := filepath.Dir(p)
	if st, err := os.Lstat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("failed to write the bundle's conda settings to %q: %q is not a folder; remove it, then repair the install", p, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to write the bundle's conda settings: %w", err)
	}
	return writeFileAtomic(p, data, 0o644)
}

// condaPrograms are the programs whose command starting an env's history
// says conda (or a conda-compatible tool) made it: conda's bin/conda, its
// Windows conda-script.py and conda.exe, python -m conda's __main__.py,
// mamba and micromamba.
var condaPrograms = map[string]bool{"conda": true, "mamba": true, "micromamba": true, "__main__": true}

// EnvMadeWithConda tells whether conda made the env at envDir: the first
// command of its conda-meta/history is conda's creating one (conda create,
// conda env create, the clone conda rename makes), not onboard's install.
// An env of the bundle's name that the user removed with conda and made
// again with conda is theirs, not the bundle's: not damage, and nothing to
// fill with the bundle's packages. A history that begins with another
// conda command (conda install into an env whose history was lost) is no
// sign conda made the env (audit AM 1: such a bundle env was taken for
// the user's).
func EnvMadeWithConda(envDir string) bool {
	_, ok := MadeBy(envDir)
	return ok
}

// MadeBy is the conda program (its path as the history gives it) whose
// creating command begins the env's history, and whether there is one
// (EnvMadeWithConda).
func MadeBy(envDir string) (string, bool) {
	fields := firstCommand(envDir)
	if len(fields) == 0 {
		return "", false
	}
	if prog := programName(fields[0]); !condaPrograms[prog] && prog != "conda-env" {
		return "", false
	}
	// the subcommand: the first argument that is no option (python -m
	// conda's __main__.py, an option before it)
	var sub []string
	for _, a := range fields[1:] {
		if !strings.HasPrefix(a, "-") {
			sub = append(sub, a)
			if len(sub) == 2 {
				break
			}
		}
	}
	switch {
	case len(sub) > 0 && (sub[0] == "create" || sub[0] == "rename"):
		return fields[0], true
	case len(sub) > 1 && sub[0] == "env" && sub[1] == "create":
		return fields[0], true
	}
	return "", false
}

// RenamedTo is the env that `conda rename` made of the env at envDir, of
// the install at base: an env in base/envs whose history begins with
// conda's `rename` of that env (`-n NAME` or `-p envDir`). conda renames
// by cloning and deleting the source, and leaves the source's line in
// environments.txt, so EnvRemovedWithConda would call the rename damage
// (audit U 5). "" when there is none, or envDir still exists.
func RenamedTo(envDir, base string) string {
	if _, err := os.Lstat(envDir); !errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	entries, _ := os.ReadDir(filepath.Join(base, "envs"))
	for _, e := range entries {
		dir := filepath.Join(base, "envs", e.Name())
		if !e.IsDir() || !EnvMadeWithConda(dir) {
			continue
		}
		if renamesFrom(firstCommand(dir), envDir, base) {
			return dir
		}
	}
	return ""
}

// programName is the program of a command's path, as condaPrograms names
// it: its file name in lower case without .exe, -script.py or .py.
func programName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		path = path[i+1:]
	}
	path = strings.ToLower(path)
	for _, ext := range []string{".exe", "-script.py", ".py"} {
		path = strings.TrimSuffix(path, ext)
	}
	return path
}

// firstCommand is the first `# cmd:` line of the env's history, split at
// spaces: the program first, whole. conda writes its argv joined with
// spaces, unquoted, so a program in a folder with a space in its name
// ("/home/jane/Acme Python/bin/conda") spans several words: they are one
// up to the first whose path names a conda program (audit AQ 1: the env
// a user made with conda in such an install was taken for the bundle's).
func firstCommand(envDir string) []string {
	fields := historyCommand(envDir)
	// every word that ends a conda program's path may: the first whose
	// path is a file here, else the last (a folder named "My conda envs"
	// holds a word "conda" that is no program: audit AT 3)
	var ends []int
	for k := range fields {
		if k > 0 && strings.HasPrefix(fields[k], "-") {
			break // an option: the program has ended
		}
		if prog := programName(fields[k]); condaPrograms[prog] || prog == "conda-env" {
			ends = append(ends, k)
		}
	}
	if len(ends) == 0 {
		return fields
	}
	end := ends[len(ends)-1]
	for _, k := range ends {
		if fi, err := os.Stat(strings.Join(fields[:k+1], " ")); err == nil && fi.Mode().IsRegular() {
			end = k
			break
		}
	}
	return append([]string{strings.Join(fields[:end+1], " ")}, fields[end+1:]...)
}

// historyCommand is the first `# cmd:` line of the env's history, split
// at spaces.
func historyCommand(envDir string) []string {
	f, err := os.Open(HistoryPath(envDir))
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<10)
	for sc.Scan() {
		if cmd, ok := strings.CutPrefix(sc.Text(), "# cmd: "); ok {
			return strings.Fields(cmd)
		}
	}
	return nil
}

// renamesFrom tells whether the conda command args renames the env at
// envDir: `rename` then `-n/--name NAME` (an env of base/envs) or
// `-p/--prefix PATH`.
func renamesFrom(args []string, envDir, base string) bool {
	i := slices.Index(args, "rename")
	if i < 0 {
		return false
	}
	named := filepath.Dir(envDir) == filepath.Join(base, "envs")
	for rest := args[i+1:]; len(rest) > 0; rest = rest[1:] {
		a := rest[0]
		var val string
		switch {
		case (a == "-n" || a == "--name" || a == "-p" || a == "--prefix") && len(rest) > 1:
			val = rest[1]
		case strings.HasPrefix(a, "--name=") || strings.HasPrefix(a, "--prefix="):
			_, val, _ = strings.Cut(a, "=")
			a, _, _ = strings.Cut(a, "=")
		default:
			continue
		}
		if a == "-n" || a == "--name" {
			return named && val == filepath.Base(envDir)
		}
		return filepath.Clean(val) == filepath.Clean(envDir)
	}
	return false
}
