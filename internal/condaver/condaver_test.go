package condaver

import (
	"strings"
	"testing"
)

// Versions are ordered as conda's VersionOrder orders them.
func TestCompareVersions(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"2.17", "2.17", 0}, {"2.17", "2.17.0", 0}, {"2.9", "2.17", -1}, {"2.28", "2.17", 1},
		{"3.0.a0", "3.0", -1}, {"2.99", "3.0.a0", -1}, {"1.0a1", "1.0", -1}, {"1.0dev", "1.0a", -1},
		{"1.0", "1.0post1", -1}, {"10.13", "10.9", 1}, {"11.0", "10.16", 1},
		{"6.1.0-18-amd64", "6.1", 1},
	} {
		if got := Compare(tt.a, tt.b); (got > 0) != (tt.want > 0) || (got < 0) != (tt.want < 0) {
			t.Errorf("Compare(%q, %q) = %d; want the sign of %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// Version constraints as packages give them for virtual packages.
func TestVersionMatches(t *testing.T) {
	for _, tt := range []struct {
		spec, have string
		want       bool
	}{
		{">=2.17,<3.0.a0", "2.36", true}, {">=2.17,<3.0.a0", "2.12", false}, {">=2.17,<3.0.a0", "3.0", false},
		{">=2.28", "2.28", true}, {">=2.28", "2.27", false}, {">=11.0", "14.5", true}, {">=11.0", "10.15.7", false},
		{"2.17", "2.17.1", true}, {"2.17", "2.170", false}, {"2.17.*", "2.17", true}, {"==2.17", "2.17.0", true},
		{"!=2.17", "2.17", false}, {"<10.13|>=11", "10.12", true}, {"<10.13|>=11", "10.14", false}, {"*", "1", true},
		{"", "1", true}, {">3", "3.0", false}, {"<=3", "3.0", true}, {"~=2.17", "2.30", true}, {"~=2.17", "3.1", false},
		{"=2.17", "2.17.5", true},
	} {
		got, err := Matches(tt.spec, tt.have)
		if err != nil || got != tt.want {
			t.Errorf("Matches(%q, %q) = %v, %v; want %v", tt.spec, tt.have, got, err, tt.want)
		}
	}
}

// A virtual_specs entry of a bundle spec must be a virtual package onboard
// checks, with a constraint it reads.
func TestValidSpec(t *testing.T) {
	for s, want := range map[string]string{
		"__glibc >=2.28": "", "__osx>=12": "", "__unix": "",
		"__cuda >=12": "is not one of the virtual packages",
		"numpy >=2":   "is not one of the virtual packages",
		"__glibc >=":  "no version after",
	} {
		got := ValidSpec(s)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("ValidSpec(%q) = %q; want %q", s, got, want)
		}
	}
}

// FuzzCompare: conda's order is an order (antisymmetric, a version equal
// to itself) on any strings, and matching any constraint ends without a
// panic.
func FuzzCompare(f *testing.F) {
	for _, s := range [][2]string{{"2.17", "3.0.a0"}, {"1.0dev", "1.0post1"}, {"1!2.0+local", "10.13"}, {">=2.17,<3.0.a0|*", "2.36"}, {"~=", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if c := Compare(a, a); c != 0 {
			t.Fatalf("Compare(%q, itself) = %d", a, c)
		}
		if x, y := Compare(a, b), Compare(b, a); (x > 0) != (y < 0) || (x == 0) != (y == 0) {
			t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", a, b, x, b, a, y)
		}
		Matches(a, b)
		ValidSpec(a)
	})
}
