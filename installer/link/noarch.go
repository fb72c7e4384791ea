package link

import (
	"fmt"
	"regexp"
	"strings"

	"onboard/installer/pkg"
)

// Python describes the interpreter that noarch: python packages link
// against: it comes from the python record of the install (or of the
// prefix).
type Python struct {
	Version      string // major.minor, e.g. "3.12"
	SitePackages string // prefix-relative, '/'-separated
	Windows      bool   // Windows layout: Scripts/, python.exe
}

var pyVersionRe = regexp.MustCompile(`[0-9]+\.[0-9]+`)

// NewPython returns the Python of a python package of the given version
// (e.g. "3.12.1") and python_site_packages_path ("" when the record has
// none), for the target subdir.
func NewPython(version, sitePackagesPath, subdir string) (*Python, error) {
	v := pyVersionRe.FindString(version)
	if v == "" {
		return nil, fmt.Errorf("failed to read the python version %q: expected major.minor", version)
	}
	if sitePackagesPath != "" {
		// From python's index.json or conda-meta record: pkg refuses an
		// unsafe one in a package; a record could have been edited.
		if why := pkg.UnsafePath(sitePackagesPath); why != "" {
			return nil, fmt.Errorf("python's site-packages folder %q is not usable (%s): noarch: python files would be placed outside the environment; reinstall python", sitePackagesPath, why)
		}
	}
	p := &Python{Version: v, SitePackages: sitePackagesPath, Windows: IsWindows(subdir)}
	if p.SitePackages == "" {
		if p.Windows {
			p.SitePackages = "Lib/site-packages"
		} else {
			p.SitePackages = "lib/python" + v + "/site-packages"
		}
	}
	return p, nil
}

// Interpreter is the prefix-relative path of the interpreter:
// bin/pythonX.Y on Unix, python.exe on Windows.
func (p *Python) Interpreter() string {
	if p.Windows {
		return "python.exe"
	}
	return "bin/python" + p.Version
}

// ScriptsDir is where python-scripts/ and entry points go: bin or Scripts.
func (p *Python) ScriptsDir() string {
	if p.Windows {
		return "Scripts"
	}
	return "bin"
}

// TargetPath maps a noarch: python package path to its place in the prefix:
// site-packages/… into the interpreter's site-packages, python-scripts/…
// into bin/ or Scripts/, anything else unchanged.
func (p *Python) TargetPath(short string) string {
	if rest, ok := strings.CutPrefix(short, "site-packages/"); ok {
		return p.SitePackages + "/" + rest
	}
	if rest, ok := strings.CutPrefix(short, "python-scripts/"); ok {
		return p.ScriptsDir() + "/" + rest
	}
	return short
}

var pycSourceRe = regexp.MustCompile(`^site-packages[/\\][^\t\n\r\f\v]+\.py$`)

// IsPycSource reports whether conda compiles the package path short (before
// remapping) to a .pyc.
func IsPycSource(short string) bool { return pycSourceRe.MatchString(short) }

// PycPath returns where the .pyc of the prefix-relative source file target
// goes: <dir>/__pycache__/<stem>.cpython-XY.pyc (Python 3) or <file>c
// (Python 2).
func (p *Python) PycPath(target string) string {
	if strings.HasPrefix(p.Version, "2.") {
		return target + "c"
	}
	dir, file := "", target
	if i := strings.LastIndexByte(target, '/'); i >= 0 {
		dir, file = target[:i+1], target[i+1:]
	}
	stem := strings.TrimSuffix(file, ".py")
	return dir + "__pycache__/" + stem + ".cpython-" + strings.ReplaceAll(p.Version, ".", "") + ".pyc"
}
