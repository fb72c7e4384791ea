// Package atomicfile writes files so that a crash never leaves a half file:
// the content goes to a temporary file in the same folder, is synced, and is
// renamed over the target only when complete.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Write creates or replaces path with what fill writes, with mode's
// permission bits. When fill or any step fails, the temporary file is
// removed and path is left as it was.
func Write(path string, mode fs.FileMode, fill func(w io.Writer) error) error {
	return write(path, mode, true, fill)
}

// WriteFileUnsynced is WriteFile without the fsync: a crash of the process
// never leaves a half file, but a power cut may lose the new content. It
// is for the many small files of a journaled transaction (conda-meta
// records), where a per-file fsync costs more than the install itself and
// a loss is found by verify and put back by repair.
func WriteFileUnsynced(path string, data []byte, mode fs.FileMode) error {
	return write(path, mode, false, func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("failed to write %q: %w", path, err)
		}
		return nil
	})
}

func write(path string, mode fs.FileMode, sync bool, fill func(w io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), partialPrefix(path)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("failed to create a temporary file beside %q: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fill(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(mode.Perm()); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("failed to set the mode of %q: %w", path, err)
	}
	if sync {
		if err = tmp.Sync(); err != nil {
			return fmt.Errorf("failed to write %q: %w", path, err)
		}
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("failed to write %q: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("failed to move %q into place: %w", path, err)
	}
	if sync {
		SyncDir(filepath.Dir(path)) // the rename too survives a power cut
		SweepPartials(path)
	}
	return nil
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// partialPrefix is how the temporary files of path's writes are named
// before the writer's process id: ".NAME.partial-".
func partialPrefix(path string) string { return "." + filepath.Base(path) + ".partial-" }

// SweepPartials removes the temporary files that writes of path left
// beside it when their process was killed before the rename (a full copy
// of a ~/.bashrc stayed hidden beside it for good, and a launcher's kept
// its folder from being removed: audit AI 1). A file of a process still
// running, this one's included, is another write under way and stays;
// so does one whose process cannot be told, and one written in the last
// minute (a write of another computer that shares the folder). Synced writes sweep after
// their rename, and uninstall after removing a file.
func SweepPartials(path string) {
	dir, prefix := filepath.Dir(path), partialPrefix(path)
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		rest, ok := strings.CutPrefix(de.Name(), prefix)
		if !ok || !de.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		if !ok {
			// the name before process ids were in it (".NAME.partial-N"):
			// of an older onboard, gone unless it wrote in the last hour
			// (audit AM 3)
			if info, err := de.Info(); err == nil && allDigits(rest) && time.Since(info.ModTime()) > time.Hour {
				os.Remove(filepath.Join(dir, de.Name()))
			}
			continue
		}
		// only a name this package makes (PID-N, N digits: a user's
		// ".bashrc.partial-2958-orig" is theirs), a minute old at least
		// (the process of a write under way on another computer that
		// shares the folder, an NFS home, is not running here: audit AQ 3)
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || !allDigits(rest[len(pidText)+1:]) || pid == os.Getpid() || processRunning(pid) {
			continue
		}
		if info, err := de.Info(); err != nil || time.Since(info.ModTime()) < time.Minute {
			continue
		}
		os.Remove(filepath.Join(dir, de.Name()))
	}
}

// SyncDir makes the renames and creations in dir durable. Not every
// system can sync a folder (Windows cannot open one for it); there they
// are as durable as the file system makes them.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// WriteFile creates or replaces path with data, like os.WriteFile but
// atomically.
func WriteFile(path string, data []byte, mode fs.FileMode) error {
	return Write(path, mode, func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("failed to write %q: %w", path, err)
		}
		return nil
	})
}

// Replace rewrites an existing file with data, keeping its permission bits;
// a file that does not exist yet gets 0644.
func Replace(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	return WriteFile(path, data, mode)
}

// WriteUnsynced is Write without the fsync (see WriteFileUnsynced), for a
// file written as a stream.
func WriteUnsynced(path string, mode fs.FileMode, fill func(w io.Writer) error) error {
	return write(path, mode, false, fill)
}
