package pkg

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"onboard/internal/condatest"
)

// index.json's "noarch" is read as conda's NoarchType.coerce reads it: a
// kind in any case, or a yes or a no; anything else is refused (exit 3),
// as conda refuses it. Before, "Python" was linked as a generic package
// (files in PREFIX/site-packages) and "weird" installed, and both records
// broke every conda command in the env (conda list: "'noarch_Python' is
// not a valid PackageType", CondaUpgradeError).
func TestNoarchValueAsCondaReadsIt(t *testing.T) {
	for in, want := range map[string]string{`"python"`: "python", `"Python"`: "python", `"GENERIC"`: "generic",
		`true`: "generic", `false`: "", `"yes"`: "generic", `"no"`: "", `"none"`: "", `""`: "", `null`: "", `"1"`: "generic", `"0"`: ""} {
		var ix Index
		if err := json.Unmarshal([]byte(`{"name":"a","version":"1","build":"0","noarch":`+in+`}`), &ix); err != nil || ix.Noarch != want {
			t.Errorf("noarch %s: %q, %v; want %q", in, ix.Noarch, err, want)
		}
	}
	for _, in := range []string{`"weird"`, `"python3"`, `3.5`, `{"type":"python"}`, `["python"]`} {
		var ix Index
		var ne *NoarchError
		if err := json.Unmarshal([]byte(`{"name":"a","version":"1","build":"0","noarch":`+in+`}`), &ix); !errors.As(err, &ne) {
			t.Errorf("noarch %s: %v; want a NoarchError", in, err)
		}
	}
	archive, err := condatest.WriteConda(t.TempDir(), condatest.Spec{Name: "w", Version: "1.0", Build: "0", Noarch: "weird",
		Files: []condatest.File{{Path: "share/w.txt", Data: []byte("w\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	wantFormatError(t, archive, `noarch value "weird" is no kind conda knows`)
	if _, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil); err == nil {
		t.Fatal("a package with noarch weird was extracted")
	}
}
