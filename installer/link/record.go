package link

import (
	"os"
	"path/filepath"

	"onboard/installer/pkg"
	"onboard/installer/prefix"
)

// Record returns the package's conda-meta record after linking:
// repodata_record.json's fields, then files (package paths after noarch
// remapping, then the .pyc files, then entry points) and paths_data, whose
// package entries keep their package-relative _path as conda's do.
// requested are the user specs that selected the package (nil for a
// dependency). A .pyc entry carries its size when the file exists.
func (p *Plan) Record(requested []string) *prefix.Record {
	r := baseRecord(p.Pkg)
	r.RequestedSpecs = requested
	dir := p.Pkg.Dir
	if p.ExtractedDir != "" {
		dir = p.ExtractedDir
	}
	r.ExtractedPackageDir = dir
	r.PackageTarballFullPath = p.Archive
	if r.PackageTarballFullPath == "" {
		r.PackageTarballFullPath = filepath.Join(filepath.Dir(dir), r.Fn)
	}
	r.Link = prefix.Link{Source: dir, Type: prefix.LinkCopy}
	if p.Hardlink {
		r.Link.Type = prefix.LinkHardlink
	}
	r.PathsData.Version = 1
	var eps []*Action
	for _, a := range p.Actions {
		if a.Entry < 0 {
			eps = append(eps, a)
			continue
		}
		r.Files = append(r.Files, a.Target)
		r.PathsData.Paths = append(r.PathsData.Paths, pathData(p.Pkg.Paths.Paths[a.Entry], a))
	}
	for _, src := range p.PycSources {
		pyc := p.opts.Python.PycPath(src)
		d := prefix.PathData{Path: pyc, PathType: pkg.PathPyc}
		if fi, err := os.Stat(hostPath(p.opts.Prefix, pyc)); err == nil {
			n := fi.Size()
			d.SizeInBytes = &n
		}
		r.Files = append(r.Files, pyc)
		r.PathsData.Paths = append(r.PathsData.Paths, d)
	}
	for _, a := range eps {
		d := prefix.PathData{Path: a.Target, PathType: a.PathType}
		if a.PathType != pkg.PathWinEntryExe {
			n := int64(len(a.Content))
			d.SizeInBytes = &n
		}
		r.Files = append(r.Files, a.Target)
		r.PathsData.Paths = append(r.PathsData.Paths, d)
	}
	return r
}

// pathData is the paths_data entry of one package path.
func pathData(e pkg.PathEntry, a *Action) prefix.PathData {
	d := prefix.PathData{
		Path: e.Path, PrefixPlaceholder: e.PrefixPlaceholder, FileMode: e.FileMode, NoLink: e.NoLink,
		PathType: e.PathType, SHA256: e.SHA256, SizeInBytes: e.SizeInBytes,
	}
	switch {
	case e.PathType == pkg.PathSoftlink || e.PathType == pkg.PathDir:
	case a.SHA256InPrefix != "":
		d.SHA256InPrefix = a.SHA256InPrefix
		if d.SizeInBytes == nil && e.PrefixPlaceholder == "" {
			n := a.Size
			d.SizeInBytes = &n
		}
	default:
		d.SHA256InPrefix = e.SHA256
	}
	return d
}

// baseRecord copies the package's repodata record (or, without one, its
// index.json) into a conda-meta record.
func baseRecord(x *pkg.Extracted) *prefix.Record {
	if rr := x.Record; rr != nil {
		return &prefix.Record{
			Name: rr.Name, Version: rr.Version, Build: rr.Build, BuildNumber: rr.BuildNumber,
			Channel: rr.Channel, Subdir: rr.Subdir, Fn: rr.Fn, MD5: rr.MD5, URL: rr.URL, SHA256: rr.SHA256,
			Depends: rr.Depends, Constrains: rr.Constrains, TrackFeatures: rr.TrackFeatures, Features: rr.Features,
			Noarch: rr.Noarch, PythonSitePackagesPath: rr.PythonSitePackagesPath,
			License: rr.License, LicenseFamily: rr.LicenseFamily, PackageType: rr.PackageType,
			Timestamp: rr.Timestamp, Size: rr.Size,
		}
	}
	ix := x.Index
	r := &prefix.Record{
		Name: ix.Name, Version: ix.Version, Build: ix.Build, BuildNumber: ix.BuildNumber,
		Channel: "<unknown>", Subdir: ix.Subdir, Fn: filepath.Base(x.Dir) + ".conda",
		Depends: ix.Depends, Constrains: ix.Constrains, TrackFeatures: ix.TrackFeatures, Features: ix.Features,
		Noarch: ix.Noarch, PythonSitePackagesPath: ix.PythonSitePackagesPath,
		License: ix.License, LicenseFamily: ix.LicenseFamily, Timestamp: ix.Timestamp,
	}
	if ix.Noarch != "" {
		r.PackageType = "noarch_" + ix.Noarch
	}
	return r
}
