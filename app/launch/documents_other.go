//go:build !windows

package launch

import (
	"os"
	"path/filepath"
)

// documentsDir is the Documents folder of XDG's user-dirs.dirs (Linux
// desktops name it in the person's language: ~/Dokumente); "" when the
// file does not name one (macOS, servers: ~/Documents is looked at next).
func documentsDir(home string) string {
	config := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(config) {
		config = filepath.Join(home, ".config")
	}
	b, err := os.ReadFile(filepath.Join(config, "user-dirs.dirs"))
	if err != nil {
		return ""
	}
	return userDirsDocuments(string(b), home)
}
