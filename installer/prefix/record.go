// Package prefix reads and writes a conda prefix's own metadata: the
// conda-meta records, conda-meta/history, conda-meta/created_at,
// ~/.conda/environments.txt and .condarc, and keeps the journal of a
// transaction so that an interrupted one can be rolled back. It never
// imports the installer package.
package prefix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"onboard/installer/pkg"
	"onboard/internal/atomicfile"
)

// Record is a conda-meta/<name>-<version>-<build>.json record (conda's
// PrefixRecord). It marshals with conda's key order (docs/engine.md).
type Record struct {
	Name                   string
	Version                string
	Build                  string
	BuildNumber            int64
	Channel                string
	Subdir                 string // "" is written as null
	Fn                     string
	MD5                    string
	URL                    string
	SHA256                 string // "" = key left out, as conda does when it has none
	Depends                []string
	Constrains             []string
	TrackFeatures          string
	Features               string
	Noarch                 string // "python", "generic" or ""
	PythonSitePackagesPath string
	License                string
	LicenseFamily          string
	PackageType            string // "noarch_python", "noarch_generic" or ""
	Timestamp              int64
	Size                   int64
	// RequestedSpecs are the user specs that selected the package; empty
	// for a dependency ("_requested_specs": [] in the file, as conda).
	RequestedSpecs         []string
	PackageTarballFullPath string
	ExtractedPackageDir    string
	// Files are the prefix-relative paths of the package; Files[i] is where
	// PathsData.Paths[i] is on disk (for noarch: python packages the
	// entry's Path stays package-relative, as in conda).
	Files     []string
	PathsData PathsData
	Link      Link
}

// PathsData is a record's paths_data (always version 1).
type PathsData struct {
	Version int
	Paths   []PathData
}

// PathData is one paths_data entry.
type PathData struct {
	Path              string
	PrefixPlaceholder string
	FileMode          pkg.FileMode
	NoLink            bool
	PathType          pkg.PathType
	SHA256            string
	SizeInBytes       *int64
	SHA256InPrefix    string
}

// Link is a record's "link": where the package was linked from and how
// (1 hardlink, 2 softlink, 3 copy).
type Link struct {
	Source string
	Type   int
}

// Link types of Link.Type.
const (
	LinkHardlink = 1
	LinkSoftlink = 2
	LinkCopy     = 3
)

// Dist returns "<name>-<version>-<build>".
func (r *Record) Dist() string { return r.Name + "-" + r.Version + "-" + r.Build }

// FileName returns the record's file name in conda-meta.
func (r *Record) FileName() string { return r.Dist() + ".json" }

// MarshalJSON writes r compactly in conda's key order; [Encode] gives the
// file bytes.
func (r *Record) MarshalJSON() ([]byte, error) {
	o := &object{}
	o.add("name", r.Name)
	o.add("version", r.Version)
	o.add("build", r.Build)
	o.add("build_number", r.BuildNumber)
	o.add("channel", r.Channel)
	if r.Subdir == "" {
		o.add("subdir", nil)
	} else {
		o.add("subdir", r.Subdir)
	}
	o.add("fn", r.Fn)
	o.addNonEmpty("md5", r.MD5)
	o.addNonEmpty("url", r.URL)
	o.addNonEmpty("sha256", r.SHA256)
	o.add("depends", nonNil(r.Depends))
	o.add("constrains", nonNil(r.Constrains))
	o.addNonEmpty("track_features", r.TrackFeatures)
	o.addNonEmpty("features", r.Features)
	o.addNonEmpty("noarch", r.Noarch)
	o.addNonEmpty("python_site_packages_path", r.PythonSitePackagesPath)
	o.addNonEmpty("license", r.License)
	o.addNonEmpty("license_family", r.LicenseFamily)
	o.addNonEmpty("package_type", r.PackageType)
	if r.Timestamp != 0 {
		o.add("timestamp", r.Timestamp)
	}
	o.add("size", r.Size)
	if len(r.RequestedSpecs) > 0 {
		o.add("requested_spec", r.RequestedSpecs[0])
	} else {
		o.add("_requested_specs", []string{})
	}
	o.addNonEmpty("package_tarball_full_path", r.PackageTarballFullPath)
	o.addNonEmpty("extracted_package_dir", r.ExtractedPackageDir)
	o.add("files", nonNil(r.Files))
	o.add("paths_data", r.PathsData)
	o.add("link", r.Link)
	if len(r.RequestedSpecs) > 0 {
		o.add("requested_specs", r.RequestedSpecs)
	}
	return o.close()
}

// MarshalJSON writes paths_version then paths.
func (d PathsData) MarshalJSON() ([]byte, error) {
	o := &object{}
	o.add("paths_version", 1)
	paths := d.Paths
	if paths == nil {
		paths = []PathData{}
	}
	o.add("paths", paths)
	return o.close()
}

// MarshalJSON writes the keys of a paths_data entry in conda's order.
func (p PathData) MarshalJSON() ([]byte, error) {
	o := &object{}
	o.add("_path", p.Path)
	o.addNonEmpty("prefix_placeholder", p.PrefixPlaceholder)
	o.addNonEmpty("file_mode", string(p.FileMode))
	if p.NoLink {
		o.add("no_link", true)
	}
	o.add("path_type", string(p.PathType))
	o.addNonEmpty("sha256", p.SHA256)
	if p.SizeInBytes != nil {
		o.add("size_in_bytes", *p.SizeInBytes)
	}
	o.addNonEmpty("sha256_in_prefix", p.SHA256InPrefix)
	return o.close()
}

