package engine

import (
	"strings"
	"testing"
)

// The user's own settings are told from an older onboard's in a .condarc
// that conda config changed. The file is what conda 26.7's config --set
// changeps1, --add channels and --add envs_dirs wrote over onboard's
// (ruamel's round trip keeps onboard's lines, adds keys at the end, and
// puts an added channel first in the list).
func TestUsersSettings(t *testing.T) {
	bundleRC := "# written by onboard from the bundle\nchannels:\n  - https://x.invalid\noffline: true\nsolver: classic\n"
	file := "# written by onboard from the bundle\nchannels:\n  - https://y.invalid\n  - https://x.invalid\noffline: true\nsolver: classic\nchangeps1: false\nenvs_dirs:\n  - /data/envs\n"
	part, keys := UsersSettings([]byte(file), []byte(bundleRC))
	if want := "channels:\n  - https://y.invalid\n  - https://x.invalid\nchangeps1: false\nenvs_dirs:\n  - /data/envs\n"; string(part) != want {
		t.Errorf("the user's part:\n%s\nwant:\n%s", part, want)
	}
	if strings.Join(keys, " ") != "channels changeps1 envs_dirs" {
		t.Errorf("keys %v", keys)
	}
	if part, keys := UsersSettings([]byte(bundleRC), []byte(bundleRC)); part != nil || keys != nil {
		t.Errorf("onboard's own file gave the user %q %v", part, keys)
	}
}

// The keys of the base's .condarc that the bundle's settings set too:
// conda reads condarc.d after it, so the bundle's values win there.
func TestOverridden(t *testing.T) {
	bundleRC := "# written by onboard from the bundle\nchannels:\n  - https://x.invalid\noffline: true\n"
	rc := "offline: false\nchangeps1: false\nchannels:\n  - mine\nenvs_dirs:\n  - /data\n"
	if got := strings.Join(Overridden([]byte(rc), []byte(bundleRC)), " "); got != "offline channels" {
		t.Errorf("Overridden = %q", got)
	}
	if got := Overridden([]byte("changeps1: false\n"), []byte(bundleRC)); got != nil {
		t.Errorf("Overridden = %q", got)
	}
}
