package testkit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/bundle"
	"onboard/internal/condatest"
)

// SmallBundle builds a linux-64 bundle of condatest packages at version.
func SmallBundle(t testing.TB, version string) *bundle.Bundle {
	t.Helper()
	return BundleOfSpecs(t, fmt.Sprintf("name = \"T\"\nid = \"org.t\"\nversion = %q\n", version),
		"[condarc]\nchannels = [\"https://x.invalid\"]\noffline = true\n", Program("python", "1.0"), Program("tool", "1.0"))
}

// Program is a linux-64 package of one program, bin/<name>.
func Program(name, version string) condatest.Spec {
	return condatest.Spec{Name: name, Version: version, Build: "0", Subdir: "linux-64",
		Files: []condatest.File{{Path: "bin/" + name, Data: []byte("#!/bin/sh\n"), Mode: 0o755}}}
}

// BundleOfSpecs writes the linux-64 packages specs and builds and opens a
// bundle of them with BundleOfLocks (a base of the first, a team env of
// all), with head and tail in its spec.
func BundleOfSpecs(t testing.TB, head, tail string, specs ...condatest.Spec) *bundle.Bundle {
	t.Helper()
	dir := t.TempDir()
	pk := filepath.Join(dir, "pkgs")
	os.MkdirAll(pk, 0o755)
	var lines []string
	for _, s := range specs {
		p, err := condatest.WriteConda(pk, s)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "https://x.invalid/linux-64/"+filepath.Base(p))
	}
	return BundleOfLocks(t, dir, "linux-64", head, lines, tail)
}

// BundleOfLocks builds and opens a bundle from the archives in dir/pkgs:
// a base env of lines[0] and a team env of all lines (the lock URLs), for
// subdir, with head (name, id, version) and tail (more TOML) in its spec.
func BundleOfLocks(t testing.TB, dir, subdir, head string, lines []string, tail string) *bundle.Bundle {
	t.Helper()
	os.WriteFile(filepath.Join(dir, "base.txt"), []byte("@EXPLICIT\n"+lines[0]+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "team.txt"), []byte("@EXPLICIT\n"+strings.Join(lines, "\n")+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "L"), []byte("x"), 0o644)
	spec := head + "license = \"L\"\npackage_dirs = [\"pkgs\"]\n[platforms." + subdir + "]\nbase = \"base.txt\"\nenvs = { team = \"team.txt\" }\n" + tail
	os.WriteFile(filepath.Join(dir, "spec.toml"), []byte(spec), 0o644)
	out := filepath.Join(dir, "b.zip")
	if _, err := bundle.Build(context.Background(), bundle.BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: out, CacheDir: dir}); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}
