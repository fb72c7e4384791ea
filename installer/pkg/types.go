// Package pkg reads conda packages (.conda and .tar.bz2): it checks their
// hashes, extracts them safely into a package cache, and parses their info/
// metadata. It never imports the installer package.
package pkg

// Index is info/index.json: the package's own record.
type Index struct {
	Name                   string   `json:"name"`
	Version                string   `json:"version"`
	Build                  string   `json:"build"`
	BuildNumber            int64    `json:"build_number"`
	Depends                []string `json:"depends"`
	Constrains             []string `json:"constrains,omitempty"`
	License                string   `json:"license,omitempty"`
	LicenseFamily          string   `json:"license_family,omitempty"`
	Subdir                 string   `json:"subdir,omitempty"`
	Timestamp              int64    `json:"timestamp,omitempty"`
	Arch                   *string  `json:"arch,omitempty"`
	Platform               *string  `json:"platform,omitempty"`
	Noarch                 string   `json:"-"` // "python", "generic" or ""; legacy `true` = "generic"
	TrackFeatures          string   `json:"track_features,omitempty"`
	Features               string   `json:"features,omitempty"`
	PythonSitePackagesPath string   `json:"python_site_packages_path,omitempty"`
}

// Dist returns "<name>-<version>-<build>", the name of the extracted folder
// and of the conda-meta record.
func (ix *Index) Dist() string { return ix.Name + "-" + ix.Version + "-" + ix.Build }

// PathType is a paths.json path_type.
type PathType string

// Path types of info/paths.json and of conda-meta records.
const (
	PathHardlink PathType = "hardlink"
	PathSoftlink PathType = "softlink"
	PathDir      PathType = "directory"
	// Only in conda-meta records:
	PathPyc            PathType = "pyc_file"
	PathUnixEntryPoint PathType = "unix_python_entry_point"
	PathWinEntryScript PathType = "windows_python_entry_point_script"
	PathWinEntryExe    PathType = "windows_python_entry_point_exe"
)

// FileMode is how a prefix placeholder is replaced.
type FileMode string

// Placeholder modes.
const (
	ModeText   FileMode = "text"
	ModeBinary FileMode = "binary"
)

// PathEntry is one entry of info/paths.json (or built from the legacy
// info/files, info/has_prefix and info/no_link).
type PathEntry struct {
	Path              string   `json:"_path"`
	PathType          PathType `json:"path_type"`
	SHA256            string   `json:"sha256,omitempty"`
	SizeInBytes       *int64   `json:"size_in_bytes,omitempty"`
	PrefixPlaceholder string   `json:"prefix_placeholder,omitempty"`
	FileMode          FileMode `json:"file_mode,omitempty"`
	NoLink            bool     `json:"no_link,omitempty"`
}

// Paths is info/paths.json. Version is 1 for paths.json and 0 when the
// entries were built from the legacy files.
type Paths struct {
	Paths   []PathEntry `json:"paths"`
	Version int         `json:"paths_version"`
}

// Noarch is the "noarch" object of info/link.json.
type Noarch struct {
	Type        string   `json:"type"`
	EntryPoints []string `json:"entry_points,omitempty"`
}

// LinkJSON is info/link.json (or info/package_metadata.json).
type LinkJSON struct {
	Noarch                 *Noarch `json:"noarch,omitempty"`
	PackageMetadataVersion int     `json:"package_metadata_version"`
}
