package launch

import "golang.org/x/sys/windows"

// documentsDir is Windows' Documents known folder, where Explorer's
// Documents is (moved by OneDrive or to a network share too); "" when
// Windows does not say.
func documentsDir(string) string {
	p, err := windows.KnownFolderPath(windows.FOLDERID_Documents, 0)
	if err != nil {
		return ""
	}
	return p
}
