package prefix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf16"
	"unicode/utf8"

	"onboard/installer/pkg"
	"onboard/internal/atomicfile"
)

// fileRecord is the JSON shape of a conda-meta record, for reading.
type fileRecord struct {
	Name                   string     `json:"name"`
	Version                string     `json:"version"`
	Build                  string     `json:"build"`
	BuildNumber            int64      `json:"build_number"`
	Channel                string     `json:"channel"`
	Subdir                 *string    `json:"subdir"`
	Fn                     string     `json:"fn"`
	MD5                    string     `json:"md5"`
	URL                    string     `json:"url"`
	SHA256                 string     `json:"sha256"`
	Depends                []string   `json:"depends"`
	Constrains             []string   `json:"constrains"`
	TrackFeatures          any        `json:"track_features"`
	Features               any        `json:"features"`
	Noarch                 any        `json:"noarch"`
	PythonSitePackagesPath string     `json:"python_site_packages_path"`
	License                string     `json:"license"`
	LicenseFamily          string     `json:"license_family"`
	PackageType            string     `json:"package_type"`
	Timestamp              int64      `json:"timestamp"`
	Size                   int64      `json:"size"`
	RequestedSpec          string     `json:"requested_spec"`
	RequestedSpecs         []string   `json:"requested_specs"`
	UnderRequestedSpecs    []string   `json:"_requested_specs"`
	PackageTarballFullPath string     `json:"package_tarball_full_path"`
	ExtractedPackageDir    string     `json:"extracted_package_dir"`
	Files                  []string   `json:"files"`
	PathsData              *filePaths `json:"paths_data"`
	Link                   *fileLink  `json:"link"`
}

type filePaths struct {
	Version int        `json:"paths_version"`
	Paths   []filePath `json:"paths"`
}

type filePath struct {
	Path              string       `json:"_path"`
	PrefixPlaceholder string       `json:"prefix_placeholder"`
	FileMode          pkg.FileMode `json:"file_mode"`
	NoLink            bool         `json:"no_link"`
	PathType          pkg.PathType `json:"path_type"`
	SHA256            string       `json:"sha256"`
	SizeInBytes       *int64       `json:"size_in_bytes"`
	SHA256InPrefix    string       `json:"sha256_in_prefix"`
}

type fileLink struct {
	Source string `json:"source"`
	Type   int    `json:"type"`
}

// DecodeRecord parses a conda-meta record. It accepts what conda wrote in
// its versions: "requested_spec" "None", features as lists, noarch as bool.
func DecodeRecord(b []byte) (*Record, error) {
	var f fileRecord
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	if f.Name == "" || f.Version == "" || f.Build == "" {
		return nil, fmt.Errorf("the record lacks name, version or build")
	}
	r := &Record{
		Name: f.Name, Version: f.Version, Build: f.Build, BuildNumber: f.BuildNumber,
		Channel: f.Channel, Fn: f.Fn, MD5: f.MD5, URL: f.URL, SHA256: f.SHA256,
		Depends: f.Depends, Constrains: f.Constrains,
		TrackFeatures: joinFeatures(f.TrackFeatures), Features: joinFeatures(f.Features),
		Noarch: noarchString(f.Noarch), PythonSitePackagesPath: f.PythonSitePackagesPath,
		License: f.License, LicenseFamily: f.LicenseFamily, PackageType: f.PackageType,
		Timestamp: f.Timestamp, Size: f.Size,
		PackageTarballFullPath: f.PackageTarballFullPath, ExtractedPackageDir: f.ExtractedPackageDir,
		Files: f.Files,
	}
	if f.Subdir != nil {
		r.Subdir = *f.Subdir
	}
	switch {
	case len(f.RequestedSpecs) > 0:
		r.RequestedSpecs = f.RequestedSpecs
	case len(f.UnderRequestedSpecs) > 0:
		r.RequestedSpecs = f.UnderRequestedSpecs
	case f.RequestedSpec != "" && f.RequestedSpec != "None":
		r.RequestedSpecs = []string{f.RequestedSpec}
	}
	if f.PathsData != nil {
		r.PathsData.Version = f.PathsData.Version
		for _, p := range f.PathsData.Paths {
			r.PathsData.Paths = append(r.PathsData.Paths, PathData(p))
		}
	}
	if f.Link != nil {
		r.Link = Link(*f.Link)
	}
	return r, nil
}

func joinFeatures(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var b bytes.Buffer
		for i, x := range t {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprint(&b, x)
		}
		return b.String()
	}
	return ""
}

func noarchString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		if t {
			return "generic"
		}
	}
	return ""
}

// indentASCII indents compact JSON by two spaces and escapes every
// non-ASCII character as \uXXXX, giving the bytes of Python's
// json.dumps(obj, indent=2).
func indentASCII(compact []byte) ([]byte, error) {
	var ind bytes.Buffer
	ind.Grow(len(compact) + len(compact)/2) // one allocation: indentation adds about a third
	if err := json.Indent(&ind, compact, "", "  "); err != nil {
		return nil, err
	}
	return escapeNonASCII(ind.Bytes())
}

// escapeNonASCII escapes every non-ASCII character of JSON text as \uXXXX
// (surrogate pairs above U+FFFF), as Python's json.dumps does.
func escapeNonASCII(b []byte) ([]byte, error) {
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return b, nil
	}
	out := make([]byte, 0, len(b)+32)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			continue
		}
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
			continue
		}
		out = fmt.Appendf(out, `\u%04x`, r)
	}
	return out, nil
}

// writeFileAtomic creates path's folder and writes data over path
// atomically.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("failed to create the folder %q: %w", filepath.Dir(path), err)
	}
	return atomicfile.WriteFile(path, data, mode)
}
