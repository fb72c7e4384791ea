package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/internal/atomicfile"
	"onboard/internal/rmtree"
)

// Logf logs one line; nil discards.
type Logf func(format string, args ...any)

func (l Logf) printf(format string, args ...any) {
	if l != nil {
		l(format, args...)
	}
}

// Apply carries out a [Plan] on this machine (whose target it must be) and
// returns the [Record] of what it created. Existing launchers are
// replaced. On failure it removes what it had created and returns the
// error.
func Apply(p Plan, logf Logf) (Record, error) {
	rec := Record{Schema: 1, Target: p.Target, Prefix: p.Prefix, Refresh: p.Refresh}
	err := apply(p, &rec, logf)
	if err != nil {
		if rerr := Remove(rec, logf); rerr != nil {
			logf.printf("platform: cleaning up after a failed launcher set-up: %v", rerr)
		}
		return Record{}, err
	}
	refresh(p.Refresh, logf)
	return rec, nil
}

func apply(p Plan, rec *Record, logf Logf) error {
	for _, b := range p.Bundles {
		if err := writeBundle(b, p.Files); err != nil {
			return err
		}
		rec.Bundles = append(rec.Bundles, b)
		logf.printf("platform: created %s", b)
	}
	for _, d := range p.Dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("failed to create folder %q: %w", d, err)
		}
		rec.Dirs = append(rec.Dirs, d)
	}
	for _, f := range p.Files {
		if owner := bundleOf(f.Path, p.Bundles); owner == "" {
			made := missingDirs(filepath.Dir(f.Path))
			err := writeFile(f)
			for _, d := range made {
				if _, serr := os.Stat(d); serr == nil {
					rec.Made = append(rec.Made, d)
				}
			}
			if err != nil {
				return err
			}
			logf.printf("platform: wrote %s", f.Path)
		}
		rec.Files = append(rec.Files, RecordFile{Path: f.Path, Kind: f.Kind, Source: f.Source})
	}
	for _, s := range p.Shortcuts {
		if err := hostCreateShortcut(s); err != nil {
			return fmt.Errorf("failed to create shortcut %q: %w", s.Path, err)
		}
		rec.Files = append(rec.Files, RecordFile{Path: s.Path, Kind: firstNonEmpty(s.Kind, KindShortcut), Source: s.Source})
		logf.printf("platform: created shortcut %s", s.Path)
	}
	for _, m := range p.MimeApps {
		m, err := applyMimeApps(m)
		if err != nil {
			return err
		}
		rec.MimeApps = append(rec.MimeApps, m)
		logf.printf("platform: added %s to %s for %s", filepath.Base(m.Entry), m.Path, strings.Join(m.Types, ", "))
	}
	for _, t := range p.Terminal {
		edits, err := applyTerminal(t, logf)
		rec.Terminal = append(rec.Terminal, edits...)
		if err != nil {
			return err
		}
	}
	if len(p.Registry) == 0 {
		return nil
	}
	r := hostRegistry()
	if r == nil {
		return errNoRegistry
	}
	return applyEntries(r, p.Registry, rec, logf)
}

// bundleOf returns the bundle directory that holds path, or "".
func bundleOf(path string, bundles []string) string {
	for _, b := range bundles {
		if strings.HasPrefix(path, b+string(filepath.Separator)) {
			return b
		}
	}
	return ""
}

// writeBundle builds the bundle dir beside its place and renames it in,
// replacing an older one.
func writeBundle(dir string, files []File) error {
	tmp, old := dir+".onboard-new", dir+".onboard-old"
	rmtree.RemoveAll(tmp)
	for _, f := range files {
		if rel, ok := strings.CutPrefix(f.Path, dir+string(filepath.Separator)); ok {
			f.Path = filepath.Join(tmp, rel)
			if err := writeFile(f); err != nil {
				rmtree.RemoveAll(tmp)
				return err
			}
		}
	}
	rmtree.RemoveAll(old)
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		rmtree.RemoveAll(tmp)
		return fmt.Errorf("failed to replace %q: %w; close it if it is running and try again", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// put the old one back, and leave nothing of the new
		if rerr := os.Rename(old, dir); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = fmt.Errorf("%w; the one it replaces is left in %q (%v)", err, old, rerr)
		}
		rmtree.RemoveAll(tmp)
		return fmt.Errorf("failed to create %q: %w", dir, err)
	}
	rmtree.RemoveAll(old)
	return nil
}

