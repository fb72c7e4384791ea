package platform

import (
	"fmt"
	"regexp"
	"strings"

	"onboard/internal/condaver"
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

// overrideName is the CONDA_OVERRIDE_<NAME> of each virtual package that
// conda lets a variable override.
var overrideName = map[string]string{"__linux": "LINUX", "__glibc": "GLIBC", "__osx": "OSX", "__win": "WIN"}

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
		if o, set := lookupEnv("CONDA_OVERRIDE_" + overrideName[name]); set {
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
		name, ver := condaver.SplitSpec(d)
		if !condaver.CheckedVirtual(name) {
			continue
		}
		have, ok := v[name]
		if !ok {
			return &VirtualProblem{Name: name, Package: pkg, Spec: d}
		}
		if have == "" {
			continue // there, at a version onboard could not find
		}
		if match, err := condaver.Matches(ver, have); err == nil && !match {
			return &VirtualProblem{Name: name, Package: pkg, Spec: d, Have: strings.TrimPrefix(name, "__") + " " + have}
		}
	}
	return nil
}
