package wizard

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A folder that an interrupted install left half made (.onboard, pkgs,
// .condatmp, and its journal beside it) is rolled back by the location
// check, which says so instead of refusing the folder as not empty.
func TestCheckPrefixRecoversAnInterruptedInstall(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	prefix := filepath.Join(t.TempDir(), "acme")
	for _, d := range []string{".onboard", "pkgs", ".condatmp/pkgs"} {
		os.MkdirAll(filepath.Join(prefix, d), 0o755)
	}
	os.WriteFile(filepath.Join(prefix, ".onboard", "journal.json"), []byte(`{"journal":1}`+"\n"), 0o644)
	if _, err := (Real{}).CheckPrefix(prefix, 0); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("without a journal beside it the folder was not refused: %v", err)
	}
	head, _ := json.Marshal(map[string]any{"op": "install", "prefix": prefix, "created": prefix, "pid": 1, "started": "2026-12-02T00:00:00Z"})
	os.WriteFile(filepath.Join(filepath.Dir(prefix), ".acme.onboard-journal"), append(head, '\n'), 0o644)
	warnings, err := (Real{}).CheckPrefix(prefix, 0)
	if err != nil {
		t.Fatalf("CheckPrefix after an interrupted install: %v", err)
	}
	if len(warnings) == 0 || warnings[0] != "the last install was interrupted; it was rolled back" {
		t.Fatalf("warnings %q do not say the last install was rolled back", warnings)
	}
	if ents, _ := os.ReadDir(filepath.Dir(prefix)); len(ents) != 0 {
		t.Fatalf("left after the rollback: %v", ents)
	}
}
