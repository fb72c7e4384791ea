package platform

import (
	"errors"
	"os"
	"path/filepath"

	"onboard/installer/state"
)

// CheckPrefix checks a prefix on this machine: writable, free space,
// path length (Windows), spaces and non-ASCII, inside or already a conda
// env, not empty. Problems with Severity Error stop an install.
func CheckPrefix(req PrefixRequest) []Problem {
	t := HostTarget()
	if !t.IsAbs(req.Prefix) {
		return CheckPrefixWith(t, HostEnv(), req, PrefixFacts{})
	}
	req.Prefix = filepath.Clean(req.Prefix)
	return CheckPrefixWith(t, HostEnv(), req, HostPrefixFacts(req.Prefix))
}

// FolderEntries are the names in dir that make it no empty folder to
// install into: all of them, but for an onboard state folder that holds
// nothing but a log and a lock, what a run that installed nothing may
// leave when another program deletes the install under it (audit T 5):
// every later install refused the folder as not empty, and uninstall as
// no install.
func FolderEntries(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if e.Name() == state.DirName && e.IsDir() && OnlyLeftovers(filepath.Join(dir, e.Name())) {
			continue
		}
		out = append(out, e.Name())
	}
	return out
}

// OnlyLeftovers tells whether the state folder stateDir holds nothing but
// a log and a lock: no install, what a run that installed nothing left.
func OnlyLeftovers(stateDir string) bool {
	ents, err := os.ReadDir(stateDir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if (e.Name() != state.LogName && e.Name() != state.LockName) || !e.Type().IsRegular() {
			return false
		}
	}
	return true
}

// HostPrefixFacts gathers what [CheckPrefixWith] needs about prefix from
// this machine. Writability and free space are those of the prefix or,
// when it does not exist yet, of its nearest existing parent. It writes
// nothing on Unix, where writability is asked of the kernel (access(2));
// on Windows, whose permissions are ACLs, it creates and removes a probe
// file.
func HostPrefixFacts(prefix string) PrefixFacts {
	f := PrefixFacts{FreeBytes: -1, LongPathsEnabled: hostLongPathsEnabled()}
	if fi, err := os.Stat(prefix); err == nil {
		f.Exists, f.IsDir = true, fi.IsDir()
		if f.IsDir {
			f.MountPoint = hostMountPoint(prefix)
			f.Entries = FolderEntries(prefix)
		}
	}
	dir := nearestDir(prefix)
	if dir == "" {
		f.WritableErr = "no parent folder exists"
		return f
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		if rel, err := filepath.Rel(dir, prefix); err == nil {
			if r := filepath.Join(real, rel); r != prefix {
				f.Real = r
			}
		}
	}
	if f.SystemFS = hostSystemFS(dir); f.SystemFS != "" {
		return f // no disk: not writable, and its free space means nothing
	}
	if err := hostWritable(dir); err != nil {
		f.WritableErr = err.Error()
	} else {
		f.Writable = true
	}
	f.FreeBytes = hostFreeBytes(dir)
	f.FreeFiles = hostFreeFiles(dir)
	return f
}

// nearestDir returns p or its nearest existing ancestor that is a
// directory; "" when none is.
func nearestDir(p string) string {
	for {
		if fi, err := os.Stat(p); err == nil {
			if fi.IsDir() {
				return p
			}
			return ""
		}
		parent := filepath.Dir(p)
		if parent == p {
			return ""
		}
		p = parent
	}
}

// probeWrite creates and removes a file in dir: whether a file can be
// created there, where the kernel cannot be asked without writing.
func probeWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".onboard-write-test-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
