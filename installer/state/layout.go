package state

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"onboard/installer/bundle"
	"onboard/installer/pkg"
	"onboard/installer/prefix"
)

// DirName is the name of onboard's state folder inside a prefix (spelled
// in installer/pkg, which keeps packages out of it).
const DirName = pkg.StateFolder

// The names of the files and folders of the state folder.
const (
	ManifestName   = "manifest.json"        // the installed manifest (see Manifest)
	LaunchersName  = "launchers.json"       // what the launchers and shell set-up created (platform.Record)
	LogName        = "install.log"          // install, upgrade and repair log
	LockName       = "lock"                 // the prefix lock (LockFile)
	AppName        = "onboard"              // the maintenance app; onboard.exe on Windows
	BundleName     = bundle.SplitBundleName // the bundle a repair reads beside the app, where bundle.Discover looks
	IconName       = "icon.ico"             // the Windows shortcuts' icon
	LastCheckName  = "last-check.json"      // the maintenance window's last verify or repair
	UnpackingName  = "unpacking"            // scratch copies of packages stored compressed in the bundle
	BadRecordsName = "bad-records"          // conda-meta records repair moved aside
)

// Rel is the slash-separated path of name in the state folder, relative
// to the prefix (".onboard/manifest.json"); platform joins it in a
// target's spelling.
func Rel(name string) string { return DirName + "/" + name }

// Dir is the state folder of the install at prefix.
func Dir(prefixDir string) string { return filepath.Join(prefixDir, DirName) }

// Path is the file name in the state folder of the install at prefix.
func Path(prefixDir, name string) string { return filepath.Join(prefixDir, DirName, name) }

// ManifestPath is PREFIX/.onboard/manifest.json.
func ManifestPath(prefixDir string) string { return Path(prefixDir, ManifestName) }

// LaunchersPath is PREFIX/.onboard/launchers.json.
func LaunchersPath(prefixDir string) string { return Path(prefixDir, LaunchersName) }

// LogPath is PREFIX/.onboard/install.log.
func LogPath(prefixDir string) string { return Path(prefixDir, LogName) }

// LockPath is the prefix lock, PREFIX/.onboard/lock.
func LockPath(prefixDir string) string { return Path(prefixDir, LockName) }

// JournalPath is the journal of a transaction inside the prefix (an env
// install, a repair of one package), PREFIX/.onboard/journal.json; it
// exists only while one runs or after one was killed.
func JournalPath(prefixDir string) string { return Path(prefixDir, prefix.JournalName) }

// BundlePath is PREFIX/.onboard/bundle.zip.
func BundlePath(prefixDir string) string { return Path(prefixDir, BundleName) }

// UnpackingDir is PREFIX/.onboard/unpacking.
func UnpackingDir(prefixDir string) string { return Path(prefixDir, UnpackingName) }

// LastCheckPath is PREFIX/.onboard/last-check.json.
func LastCheckPath(prefixDir string) string { return Path(prefixDir, LastCheckName) }

// RepairScratchDir is where repair extracts dist again when its cache
// copy is gone or damaged: PREFIX/.onboard/repair-<dist>.
func RepairScratchDir(prefixDir, dist string) string { return Path(prefixDir, "repair-"+dist) }

// BadRecordsDir is where repair keeps the unreadable conda-meta records of
// env (a name such as "base"): PREFIX/.onboard/bad-records/ENV.
func BadRecordsDir(prefixDir, env string) string {
	return filepath.Join(prefixDir, DirName, BadRecordsName, env)
}

// AppFile is the maintenance app's file name on goos.
func AppFile(goos string) string {
	if goos == "windows" {
		return AppName + ".exe"
	}
	return AppName
}

// AppPath is the maintenance app of the install at prefix on this host,
// PREFIX/.onboard/onboard[.exe].
func AppPath(prefixDir string) string { return Path(prefixDir, AppFile(runtime.GOOS)) }

// PrefixOf returns the prefix whose state folder holds the file path (the
// maintenance app, the lock), and false when path is not in a state
// folder.
func PrefixOf(path string) (string, bool) {
	dir := filepath.Dir(path)
	if filepath.Base(dir) != DirName {
		return "", false
	}
	return filepath.Dir(dir), true
}

// CloneOf tells, for a folder that holds .onboard/ (an install, by
// PrefixOf), whether it is instead an env of another install, into which
// conda copied the base's .onboard/ when it cloned the base (conda create
// --clone base: conda copies every file no record names). It returns that
// install's folder. A clone is in the install's envs/, or anywhere conda
// made it (-p DIR, or ~/.conda/envs for a user of an all-users install:
// audit AQ 2): there its conda-meta/history, which conda writes anew,
// begins with conda's create, and the install is the one of that conda
// program, else the one the copied launchers.json names.
func CloneOf(prefixDir string) (string, bool) {
	envs := filepath.Dir(prefixDir)
	if root := filepath.Dir(envs); filepath.Base(envs) == "envs" && HasManifest(root) {
		return root, true
	}
	// the folder its manifest was written for, which conda's copy keeps
	// as it was: another install's, that is there, or that was there
	// when conda made this env (an install uninstalled since; audit AV:
	// its clone was then taken for an install). An install moved by hand
	// has another folder too, but onboard began its history.
	if m, err := ReadManifest(prefixDir); err == nil {
		if home := m.HomeOf(); home != "" && !sameFolder(home, prefixDir) && (HasManifest(home) || prefix.EnvMadeWithConda(prefixDir)) {
			return home, true
		}
	}
	prog, ok := prefix.MadeBy(prefixDir)
	if !ok {
		return "", false
	}
	self := filepath.Clean(prefixDir)
	for d, i := filepath.Dir(prog), 0; i < 6 && d != filepath.Dir(d); d, i = filepath.Dir(d), i+1 {
		if filepath.Clean(d) != self && HasManifest(d) {
			return d, true
		}
	}
	var rec struct {
		Prefix string `json:"prefix"`
	}
	if b, err := os.ReadFile(LaunchersPath(prefixDir)); err == nil && json.Unmarshal(b, &rec) == nil &&
		rec.Prefix != "" && filepath.Clean(rec.Prefix) != self && HasManifest(rec.Prefix) {
		return rec.Prefix, true
	}
	return "", false
}

// OpJournalPath is where the journal of a whole install or uninstall of
// prefix lives: beside it, PARENT/.NAME.onboard-journal, so that it
// survives what the operation does to the prefix folder itself.
func OpJournalPath(prefixDir string) string {
	return filepath.Join(filepath.Dir(prefixDir), "."+filepath.Base(prefixDir)+DirName+"-journal")
}

// OpJournalInsidePath is where that journal lives when the folder above
// an existing, empty prefix may not be written: PREFIX/.onboard-journal.
func OpJournalInsidePath(prefixDir string) string {
	return filepath.Join(prefixDir, pkg.OpJournalFile)
}

// AsidePath is where an upgrade moves the old install while it installs
// the new one: PREFIX.onboard-old-<n>.
func AsidePath(prefixDir string, n int64) string {
	return fmt.Sprintf("%s%s-old-%d", prefixDir, DirName, n)
}

// sameFolder tells whether a and b are one folder: the same file where
// both exist (a link, another case or an 8.3 name on the way), else the
// same clean path.
func sameFolder(a, b string) bool {
	fa, ea := os.Stat(a)
	fb, eb := os.Stat(b)
	if ea == nil && eb == nil {
		return os.SameFile(fa, fb)
	}
	return filepath.Clean(a) == filepath.Clean(b)
}
