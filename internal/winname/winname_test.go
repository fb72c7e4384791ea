package winname

import "testing"

// A path's length is counted as Windows counts it: UTF-16 units, two for
// a character past U+FFFF (audit AS 4).
func TestUnits(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "Prógrams": 8, "€": 1, "😀": 2, `C:\😀\x`: 7} {
		if got := Units(s); got != want {
			t.Errorf("Units(%q) = %d; want %d", s, got, want)
		}
	}
}
