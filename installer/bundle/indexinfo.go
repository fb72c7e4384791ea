package bundle

import (
	"fmt"

	"onboard/installer/pkg"
)

// readIndex reads info/index.json from a .conda or .tar.bz2 archive, and
// the length of the longest path the package installs (for the Windows
// path-length check at install time).
func readIndex(archive string) (*pkg.Index, int, error) {
	ix, paths, _, err := pkg.ReadInfo(archive)
	if err != nil {
		return nil, 0, err
	}
	if ix.Name == "" || ix.Version == "" || ix.Build == "" {
		return nil, 0, fmt.Errorf("info/index.json of %q lacks name, version or build", archive)
	}
	longest := 0
	if paths != nil {
		for _, e := range paths.Paths {
			longest = max(longest, len([]rune(e.Path)))
		}
	}
	return ix, longest, nil
}
