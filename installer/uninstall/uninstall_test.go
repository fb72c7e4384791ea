package uninstall

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
)

// Run removes the prefix and its lines of environments.txt, and nothing
// else of the user's.
func TestUninstall(t *testing.T) {
	fi := installFixtures(t)
	testkit.MustWrite(t, fi.EnvTxt, "/keep/me\r\n"+fi.Prefix+"\n"+filepath.Join(fi.Prefix, "envs", "py")+"\n/and/me")
	outside := filepath.Join(filepath.Dir(fi.Prefix), "user.txt")
	testkit.MustWrite(t, outside, "mine")
	if err := Run(context.Background(), fi.Prefix, Options{EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := os.Lstat(fi.Prefix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v for the prefix; want it gone", err)
	}
	if b, _ := os.ReadFile(fi.EnvTxt); string(b) != "/keep/me\r\n/and/me" {
		t.Fatalf("got environments.txt %q; want the other lines byte for byte", b)
	}
	if b, _ := os.ReadFile(outside); string(b) != "mine" {
		t.Fatalf("got %q outside the prefix; want it untouched", b)
	}
}

func TestUninstallRefusesNonOnboardFolder(t *testing.T) {
	dir := t.TempDir()
	testkit.MustWrite(t, filepath.Join(dir, "precious.txt"), "x")
	err := Run(context.Background(), dir, Options{EnvironmentsTxt: "-"})
	var te *engine.TargetError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "not an onboard install") {
		t.Fatalf("got %v; want a TargetError saying it is not an onboard install", err)
	}
	if want := fmt.Sprintf("cannot uninstall %q: ", dir); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q; want it to start %q (not \"cannot install into\")", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious.txt")); err != nil {
		t.Fatalf("the folder was touched: %v", err)
	}
}
