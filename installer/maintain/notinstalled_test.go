package maintain

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
)

// Repair of a folder with no install refuses before it writes anything
// (no .onboard/lock, no environments.txt line); verify of a missing folder
// says there is no install, not "cannot install into".
func TestRepairAndVerifyRefuseAFolderWithoutInstall(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	os.MkdirAll(empty, 0o755)
	testkit.MustWrite(t, filepath.Join(empty, "notes.txt"), "mine")
	envTxt := filepath.Join(root, "environments.txt")
	_, err := Repair(context.Background(), empty, RepairOptions{EnvironmentsTxt: envTxt})
	var ne *engine.NotInstalledError
	if !errors.As(err, &ne) || engine.ExitCode(err) != engine.ExitTarget || !strings.Contains(engine.HintFor(err), "--prefix") {
		t.Fatalf("repair of a folder without install: %v (exit %d)", err, engine.ExitCode(err))
	}
	ents, _ := os.ReadDir(empty)
	if len(ents) != 1 {
		t.Fatalf("repair left a trace in the folder: %v", ents)
	}
	if _, err := os.Stat(envTxt); err == nil {
		t.Fatal("repair wrote environments.txt")
	}
	_, err = Verify(context.Background(), filepath.Join(root, "missing"), VerifyOptions{})
	if !errors.As(err, &ne) || strings.Contains(err.Error(), "cannot install into") || engine.ExitCode(err) != engine.ExitTarget {
		t.Fatalf("verify of a missing folder: %v", err)
	}
	// A folder without install (empty, or the user's) is none for verify
	// either: not "problems found, run repair", which repair then refuses.
	if _, err = Verify(context.Background(), empty, VerifyOptions{}); !errors.As(err, &ne) || engine.ExitCode(err) != engine.ExitTarget {
		t.Fatalf("verify of a folder without install: %v (exit %d)", err, engine.ExitCode(err))
	}
}
