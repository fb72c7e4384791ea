package platform

import (
	"path/filepath"
	"testing"
)

// A launcher names an install when it holds the install's folder as a
// whole path: /opt/acme2's launcher is not /opt/acme's (audit AD: an
// install took another's, replaced it and deleted it at uninstall), in
// UTF-8 and in a .lnk's UTF-16.
func TestNamesPrefixIsAWholePath(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		data  []byte
		names bool
	}{
		"mine.desktop":    {[]byte("[Desktop Entry]\nExec=/opt/acme/bin/tool %f\n"), true},
		"end.desktop":     {[]byte("Path=/opt/acme"), true},
		"quoted.desktop":  {[]byte(`Exec="/opt/acme" run`), true},
		"theirs.desktop":  {[]byte("[Desktop Entry]\nExec=/opt/acme2/bin/tool %f\n"), false},
		"dot.desktop":     {[]byte("Exec=/opt/acme.old/bin/tool\n"), false},
		"mine.lnk":        {append(utf16le(`C:\Acme\python.exe`), 0, 0), true},
		"theirs.lnk":      {append(utf16le(`C:\Acme2\python.exe`), 0, 0), false},
		"utf16-other.lnk": {utf16le(`C:\Acmeé\x`), false},
	} {
		p := filepath.Join(dir, name)
		mustWrite(t, p, string(c.data))
		prefix := "/opt/acme"
		if filepath.Ext(name) == ".lnk" {
			prefix = `C:\Acme`
		}
		if got := NamesPrefix(p, prefix); got != c.names {
			t.Errorf("%s: NamesPrefix(%q) = %v; want %v", name, prefix, got, c.names)
		}
	}
}
