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
