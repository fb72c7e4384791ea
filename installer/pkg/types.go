// Package pkg reads conda packages (.conda and .tar.bz2): it checks their
// hashes, extracts them safely into a package cache, and parses their info/
// metadata. It never imports the installer package.
//
// Design choices:
//
//   - The archive is hashed (sha256, plus md5 when the caller does not give
//     it) and checked against the Request's Expect before any byte of it is
//     decompressed. The file is then in the page cache for extraction.
//   - Reading is streaming: a .conda's components are found by name in the
//     zip central directory (archive/zip on the *os.File) and each is piped
//     zip member → klauspost zstd (one goroutine per stream, decoders pooled)
//     → archive/tar → disk; a .tar.bz2 goes file → bufio → dsnet bzip2 →
//     archive/tar. No package is held in memory.
//   - mholt/archives is not used here: extraction needs member-level control
//     (every name, symlink and hardlink checked against what this package
//     already wrote, decoders reused across packages), which its FileInfo
//     handler adds nothing to; the same codecs are used directly.
//   - Safety: names that are absolute, have a drive letter, a backslash or
//     NUL, or climb out with "..", symlinks with absolute or escaping targets
//     (checked again after extraction through chains of the package's own
//     links), writes through a symlink, hardlinks to anything but an earlier
//     file of the package, devices and fifos: the package is refused with an
//     *UnsafeEntryError and its temporary folder removed.
//   - A symlink member with an empty target (the zlib .conda files of
//     real-conda-observations.md G1) becomes an empty regular file, which is
//     what the .tar.bz2 twin holds, and Extracted.Notes says so. Real conda
//     fails on these packages.
//   - A legacy package with neither info/paths.json nor info/files gets its
//     payload listed as its paths (version 0). Conda would list none and
//     link nothing, silently.
//   - Modes keep their permission bits (setuid/setgid/sticky dropped) under
//     the umask, with the owner's read bit added (conda keeps a file of
//     mode 0000 so, which then no check can read); file mtimes are kept;
//     directory and symlink mtimes are not; nothing is chowned.
package pkg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"onboard/internal/humanize"
)

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

