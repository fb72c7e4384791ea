package bundle

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"onboard/installer/pkg"
	"onboard/internal/condatest"
)

// A package's prelink messages, which conda shows before it installs it,
// go into bundle.json, so that every front end can show them with the
// licence before anything is installed.
func TestBuildKeepsPrelinkMessages(t *testing.T) {
	spec := condatest.Spec{Name: "eula", Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
		Files: []condatest.File{{Path: "share/eula/x", Data: []byte("x")}},
		InfoFiles: []condatest.File{
			{Path: "info/prelink_messages/terms.txt", Data: []byte("By installing you accept the terms.\r\n\x1b[8m")},
		}}
	out, err := buildOnePackage(t, spec, "linux-64")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := b.Manifest.Platforms["linux-64"].Base[0].PrelinkMessages
	want := []pkg.Message{{File: "terms.txt", Text: "By installing you accept the terms.\n\uFFFD[8m"}}
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("manifest messages %q, want %q", got, want)
	}
	if s := b.Summary(); len(s.Subdirs) != 1 || strings.Join(s.Subdirs[0].Messages, "|") != "eula 1 (terms.txt)" {
		t.Errorf("inspect's summary %+v does not name the package with messages", s.Subdirs)
	}

	spec.InfoFiles = nil
	out, err = buildOnePackage(t, spec, "linux-64")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if strings.Contains(string(plain.ManifestBytes), "prelink_messages") {
		t.Errorf("a bundle without messages names them in bundle.json:\n%s", plain.ManifestBytes)
	}
}

// Open refuses a bundle.json whose messages a terminal would not show as
// written, or that pass the cap: bundle build never writes such a one.
func TestManifestRefusesUnsafeMessages(t *testing.T) {
	p := Package{Fn: "good-1-0.conda", Name: "good", Version: "1", Build: "0", Subdir: "noarch", SHA256: strings.Repeat("a", 64), Size: 1,
		PrelinkMessages: []pkg.Message{{File: "terms.txt", Text: "Accept.\n"}}}
	if err := p.validate(); err != nil {
		t.Fatalf("validate(%+v) = %v", p, err)
	}
	for _, m := range [][]pkg.Message{
		{{File: "terms.txt", Text: "\x1b[2J"}},
		{{File: "terms.txt", Text: "a\u202eb"}},
		{{File: "a\nb", Text: "x"}},
		{{File: "", Text: "x"}},
		{{File: "1", Text: strings.Repeat("a", pkg.MaxPrelinkMessages)}, {File: "2", Text: "b"}},
	} {
		q := p
		q.PrelinkMessages = m
		if err := q.validate(); err == nil || !strings.Contains(err.Error(), "prelink message") {
			t.Errorf("validate(messages %.40q) = %v; want it refused", m, err)
		}
	}
}

// Messages at their cap in a dozen packages, of characters that JSON
// spells in six bytes, would make a bundle.json larger than an install
// reads: the build says so, rather than write a bundle no one can open.
func TestBuildRefusesAManifestTooLargeToRead(t *testing.T) {
	var specs []condatest.Spec
	for i := range 11 {
		specs = append(specs, condatest.Spec{Name: fmt.Sprintf("eula%d", i), Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
			InfoFiles: []condatest.File{{Path: "info/prelink_messages/terms.txt", Data: bytes.Repeat([]byte("<"), pkg.MaxPrelinkMessages)}}})
	}
	out, err := buildPackages(t, "linux-64", specs...)
	if err == nil || !strings.Contains(err.Error(), "bundle.json would be") || !strings.Contains(err.Error(), "prelink messages") {
		t.Fatalf("build: %v; want it refused for the size of bundle.json", err)
	}
	if _, serr := os.Stat(out); serr == nil {
		t.Errorf("a refused build left %s", out)
	}
	if _, err := buildPackages(t, "linux-64", specs[:10]...); err != nil {
		t.Errorf("ten such packages (15 MiB of bundle.json): %v", err)
	}
}
