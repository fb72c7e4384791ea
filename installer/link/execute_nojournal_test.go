package link

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without a journal nothing could put a replaced file back, so Execute's
// stand-in journal refuses to move one aside and leaves it as it was.
func TestNoJournalKeepsExistingFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "user-file.txt")
	if err := os.WriteFile(p, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := nopJournal{}.MoveAside(p)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("MoveAside without a journal: %v; want a refusal naming the file", err)
	}
	if b, rerr := os.ReadFile(p); rerr != nil || string(b) != "mine" {
		t.Fatalf("the file was changed: %q, %v", b, rerr)
	}
}
