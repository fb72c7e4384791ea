//go:build windows

package engine

import "os"

// MayShare: on Windows a per-user install is the user's, as is the file
// they run (a hard link shares its access rules), but for a file with the
// mark of the web: a hard link is the same file, its Zone.Identifier
// stream included, so the maintenance app started from the Start menu
// would be a download to SmartScreen every time. A copy carries no
// stream. (An install for all users never shares it: CarryFile.)
func MayShare(path string) bool { return !hasMarkOfTheWeb(path) }

// hasMarkOfTheWeb tells whether path has the Zone.Identifier stream
// browsers and mail programs give a downloaded file.
func hasMarkOfTheWeb(path string) bool {
	f, err := os.Open(path + ":Zone.Identifier")
	if err != nil {
		return false
	}
	f.Close()
	return true
}
