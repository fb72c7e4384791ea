package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A menu whose shortcuts an install stopped before it made them says so
// in words, not "context canceled" (review BP 5).
func TestMakeMenusStoppedSaysSo(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	prefix := t.TempDir()
	if err := os.MkdirAll(filepath.Join(prefix, "Menu"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefix, "Menu", "tool.json"), []byte(`{"menu_name": "Tools", "menu_items": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, notes := MakeMenus(ctx, prefix, nil, nil, false, nil)
	if len(notes) != 1 || !strings.Contains(notes[0], "were not made: the install was stopped") || strings.Contains(notes[0], "context canceled") {
		t.Fatalf("notes %q", notes)
	}
}
