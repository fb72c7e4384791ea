package bundle

import (
	"strings"
	"testing"
)

func TestParseLock(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	md := strings.Repeat("cd", 16)
	data := "# platform: linux-64\n# created-by: conda 26.7.1\n\n@EXPLICIT\n" +
		"https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-hb9d3cd8_2.conda#" + md + "\n" +
		"  https://c.org/main/noarch/six-1.16.0-pyhd3eb1b0_1.tar.bz2#" + sha + "  \n" +
		"# a comment\n" +
		"https://c.org/main/linux-64/xz-5.4.6-h5eee18b_1.conda#sha256:" + sha + "\n" +
		"https://c.org/main/linux-64/bzip2-1.0.8-h5eee18b_6.conda\n" +
		"pkgs/local-1.0-0.tar.bz2\n"
	l, err := ParseLock("/locks/base.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if l.Platform != "linux-64" {
		t.Errorf("platform = %q; want linux-64", l.Platform)
	}
	tests := []struct {
		line               int
		fn, md5, sha, sdir string
	}{
		{5, "zlib-1.3.1-hb9d3cd8_2.conda", md, "", "linux-64"},
		{6, "six-1.16.0-pyhd3eb1b0_1.tar.bz2", "", sha, "noarch"},
		{8, "xz-5.4.6-h5eee18b_1.conda", "", sha, "linux-64"},
		{9, "bzip2-1.0.8-h5eee18b_6.conda", "", "", "linux-64"},
		{10, "local-1.0-0.tar.bz2", "", "", ""},
	}
	if len(l.Entries) != len(tests) {
		t.Fatalf("got %d entries; want %d", len(l.Entries), len(tests))
	}
	for i, tt := range tests {
		e := l.Entries[i]
		if e.Line != tt.line || e.Fn != tt.fn || e.MD5 != tt.md5 || e.SHA256 != tt.sha || e.Subdir != tt.sdir {
			t.Errorf("entry %d = %+v; want line %d fn %s md5 %q sha %q subdir %q", i, e, tt.line, tt.fn, tt.md5, tt.sha, tt.sdir)
		}
	}
	if got := l.Entries[4].URL; got != "file:///locks/pkgs/local-1.0-0.tar.bz2" {
		t.Errorf("plain path URL = %q; want file:///locks/pkgs/local-1.0-0.tar.bz2", got)
	}
}

func TestParseLockErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"no explicit", "# platform: linux-64\n", "no @EXPLICIT line"},
		{"spec before explicit", "numpy\n@EXPLICIT\n", "x.txt:1: \"numpy\" comes before"},
		{"bad line", "@EXPLICIT\nhttps://x/linux-64/foo.whl\n", "x.txt:2: \"https://x/linux-64/foo.whl\" is not a package URL"},
		{"bad hash", "@EXPLICIT\nhttps://x/linux-64/a-1-0.conda#xyz\n", "x.txt:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLock("x.txt", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCalVer(t *testing.T) {
	tests := []struct {
		a, b string
		want int
		ok   bool
	}{
		{"2026.11.0", "2026.11.0", 0, true},
		{"2026.11.1", "2026.11.0", 1, true},
		{"2026.9.0", "2026.10.0", -1, true},
		{"2026.09.0", "2026.9.0", 0, true},
		{"2025.12.3", "2026.1.0", -1, true},
		{"2026.13.0", "2026.1.0", 0, false},
		{"26.1.0", "2026.1.0", 0, false},
		{"2026.1.01", "2026.1.0", 0, false},
		{"2026.1", "2026.1.0", 0, false},
	}
	for _, tt := range tests {
		_, err := ParseCalVer(tt.a)
		if (err == nil) != tt.ok {
			t.Errorf("ParseCalVer(%q) err = %v; want ok=%v", tt.a, err, tt.ok)
			continue
		}
		if tt.ok {
			if got := CompareVersions(tt.a, tt.b); got != tt.want {
				t.Errorf("CompareVersions(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
		}
	}
}

func TestInstallerName(t *testing.T) {
	tests := []struct{ name, ver, goos, goarch, want string }{
		{"Acme Python", "2026.11.0", "windows", "amd64", "Acme-Python-2026.11.0-windows-x86_64.exe"},
		{"Acme Python", "2026.11.0", "darwin", "arm64", "Acme-Python-2026.11.0-macos-arm64"},
		{"  Data/Sci: Team!  ", "2026.1.0", "linux", "386", "Data-Sci-Team-2026.1.0-linux-x86"},
		{"***", "2026.1.0", "solaris", "amd64", "bundle-2026.1.0-solaris-x86_64"},
	}
	for _, tt := range tests {
		if got := InstallerName(tt.name, tt.ver, tt.goos, tt.goarch); got != tt.want {
			t.Errorf("InstallerName(%q, %s, %s) = %q; want %q", tt.name, tt.goos, tt.goarch, got, tt.want)
		}
	}
}
