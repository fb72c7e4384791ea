package bundle

import (
	"fmt"

	"onboard/installer/pkg"
)

// readIndex reads info/index.json from a .conda or .tar.bz2 archive.
func readIndex(archive string) (*pkg.Index, error) {
	ix, _, _, err := pkg.ReadInfo(archive)
	if err != nil {
		return nil, err
	}
	if ix.Name == "" || ix.Version == "" || ix.Build == "" {
		return nil, fmt.Errorf("info/index.json of %q lacks name, version or build", archive)
	}
	return ix, nil
}
