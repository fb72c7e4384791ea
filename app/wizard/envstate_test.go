package wizard

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The last check of each env: a check of the whole install dates every
// env, a check of one env only that one; a file written before per-env
// checks reads as a check of the whole install.
func TestLastCheckPerEnv(t *testing.T) {
	envs := []string{"base", "team"}
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var c LastCheck
	if _, ok := c.Env("team"); ok {
		t.Fatal("a new install has a last check")
	}
	c.Record("verify", t0, &Health{OK: false, EnvProblems: map[string]int{"team": 2}, Problems: []string{"a", "b"}}, envs)
	if ec, _ := c.Env("base"); ec.Time != t0 || ec.Problems != 0 || !ec.Elsewhere {
		t.Fatalf("base after a whole check: %+v", ec)
	}
	t1 := t0.Add(time.Hour)
	c.Record("repair", t1, &Health{OK: true, Env: "team"}, envs)
	if ec, _ := c.Env("team"); ec.Time != t1 || ec.Problems != 0 || ec.What != "repair" || ec.Elsewhere {
		t.Fatalf("team after its repair: %+v", ec)
	}
	if ec, _ := c.Env("base"); ec.Time != t0 || !ec.Elsewhere {
		t.Fatalf("base changed by a repair of team: %+v", ec)
	}
	if c.Time != t1 || c.Health.Env != "team" {
		t.Fatalf("the last check is %v of %q", c.Time, c.Health.Env)
	}

	prefix := t.TempDir()
	os.MkdirAll(filepath.Dir(lastCheckPath(prefix)), 0o755)
	if err := SaveLastCheck(prefix, c); err != nil {
		t.Fatal(err)
	}
	if got := ReadLastCheck(prefix); got == nil || got.Envs["base"].Time != t0 || got.Envs["team"].What != "repair" {
		t.Fatalf("read back %+v", got)
	}

	// a file from before: one check of the whole install
	os.WriteFile(lastCheckPath(prefix), []byte(`{"time":"2026-11-30T09:00:00Z","what":"verify","health":{"OK":false,"Problems":["x"],"EnvProblems":{"team":1}}}`), 0o644)
	old := ReadLastCheck(prefix)
	if ec, ok := old.Env("team"); !ok || ec.Problems != 1 || ec.Time.Hour() != 9 {
		t.Fatalf("team from an old file: %+v %v", ec, ok)
	}
	old.Record("verify", t1, &Health{OK: true, Env: "team"}, envs)
	if ec, _ := old.Env("base"); ec.Time.Hour() != 9 || !ec.Elsewhere {
		t.Fatalf("base lost its old check when team was checked: %+v", ec)
	}
}
