package prefix

import "testing"

// The expected names are what conda 26.7's Channel(url).canonical_name
// gives for the same URLs.
func TestCanonicalChannel(t *testing.T) {
	for _, tt := range []struct{ channel, subdir, want string }{
		{"file:///root/.cache/x/pkgs/linux-64", "linux-64", "pkgs"},
		{"file:///root/.cache/x/pkgs/noarch", "noarch", "pkgs"},
		{"file:///C:/x/pkgs/win-64", "win-64", "pkgs"},
		{"file:///a/b/mirror/linux-64", "linux-64", "file:///a/b/mirror"},
		{"file:///a/pkgs/main/linux-64", "linux-64", "file:///a/pkgs/main"},
		{"file:///a/pkgsx/linux-64", "linux-64", "file:///a/pkgsx"},
		{"https://example.com/pkgs/linux-64", "linux-64", "pkgs"},
		{"https://example.com/a/pkgs/linux-64", "linux-64", "https://example.com/a/pkgs"},
		{"https://conda.anaconda.org/conda-forge/linux-64", "linux-64", "conda-forge"},
		{"<unknown>", "noarch", "<unknown>"},
	} {
		if got := CanonicalChannel(tt.channel, tt.subdir); got != tt.want {
			t.Errorf("CanonicalChannel(%q) = %q; want %q", tt.channel, got, tt.want)
		}
	}
}

// TestExactSpec checks the pins against what conda 26.7's
// str(MatchSpec(rec.to_match_spec(), name=rec.name)) printed for the same
// channel and subdir (misc.py explicit(); observations §6.4).
func TestExactSpec(t *testing.T) {
	for _, c := range []struct{ channel, subdir, want string }{
		{"<unknown>", "noarch", "<unknown>/noarch::dependent==1.0=0"},
		{"", "noarch", "<unknown>/noarch::dependent==1.0=0"},
		{"file:///tmp/chan/linux-64", "linux-64", "file:///tmp/chan/linux-64::dependent==1.0=0"},
		{"file:///tmp/chan", "linux-64", "file:///tmp/chan/linux-64::dependent==1.0=0"},
		// a folder named pkgs: the history names it "pkgs", the spec keeps the URL
		{"file:///tmp/b/pkgs/linux-64", "linux-64", "file:///tmp/b/pkgs/linux-64::dependent==1.0=0"},
		{"file:///C:/x/chan/win-64", "win-64", "file:///C:/x/chan/win-64::dependent==1.0=0"},
		{"https://conda.anaconda.org/conda-forge/linux-64", "linux-64", "conda-forge/linux-64::dependent==1.0=0"},
		{"http://conda.anaconda.org/conda-forge/linux-64", "linux-64", "conda-forge/linux-64::dependent==1.0=0"},
		{"https://repo.anaconda.com/pkgs/main/linux-64", "linux-64", "https://repo.anaconda.com/pkgs/main/linux-64::dependent==1.0=0"},
		{"https://example.com/a/b/linux-64", "linux-64", "https://example.com/a/b/linux-64::dependent==1.0=0"},
	} {
		r := &Record{Name: "dependent", Version: "1.0", Build: "0", Channel: c.channel, Subdir: c.subdir}
		if got := ExactSpec(r); got != c.want {
			t.Errorf("ExactSpec(channel %q, subdir %q) = %q; want %q", c.channel, c.subdir, got, c.want)
		}
	}
	r := &Record{Name: "conda-index-pkg-a", Version: "1.0", Build: "pyhed9eced_1", Channel: "<unknown>", Subdir: "noarch"}
	if got, want := ExactSpec(r), "<unknown>/noarch::conda-index-pkg-a==1.0=pyhed9eced_1"; got != want {
		t.Errorf("ExactSpec = %q; want %q (observations §6.4)", got, want)
	}
}
