package bundle

import (
	"fmt"
	"strings"
	"testing"
)

// A bundle.json key twice in one object, in any case, is refused: Go's
// decoder keeps the last and matches names in any case, where jq and
// Python read "version" alone (audit W2).
func TestUniqueKeys(t *testing.T) {
	for raw, bad := range map[string]bool{
		`{"version": "1", "name": "x"}`:                          false,
		`{"a": {"version": 1}, "version": 2}`:                    false,
		`{"a": [{"k": 1}, {"k": 2}], "b": {"k": [1, {"k": 3}]}}`: false,
		`{"version": "1", "version": "2099"}`:                    true,
		`{"version": "1", "Version": "2099"}`:                    true,
		`{"p": {"envs": {"team": [], "x": {"A": 1, "a": 2}}}}`:   true,
		`[{"k": 1, "k": 2}]`:                                     true,
	} {
		if err := uniqueKeys([]byte(raw)); (err != nil) != bad {
			t.Errorf("%s: %v; want refused %v", raw, err, bad)
		}
	}
}

func BenchmarkUniqueKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"platforms": {"linux-64": {"base": [`)
	for i := range 20000 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"fn": "p%d-1-0.conda", "name": "p%d", "version": "1", "build": "0", "subdir": "linux-64", "sha256": "%064d", "size": 1, "depends": ["python >=3.9", "numpy"]}`, i, i, i)
	}
	sb.WriteString(`]}}}`)
	raw := []byte(sb.String())
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if err := uniqueKeys(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// An object of many keys (a map of envs, of frozen messages) is checked in
// linear time: 200,000 keys, then one twice.
func TestUniqueKeysOfABigObject(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"frozen": {`)
	for i := range 200_000 {
		fmt.Fprintf(&sb, `"env%d": "", `, i)
	}
	sb.WriteString(`"ENV7": ""}}`)
	if err := uniqueKeys([]byte(sb.String())); err == nil || !strings.Contains(err.Error(), `"ENV7" twice`) {
		t.Fatalf("uniqueKeys = %v", err)
	}
}

// bundle.json is one JSON object and nothing after it but white space: a
// second object, which jq reads too, or any other bytes, is refused
// (audit AH: only the first object was read).
func TestManifestHoldsOneObject(t *testing.T) {
	for tail, refused := range map[string]bool{
		` {"version": "2099.1.0", "name": "Something else"}`: true,
		"\n<<not JSON>>": true,
		"\n \t\r\n":      false,
	} {
		_, err := OpenBytes(testZip(append(seedManifest(), tail...)), "test")
		if got := err != nil && strings.Contains(err.Error(), "has more after its object"); got != refused {
			t.Errorf("bundle.json followed by %q: %v; want refused %v", tail, err, refused)
		}
	}
}