// writeFile writes f through a temporary file and a rename, so a reader
// never sees half a launcher.
func writeFile(f File) error {
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
		return fmt.Errorf("failed to create folder for %q: %w", f.Path, err)
	}
	var src io.Reader = bytes.NewReader(f.Data)
	if f.CopyFrom != "" {
		in, err := os.Open(f.CopyFrom)
		if err != nil {
			return fmt.Errorf("failed to copy %q: %w; the maintenance app must be installed first", f.CopyFrom, err)
		}
		defer in.Close()
		src = in
	}
	return atomicWrite(f.Path, src, f.Mode)
}

// missingDirs returns dir and the folders above it that do not exist,
// outermost first.
func missingDirs(dir string) []string {
	var out []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		out = append([]string{d}, out...)
	}
	return out
}

// atomicWrite writes r to path through a temporary file in the same
// folder, then renames it over path.
func atomicWrite(path string, r io.Reader, mode fs.FileMode) error {
	return atomicfile.Write(path, mode, func(w io.Writer) error {
		if _, err := io.Copy(w, r); err != nil {
			return fmt.Errorf("failed to write %q: %w", path, err)
		}
		return nil
	})
}

// refreshCommands are the programs a Plan's Refresh runs (by name, found
// on PATH): a record read back from the disk may hold no other.
var refreshCommands = map[string]bool{"update-desktop-database": true, "gtk-update-icon-cache": true, "update-mime-database": true}

// refresh runs the refresh commands that exist here; failures are logged.
func refresh(cmds [][]string, logf Logf) {
	for _, c := range cmds {
		if len(c) == 0 {
			continue
		}
		if !refreshCommands[c[0]] {
			logf.printf("platform: did not run %q: it is not one of the commands onboard runs after changing launchers (the launcher record may have been changed)", c[0])
			continue
		}
		if !hostHasCommand(c[0]) {
			continue
		}
		if out, ok := runCombined(true, c[0], c[1:]...); !ok {
			logf.printf("platform: %s failed (ignored): %s", strings.Join(c, " "), strings.TrimSpace(out))
		}
	}
}

// SaveRecord writes rec as JSON to path, atomically.
func SaveRecord(path string, rec Record) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("failed to encode the launcher record: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("failed to create folder for %q: %w", path, err)
	}
	return atomicWrite(path, bytes.NewReader(append(b, '\n')), 0o644)
}

// LoadRecord reads a record that [SaveRecord] wrote.
func LoadRecord(path string) (Record, error) {
	var rec Record
	b, err := os.ReadFile(path)
	if err != nil {
		return rec, fmt.Errorf("failed to read the launcher record %q: %w", path, err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("failed to read the launcher record %q: %w; run repair to write it again", path, err)
	}
	return rec, nil
}

// CheckInstalled is [Check] against this machine's files and registry.
func CheckInstalled(rec Record, prefix string) []Problem {
	t, env := HostTarget(), HostEnv()
	in := Inspector{ReadFile: os.ReadFile, IsShellFile: func(p string) bool { return IsShellFile(t, env, p) }}
	if r := hostRegistry(); r != nil {
		in.ReadRegistry = r.read
	}
	return Check(rec, prefix, in)
}

// ReadLaunchConfig reads the [LaunchConfig] of a macOS launcher whose
// executable is exe (from os.Executable): Contents/Resources/
// onboard-launch.json beside Contents/MacOS/<exe>. ok is false when there is none (not started from a
// launcher bundle).
func ReadLaunchConfig(exe string) (cfg LaunchConfig, ok bool, err error) {
	path := filepath.Join(filepath.Dir(filepath.Dir(exe)), "Resources", LaunchConfigName)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, false, nil
	}
	if err == nil {
		err = json.Unmarshal(b, &cfg)
	}
	if err != nil {
		return cfg, false, fmt.Errorf("failed to read the launcher configuration %q: %w; run repair to write it again", path, err)
	}
	return cfg, true, nil
}
