package installer

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// The install log, IT's record, says each thing once: a folder check's
// warning has one "warning:" (it had two: "warning: warning: … contains
// spaces"), and counts agree with their nouns ("1 package").
func TestInstallLogSaysThingsOnce(t *testing.T) {
	withEnv(t, fakeEnv(""))
	prefix := filepath.Join(t.TempDir(), "with space")
	if _, err := Install(context.Background(), Options{Prefix: prefix, Bundle: testkit.SmallBundle(t, "2026.11.0"), Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(state.LogPath(prefix))
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	if !strings.Contains(log, "warning: ") || strings.Contains(log, "warning: warning") {
		t.Errorf("the log's warning about the space:\n%s", log)
	}
	if m := regexp.MustCompile(`\b1 packages\b`).FindString(log); m != "" || !regexp.MustCompile(`installing env \w+ \(\d+ packages?\)`).MatchString(log) {
		t.Errorf("the log's package counts:\n%s", log)
	}
}