// UnmarshalJSON reads link.json's noarch object, its "type" as conda's
// NoarchType.coerce reads it (noarchKind): "Python" is python, "bogus" a
// *NoarchError; it was compared as written, so "Python" was installed as
// a generic package, its entry points unmade and unchecked (audit AN 2).
func (n *Noarch) UnmarshalJSON(b []byte) error {
	var aux struct {
		Type        any      `json:"type"`
		EntryPoints []string `json:"entry_points,omitempty"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) || bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) || bytes.HasPrefix(bytes.TrimSpace(b), []byte(`[`)) {
			return &NoarchError{Value: string(bytes.TrimSpace(b)), Object: true}
		}
		return err
	}
	n.EntryPoints = aux.EntryPoints
	switch v := aux.Type.(type) {
	case string:
		k, err := noarchKind(v)
		if err != nil {
			return err
		}
		n.Type = k
	case bool:
		n.Type = ""
		if v {
			n.Type = "generic"
		}
	default:
		return &NoarchError{Value: string(mustJSON(v))}
	}
	if n.Type == "" {
		// link.json's type is required, and none is no kind there
		// (conda's Noarch.type is neither optional nor nullable: a
		// missing or null type, false or "no" is refused; audit AQ 5)
		return &NoarchError{Value: string(mustJSON(aux.Type)), None: true}
	}
	return nil
}

// LinkJSON is info/link.json (or info/package_metadata.json).
type LinkJSON struct {
	Noarch                 *Noarch `json:"noarch,omitempty"`
	PackageMetadataVersion int     `json:"package_metadata_version"`
}

// UnmarshalJSON reads index.json, mapping its "noarch" value (a string, or
// the legacy boolean true) to Noarch.
func (ix *Index) UnmarshalJSON(b []byte) error {
	type plain Index
	var aux struct {
		*plain
		Noarch any `json:"noarch"`
	}
	aux.plain = (*plain)(ix)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	switch v := aux.Noarch.(type) {
	case nil:
	case string:
		n, err := noarchKind(v)
		if err != nil {
			return err
		}
		ix.Noarch = n
	case bool:
		if v {
			ix.Noarch = "generic"
		}
	default:
		return &NoarchError{Value: string(mustJSON(v))}
	}
	if ix.Depends == nil {
		ix.Depends = []string{}
	}
	return nil
}

// NoarchError is an index.json "noarch" value that is no kind conda
// knows: conda refuses to install the package (CondaUpgradeError), and a
// record holding it breaks every conda command in the env.
type NoarchError struct {
	Value string
	// Object: link.json's "noarch", which must be an object with a
	// "type" (conda refuses another shape too).
	Object bool
	// None: link.json's noarch type is missing or says none, which conda
	// refuses there (index.json's may).
	None bool
}

func (e *NoarchError) Error() string {
	if e.None {
		return fmt.Sprintf("its noarch type %s is none; link.json's noarch must say python or generic (or be absent), and conda refuses such a package", humanize.Excerpt(e.Value, 80))
	}
	if e.Object {
		return fmt.Sprintf("its noarch value %s is not an object with a type and entry points, as conda reads it; conda refuses such a package", humanize.Excerpt(e.Value, 80))
	}
	return fmt.Sprintf("its noarch value %s is no kind conda knows (python, generic, or a yes or no); conda refuses such a package", e.Value)
}

// noarchKind reads a noarch string as conda's NoarchType.coerce does:
// "python" and "generic" in any case, else a yes (generic) or a no (none)
// as conda's boolify reads them; anything else is a *NoarchError.
func noarchKind(v string) (string, error) {
	// the kinds as written, in any case (" python" is none: conda's
	// boolify, which strips, then refuses it); the rest as boolify reads
	if s := strings.ToLower(v); s == "python" || s == "generic" {
		return s, nil
	}
	s := strings.ToLower(strings.TrimSpace(v))
	switch s {
	case "true", "yes", "on", "y":
		return "generic", nil
	case "false", "off", "n", "no", "non", "none", "", "~", "null", "\x00":
		return "", nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f != 0 {
			return "generic", nil
		}
		return "", nil
	}
	return "", &NoarchError{Value: strconv.Quote(v)}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// Record is info/repodata_record.json: the package's repodata record as
// conda writes it into the package cache, with its origin and hashes. The
// conda-meta record of an installed package starts from it. Field order is
// conda's (its PackageRecord dump, the conda-meta record's head).
type Record struct {
	Name                   string   `json:"name"`
	Version                string   `json:"version"`
	Build                  string   `json:"build"`
	BuildNumber            int64    `json:"build_number"`
	Channel                string   `json:"channel"`
	Subdir                 string   `json:"subdir"` // "" is written as null, as conda does
	Fn                     string   `json:"fn"`
	MD5                    string   `json:"md5"`
	URL                    string   `json:"url"`
	SHA256                 string   `json:"sha256"`
	Depends                []string `json:"depends"`
	Constrains             []string `json:"constrains"`
	TrackFeatures          string   `json:"track_features,omitempty"`
	Features               string   `json:"features,omitempty"`
	Noarch                 string   `json:"noarch,omitempty"`
	PythonSitePackagesPath string   `json:"python_site_packages_path,omitempty"`
	License                string   `json:"license,omitempty"`
	LicenseFamily          string   `json:"license_family,omitempty"`
	PackageType            string   `json:"package_type,omitempty"` // "noarch_python", "noarch_generic"
	Timestamp              int64    `json:"timestamp,omitempty"`
	Size                   int64    `json:"size"`
}

// MarshalJSON writes r in conda's field order, with "subdir": null when the
// package names no subdir.
func (r *Record) MarshalJSON() ([]byte, error) {
	type plain Record
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode((*plain)(r)); err != nil {
		return nil, err
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	if r.Subdir != "" {
		return b, nil
	}
	return bytes.Replace(b, []byte(`"subdir":""`), []byte(`"subdir":null`), 1), nil
}

// Dist returns "<name>-<version>-<build>".
func (r *Record) Dist() string { return r.Name + "-" + r.Version + "-" + r.Build }

// Expect is what the caller expects of an archive; "" and 0 mean unknown.
type Expect struct {
	SHA256 string
	MD5    string
	Size   int64
	// Unpacked is the bytes of files its paths.json records, as the
	// bundle's manifest says (bundle build read them); 0 = unknown. A
	// paths.json that records more is refused before its files are
	// written (see SizedLimit).
	Unpacked int64
}

// Request asks Extract for one package.
type Request struct {
	Archive string   // .conda or .tar.bz2 on disk
	PkgsDir string   // extracted into PkgsDir/<stem>, stem = file name without extension
	Expect  Expect   // checked before anything of the archive is used
	URL     string   // origin; "" = the file:// URL of Archive
	Depends []string // channel-patched depends; nil = those of index.json
	// Open, when set, gives the archive's bytes (a member of a bundle zip);
	// Archive then only names the package (its file name is the fn).
	Open Opener
	// Dest, when set, is the folder to extract into (it must not exist)
	// instead of PkgsDir/<stem>: a scratch folder that the caller moves
	// files out of. No urls.txt or package cache is touched.
	Dest string
	// Router, with Dest, puts payload files straight into their final
	// place instead of Dest (see Router); Extracted.Placed says which.
	Router Router
	// First starts this package before the others in ExtractAll (the
	// env's python, whose version places the noarch: python packages).
	First bool
	// Weight scales the archive bytes this package reports to ExtractAll's
	// progress (0 = 1): a caller can make a stage's progress follow each
	// package's expected cost rather than its archive's size, keeping the
	// total when the weights average out over the bytes.
	Weight float64
	// Cost, when every request has it, lets ExtractAll interleave large
	// and small packages (see workOrder).
	Cost Cost
	// EntryPointSize is what each noarch: python entry point of the
	// package writes beyond its script: the launcher .exe of a Windows
	// env. Entry points count toward the package's budget, a block each
	// plus this, so that a link.json of thousands of them is refused.
	EntryPointSize int64
	// Done, when set, is called by ExtractAll with the extracted package,
	// from the goroutine that extracted it, before its result is kept: it
	// may take what it needs and drop the rest (e.g. set Paths to nil,
	// so that an install of many packages does not hold every package's
	// paths at once). An error fails the extraction like any other.
	Done func(*Extracted) error
}

// Cost is a package's expected cost of extraction (in any unit, the same
// for every package), split into what goes with its files and what goes
// with its bytes.
type Cost struct {
	Files, Bytes float64
}

// Router places a package's payload files straight into their final
// place while the package is extracted, so that each file is written once
// and never moved or linked. Route is called once per package, from the
// goroutine extracting it (packages are extracted in parallel: a Router
// serialises what it shares), when the package's first payload member
// comes, if its info/paths.json came before it (a .conda's info component
// comes first, and conda's tools put info/ first in a .tar.bz2), with its
// paths checked safe. dst(i) is the absolute host path that the regular
// file of entry i of paths goes to, or "" when it goes to Dest as usual.
// Before Route returns, the Router must have journaled every such path
// and made its folder. A file that already exists there (another package
// of the same transaction put one there first) goes to Dest after all.
// Route may return a nil dst: nothing goes straight to its place.
// dst(i) may also be Skip: the file is read, bounded and hashed against
// paths.json as ever, and written nowhere (a repair that needs a few
// files of a package).
type Router interface {
	Route(ix *Index, link *LinkJSON, paths *Paths) (dst func(i int) string, err error)
}

// Skip, returned by a Router's dst for an entry, writes that file nowhere
// (no host path holds a NUL byte).
const Skip = "\x00skip"

// Extracted is a package extracted into the package cache.
type Extracted struct {
	Dir    string    // PkgsDir/<stem>
	Index  *Index    // info/index.json
	Paths  *Paths    // info/paths.json, or built from the legacy info/files
	Link   *LinkJSON // info/link.json (or package_metadata.json); nil when absent
	Record *Record   // info/repodata_record.json as written; nil if absent (ReadExtracted)
	Notes  []string  // what extraction changed on purpose, e.g. an empty symlink made a file
	// Placed[i] says the file of Paths.Paths[i] was written straight to
	// where the Request's Router put it, not into Dir; nil when none was.
	Placed []bool
	// Exec are the entries of Paths.Paths whose file the extraction wrote
	// with an executable bit, in order, when ModesKnown (this extraction
	// wrote the files; a package read back from the cache does not say):
	// what the install notes for verify without a stat of each file.
	Exec       []int32
	ModesKnown bool
}
