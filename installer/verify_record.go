package installer

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"onboard/installer/prefix"
)

// metaRecord is a conda-meta/<dist>.json record as verify and repair read
// it: the record (prefix.DecodeRecord, the same reader the engine uses) and
// its file name.
type metaRecord struct {
	*prefix.Record
	file string // the record's file name in conda-meta/
}

// isNoarchPython tells whether paths_data may hold package-relative paths
// (observations G8).
func (r *metaRecord) isNoarchPython() bool {
	return r.PackageType == "noarch_python" || r.Noarch == "python"
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
	names, err := listRecordFiles(env)
	if err != nil {
		return nil, nil, err
	}
	var good []*metaRecord
	var bad []*recordReadError
	for _, n := range names {
		r, rerr := readMetaRecord(filepath.Join(env, "conda-meta", n))
		if rerr != nil {
			bad = append(bad, rerr)
			continue
		}
		good = append(good, r)
	}
	sort.Slice(good, func(i, j int) bool { return good[i].file < good[j].file })
	return good, bad, nil
}

// listRecordFiles lists the record files of env/conda-meta as conda's
// loader does (*.json, not "._*"), by name.
func listRecordFiles(env string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(env, "conda-meta"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".json") || strings.HasPrefix(n, "._") {
			continue
		}
		out = append(out, n)
	}
	return out, nil
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
	rec, err := prefix.DecodeRecord(data)
	if err != nil {
		return nil, &recordReadError{File: name, Reason: "invalid record: " + err.Error()}
	}
	r := &metaRecord{Record: rec, file: name}
	if want := r.FileName(); name != want {
		return nil, &recordReadError{File: name, Reason: fmt.Sprintf("the file name should be %q", want)}
	}
	return r, nil
}

// distOfFile guesses the dist of a record file name, for reporting an
// unreadable record.
func distOfFile(name string) string { return strings.TrimSuffix(name, ".json") }
