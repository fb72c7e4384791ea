package pathfold

import (
	"strings"
	"testing"
)

func TestFoldJoinsWhatCaseInsensitiveFileSystemsJoin(t *testing.T) {
	one := [][2]string{
		{"share/README", "share/readme"},
		{"Lib/Site-Packages/x.py", "lib/site-packages/X.PY"},
		{"caf\u00e9", "CAFE\u0301"},                  // NFC and NFD, in two cases: one name on APFS
		{"\u00c5ngstr\u00f6m", "\u212bNGSTR\u00d6M"}, // the Ångström sign folds with Å
		{"stra\u00dfe", "STRA\u1e9eE"},               // ß and its capital
		// an ASCII name and one whose letter folds with an ASCII letter
		// (audit P: the fast path for ASCII folded another way)
		{"pkgs", "p\u212Ags"},                        // the Kelvin sign
		{"envs", "env\u017f"},                        // the long s
		{".messages.txt", ".me\u017f\u017fages.txt"}, // two of them
		{"share/K.txt", "share/\u212A.txt"},
		// what HFS+ leaves out of a name (audit AB: conda-meta with a
		// zero-width non-joiner passed the reserved names' check)
		{"conda-meta", "conda\u200c-meta"},
		{".onboard", ".onboard\u200d"},
		{"share/a", "share/\ufeffa"},
		{"x", "\u202ax\u206f"},
	}
	for _, c := range one {
		if Fold(c[0]) != Fold(c[1]) {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want one name", c[0], Fold(c[0]), c[1], Fold(c[1]))
		}
	}
	two := [][2]string{
		{"share/a", "share/b"},
		{"strasse", "stra\u00dfe"}, // full case folding would join them; no file system here does
		{"a/b", "a_b"},
	}
	for _, c := range two {
		if Fold(c[0]) == Fold(c[1]) {
			t.Errorf("Fold joins %q and %q, which are two names", c[0], c[1])
		}
	}
}

// Every ASCII name folds as the general rule folds it: the fast path is
// only faster.
func TestFoldOfASCIIIsTheGeneralRule(t *testing.T) {
	for c := rune(0); c < 0x80; c++ {
		s := "x" + string(c)
		if got, want := Fold(s), strings.Map(foldRune, s); got != want {
			t.Errorf("Fold(%q) = %q; the general rule gives %q", s, got, want)
		}
	}
}

func TestKeyFollowsTheHost(t *testing.T) {
	t.Cleanup(Set(false))
	if Key("Share/X") != "Share/X" {
		t.Errorf("Key changed a path on a host whose names keep their case: %q", Key("Share/X"))
	}
	Set(true)
	if Key("Share/X") != Key("share/x") {
		t.Errorf("Key(%q) = %q, Key(%q) = %q; want one key where names ignore case", "Share/X", Key("Share/X"), "share/x", Key("share/x"))
	}
}