// MarshalJSON writes source then type.
func (l Link) MarshalJSON() ([]byte, error) {
	o := &object{}
	o.add("source", l.Source)
	o.add("type", l.Type)
	return o.close()
}

// Encode returns the bytes of r's conda-meta file: JSON indented by two
// spaces, non-ASCII escaped, no trailing newline (Python's json.dump with
// indent=2, as conda writes it).
func Encode(r *Record) ([]byte, error) {
	b, err := r.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("failed to encode the record of %s: %w", r.Dist(), err)
	}
	return indentASCII(b)
}

// WriteRecord writes r into prefixDir/conda-meta (mode 0644, atomically,
// without a per-file fsync: see atomicfile.WriteFileUnsynced).
func WriteRecord(prefixDir string, r *Record) (string, error) {
	b, err := Encode(r)
	if err != nil {
		return "", err
	}
	p := filepath.Join(prefixDir, "conda-meta", r.FileName())
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("failed to create the folder %q: %w", filepath.Dir(p), err)
	}
	if err := atomicfile.WriteFileUnsynced(p, b, 0o644); err != nil {
		return "", err
	}
	return p, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// object builds a compact JSON object with keys in insertion order.
type object struct {
	buf bytes.Buffer
	err error
}

func (o *object) add(key string, v any) {
	if o.err != nil {
		return
	}
	if o.buf.Len() == 0 {
		o.buf.WriteByte('{')
	} else {
		o.buf.WriteByte(',')
	}
	k, _ := marshalValue(key)
	o.buf.Write(k)
	o.buf.WriteByte(':')
	b, err := marshalValue(v)
	if err != nil {
		o.err = err
		return
	}
	o.buf.Write(b)
}

func (o *object) addNonEmpty(key, v string) {
	if v != "" {
		o.add(key, v)
	}
}

func (o *object) close() ([]byte, error) {
	if o.err != nil {
		return nil, o.err
	}
	if o.buf.Len() == 0 {
		return []byte("{}"), nil
	}
	o.buf.WriteByte('}')
	return o.buf.Bytes(), nil
}

// marshalValue encodes v without Go's HTML escaping (Python does not
// escape <, > and &), also inside nested MarshalJSON output.
func marshalValue(v any) ([]byte, error) {
	switch t := v.(type) { // the common kinds, without reflection
	case string:
		return appendJSONString(nil, t), nil
	case int64:
		return strconv.AppendInt(nil, t, 10), nil
	case int:
		return strconv.AppendInt(nil, int64(t), 10), nil
	case bool:
		return strconv.AppendBool(nil, t), nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// appendJSONString appends s as encoding/json writes a string with HTML
// escaping off: quotes, backslashes and control characters escaped,
// U+2028 and U+2029 as \u2028 and \u2029, invalid UTF-8 as \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// DecodeRecordHead reads a record's name, version, build, build number,
// channel, subdir, fn and python_site_packages_path from r, skipping files
// and paths_data token by token, so that memory does not grow with the
// record's size. Files and PathsData are left empty.
func DecodeRecordHead(rd io.Reader) (*Record, error) {
	h, err := decodeHead(rd)
	if err != nil {
		return nil, err
	}
	if h.Name == "" || h.Version == "" || h.Build == "" {
		return nil, fmt.Errorf("the record lacks name, version or build")
	}
	r := &Record{Name: h.Name, Version: h.Version, Build: h.Build, BuildNumber: h.BuildNumber, Channel: h.Channel, Fn: h.Fn,
		PythonSitePackagesPath: h.SitePkgs}
	if h.Subdir != nil {
		r.Subdir = *h.Subdir
	}
	return r, nil
}

// recordHead is the part of a record ReadRecordHeads keeps.
type recordHead struct {
	Name, Version, Build, Channel, Fn, SitePkgs string
	BuildNumber                                 int64
	Subdir                                      *string
}

// decodeHead reads a record's top-level scalar keys as a stream of
// tokens, skipping the values of the others (files, paths_data) token by
// token, so that memory does not grow with the record's size.
func decodeHead(r io.Reader) (*recordHead, error) {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	h := &recordHead{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		var dst any
		switch key {
		case "name":
			dst = &h.Name
		case "version":
			dst = &h.Version
		case "build":
			dst = &h.Build
		case "build_number":
			dst = &h.BuildNumber
		case "channel":
			dst = &h.Channel
		case "subdir":
			dst = &h.Subdir
		case "fn":
			dst = &h.Fn
		case "python_site_packages_path":
			dst = &h.SitePkgs
		}
		if dst != nil {
			if err := dec.Decode(dst); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			continue
		}
		if err := pkg.SkipJSONValue(dec); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// DistString is conda's dist_str of the record: "<channel canonical
// name>/<subdir>::<dist>".
func (r *Record) DistString() string {
	s := CanonicalChannel(r.Channel, r.Subdir)
	if r.Subdir != "" {
		s += "/" + r.Subdir
	}
	return fmt.Sprintf("%s::%s", s, r.Dist())
}
