package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"onboard/internal/atomicfile"
)

// ExecutablesName is the folder of the lists of executable files, one
// per env: PREFIX/.onboard/executables/ENV.json.
const ExecutablesName = "executables"

// Executables are the files an install made executable in one env, by
// the dist of the package that holds them: env-relative paths with "/".
// conda-meta records no modes, and a default install keeps no package
// copy to compare with, so verify learns here that bin/python3.11 must
// stay executable (audit AW 2). Not written on Windows, which has no
// executable bit.
type Executables map[string][]string

// ExecutablesPath is the list of the env named env (BaseEnv or its
// folder name under PREFIX/envs) of the install at prefixDir.
func ExecutablesPath(prefixDir, env string) string {
	return filepath.Join(prefixDir, DirName, ExecutablesName, env+".json")
}

// WriteExecutables writes x to path atomically, its lists sorted, making
// its folder.
func WriteExecutables(path string, x Executables) error {
	for _, l := range x {
		sort.Strings(l)
	}
	data, err := json.Marshal(x)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("failed to create %q: %w", filepath.Dir(path), err)
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// ReadExecutables reads the list at path. No list (an install made before
// onboard kept one, or on Windows) is nil and no error.
func ReadExecutables(path string) (Executables, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read %q: %w", path, err)
	}
	var x Executables
	if err := json.Unmarshal(data, &x); err != nil {
		return nil, fmt.Errorf("failed to read %q: not a list of executables: %w", path, err)
	}
	return x, nil
}
