package main

import (
	"bytes"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"onboard/app/launch"
	"onboard/installer"
	"onboard/installer/bundle"
)

// demoBundle makes the demo bundle once for the tests of this package.
var demoBundle = struct {
	path string
	err  error
}{}

func makeDemo(t *testing.T) string {
	t.Helper()
	if demoBundle.path == "" && demoBundle.err == nil {
		dir, err := os.MkdirTemp("", "onboard-demo-test-")
		if err == nil {
			demoBundle.path = filepath.Join(dir, "demo.zip")
			err = Make(context.Background(), demoBundle.path)
		}
		demoBundle.err = err
	}
	if demoBundle.err != nil {
		t.Fatalf("Make: %v", demoBundle.err)
	}
	return demoBundle.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoBundle.path != "" {
		os.RemoveAll(filepath.Dir(demoBundle.path))
	}
	os.Exit(code)
}

func TestDemoBundle(t *testing.T) {
	a := makeDemo(t)
	b := filepath.Join(t.TempDir(), "b", "b.zip")
	if err := Make(context.Background(), b); err != nil {
		t.Fatalf("Make: %v", err)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatalf("two demo bundles differ (%d and %d bytes); want identical", len(da), len(db))
	}
	bd, err := bundle.OpenBytes(da, "test")
	if err != nil {
		t.Fatalf("OpenBytes: %v", err)
	}
	m := bd.Manifest
	if !m.Demo || m.Name != Name || strings.Join(m.Subdirs(), ",") != strings.Join(Subdirs, ",") {
		t.Errorf("demo=%v name=%q subdirs=%v; want a demo %q for %v", m.Demo, m.Name, m.Subdirs(), Name, Subdirs)
	}
	if len(m.Launchers) != 1 || m.Launchers[0].Env != "team" {
		t.Errorf("launchers = %+v; want one on env team", m.Launchers)
	}
	for _, sd := range Subdirs {
		if err := bd.Verify(context.Background(), sd, 2, nil); err != nil {
			t.Errorf("Verify(%s): %v", sd, err)
		}
		if got := len(m.Platforms[sd].Envs["team"]); got != 2 {
			t.Errorf("%s team env has %d packages; want 2", sd, got)
		}
	}
}

// TestDemoJupyterIsAProgramPerPlatform installs the demo for each subdir and
// checks that the team env's jupyter is the stand-in built for that
// platform: an ELF, Mach-O or PE executable of the right machine.
func TestDemoJupyterIsAProgramPerPlatform(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
	b, err := bundle.Open(makeDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, sd := range Subdirs {
		prefix := filepath.Join(t.TempDir(), "demo")
		if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: sd}); err != nil {
			t.Fatalf("install %s: %v", sd, err)
		}
		exe := filepath.Join(prefix, "envs", "team", "bin", "jupyter")
		if windows(sd) {
			exe = filepath.Join(prefix, "envs", "team", "Scripts", "jupyter.exe")
		}
		var machine string
		switch goTargets[sd][0] {
		case "linux":
			f, err := elf.Open(exe)
			if err != nil {
				t.Fatalf("%s: %v", sd, err)
			}
			machine = f.Machine.String()
			f.Close()
			if fi, _ := os.Stat(exe); fi.Mode()&0o111 == 0 {
				t.Errorf("%s: %s is not executable", sd, exe)
			}
		case "darwin":
			f, err := macho.Open(exe)
			if err != nil {
				t.Fatalf("%s: %v", sd, err)
			}
			machine = f.Cpu.String()
			f.Close()
		case "windows":
			f, err := pe.Open(exe)
			if err != nil {
				t.Fatalf("%s: %v", sd, err)
			}
			machine = map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64"}[f.Machine]
			f.Close()
		}
		want := map[string]string{"linux-64": "EM_X86_64", "osx-64": "CpuAmd64", "osx-arm64": "CpuArm64", "win-64": "amd64"}[sd]
		if machine != want {
			t.Errorf("%s: %s is for %q; want %q", sd, exe, machine, want)
		}
	}
}

// TestDemoLaunchesJupyter installs the linux-64 demo and starts its Jupyter
// the way the launchers do: the stand-in answers with the token onboard
// gave it and reports its URL, and stops.
func TestDemoLaunchesJupyter(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the linux-64 demo's programs run on linux/amd64 only")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	t.Setenv("XDG_RUNTIME_DIR", "")
	b, err := bundle.Open(makeDemo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	prefix := filepath.Join(t.TempDir(), "demo")
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: "linux-64"}); err != nil {
		t.Fatal(err)
	}
	var opened string
	s, err := launch.Jupyter(context.Background(), launch.Options{Prefix: prefix, Env: "team", Command: []string{"jupyter", "lab"},
		NotebookDir: filepath.Join(home, "nb"), OpenBrowser: func(u string) error { opened = u; return nil }})
	if err != nil {
		t.Fatalf("launch: %v", err)
	}
	t.Cleanup(func() { launch.Stop(prefix, "team") })
	if opened != s.URL || !strings.Contains(s.URL, "?token="+s.Token) || !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("opened %q, server %+v; want the stand-in's own URL with the token", opened, s)
	}
	resp, err := http.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "This is the onboard demo") {
		t.Errorf("GET %s = %d %q; want the demo page", s.URL, resp.StatusCode, body)
	}
	if what, err := launch.Stop(prefix, "team"); err != nil || what == "" {
		t.Errorf("Stop = %q, %v; want the server stopped", what, err)
	}
	if resp, err := http.Get(s.URL); err == nil {
		resp.Body.Close()
		t.Error("the stand-in still answers after Stop")
	}
}
