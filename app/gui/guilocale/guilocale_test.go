package guilocale

import (
	"os"
	"testing"
)

func TestParsable(t *testing.T) {
	for v, want := range map[string]bool{
		"en_US.UTF-8": true, "de_DE": true, "fr": true, "pt_BR.utf8": true, "es_419": true, "en-GB": true,
		"C.UTF-8": false, "C.utf8": false, "POSIX.UTF-8": false, "C": false, "en_US@euro": false, "": false, "english": false,
	} {
		if got := Parsable(v); got != want {
			t.Errorf("Parsable(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestQuietAndRestore(t *testing.T) {
	cases := []struct {
		name      string
		env, want map[string]string // want: the values while Fyne initialises
	}{
		{"C.UTF-8 in LANG", map[string]string{"LANG": "C.UTF-8"}, map[string]string{"LANG": "C"}},
		{"LC_ALL wins", map[string]string{"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"}, map[string]string{"LC_ALL": "C", "LANG": "en_US.UTF-8"}},
		{"good LANG kept", map[string]string{"LANG": "de_DE.UTF-8"}, map[string]string{"LANG": "de_DE.UTF-8"}},
		{"plain C kept", map[string]string{"LANG": "C", "LANGUAGE": "C.UTF-8"}, map[string]string{"LANG": "C", "LANGUAGE": "C.UTF-8"}},
		{"bad LANGUAGE dropped", map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "en_US:C.UTF-8"}, map[string]string{"LANG": "en_US.UTF-8"}},
		{"nothing set", map[string]string{}, map[string]string{}},
	}
	Restore() // undo what init did to this test process
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANG", "")
			t.Setenv("LANGUAGE", "")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			Quiet(getenv, setenv)
			for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
				if got := getenv(k); got != c.want[k] {
					t.Errorf("while Fyne starts, %s = %q, want %q", k, got, c.want[k])
				}
			}
			Restore()
			for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
				if got := getenv(k); got != c.env[k] {
					t.Errorf("after Restore, %s = %q, want the person's %q", k, got, c.env[k])
				}
			}
		})
	}
}

func getenv(k string) string { return os.Getenv(k) }
