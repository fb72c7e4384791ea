package installer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/internal/seam"
	"onboard/installer/maintain"
	"onboard/installer/uninstall"
)

// asOtherUser makes seam.MayModify say no, as for a user who did not install a
// shared install.
func asOtherUser(t *testing.T) {
	old := seam.MayModify
	seam.MayModify = func(string) bool { return false }
	t.Cleanup(func() { seam.MayModify = old })
}

func TestRepairAndUninstallOfASharedInstallNeedAnAdmin(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "shared")
	if err := os.MkdirAll(filepath.Join(prefix, ".onboard"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(prefix, ".onboard", "manifest.json"), []byte(`{"name":"x"}`), 0o644)
	asOtherUser(t)
	before := treeOf(t, prefix)
	_, err := maintain.Repair(context.Background(), prefix, maintain.RepairOptions{EnvironmentsTxt: "-"})
	var ae *AdminRequiredError
	if !errors.As(err, &ae) || ExitCode(err) != ExitTarget || ae.Action != "repair" {
		t.Fatalf("repair: %v (exit %d), want an AdminRequiredError, exit 4", err, ExitCode(err))
	}
	if h := HintFor(err); !strings.Contains(h, "sudo "+filepath.Join(prefix, ".onboard", "onboard")+" repair --prefix "+prefix) || !strings.Contains(h, "IT") {
		t.Fatalf("hint %q", h)
	}
	err = uninstall.Run(context.Background(), prefix, uninstall.Options{EnvironmentsTxt: "-"})
	if !errors.As(err, &ae) || ExitCode(err) != ExitTarget || ae.Action != "uninstall" {
		t.Fatalf("uninstall: %v, want an AdminRequiredError", err)
	}
	if after := treeOf(t, prefix); after != before {
		t.Fatalf("the refused commands changed the prefix:\n%s\n---\n%s", before, after)
	}
}

func treeOf(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		b.WriteString(p + " " + fi.Mode().String() + " " + fi.ModTime().String() + "\n")
		return nil
	})
	return b.String()
}
