package cli

import (
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// onboard info shows conda's virtual packages of this machine, as the
// install checks the packages against them, overrides included.
func TestInfoShowsVirtualPackages(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux's virtual packages")
	}
	t.Setenv("CONDA_OVERRIDE_GLIBC", "2.99")
	out, _, err := runCLI(t, "", "info")
	if err != nil || !regexp.MustCompile(`(?m)^virtual: +__glibc=2\.99 __linux=\d+\.\d+\S* __unix=0$`).MatchString(out) {
		t.Errorf("info: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "", "info", "--json")
	if err != nil || !strings.Contains(out, `"virtual_packages":{"__glibc":"2.99",`) {
		t.Errorf("info --json: %v\n%s", err, out)
	}
}

// onboard info says which of the bundle's subdirs an install takes on this
// machine, which is not always the machine's first choice (Rosetta with an
// osx-64 bundle: audit AL 4).
func TestInfoSaysWhatTheBundleInstallsHere(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the demo bundle's linux-64 on this machine")
	}
	out, _, err := runCLI(t, "", "info")
	if err != nil || !regexp.MustCompile(`(?m)^  installs: +linux-64$`).MatchString(out) {
		t.Errorf("info: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "", "info", "--json")
	if err != nil || !strings.Contains(out, `"chosen_subdir":"linux-64"`) {
		t.Errorf("info --json: %v\n%s", err, out)
	}
}
