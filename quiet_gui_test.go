//go:build !nogui && !solaris

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"onboard/assets"
)

// TestGUIBuildIsQuietUnderEveryLocale builds the GUI binary and runs its
// commands under the locales of stock systems and containers: stderr must
// stay empty when a command succeeds (Fyne logs locale errors at start-up
// unless guilocale steps in, and those lines end up in Jupyter's log).
func TestGUIBuildIsQuietUnderEveryLocale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the GUI binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "onboard")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build failed: %v\n%s", err, out)
	}
	// #13: the screenshot mode is in the screenshots build only.
	if data, err := os.ReadFile(bin); err != nil || bytes.Contains(data, []byte("ONBOARD_SCREENSHOT")) {
		t.Fatalf("the product binary reads the screenshot settings (or cannot be read: %v)", err)
	}
	haveDemo := assets.DemoBundle() != nil
	locales := []struct {
		name string
		env  []string
	}{
		{"LANG=C", []string{"LANG=C"}},
		{"LANG=C.UTF-8", []string{"LANG=C.UTF-8"}},
		{"LANG=POSIX", []string{"LANG=POSIX"}},
		{"LANG unset", nil},
		{"LC_ALL=C.UTF-8", []string{"LC_ALL=C.UTF-8", "LANG=en_US.UTF-8"}},
		{"LANGUAGE=C.UTF-8", []string{"LANG=en_US.UTF-8", "LANGUAGE=C.UTF-8"}},
	}
	for i, loc := range locales {
		t.Run(loc.name, func(t *testing.T) {
			home := filepath.Join(tmp, "home", string(rune('a'+i)))
			prefix := filepath.Join(home, "inst")
			env := quietEnv(home, loc.env)
			cmds := [][]string{{"version"}, {"help"}, {"info"}, {"info", "--json"}}
			if haveDemo {
				cmds = append(cmds,
					[]string{"install", "--json", "--prefix", prefix, "--no-launcher", "--no-maintenance-launcher"},
					[]string{"verify", "--prefix", prefix},
					[]string{"verify", "--json", "--prefix", prefix},
					[]string{"repair", "--json", "--prefix", prefix},
					[]string{"uninstall", "--silent", "--prefix", prefix})
			}
			for _, args := range cmds {
				var stdout, stderr bytes.Buffer
				c := exec.Command(bin, args...)
				c.Env, c.Stdout, c.Stderr = env, &stdout, &stderr
				if err := c.Run(); err != nil {
					t.Fatalf("onboard %s failed: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
				}
				if stderr.Len() > 0 {
					t.Errorf("onboard %s printed to stderr under %s:\n%s", strings.Join(args, " "), loc.name, stderr.String())
				}
			}
		})
	}
	if !haveDemo {
		t.Log("no demo bundle (run make demo): install, verify, repair and uninstall were not run")
	}
}

// quietEnv is this process's environment without locale, display or home
// settings, plus HOME=home and extra.
func quietEnv(home string, extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_"),
			k == "HOME" || strings.HasPrefix(k, "XDG_"),
			k == "DISPLAY" || k == "WAYLAND_DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "HOME="+home), extra...)
}
