package maintain

import (
	"encoding/json"
	"strings"
	"testing"
)

// The text report says a problem's kind in words ("wrong size"), and the
// JSON keeps its code ("wrong_size"), which tools match on (audit Y3).
func TestReportSaysKindsInWords(t *testing.T) {
	r := &Report{Prefix: "/p", Envs: []string{"base"}, Problems: []Problem{
		{Env: "base", Package: "zlib-1-0", Path: "lib/libz.so", Kind: ProblemWrongSize, Detail: "5 bytes, want 12"},
		{Env: "base", Path: "/home/a/.conda/environments.txt", Kind: ProblemEnvironmentsTxt},
	}}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  wrong size        lib/libz.so  (5 bytes, want 12)\n", "  environments.txt  /home/a/.conda/environments.txt\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the text lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "_") {
		t.Errorf("a code in the text for people:\n%s", b.String())
	}
	j, _ := json.Marshal(r.Problems[0])
	if !strings.Contains(string(j), `"kind":"wrong_size"`) {
		t.Errorf("the JSON's kind is %s; want the code wrong_size", j)
	}
}
