package prefix

import (
	"strings"
	"testing"
)

// FuzzParseJournal reads fuzzed journals (Recover's parser; it is not run
// on them, as it would act on the paths they name): no panic, and every
// action it keeps has an op and paths.
func FuzzParseJournal(f *testing.F) {
	f.Add([]byte(`{"journal":1,"root":"/p","created_root":true,"pid":1,"started":"2026-12-01T00:00:00Z"}` + "\n" +
		`{"op":"mkdir","paths":["/p/lib"]}` + "\n" + `{"op":"create","paths":["/p/lib/a","/p/lib/b"]}` + "\n" +
		`{"op":"aside","paths":["/p/x"],"backup":"/s/backup/1"}` + "\n" + `{"op":"tmpdir","paths":["/p/.condatmp"]}` + "\n" + `{"op":"cre`))
	f.Add([]byte("\n\n{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, acts := parseJournal(data)
		for _, a := range acts {
			if a.Op == "" || len(a.Paths) == 0 {
				t.Fatalf("kept an action without op or paths: %+v", a)
			}
		}
	})
}

func TestParseJournalFromAStream(t *testing.T) {
	head := `{"journal":1,"root":"/p"}` + "\n" + `{"op":"create","paths":["/p/a"]}` + "\n"
	_, acts := parseJournalFrom(strings.NewReader(head))
	if len(acts) != 1 || acts[0].Paths[0] != "/p/a" {
		t.Fatalf("got %+v", acts)
	}
	if MaxJournal < 1<<30 || maxJournalLine < 1<<20 {
		t.Fatalf("journal caps %d / %d are below what a large install writes", int64(MaxJournal), int64(maxJournalLine))
	}
}
