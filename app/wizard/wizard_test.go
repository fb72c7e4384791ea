package wizard

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/installer"
	"onboard/installer/bundle"
)

func manifest() *bundle.Manifest {
	return &bundle.Manifest{Name: "Acme", Version: "2026.11.0", Demo: true,
		Platforms: map[string]*bundle.Platform{"linux-64": {
			Base: []bundle.Package{{Size: 1000}},
			Envs: map[string][]bundle.Package{"team": {{Size: 2000}, {Size: 3000}}, "aaa": {{Size: 1}}},
		}},
		Launchers: []bundle.Launcher{{Name: "Jupyter Lab", Env: "team", Command: []string{"jupyter", "lab"}}},
	}
}

func TestSummarize(t *testing.T) {
	old := MaintenanceAppBytes
	MaintenanceAppBytes = func() int64 { return 999 }
	defer func() { MaintenanceAppBytes = old }()
	s := Summarize(manifest(), "linux-64")
	if len(s.Envs) != 3 || s.Envs[0].Name != "base" || s.Envs[1].Name != "aaa" || s.Envs[2].Packages != 2 {
		t.Fatalf("envs %+v", s.Envs)
	}
	if s.ArchiveBytes != 6001 || s.DiskBytes != 4*6001+999 { // no size facts: 4 × the archives, and the app
		t.Fatalf("bytes %+v", s)
	}
	joined := strings.Join(s.Lines(), "\n")
	for _, w := range []string{"demo bundle", "base (Miniconda): 1 package\n", "environment team: 2 packages", "about 25.0 kB"} {
		if !strings.Contains(joined, w) {
			t.Fatalf("lines lack %q:\n%s", w, joined)
		}
	}
}

func TestChooseSubdirAndJupyterEnv(t *testing.T) {
	m := manifest()
	if s, err := ChooseSubdir(m, []string{"linux-aarch64", "linux-64"}); err != nil || s != "linux-64" {
		t.Fatalf("%q %v", s, err)
	}
	_, err := ChooseSubdir(m, []string{"win-64"})
	if installer.ExitCode(err) != installer.ExitPlatform {
		t.Fatalf("err %v", err)
	}
	if e := JupyterEnv(m, "linux-64"); e != "team" {
		t.Fatalf("jupyter env %q", e)
	}
	m.Launchers = nil
	if e := JupyterEnv(m, "linux-64"); e != "aaa" {
		t.Fatalf("fallback env %q", e)
	}
}

func TestFlowValidates(t *testing.T) {
	st := &State{Bundle: &bundle.Bundle{Manifest: *manifest()}, Subdir: "linux-64"}
	f := NewFlow(nil, st)
	if err := f.Next(context.Background()); err != nil || f.Current().ID != StepLicence {
		t.Fatalf("welcome → %v %v", f.Current().Title, err)
	}
	if err := f.Next(context.Background()); !errors.Is(err, ErrLicenceRefused) || f.Current().ID != StepLicence {
		t.Fatalf("refused licence: %v at %s", err, f.Current().Title)
	}
	st.LicenceAccepted = true
	f.Next(context.Background())
	if err := f.Next(context.Background()); err == nil || f.Current().ID != StepLocation {
		t.Fatalf("empty prefix: %v", err)
	}
	f.Back()
	if f.Current().ID != StepLicence {
		t.Fatal("Back")
	}
	o := st.Options(nil, nil)
	if o.Subdir != "linux-64" || o.AllUsers {
		t.Fatalf("options %+v", o)
	}
}

func TestTracker(t *testing.T) {
	now := time.Unix(0, 0)
	var got []Progress
	tr := &Tracker{Now: func() time.Time { return now }, OnChange: func(p Progress) { got = append(got, p) }}
	tr.Stage(installer.StageExtract, 1000)
	now = now.Add(2 * time.Second)
	tr.Advance(500)
	p := tr.Snapshot()
	if p.Line() != "[2/7] Unpacking packages... 50%" || p.BytesPerSec != 250 || !p.LeftKnown {
		t.Fatalf("%+v %q", p, p.Line())
	}
	if !strings.Contains(p.Detail(), "250 B/s") || !strings.Contains(p.Detail(), "left") {
		t.Fatalf("detail %q", p.Detail())
	}
	before := p.Fraction
	tr.Stage(installer.StageCheck, 0) // a stage out of order never moves the bar back
	if tr.Snapshot().Fraction < before {
		t.Fatal("overall progress went back")
	}
	if len(got) != 3 {
		t.Fatalf("%d notifications", len(got))
	}
}

func TestFindInstalled(t *testing.T) {
	prefix := t.TempDir()
	os.MkdirAll(filepath.Join(prefix, StateDir), 0o755)
	exe := filepath.Join(prefix, StateDir, "onboard")
	if FindInstalled(exe) != nil {
		t.Fatal("found an install without manifest.json")
	}
	os.WriteFile(filepath.Join(prefix, StateDir, "manifest.json"), []byte(`{"name":"Acme","version":"1","subdir":"linux-64","platforms":{"linux-64":{"base":[],"envs":{"team":[]}}}}`), 0o644)
	in := FindInstalled(exe)
	if in == nil || in.Prefix != prefix || in.Subdir != "linux-64" || strings.Join(in.Envs(), ",") != "base,team" {
		t.Fatalf("%+v", in)
	}
	if in := FindInstalled("/usr/bin/onboard", "", prefix); in == nil {
		t.Fatal("not found by prefix")
	}
}

func TestExplain(t *testing.T) {
	p := Explain("The install", &installer.TargetError{Path: "/x", Reason: "not writable", Advice: "choose another folder"}, "/l.log")
	if p.Title != "The install failed" || p.Hint != "choose another folder" || !strings.Contains(p.Text(), "Log: /l.log") {
		t.Fatalf("%+v", p)
	}
	c := Explain("The install", context.Canceled, "")
	if !c.Cancelled || !strings.Contains(c.Message, "rolled back") {
		t.Fatalf("%+v", c)
	}
}
