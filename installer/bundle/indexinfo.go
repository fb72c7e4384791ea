package bundle

import (
	"fmt"
	"path"
	"strings"

	"onboard/installer/link"
	"onboard/installer/pkg"
	"onboard/internal/winname"
)

// readInfo reads info/index.json from a .conda or .tar.bz2 archive, and
// what its paths.json says about its size (the fields UnpackedSize, Files,
// Dirs, PySize and PyFiles of the returned Package) and how many entry
// points its link.json gives (EntryPoints), its prelink messages
// (PrelinkMessages) and the length of the
// longest path the package installs (LongestPath, for the Windows
// path-length check). bad says which of its paths other hosts would
// refuse.
func readInfo(archive string) (ix *pkg.Index, facts Package, bad hostBad, err error) {
	info, err := pkg.ReadPackageInfo(archive)
	if err != nil {
		return nil, facts, bad, err
	}
	ix, paths, lj := info.Index, info.Paths, info.Link
	facts.PrelinkMessages = info.Messages
	if ix.Name == "" || ix.Version == "" || ix.Build == "" {
		return nil, facts, bad, fmt.Errorf("info/index.json of %q lacks name, version or build", archive)
	}
	bad.folds = pkg.EntryPointFoldClash(lj, paths)
	if paths != nil {
		if bad.folds == "" {
			bad.folds = pkg.FoldClash(paths)
		}
		winBad := &bad.windows
		dirs := map[string]bool{}
		for _, e := range paths.Paths {
			facts.LongestPath = max(facts.LongestPath, winname.Units(e.Path))
			if why := pkg.WindowsUnsafe(e.Path); why != "" && *winBad == "" {
				*winBad = fmt.Sprintf("%q: %s", e.Path, why)
			}
			facts.Files++
			if e.SizeInBytes != nil && e.PathType != pkg.PathSoftlink {
				facts.UnpackedSize += *e.SizeInBytes
			}
			for d := path.Dir(e.Path); d != "." && d != "/" && !dirs[d]; d = path.Dir(d) {
				dirs[d] = true
			}
			if ix.Noarch == "python" && strings.HasPrefix(e.Path, "site-packages/") && strings.HasSuffix(e.Path, ".py") && e.SizeInBytes != nil {
				facts.PySize += *e.SizeInBytes
				facts.PyFiles++
			}
		}
		facts.Dirs = len(dirs)
	}
	if lj != nil && lj.Noarch != nil && (ix.Noarch == "python" || ix.Noarch == "" && lj.Noarch.Type == "python") {
		facts.EntryPoints = len(lj.Noarch.EntryPoints)
		// a Windows install writes Scripts/<command>.exe and
		// <command>-script.py: a command Windows cannot name there failed
		// that install at its link step (audit AS 3)
		for _, s := range lj.Noarch.EntryPoints {
			ep, err := link.ParseEntryPoint(s)
			if err != nil || bad.windows != "" {
				continue // the link step refuses a bad one everywhere
			}
			for _, f := range []string{"Scripts/" + ep.Command + ".exe", "Scripts/" + ep.Command + "-script.py"} {
				if why := pkg.WindowsUnsafe(f); why != "" && bad.windows == "" {
					bad.windows = fmt.Sprintf("the entry point %q as %q: %s", s, f, why)
				}
			}
		}
	}
	// as link.NoarchPython reads it at install
	bad.noarchPython = ix.Noarch == "python" || ix.Noarch == "" && lj != nil && lj.Noarch != nil && lj.Noarch.Type == "python"
	return ix, facts, bad, nil
}

// hostBad is what an install on other hosts than this one would refuse
// in a package, each "" when nothing.
type hostBad struct {
	windows string // the first path Windows could not hold as it is written (pkg.WindowsUnsafe), and why
	folds   string // why its paths could not all be installed where names ignore case (pkg.FoldClash)
	// noarchPython: a noarch: python package, which an env without
	// python cannot link (checked by env, not a fault of the package)
	noarchPython bool
}
