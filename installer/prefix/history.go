package prefix

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
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

var distLine = regexp.MustCompile(`^([+-])(\S+)$`)

// HistoryState returns the set of dist strings that conda-meta/history
// data says are installed after its last transaction.
func HistoryState(data []byte) map[string]bool {
	state := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		m := distLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		if m[1] == "+" {
			state[m[2]] = true
		} else {
			delete(state, m[2])
		}
	}
	return state
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

// WriteCondarc writes prefixDir/.condarc.
func WriteCondarc(prefixDir string, data []byte) error {
	return writeFileAtomic(filepath.Join(prefixDir, ".condarc"), data, 0o644)
}
