package installer

import (
	"path/filepath"
	"testing"
)

// An env folder whose name starts with ".." is inside the install, and
// shares the install's state folder; a folder beside the install does not.
func TestStateDirForEnvsNamedDotDot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "acme")
	for _, tt := range []struct{ env, want string }{
		{filepath.Join(root, "envs", "team"), filepath.Join(root, ".onboard")},
		{filepath.Join(root, "..team"), filepath.Join(root, ".onboard")},
		{root, filepath.Join(root, ".onboard")},
		{filepath.Join(root+"-other", "envs", "x"), filepath.Join(root+"-other", "envs", "x", ".onboard")},
		{filepath.Join(filepath.Dir(root), "beside"), filepath.Join(filepath.Dir(root), "beside", ".onboard")},
	} {
		if got := stateDirFor(tt.env, EnvRequest{RootPrefix: root}); got != tt.want {
			t.Errorf("stateDirFor(%q) = %q, want %q", tt.env, got, tt.want)
		}
	}
}
