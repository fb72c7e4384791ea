package bundle

import (
	"strings"
	"testing"
)

// A manifest entry's fn is <name>-<version>-<build>: the install checks
// the archive's index.json against the file name, and the env's checks
// (one package of each name) use the entry's name.
func TestPackageFnMatchesItsName(t *testing.T) {
	p := Package{Fn: "good-1-0.conda", Name: "good", Version: "1", Build: "0", Subdir: "noarch", SHA256: strings.Repeat("a", 64), Size: 1}
	if err := p.validate(); err != nil {
		t.Fatalf("validate(%+v) = %v", p, err)
	}
	for _, fn := range []string{"evil-1-0.conda", "good-1-1.tar.bz2", "good-1-0-x.conda"} {
		q := p
		q.Fn = fn
		if err := q.validate(); err == nil || !strings.Contains(err.Error(), "is not <name>-<version>-<build>") {
			t.Errorf("validate(fn %q) = %v; want it refused", fn, err)
		}
	}
}
