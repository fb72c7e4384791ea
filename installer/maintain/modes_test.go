//go:build unix

package maintain

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// For the owner, a missing environments.txt line is still damage.
func TestEnvironmentsTxtIsDamageForTheOwner(t *testing.T) {
	fi := installFixtures(t)
	r, _ := Verify(context.Background(), fi.Prefix, VerifyOptions{EnvironmentsTxt: filepath.Join(t.TempDir(), "environments.txt")})
	if r == nil || r.Healthy || !strings.Contains(kindsOf(r), string(ProblemEnvironmentsTxt)) {
		t.Fatalf("verify of an install missing from its owner's environments.txt: %+v", r)
	}
}

func kindsOf(r *Report) string {
	var s []string
	for _, p := range r.Problems {
		s = append(s, string(p.Kind))
	}
	return strings.Join(s, " ")
}
