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
	r, n, file, data := p.recordParts(requested)
	r.Files = make([]string, 0, n)
	r.PathsData.Paths = make([]prefix.PathData, 0, n)
	for i := range n {
		r.Files = append(r.Files, file(i))
		r.PathsData.Paths = append(r.PathsData.Paths, data(i))
	}
	return r
}

// WriteRecord writes the package's conda-meta record (Record) into the
// prefix as a stream: its files and paths_data are made one entry at a
// time, so a package of many files does not hold them all in memory.
func (p *Plan) WriteRecord(prefixDir string, requested []string) (string, error) {
	r, n, file, data := p.recordParts(requested)
	return prefix.WriteRecordStream(prefixDir, prefix.RecordStream{Head: r, N: n, File: file, PathData: data})
}

// recordParts returns the record without files and paths_data, their
// number, and functions giving entry i of each.
func (p *Plan) recordParts(requested []string) (*prefix.Record, int, func(int) string, func(int) prefix.PathData) {
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
	var pkgActs, eps []int32
	for i, a := range p.Actions {
		if a.Entry < 0 {
			eps = append(eps, int32(i))
		} else {
			pkgActs = append(pkgActs, int32(i))
		}
	}
	np, nc := len(pkgActs), len(p.PycSources)
	file := func(i int) string {
		switch {
		case i < np:
			return p.Actions[pkgActs[i]].Target
		case i < np+nc:
			return p.opts.Python.PycPath(p.PycSources[i-np])
		}
		return p.Actions[eps[i-np-nc]].Target
	}
	data := func(i int) prefix.PathData {
		switch {
		case i < np:
			a := p.Actions[pkgActs[i]]
			return pathData(p.Pkg.Paths.Paths[a.Entry], a)
		case i < np+nc:
			pyc := p.opts.Python.PycPath(p.PycSources[i-np])
			d := prefix.PathData{Path: pyc, PathType: pkg.PathPyc}
			if fi, err := os.Stat(hostPath(p.opts.Prefix, pyc)); err == nil {
				n := fi.Size()
				d.SizeInBytes = &n
			}
			return d
		}
		a := p.Actions[eps[i-np-nc]]
		d := prefix.PathData{Path: a.Target, PathType: a.PathType}
		if a.PathType != pkg.PathWinEntryExe {
			n := int64(len(a.Content))
			d.SizeInBytes = &n
		}
		return d
	}
	return r, np + nc + len(eps), file, data
}

// Meta returns the package's conda-meta record without its files and
// paths_data: what naming it (dist, channel, file name) needs, at a
// fraction of Record's memory for a package of many files.
func (p *Plan) Meta() *prefix.Record { return baseRecord(p.Pkg) }

// Meta returns x's conda-meta record without files and paths_data, as
// (*Plan).Meta does once x is planned.
func Meta(x *pkg.Extracted) *prefix.Record { return baseRecord(x) }

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
		r := &prefix.Record{
			Name: rr.Name, Version: rr.Version, Build: rr.Build, BuildNumber: rr.BuildNumber,
			Channel: rr.Channel, Subdir: rr.Subdir, Fn: rr.Fn, MD5: rr.MD5, URL: rr.URL, SHA256: rr.SHA256,
			Depends: rr.Depends, Constrains: rr.Constrains, TrackFeatures: rr.TrackFeatures, Features: rr.Features,
			Noarch: rr.Noarch, PythonSitePackagesPath: rr.PythonSitePackagesPath,
			License: rr.License, LicenseFamily: rr.LicenseFamily, PackageType: rr.PackageType,
			Timestamp: rr.Timestamp, Size: rr.Size,
		}
		noarchFromLink(r, x)
		return r
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
	noarchFromLink(r, x)
	return r
}

// noarchFromLink records a package that only its link.json says is
// noarch: python (conda's rule: the record's noarch, else link.json's)
// as one, so that verify and conda read its paths as the linking placed
// them (site-packages/… of paths_data is lib/pythonX.Y/site-packages/…).
func noarchFromLink(r *prefix.Record, x *pkg.Extracted) {
	if r.Noarch == "" && NoarchPython(x) {
		r.Noarch, r.PackageType = "python", "noarch_python"
	}
}
