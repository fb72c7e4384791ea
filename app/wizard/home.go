package wizard

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ExpandHome turns a leading "~" ("~", "~/x", and "~\x" on Windows) into
// the home folder, as a shell would: the one rule of every front end for
// a folder typed or configured (the GUI's Location, the console's,
// --prefix, a --config file's prefix). Without it a quoted "~/acme" was an
// install into a folder named "~" in the current one.
func ExpandHome(p string) string { return ExpandHomeWith(p, os.UserHomeDir) }

// ExpandHomeWith is ExpandHome with the home folder from home.
func ExpandHomeWith(p string, home func() (string, error)) string {
	rest, ok := strings.CutPrefix(p, "~")
	if !ok || (rest != "" && rest[0] != '/' && !(runtime.GOOS == "windows" && rest[0] == '\\')) {
		return p // "~user/x" is left as written
	}
	h, err := home()
	if err != nil || h == "" {
		return p
	}
	return filepath.Join(h, rest)
}
