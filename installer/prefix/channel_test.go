package prefix

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/fixtures"
)

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
		// Miniconda's channels, wherever served, are conda's "defaults" (audit BL 1)
		{"https://repo.anaconda.com/pkgs/main/linux-64", "linux-64", "defaults"},
		{"https://mirror.example.com/pkgs/r/noarch", "noarch", "defaults"},
		{"https://repo.anaconda.com/pkgs/free/linux-64", "linux-64", "https://repo.anaconda.com/pkgs/free"},
		{"https://repo.anaconda.com/pkgs/pro/linux-64", "linux-64", "pkgs/pro"},
		{"file:///srv/my%20chan/linux-64", "linux-64", "file:///srv/my chan"},
	} {
		if got := CanonicalChannel(tt.channel, tt.subdir); got != tt.want {
			t.Errorf("CanonicalChannel(%q) = %q; want %q", tt.channel, got, tt.want)
		}
	}
}

// conda's own Channel(url).canonical_name (conda's source in
// ../shared/fixtures/conda-source, run by Debian's python3, no .condarc)
// names each of these channels as CanonicalChannel does, on Linux and as
// on Windows (CONDA_SUBDIR=win-64: conda's "defaults" then holds
// pkgs/msys2). Miniconda's own channel is "defaults" wherever it is served
// from: a history that named it pkgs/main made conda's next command write
// every package of the env as removed and added again (audit BL 1).
func TestCanonicalChannelAsConda(t *testing.T) {
	channels := []string{
		"https://repo.anaconda.com/pkgs/main/linux-64", "https://repo.anaconda.com/pkgs/main/noarch",
		"http://repo.anaconda.com/pkgs/main/linux-64", "https://repo.anaconda.com/pkgs/r/noarch",
		"https://repo.anaconda.com/pkgs/msys2/win-64", "https://repo.anaconda.com/pkgs/free/linux-64",
		"https://repo.anaconda.com/pkgs/pro/linux-64", "https://repo.anaconda.com/pkgs/snowflake/linux-64",
		"https://repo.anaconda.com/pkgs/main/sub/linux-64", "https://repo.anaconda.com/pkgs/linux-64",
		"https://repo.anaconda.com/pkgs/mainx/linux-64", "https://repo.anaconda.com/pkgs/main/linux-64/",
		"https://repo.anaconda.com/other/linux-64", "https://Repo.Anaconda.com/other/linux-64",
		"https://repo.continuum.io/pkgs/free/linux-64", "https://repo.continuum.io/pkgs/main/linux-64",
		"https://mirror.example.com/pkgs/main/linux-64", "https://mirror.example.com:8443/pkgs/main/linux-64",
		"https://mirror.example.com/conda/pkgs/main/linux-64", "https://mirror.example.com/conda/team/linux-64",
		"https://mirror.example.com/conda/linux-64", "https://mirror.example.com/conda/pkgs/linux-64",
		"https://mirror.example.com/pkgs/r/linux-64", "https://mirror.example.com/pkgs/linux-64",
		"https://mirror.example.com/pkgs/pro/linux-64", "https://mirror.example.com/a/b/linux-64",
		"https://mirror.example.com/linux-64", "https://mirror.example.com/chan/LINUX-64",
		"https://mirror.example.com/linux-64/chan/noarch", "https://mirror.example.com/chan/somethingelse",
		"HTTPS://mirror.example.com/chan/linux-64", "https://user:pw@mirror.example.com/chan/linux-64",
		"https://mirror.example.com/t/tok-1/chan/linux-64", "https://mirror.example.com/a/t/tok/chan/linux-64",
		"https://mirror.example.com/conda/t/tk-1/pkgs/main/linux-64", "https://mirror.example.com/my%20dir/chan/linux-64",
		"https://mirror.example.com/pkgs/main/x%20y/linux-64", "https://mirror.example.com/chan/",
		"https://conda.anaconda.org/conda-forge/linux-64", "http://conda.anaconda.org/conda-forge/noarch",
		"https://conda.anaconda.org/pytorch/label/dev/linux-64", "https://conda.anaconda.org/pkgs/main/linux-64",
		"https://conda.anaconda.org/t/abc-123/conda-forge/linux-64", "https://conda.anaconda.org/linux-64",
		"file:///srv/pkgs/linux-64", "file:///srv/my%20chan/linux-64", "file:///my%20dir/chan/linux-64",
		"file:///srv/chan/linux-64", "file:///chan/linux-64", "file:///srv/conda-bld/linux-64",
		"file:///srv/pkgs/main/linux-64", "file:///srv/a%2Bb/linux-64", "file:///srv/pkgs%2Fmain/linux-64",
		"file:///C:/x/pkgs/win-64", "file:///C:/chan/win-64", "file://server/share/chan/win-64",
		"s3://bucket/chan/linux-64", "conda-forge", "pkgs/main", "pkgs/msys2", "defaults", "<unknown>",
	}
	src := filepath.Join(filepath.Dir(fixtures.Dir(t)), "conda-source", "site-packages")
	script := "import sys, json\nsys.path.insert(0, sys.argv[1])\nfrom conda.models.channel import Channel\n" +
		"print(json.dumps([Channel(u).canonical_name for u in json.load(sys.stdin)]))\n"
	in, _ := json.Marshal(channels)
	for _, win := range []bool{false, true} {
		cmd := exec.Command("/usr/bin/python3", "-c", script, src)
		cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}
		if win {
			cmd.Env = append(cmd.Env, "CONDA_SUBDIR=win-64")
		}
		cmd.Stdin = strings.NewReader(string(in))
		out, err := cmd.Output()
		var want []string
		if err == nil {
			err = json.Unmarshal(out, &want)
		}
		if err != nil || len(want) != len(channels) {
			if ee, ok := err.(*exec.ExitError); ok {
				err = fmt.Errorf("%v: %s", err, ee.Stderr)
			}
			if os.Getenv("CI") == "" {
				t.Skipf("conda's source does not run here: %v", err)
			}
			t.Fatalf("conda's source: %v (%d names for %d channels)", err, len(want), len(channels))
		}
		for i, c := range channels {
			if got := canonicalChannel(c, win); got != want[i] {
				t.Errorf("windows %v: canonicalChannel(%q) = %q; conda says %q", win, c, got, want[i])
			}
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
