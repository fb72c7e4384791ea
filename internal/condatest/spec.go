package condatest

import (
	"time"
)

// MTime is the modification time of every member the builders write.
var MTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// DefaultPlaceholder is conda's default prefix placeholder.
const DefaultPlaceholder = "/opt/anaconda1anaconda2anaconda3"

// File is one payload file of a Spec.
type File struct {
	Path        string // package-relative, "/" separators
	Data        []byte // content of a regular file
	Mode        int64  // permission bits; 0 = 0644
	Symlink     string // when non-empty, the entry is a symlink with this target
	Placeholder string // prefix placeholder found in Data; "" = none
	FileMode    string // "text" or "binary"; "" = "text" when Placeholder is set
	NoLink      bool   // must be copied, never hard-linked
}

// Spec describes a package to build.
type Spec struct {
	Name, Version, Build   string
	BuildNumber            int
	Subdir                 string // "" = no subdir key in index.json
	Noarch                 string // "", "python" or "generic"
	Depends                []string
	Constrains             []string
	License                string
	Timestamp              int64 // ms; 0 = none
	PythonSitePackagesPath string
	Files                  []File
	EntryPoints            []string // "cmd = module:func"; written to info/link.json
	// InfoFiles are extra info/ members (path relative to the archive root,
	// e.g. "info/about.json"). They replace generated ones of the same path,
	// so a test can ship its own info/paths.json.
	InfoFiles []File
	// Legacy writes info/files, info/has_prefix and info/no_link instead of
	// info/paths.json, as packages built before conda-build 3 did.
	Legacy bool
	// ZstdLevel is the klauspost zstd level of .conda components; 0 = default.
	ZstdLevel int
}

// Stem returns "<name>-<version>-<build>", the archive name without extension.
func (s Spec) Stem() string { return s.Name + "-" + s.Version + "-" + s.Build }

// LinkScript returns the package path of a link script for action
// ("post-link", "pre-unlink", ...): bin/.<name>-<action>.sh, or
// Scripts/.<name>-<action>.bat when windows is true, as conda-build places them.
func (s Spec) LinkScript(action string, windows bool) string {
	if windows {
		return "Scripts/." + s.Name + "-" + action + ".bat"
	}
	if s.Noarch == "python" {
		return "python-scripts/." + s.Name + "-" + action + ".sh"
	}
	return "bin/." + s.Name + "-" + action + ".sh"
}
