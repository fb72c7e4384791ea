// Package wizardtest builds what the user-interface tests need: a small
// real bundle made with the bundle package from packages that
// internal/condatest writes, for this machine's conda subdir.
package wizardtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/internal/condatest"
	"onboard/platform"
)

// Name and Version of the test bundle.
const (
	Name    = "Test Python"
	Version = "2026.11.0"
	Licence = "Test licence: use it for testing only."
)

// Subdir is the conda subdir the test bundle carries: this machine's.
func Subdir() string { return platform.Detect().Subdir }

// Bundle builds a bundle with a base of one package and an env "team" of
// two (one provides bin/jupyter), opens it and closes it with the test.
func Bundle(t testing.TB) *bundle.Bundle {
	t.Helper()
	path := BundleFile(t)
	b, err := bundle.Open(path)
	if err != nil {
		t.Fatalf("open test bundle: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// BundleFile builds the test bundle and returns the zip's path.
func BundleFile(t testing.TB) string {
	t.Helper()
	return BundleFileVersion(t, Version)
}

// BundleFileVersion builds the test bundle at version and returns the
// zip's path.
func BundleFileVersion(t testing.TB, version string) string {
	t.Helper()
	return bundleFile(t, version)
}

// Message is the prelink message of the package "eula" that
// BundleFileWithMessage adds to the env "team".
const Message = "By installing eula you accept the EULA of Example Corp."

// BundleFileWithMessage builds the test bundle at version with a third
// package in "team", eula, whose info/prelink_messages/terms.txt is
// Message.
func BundleFileWithMessage(t testing.TB, version string) string {
	t.Helper()
	eula := pkg("eula", "eula\n", "share/eula.txt")
	eula.InfoFiles = []condatest.File{{Path: "info/prelink_messages/terms.txt", Data: []byte(Message + "\n")}}
	return bundleFile(t, version, eula)
}

// BundleFileNeeding builds the test bundle with a third package in
// "team", libnew 15.1, that depends on dep ("__glibc >=2.99").
func BundleFileNeeding(t testing.TB, dep string) string {
	t.Helper()
	p := pkg("libnew", "elf", "lib/libnew.so")
	p.Version, p.Depends = "15.1", []string{dep}
	return bundleFile(t, Version, p)
}

func bundleFile(t testing.TB, version string, more ...condatest.Spec) string {
	t.Helper()
	dir := t.TempDir()
	sub := Subdir()
	pkgs := filepath.Join(dir, "pkgs", sub)
	base := lock(t, dir, "base.txt", pkgs, sub, pkg("pybase", "#!/bin/sh\necho python\n", "bin/python"))
	team := lock(t, dir, "team.txt", pkgs, sub, append([]condatest.Spec{
		pkg("teamlib", "print('team')\n", "lib/team.py"),
		pkg("jupyterlab", "#!/bin/sh\necho jupyter\n", "bin/jupyter")}, more...)...)
	spec := fmt.Sprintf(`name = %q
id = "io.onboard.test"
version = %q
created = "2026-11-01T00:00:00Z"
license = "LICENSE.txt"
demo = true
package_dirs = ["pkgs/%s"]

[platforms.%s]
base = %q
envs = { team = %q }

[[launchers]]
name = "Jupyter Lab"
env = "team"
command = ["jupyter", "lab"]
`, Name, version, sub, sub, base, team)
	write(t, filepath.Join(dir, "LICENSE.txt"), Licence)
	write(t, filepath.Join(dir, "spec.toml"), spec)
	out := filepath.Join(dir, "bundle.zip")
	if _, err := bundle.Build(context.Background(), bundle.BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: out}); err != nil {
		t.Fatalf("build test bundle: %v", err)
	}
	return out
}

func pkg(name, content, path string) condatest.Spec {
	return condatest.Spec{Name: name, Version: "1.0", Build: "0", Subdir: Subdir(),
		Files: []condatest.File{{Path: path, Data: []byte(content), Mode: 0o755}}}
}

// lock writes the packages and an @EXPLICIT lock file naming them.
func lock(t testing.TB, dir, name, pkgs, sub string, specs ...condatest.Spec) string {
	t.Helper()
	if err := os.MkdirAll(pkgs, 0o755); err != nil {
		t.Fatal(err)
	}
	lines := []string{"# platform: " + sub, "@EXPLICIT"}
	for _, s := range specs {
		p, err := condatest.WriteConda(pkgs, s)
		if err != nil {
			t.Fatalf("write package: %v", err)
		}
		lines = append(lines, "https://conda.example.invalid/test/"+sub+"/"+filepath.Base(p)+"#"+sha(t, p))
	}
	write(t, filepath.Join(dir, name), strings.Join(lines, "\n")+"\n")
	return name
}

func sha(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// InstallVersions installs the test bundle at each given version into
// its prefix (prefix → version), so that a wizard finds installs there.
func InstallVersions(t testing.TB, versions map[string]string) {
	t.Helper()
	for prefix, version := range versions {
		b, err := bundle.Open(BundleFileVersion(t, version))
		if err != nil {
			t.Fatal(err)
		}
		_, err = installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: Subdir()})
		b.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// InstallVersion installs the test bundle at version into prefix, with
// the real installer: an install a wizard then finds there.
func InstallVersion(t testing.TB, prefix, version string) {
	t.Helper()
	b, err := bundle.Open(BundleFileVersion(t, version))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := installer.Install(context.Background(), installer.Options{Prefix: prefix, Bundle: b, Subdir: Subdir()}); err != nil {
		t.Fatal(err)
	}
}
