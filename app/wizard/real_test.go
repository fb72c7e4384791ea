package wizard

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
)

// A folder that an interrupted install left half made (.onboard, pkgs,
// .condatmp, and its journal beside it) is not refused as not empty: the
// plan is of the folder as the recovery will leave it, says so, and
// changes nothing (Install recovers).
func TestPlanForeseesTheRecoveryOfAnInterruptedInstall(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	root := t.TempDir()
	prefix := filepath.Join(root, "acme")
	for _, d := range []string{".onboard", "pkgs", ".condatmp/pkgs"} {
		os.MkdirAll(filepath.Join(prefix, d), 0o755)
	}
	os.WriteFile(filepath.Join(prefix, ".onboard", "journal.json"), []byte(`{"journal":1}`+"\n"), 0o644)
	st := &State{Bundle: &bundle.Bundle{Manifest: *manifest()}, Subdir: "linux-64", Prefix: prefix}
	if _, err := CheckPlan(context.Background(), Real{}, st.Options(nil, nil)); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("without a journal beside it the folder was not refused: %v", err)
	}
	head, _ := json.Marshal(map[string]any{"op": "install", "prefix": prefix, "created": prefix, "pid": 1, "started": "2026-12-02T00:00:00Z"})
	os.WriteFile(filepath.Join(root, ".acme.onboard-journal"), append(head, '\n'), 0o644)
	plan, err := CheckPlan(context.Background(), Real{}, st.Options(nil, nil))
	if err != nil {
		t.Fatalf("plan after an interrupted install: %v", err)
	}
	v := Describe(plan, err)
	if plan.Recover != "install" || v.Status != StatusWarning || !strings.Contains(v.Text(), "Note: the last install into this folder was interrupted; Install first rolls it back") {
		t.Fatalf("recover %q, verdict %+v", plan.Recover, v)
	}
	if ents, _ := os.ReadDir(root); len(ents) != 2 {
		t.Fatalf("the plan changed the folder: %v", ents)
	}
}
