package bundle

import (
	"fmt"
	"path"
	"strings"

	"onboard/installer/pkg"
)

// readInfo reads info/index.json from a .conda or .tar.bz2 archive, what
// its paths.json says about its size (the fields UnpackedSize, Files, Dirs,
// PySize and PyFiles of the returned Package), and the length of the
// longest path the package installs (for the Windows path-length check).
func readInfo(archive string) (*pkg.Index, Package, int, error) {
	var facts Package
	ix, paths, _, err := pkg.ReadInfo(archive)
	if err != nil {
		return nil, facts, 0, err
	}
	if ix.Name == "" || ix.Version == "" || ix.Build == "" {
		return nil, facts, 0, fmt.Errorf("info/index.json of %q lacks name, version or build", archive)
	}
	longest := 0
	if paths != nil {
		dirs := map[string]bool{}
		for _, e := range paths.Paths {
			longest = max(longest, len([]rune(e.Path)))
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
	return ix, facts, longest, nil
}
