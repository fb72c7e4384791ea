package installer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/prefix"
	"onboard/internal/condatest"
	"onboard/internal/fixtures"
)

// envSetup is a temp root with an environments.txt and package files.
type envSetup struct {
	root, prefix, pkgs, envTxt string
	fx                         string
}

func newEnvSetup(t *testing.T) *envSetup {
	fx := fixtures.Dir(t)
	root := t.TempDir()
	return &envSetup{root: root, prefix: filepath.Join(root, "env"), pkgs: filepath.Join(root, "pkgs"),
		envTxt: filepath.Join(root, "home", ".conda", "environments.txt"), fx: fx}
}

func (s *envSetup) request(subdir string, rels ...string) EnvRequest {
	req := EnvRequest{Prefix: s.prefix, PkgsDir: s.pkgs, Subdir: subdir, EnvironmentsTxt: s.envTxt, Command: "onboard test"}
	for _, r := range rels {
		req.Packages = append(req.Packages, PackageFile{Path: filepath.Join(s.fx, filepath.FromSlash(r))})
	}
	return req
}

func (s *envSetup) install(t *testing.T, subdir string, rels ...string) *EnvResult {
	t.Helper()
	res, err := InstallEnv(t.Context(), s.request(subdir, rels...))
	if err != nil {
		t.Fatalf("InstallEnv: %v", err)
	}
	return res
}

func readBytes(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// topKeys returns the top-level keys of a JSON object in file order.
func topKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func readRecord(t *testing.T, prefixDir, dist string) (*prefix.Record, []byte) {
	t.Helper()
	p := filepath.Join(prefixDir, "conda-meta", dist+".json")
	b := readBytes(t, p)
	r, err := prefix.DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	return r, b
}

// noTrace fails when the install left its scratch state behind.
func noTrace(t *testing.T, prefixDir string) {
	t.Helper()
	for _, p := range []string{".condatmp", ".onboard/journal.json", ".onboard/backup", ".messages.txt"} {
		if _, err := os.Lstat(filepath.Join(prefixDir, p)); err == nil {
			t.Errorf("%s is left in the prefix", p)
		}
	}
	ents, _ := os.ReadDir(prefixDir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp.") {
			t.Errorf("hardlink test file %s is left", e.Name())
		}
	}
}

// genericPackages returns a function that writes a noarch: generic package
// of files, version 1 build 0, into a folder of the test.
func genericPackages(t *testing.T) func(name string, files ...condatest.File) []PackageFile {
	dir := t.TempDir()
	return func(name string, files ...condatest.File) []PackageFile {
		t.Helper()
		p, err := condatest.WriteConda(dir, condatest.Spec{Name: name, Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic", Files: files})
		if err != nil {
			t.Fatal(err)
		}
		return []PackageFile{{Path: p}}
	}
}

// installEnv returns a function that installs packages into s's env.
func (s *envSetup) installEnv(t *testing.T) func(pkgs []PackageFile) error {
	return func(pkgs []PackageFile) error {
		req := s.request("linux-64")
		req.Packages = pkgs
		_, err := InstallEnv(t.Context(), req)
		return err
	}
}
