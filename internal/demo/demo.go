package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer/bundle"
	"onboard/internal/condatest"
)

// Subdirs are the platforms the demo bundle carries.
var Subdirs = []string{"linux-64", "osx-64", "osx-arm64", "win-64"}

// Identity of the demo bundle.
const (
	Name    = "Onboard Demo"
	ID      = "org.onboard.demo"
	created = "2026-01-01T00:00:00Z"
	channel = "https://demo.invalid/onboard-demo"
	pyVer   = "3.12"
)

// Version is the demo bundle's version; `-version` changes it (the Wine
// test installs a newer demo over an older one to check an upgrade).
var Version = "2026.1.0"

// timestamp is the build time recorded in every demo package (ms).
const timestamp = 1767225600000

const license = `Onboard demo bundle

This bundle holds stand-in packages made by onboard itself so that the
installer can be tried without a real Python: "python" and "conda" only
print a message, and "jupyter lab" runs a tiny web page served by the
installed maintenance app. Ask your platform team for the real installer.

The stand-in packages are in the public domain.
`

// Make writes the demo bundle to out.
func Make(ctx context.Context, out string) error {
	tmp, err := os.MkdirTemp("", "onboard-demo-")
	if err != nil {
		return fmt.Errorf("failed to create a work folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	pkgs := filepath.Join(tmp, "pkgs")
	var spec strings.Builder
	fmt.Fprintf(&spec, "name = %q\nid = %q\nversion = %q\ncreated = %q\nlicense = \"LICENSE.txt\"\ndemo = true\npackage_dirs = [\"pkgs\"]\n\n",
		Name, ID, Version, created)
	for _, sd := range Subdirs {
		if err := writePlatform(tmp, pkgs, sd, &spec); err != nil {
			return err
		}
	}
	spec.WriteString("[[launchers]]\nname = \"Jupyter Lab\"\nenv = \"team\"\ncommand = [\"jupyter\", \"lab\"]\n\n[condarc]\noffline = true\n")
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
func writePlatform(tmp, pkgs, sd string, spec *strings.Builder) error {
	dir := filepath.Join(pkgs, sd)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var fns = map[string]string{}
	for _, s := range []condatest.Spec{pythonSpec(sd), condaSpec(sd), jupyterSpec(sd)} {
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
