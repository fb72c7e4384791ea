package platform

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// conda's virtual packages: what the machine offers that a package may
// depend on (`__glibc >=2.17`, `__osx >=11.0`). conda's solver checks them;
// an install of a ready lock (conda's @EXPLICIT, constructor, onboard)
// solves nothing, so onboard checks the ones it can know before it
// installs: a package built for a newer C library or OS does not run.

// Virtual are the virtual packages of a machine for a subdir: name →
// version ("__glibc" → "2.36"; "" = there, at a version not found, which
// no dependency is refused for).
type Virtual map[string]string

// checkedVirtual are the virtual packages onboard knows on a machine;
// a dependency on any other (__cuda, __archspec) is not checked.
var checkedVirtual = map[string]string{"__unix": "", "__linux": "LINUX", "__glibc": "GLIBC", "__osx": "OSX", "__win": "WIN"}

var kernelVersion = regexp.MustCompile(`^\d+\.\d+(\.\d+)?(\.\d+)?`)

// VirtualPackages returns conda's virtual packages of h for subdir, as
// conda's plugins find them, and CONDA_OVERRIDE_<NAME> from getenv over
// them as conda reads it (a version; "" removes the package, but
// __linux's becomes 0), looked up with lookupEnv (os.LookupEnv; nil =
// none set). A subdir of another OS than h's gives none: the machine to
// run it is not this one.
func VirtualPackages(h Host, subdir string, lookupEnv func(string) (string, bool)) Virtual {
	v := Virtual{}
	os, _, _ := strings.Cut(subdir, "-")
	var names []string // the ones conda reports for os, which an override may set
	switch os {
	case "linux":
		if h.Native.OS != "linux" {
			return v
		}
		v["__unix"] = "0"
		v["__linux"] = kernelVersion.FindString(h.OSVersion)
		if ver, ok := strings.CutPrefix(h.Libc, "glibc "); ok {
			v["__glibc"] = ver
		} else if h.Libc == "" {
			v["__glibc"] = "" // not found (conda then assumes 2.5, with a warning): not held against a package
		}
		names = []string{"__linux", "__glibc"}
	case "osx":
		if h.Native.OS != "darwin" {
			return v
		}
		v["__unix"] = "0"
		v["__osx"] = h.OSVersion
		names = []string{"__osx"}
	case "win":
		if h.Native.OS != "windows" {
			return v
		}
		v["__win"] = h.OSVersion
		names = []string{"__win"}
	default:
		return v
	}
	for _, name := range names {
		if lookupEnv == nil {
			break
		}
		if o, set := lookupEnv("CONDA_OVERRIDE_" + checkedVirtual[name]); set {
			switch {
			case o != "":
				v[name] = o
			case name == "__linux":
				v[name] = "0"
			default:
				delete(v, name)
			}
		}
	}
	return v
}

// VirtualProblem is a dependency of a package on a virtual package that
// the machine does not meet.
type VirtualProblem struct {
	Name    string // the virtual package: "__glibc"
	Package string // name version
	Spec    string // the dependency as the package gives it: "__glibc >=2.28"
	Have    string // what the machine has ("glibc 2.17"), "" when it has none
}

// Error says what the package needs and what the machine has.
func (p VirtualProblem) Error() string {
	if p.Have == "" {
		return fmt.Sprintf("%s needs %s, which this machine does not have", p.Package, p.Spec)
	}
	return fmt.Sprintf("%s needs %s; this machine has %s", p.Package, p.Spec, p.Have)
}

// CheckVirtual returns the first dependency in depends (MatchSpec strings,
// of package pkg) on a virtual package onboard knows that v does not meet,
// or nil. A dependency it cannot read is not held against the package.
func CheckVirtual(pkg string, depends []string, v Virtual) *VirtualProblem {
	for _, d := range depends {
		name, ver := splitSpec(d)
		if _, known := checkedVirtual[name]; !known {
			continue
		}
		have, ok := v[name]
		if !ok {
			return &VirtualProblem{Name: name, Package: pkg, Spec: d}
		}
		if have == "" {
			continue // there, at a version onboard could not find
		}
		if match, err := versionMatches(ver, have); err == nil && !match {
			return &VirtualProblem{Name: name, Package: pkg, Spec: d, Have: strings.TrimPrefix(name, "__") + " " + have}
		}
	}
	return nil
}

// splitSpec splits a MatchSpec string into its name and version
// constraint ("__glibc >=2.17,<3.0.a0" → "__glibc", ">=2.17,<3.0.a0";
// "__osx>=10.13" too); a build string after the version is dropped.
func splitSpec(s string) (name, version string) {
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

// versionMatches reports whether version have meets conda's version
// constraint spec: "|" alternatives of ","-joined parts, each an
// operator (>=, <=, >, <, ==, !=, ~=) and a version, a version ending in
// ".*" or "*" (a prefix), or a bare version, which in a MatchSpec string
// is that version or any under it ("2.17" matches 2.17 and 2.17.1).
func versionMatches(spec, have string) (bool, error) {
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
			c := compareVersions(have, v)
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

// compareVersions orders two versions as conda does (the shorter padded
// with zeros): negative when a < b.
func compareVersions(a, b string) int {
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
