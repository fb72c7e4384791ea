package pkg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// newRecord builds info/repodata_record.json as conda does for an explicit
// install: index.json's fields, channel-patched depends when given, and the
// archive's origin, hashes and size.
func newRecord(ix *Index, r Request, sha, md5sum string, size int64) *Record {
	u := r.URL
	if u == "" {
		u = fileURL(r.Archive)
	}
	deps := r.Depends
	if deps == nil {
		deps = ix.Depends
	}
	rec := &Record{
		Name: ix.Name, Version: ix.Version, Build: ix.Build, BuildNumber: ix.BuildNumber,
		Channel: channelOf(u, ix.Subdir), Subdir: ix.Subdir, Fn: filepath.Base(r.Archive),
		MD5: md5sum, URL: u, SHA256: sha, Depends: nonNil(deps), Constrains: nonNil(ix.Constrains),
		License: ix.License, LicenseFamily: ix.LicenseFamily, Timestamp: ix.Timestamp, Size: size,
		Noarch: ix.Noarch, TrackFeatures: ix.TrackFeatures, Features: ix.Features,
		PythonSitePackagesPath: ix.PythonSitePackagesPath,
	}
	if ix.Noarch != "" {
		rec.PackageType = "noarch_" + ix.Noarch
	}
	return rec
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// writeRecord writes rec as dir/info/repodata_record.json: UTF-8 JSON,
// indent 2, no trailing newline, as conda writes it.
func writeRecord(dir string, rec *Record) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rec); err != nil {
		return fmt.Errorf("failed to encode the record of %q: %w", rec.Dist(), err)
	}
	p := filepath.Join(dir, "info", "repodata_record.json")
	if err := os.WriteFile(p, bytes.TrimRight(buf.Bytes(), "\n"), 0o644); err != nil {
		return fmt.Errorf("failed to write %q: %w", p, err)
	}
	return nil
}

func readRecord(dir string) (*Record, error) {
	p := filepath.Join(dir, "info", "repodata_record.json")
	b, err := readCapped(p, MaxRecordJSON, dir, "info/repodata_record.json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read %q: %w", p, err)
	}
	rec := &Record{}
	if err := json.Unmarshal(b, rec); err != nil {
		return nil, fmt.Errorf("failed to parse %q: %w; delete the folder to have it extracted again", p, err)
	}
	if sp := rec.PythonSitePackagesPath; sp != "" && UnsafePath(sp) != "" {
		return nil, fmt.Errorf("%q gives python_site_packages_path %q, which leaves the environment (%s); delete the folder to have it extracted again", p, sp, UnsafePath(sp))
	}
	return rec, nil
}

// AppendURL appends url to pkgsDir/urls.txt (conda's record of where the
// cached archives came from), creating the file if needed.
func AppendURL(pkgsDir, url string) error {
	p := filepath.Join(pkgsDir, "urls.txt")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("failed to open %q: %w", p, err)
	}
	eol := "\n"
	if runtime.GOOS == "windows" {
		eol = "\r\n"
	}
	_, err = f.WriteString(url + eol)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("failed to append to %q: %w", p, err)
	}
	return nil
}
