package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"onboard/installer/bundle"
	"onboard/internal/condatest"
)

// Subdirs are the platforms the demo bundle carries.
var Subdirs = []string{"linux-64", "osx-64", "osx-arm64", "win-64"}

// Identity of the demo bundle.
const (
	Name = "Onboard Demo"
	ID   = "org.onboard.demo"
	// Publisher and URL: Apps & features' Publisher and its link, and the
	// Windows installer's CompanyName
	Publisher = "The onboard project"
	URL       = "https://onboard.invalid/demo"
	created   = "2026-01-01T00:00:00Z"
	channel   = "https://demo.invalid/onboard-demo"
	pyVer     = "3.12"
)

// Version is the demo bundle's version; `-version` changes it (the Wine
// test installs a newer demo over an older one to check an upgrade).
var Version = "2026.1.0"

// timestamp is the build time recorded in every demo package (ms).
const timestamp = 1767225600000

const license = `Onboard demo bundle

This bundle holds stand-in packages made by onboard itself so that the
installer can be tried without a real Python: "python" and "conda" only
print a message, and "jupyter lab" runs a small stand-in program that
serves a web page saying so. Ask your platform team for the real installer.

The stand-in packages are in the public domain.
`

// goTargets are the Go targets of the demo's subdirs, for the jupyter
// stand-in.
var goTargets = map[string][2]string{
	"linux-64": {"linux", "amd64"}, "osx-64": {"darwin", "amd64"},
	"osx-arm64": {"darwin", "arm64"}, "win-64": {"windows", "amd64"},
}

// GoCommand is the go command that cross-builds the jupyter stand-in; `-go`
// changes it (the Makefile passes its $(GO)).
var GoCommand = "go"

// stubPackage is the jupyter stand-in's import path.
const stubPackage = "onboard/internal/demo/jupyterstub"

// buildStub cross-builds the jupyter stand-in (internal/demo/jupyterstub)
// for subdir sd into dir and returns its bytes. The build is reproducible:
// no cgo, no paths, no build id, the baseline CPU level, symbols stripped.
func buildStub(ctx context.Context, dir, sd string) ([]byte, error) {
	t, ok := goTargets[sd]
	if !ok {
		return nil, fmt.Errorf("no Go target for the demo subdir %s", sd)
	}
	out := filepath.Join(dir, "jupyter-"+sd)
	cmd := exec.CommandContext(ctx, GoCommand, "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, stubPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+t[0], "GOARCH="+t[1], "GOAMD64=v1", "GOARM64=v8.0", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("failed to build the jupyter stand-in for %s (%s): %v\n%s", sd, strings.Join(cmd.Args, " "), err, b)
	}
	return os.ReadFile(out)
}

// Make writes the demo bundle to out.
func Make(ctx context.Context, out string) error {
	tmp, err := os.MkdirTemp("", "onboard-demo-")
	if err != nil {
		return fmt.Errorf("failed to create a work folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	pkgs := filepath.Join(tmp, "pkgs")
	var spec strings.Builder
	fmt.Fprintf(&spec, "name = %q\nid = %q\nversion = %q\npublisher = %q\nurl = %q\ncreated = %q\nlicense = \"LICENSE.txt\"\ndemo = true\npackage_dirs = [\"pkgs\"]\n\n",
		Name, ID, Version, Publisher, URL, created)
	for _, sd := range Subdirs {
		stub, err := buildStub(ctx, tmp, sd)
		if err != nil {
			return err
		}
		if err := writePlatform(tmp, pkgs, sd, stub, &spec); err != nil {
			return err
		}
	}
	spec.WriteString("[[launchers]]\nname = \"JupyterLab\"\nenv = \"team\"\ncommand = [\"jupyter\", \"lab\"]\n\n[condarc]\noffline = true\n")
	if err := os.WriteFile(filepath.Join(tmp, "LICENSE.txt"), []byte(license), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "spec.toml"), []byte(spec.String()), 0o644); err != nil {
		return err
	}
	if dir := filepath.Dir(out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("failed to create %q: %w", dir, err)
		}
	}
	_, err = bundle.Build(ctx, bundle.BuildOptions{Spec: filepath.Join(tmp, "spec.toml"), Output: out, CacheDir: filepath.Join(tmp, "cache")})
	return err
}

// writePlatform writes the packages and locks of one subdir and adds its
// table to the spec.
func writePlatform(tmp, pkgs, sd string, stub []byte, spec *strings.Builder) error {
	dir := filepath.Join(pkgs, sd)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var fns = map[string]string{}
	for _, s := range []condatest.Spec{pythonSpec(sd), condaSpec(sd), jupyterSpec(sd, stub)} {
		p, err := condatest.WriteConda(dir, s)
		if err != nil {
			return fmt.Errorf("failed to write demo package %s for %s: %w", s.Name, sd, err)
		}
		fns[s.Name] = filepath.Base(p)
	}
	line := func(name string) string { return channel + "/" + sd + "/" + fns[name] }
	base := "# platform: " + sd + "\n@EXPLICIT\n" + line("python") + "\n" + line("conda") + "\n"
	team := "# platform: " + sd + "\n@EXPLICIT\n" + line("python") + "\n" + line("jupyterlab") + "\n"
	for name, body := range map[string]string{"base": base, "team": team} {
		if err := os.WriteFile(filepath.Join(tmp, name+"-"+sd+".txt"), []byte(body), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(spec, "[platforms.%s]\nbase = \"base-%s.txt\"\nenvs = { team = \"team-%s.txt\" }\n\n", sd, sd, sd)
	return nil
}
