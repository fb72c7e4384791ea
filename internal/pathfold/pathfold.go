// Package pathfold says when two spellings of a path name one file: on
// Windows and macOS, whose file systems ignore case by default (NTFS;
// APFS and HFS+, which also ignore the Unicode normalisation form),
// share/README and share/readme are one file, so a package holding both,
// or two packages each holding one, write one file twice.
package pathfold

import (
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Host is whether the names of the host's files ignore case. It is true
// on Windows and macOS (a case-sensitive APFS volume is rare, and judging
// it as the default costs only the refusal of a package that holds two
// spellings of one name). Tests of the folding rules set it.
var Host = runtime.GOOS == "windows" || runtime.GOOS == "darwin"

// Key returns what p is compared by on the host: p itself, or, where
// names ignore case, [Fold] of p.
func Key(p string) string {
	if !Host {
		return p
	}
	return Fold(p)
}

// Fold returns the form of p that every spelling of it which a
// case-insensitive file system takes for one name shares: decomposed
// (NFD, as HFS+ stores names) and each letter replaced by the least
// letter of its case orbit (unicode.SimpleFold; strings.EqualFold's
// rule), without the code points HFS+ ignores (hfsIgnored). It errs
// toward calling two names one: NTFS keeps the two
// normalisation forms of é apart, and some letters that fold together
// here (the Kelvin sign and K), and such names in one package are
// refused where they would not need to be.
func Fold(p string) string {
	ascii := true
	for i := 0; i < len(p); i++ {
		if p[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		// the same as below: the least letter of an ASCII letter's orbit
		// is its capital (K before k and the Kelvin sign, S before s and
		// the long s), so "pkgs" and "p\u212Ags" share a form. The fast
		// path used to lower-case, and no name with a letter outside
		// ASCII ever matched one without.
		return strings.ToUpper(p)
	}
	return strings.Map(foldRune, norm.NFD.String(p))
}

// hfsIgnored tells whether HFS+ leaves r out of a name when it compares
// names: the zero-width joiners and directional marks, and the byte-order
// mark, so that "conda\u200c-meta" is conda-meta there (git's
// is_hfs_dotgit; audit AB). APFS keeps them; judging them ignored costs
// only the refusal of a name that holds one.
func hfsIgnored(r rune) bool {
	return r >= 0x200c && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x206a && r <= 0x206f || r == 0xfeff
}

// foldRune returns the least rune of r's simple case-folding orbit, and
// drops what HFS+ ignores (-1).
func foldRune(r rune) rune {
	if hfsIgnored(r) {
		return -1
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// Set sets Host to folds and returns what puts it back, for tests of the
// folding rules: t.Cleanup(pathfold.Set(true)).
func Set(folds bool) (restore func()) {
	old := Host
	Host = folds
	return func() { Host = old }
}
