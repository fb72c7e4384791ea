// Package winname holds Windows' rules for file names: which names
// Windows would not keep as written, or would take for something else.
// The extraction (installer/pkg) and the launchers (platform) follow them.
package winname

import (
	"fmt"
	"regexp"
	"strings"
)

// Unsafe says why Windows cannot hold the clean relative path rel
// as it is written ("" when it can): a part that names a device (CON, NUL,
// COM1, with or without an extension, which Windows opens instead of a
// file), a part that ends in a dot or a space (Windows drops them, so the
// part names another file, or its folder), or a character Windows refuses
// in a name (<>:"|?* and control characters; ":" would write a hidden
// stream of another file), or a part that could be the short (8.3) name
// NTFS gives another file or folder: CONDA-~1 is conda-meta and ONBOAR~1
// .onboard (git's CVE-2014-9390 was this for .git), and deeper down
// LONGNA~1.TXT is longname.txt, a second spelling of one file, which
// could rewrite a file after its check, or clash with another package's
// unseen (as two spellings of one name in case do, see pathfold).
func Unsafe(rel string) string {
	for _, part := range strings.Split(rel, "/") {
		if shortName.MatchString(part) {
			return fmt.Sprintf("the name %q could be Windows' short (8.3) name of another file or folder, such as CONDA-~1 for conda-meta", part)
		}
		if i := strings.IndexFunc(part, func(r rune) bool { return r < 0x20 || strings.ContainsRune(`<>:"|?*`, r) }); i >= 0 {
			return fmt.Sprintf("the name %q holds %q, which Windows does not allow in a file name", part, part[i:i+1])
		}
		if strings.HasSuffix(part, ".") || strings.HasSuffix(part, " ") {
			return fmt.Sprintf("the name %q ends in a dot or a space, which Windows drops (it would name another file)", part)
		}
		if windowsDevice(part) {
			return fmt.Sprintf("the name %q is a device on Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9), not a file", part)
		}
	}
	return ""
}

// shortName matches the form of an NTFS short (8.3) name: up to six
// characters, "~" and a number, and an extension of up to three.
var shortName = regexp.MustCompile(`^[^~.]{1,6}~[0-9]{1,6}(\.[^.]{0,3})?$`)

// windowsDevice reports whether Windows takes the name part for a DOS
// device: a reserved stem, in any case, before an extension or trailing
// spaces ("nul", "Aux.py", "COM1 .txt").
func windowsDevice(part string) bool {
	stem, _, _ := strings.Cut(part, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) >= 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		switch d := stem[3:]; d {
		case "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// Units is the length of s as Windows counts a path's: in UTF-16 code
// units, two for a character past U+FFFF (an emoji), so that a path is
// held against MAX_PATH as Windows holds it (audit AS 4: counted in
// characters, a path of emoji passed the check and failed the install).
func Units(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}
