// Package condaver is conda's version order (VersionOrder) and the
// version constraints of its MatchSpec strings, as far as onboard needs
// them: to check the packages' dependencies on conda's virtual packages
// (__glibc >=2.17) against a machine. It imports nothing of onboard.
package condaver

import (
	"fmt"
	"strconv"
	"strings"
)

// CheckedVirtual tells the virtual packages onboard knows on a machine
// (platform.VirtualPackages); a dependency on any other (__cuda,
// __archspec) is not checked.
func CheckedVirtual(name string) bool {
	switch name {
	case "__unix", "__linux", "__glibc", "__osx", "__win":
		return true
	}
	return false
}

// ValidSpec says why s is not a dependency on a virtual package onboard
// checks ("" when it is): a known name and a version constraint it reads.
func ValidSpec(s string) string {
	name, ver := SplitSpec(s)
	if !CheckedVirtual(name) {
		return fmt.Sprintf("%q is not one of the virtual packages onboard checks (__glibc, __osx, __linux, __win, __unix)", name)
	}
	if _, err := Matches(ver, "1"); err != nil {
		return fmt.Sprintf("%q: %v", s, err)
	}
	return ""
}

// SplitSpec splits a MatchSpec string into its name and version
// constraint ("__glibc >=2.17,<3.0.a0" → "__glibc", ">=2.17,<3.0.a0";
// "__osx>=10.13" too); a build string after the version is dropped.
func SplitSpec(s string) (name, version string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " =<>!~")
	if i < 0 {
		return s, ""
	}
	name, rest := s[:i], strings.TrimSpace(s[i:])
	if f := strings.Fields(rest); len(f) > 0 {
		rest = f[0]
		if len(f) > 1 && strings.ContainsAny(f[0], "=<>!~") && !strings.ContainsAny(f[1], "=<>!~") && strings.HasSuffix(f[0], ",") {
			rest = f[0] + f[1] // ">=2.17, <3" written with a space
		}
	}
	return name, rest
}

// Matches reports whether version have meets conda's version
// constraint spec: "|" alternatives of ","-joined parts, each an
// operator (>=, <=, >, <, ==, !=, ~=) and a version, a version ending in
// ".*" or "*" (a prefix), or a bare version, which in a MatchSpec string
// is that version or any under it ("2.17" matches 2.17 and 2.17.1).
func Matches(spec, have string) (bool, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "*" {
		return true, nil
	}
	for _, alt := range strings.Split(spec, "|") {
		all := true
		for _, part := range strings.Split(alt, ",") {
			ok, err := versionPart(strings.TrimSpace(part), have)
			if err != nil {
				return false, err
			}
			all = all && ok
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

func versionPart(part, have string) (bool, error) {
	for _, op := range []string{">=", "<=", "==", "!=", "~=", ">", "<", "="} {
		if v, ok := strings.CutPrefix(part, op); ok {
			if v == "" {
				return false, fmt.Errorf("no version after %q", op)
			}
			if op == "=" || (op == "==" || op == "!=") && strings.HasSuffix(v, "*") {
				m := versionPrefix(strings.TrimSuffix(strings.TrimSuffix(v, "*"), "."), have)
				return m == (op != "!="), nil
			}
			c := Compare(have, v)
			switch op {
			case ">=":
				return c >= 0, nil
			case "<=":
				return c <= 0, nil
			case ">":
				return c > 0, nil
			case "<":
				return c < 0, nil
			case "==":
				return c == 0, nil
			case "!=":
				return c != 0, nil
			case "~=": // compatible release: >= v, and the same up to v's last part
				parts := strings.Split(v, ".")
				return c >= 0 && versionPrefix(strings.Join(parts[:max(1, len(parts)-1)], "."), have), nil
			}
		}
	}
	if part == "" {
		return true, nil
	}
	return versionPrefix(strings.TrimSuffix(strings.TrimSuffix(part, "*"), "."), have), nil
}

// versionPrefix reports whether have is prefix or a version under it
// ("2.17" → 2.17, 2.17.0, 2.17.1; not 2.170).
func versionPrefix(prefix, have string) bool {
	if prefix == "" {
		return true
	}
	p, h := versionParts(prefix), versionParts(have)
	if len(h) < len(p) {
		h = append(h, make([]versionAtom, len(p)-len(h))...) // 2.17 is 2.17.0
	}
	for i := range p {
		if compareAtoms(p[i], h[i]) != 0 {
			return false
		}
	}
	return true
}

// versionAtom is one run of digits or of other characters of a version.
type versionAtom struct {
	num   int64
	str   string // "" for a number
	isNum bool
}

// versionParts splits a version as conda's VersionOrder does: lower
// case, at ".", "_" and "-", then each part into runs of digits and of
// letters, a part that starts with a letter getting a 0 before it
// ("1.0a1" → 1, 0, a, 1; "3.0.a0" → 3, 0, 0, a, 0). The epoch ("1!")
// and local version ("+x") are dropped.
func versionParts(v string) []versionAtom {
	v = strings.ToLower(strings.TrimSpace(v))
	if _, rest, ok := strings.Cut(v, "!"); ok {
		v = rest
	}
	v, _, _ = strings.Cut(v, "+")
	var out []versionAtom
	for _, comp := range strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
		first := true
		for len(comp) > 0 {
			i := 0
			digit := comp[0] >= '0' && comp[0] <= '9'
			for i < len(comp) && (comp[i] >= '0' && comp[i] <= '9') == digit {
				i++
			}
			if first && !digit {
				out = append(out, versionAtom{isNum: true})
			}
			if digit {
				n, _ := strconv.ParseInt(comp[:i], 10, 64)
				out = append(out, versionAtom{num: n, isNum: true})
			} else {
				out = append(out, versionAtom{str: comp[:i]})
			}
			comp, first = comp[i:], false
		}
	}
	return out
}

// compareAtoms orders as conda does: "dev" below any other string, any
// string below any number, "post" above all.
func compareAtoms(a, b versionAtom) int {
	rank := func(x versionAtom) int {
		switch {
		case x.str == "dev":
			return 0
		case x.str == "post":
			return 3
		case x.isNum:
			return 2
		}
		return 1
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	switch {
	case a.isNum && a.num != b.num:
		if a.num < b.num {
			return -1
		}
		return 1
	case !a.isNum:
		return strings.Compare(a.str, b.str)
	}
	return 0
}

// Compare orders two versions as conda does (the shorter padded
// with zeros): negative when a < b.
func Compare(a, b string) int {
	x, y := versionParts(a), versionParts(b)
	for i := 0; i < len(x) || i < len(y); i++ {
		ax, by := versionAtom{isNum: true}, versionAtom{isNum: true}
		if i < len(x) {
			ax = x[i]
		}
		if i < len(y) {
			by = y[i]
		}
		if c := compareAtoms(ax, by); c != 0 {
			return c
		}
	}
	return 0
}
