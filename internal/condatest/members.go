package condatest

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
)

// Member is one raw tar member. Type is a tar type flag (tar.TypeReg when
// zero); Linkname is the target of symlink and hardlink members.
type Member struct {
	Name     string
	Type     byte
	Data     []byte
	Mode     int64 // 0 = 0644 (0755 for directories)
	Linkname string
}

// PkgMembers returns the payload members of s (everything but info/), sorted.
func PkgMembers(s Spec) []Member {
	ms := make([]Member, 0, len(s.Files))
	for _, f := range s.Files {
		ms = append(ms, fileMember(f))
	}
	sortMembers(ms)
	return ms
}

// InfoMembers returns the info/ members of s, sorted.
func InfoMembers(s Spec) ([]Member, error) {
	gen := map[string][]byte{}
	idx, err := indexJSON(s)
	if err != nil {
		return nil, err
	}
	gen["info/index.json"] = idx
	if err := addPathsInfo(gen, s); err != nil {
		return nil, err
	}
	if s.Noarch != "" {
		gen["info/link.json"] = linkJSON(s)
	}
	for _, f := range s.InfoFiles {
		gen[f.Path] = f.Data
	}
	ms := make([]Member, 0, len(gen))
	for name, data := range gen {
		ms = append(ms, Member{Name: name, Data: data})
	}
	sortMembers(ms)
	return ms, nil
}

// AllMembers returns the info and payload members of s together, as a
// .tar.bz2 holds them: info/ first, then the payload, each sorted, as
// conda-build and conda-package-handling write them (a reader knows
// paths.json before the first file).
func AllMembers(s Spec) ([]Member, error) {
	info, err := InfoMembers(s)
	if err != nil {
		return nil, err
	}
	return append(info, PkgMembers(s)...), nil
}

func fileMember(f File) Member {
	if f.Symlink != "" {
		return Member{Name: f.Path, Type: tar.TypeSymlink, Linkname: f.Symlink, Mode: 0o777}
	}
	return Member{Name: f.Path, Data: f.Data, Mode: f.Mode}
}

func sortMembers(ms []Member) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
}

func indexJSON(s Spec) ([]byte, error) {
	m := map[string]any{
		"name": s.Name, "version": s.Version, "build": s.Build,
		"build_number": s.BuildNumber, "depends": nonNil(s.Depends),
	}
	setIf(m, "subdir", s.Subdir)
	setIf(m, "noarch", s.Noarch)
	setIf(m, "license", s.License)
	setIf(m, "python_site_packages_path", s.PythonSitePackagesPath)
	if len(s.Constrains) > 0 {
		m["constrains"] = s.Constrains
	}
	if s.Timestamp != 0 {
		m["timestamp"] = s.Timestamp
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("failed to encode index.json of %q: %w", s.Stem(), err)
	}
	return b, nil
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func linkJSON(s Spec) []byte {
	nz := map[string]any{"type": s.Noarch}
	if len(s.EntryPoints) > 0 {
		nz["entry_points"] = s.EntryPoints
	}
	b, _ := json.MarshalIndent(map[string]any{"noarch": nz, "package_metadata_version": 1}, "", "  ")
	return b
}

type pathEntry struct {
	Path              string `json:"_path"`
	PathType          string `json:"path_type"`
	SHA256            string `json:"sha256,omitempty"`
	SizeInBytes       *int64 `json:"size_in_bytes,omitempty"`
	PrefixPlaceholder string `json:"prefix_placeholder,omitempty"`
	FileMode          string `json:"file_mode,omitempty"`
	NoLink            bool   `json:"no_link,omitempty"`
}

func addPathsInfo(gen map[string][]byte, s Spec) error {
	files := append([]File(nil), s.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	if s.Legacy {
		addLegacyInfo(gen, files)
		return nil
	}
	entries := make([]pathEntry, 0, len(files))
	for _, f := range files {
		entries = append(entries, pathEntryOf(f, files))
	}
	b, err := json.MarshalIndent(map[string]any{"paths": entries, "paths_version": 1}, "", "  ")
	if err != nil {
		return fmt.Errorf("failed to encode paths.json of %q: %w", s.Stem(), err)
	}
	gen["info/paths.json"] = b
	return nil
}

// pathEntryOf describes f; a symlink gets its target's hash and size when
// the target is a file of the package, as conda-build records them.
func pathEntryOf(f File, all []File) pathEntry {
	e := pathEntry{Path: f.Path, PathType: "hardlink", NoLink: f.NoLink}
	data := f.Data
	if f.Symlink != "" {
		e.PathType = "softlink"
		t, ok := findFile(all, path.Join(path.Dir(f.Path), f.Symlink))
		if !ok {
			return e
		}
		data = t.Data
	}
	sum := sha256.Sum256(data)
	n := int64(len(data))
	e.SHA256, e.SizeInBytes = hex.EncodeToString(sum[:]), &n
	if f.Placeholder != "" {
		e.PrefixPlaceholder, e.FileMode = f.Placeholder, placeholderMode(f)
	}
	return e
}

func findFile(all []File, p string) (File, bool) {
	for _, f := range all {
		if f.Path == p && f.Symlink == "" {
			return f, true
		}
	}
	return File{}, false
}

func placeholderMode(f File) string {
	if f.FileMode == "" {
		return "text"
	}
	return f.FileMode
}

func addLegacyInfo(gen map[string][]byte, files []File) {
	var list, hasPrefix, noLink strings.Builder
	for _, f := range files {
		list.WriteString(f.Path + "\n")
		if f.NoLink {
			noLink.WriteString(f.Path + "\n")
		}
		if f.Placeholder == "" {
			continue
		}
		if f.Placeholder == DefaultPlaceholder && placeholderMode(f) == "text" {
			hasPrefix.WriteString(f.Path + "\n")
		} else {
			fmt.Fprintf(&hasPrefix, "%s %s %s\n", f.Placeholder, placeholderMode(f), f.Path)
		}
	}
	gen["info/files"] = []byte(list.String())
	if hasPrefix.Len() > 0 {
		gen["info/has_prefix"] = []byte(hasPrefix.String())
	}
	if noLink.Len() > 0 {
		gen["info/no_link"] = []byte(noLink.String())
	}
}
