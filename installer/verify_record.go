package installer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// metaRecord is the part of a conda-meta/<dist>.json record that verify and
// repair read (conda-install-spec.md §6.1).
type metaRecord struct {
	Name                   string          `json:"name"`
	Version                string          `json:"version"`
	Build                  string          `json:"build"`
	Fn                     string          `json:"fn"`
	URL                    string          `json:"url"`
	SHA256                 string          `json:"sha256"`
	MD5                    string          `json:"md5"`
	Size                   int64           `json:"size"`
	Noarch                 json.RawMessage `json:"noarch"`
	PackageType            string          `json:"package_type"`
	PackageTarballFullPath string          `json:"package_tarball_full_path"`
	ExtractedPackageDir    string          `json:"extracted_package_dir"`
	Files                  []string        `json:"files"`
	PathsData              *metaPathsData  `json:"paths_data"`

	file string // the record's file name in conda-meta/
}

type metaPathsData struct {
	PathsVersion int        `json:"paths_version"`
	Paths        []metaPath `json:"paths"`
}

// metaPath is one paths_data entry of a conda-meta record.
type metaPath struct {
	Path              string `json:"_path"`
	PathType          string `json:"path_type"`
	SHA256            string `json:"sha256"`
	SHA256InPrefix    string `json:"sha256_in_prefix"`
	SizeInBytes       *int64 `json:"size_in_bytes"`
	PrefixPlaceholder string `json:"prefix_placeholder"`
	FileMode          string `json:"file_mode"`
	NoLink            bool   `json:"no_link"`
}

// Dist returns name-version-build.
func (r *metaRecord) Dist() string { return r.Name + "-" + r.Version + "-" + r.Build }

// isNoarchPython tells whether paths_data may hold package-relative paths
// (observations G8).
func (r *metaRecord) isNoarchPython() bool {
	if r.PackageType == "noarch_python" {
		return true
	}
	var s string
	return json.Unmarshal(r.Noarch, &s) == nil && s == "python"
}

// recordReadError is a record that exists but cannot be used.
type recordReadError struct {
	File   string
	Reason string
}

func (e *recordReadError) Error() string {
	return fmt.Sprintf("conda-meta record %q is unreadable: %s", e.File, e.Reason)
}

// readMetaRecords reads every conda-meta/*.json of env, as conda's loader
// does: files starting with "._" are skipped; invalid JSON or UTF-8 and a
// file name that is not name-version-build.json are errors. It returns the
// good records sorted by file name and the bad ones.
func readMetaRecords(env string) ([]*metaRecord, []*recordReadError, error) {
	dir := filepath.Join(env, "conda-meta")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var good []*metaRecord
	var bad []*recordReadError
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".json") || strings.HasPrefix(n, "._") {
			continue
		}
		r, rerr := readMetaRecord(filepath.Join(dir, n))
		if rerr != nil {
			bad = append(bad, rerr)
			continue
		}
		good = append(good, r)
	}
	sort.Slice(good, func(i, j int) bool { return good[i].file < good[j].file })
	return good, bad, nil
}

// readMetaRecord reads and checks one record file.
func readMetaRecord(path string) (*metaRecord, *recordReadError) {
	name := filepath.Base(path)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &recordReadError{File: name, Reason: err.Error()}
	}
	if !utf8.Valid(data) {
		return nil, &recordReadError{File: name, Reason: "not UTF-8"}
	}
	var r metaRecord
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, &recordReadError{File: name, Reason: "invalid JSON: " + err.Error()}
	}
	r.file = name
	if r.Name == "" || r.Version == "" || r.Build == "" {
		return nil, &recordReadError{File: name, Reason: "name, version or build is missing"}
	}
	if want := r.Dist() + ".json"; name != want {
		return nil, &recordReadError{File: name, Reason: fmt.Sprintf("the file name should be %q", want)}
	}
	return &r, nil
}

// distOfFile guesses the dist of a record file name, for reporting an
// unreadable record.
func distOfFile(name string) string { return strings.TrimSuffix(name, ".json") }
