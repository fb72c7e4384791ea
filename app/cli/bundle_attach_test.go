package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tinyWindowsExe cross-builds a small Go program for windows/amd64: a real
// PE file for attach and Authenticode to work on.
func tinyWindowsExe(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module signtest\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\"signed\") }\n"), 0o644)
	out := filepath.Join(dir, "onboard.exe")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cross-building a Windows test program: %v\n%s", err, b)
	}
	return out
}

func TestE2EAttachSignAuthenticode(t *testing.T) {
	needBin(t)
	tool, err := exec.LookPath("osslsigncode")
	if err != nil {
		t.Skip("osslsigncode not installed (make deps-test installs it)")
	}
	home := t.TempDir()
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if b, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
		"-days", "2", "-subj", "/CN=Onboard Test Signer", "-addext", "extendedKeyUsage=codeSigning").CombinedOutput(); err != nil {
		t.Fatalf("openssl req: %v\n%s", err, b)
	}
	zip := filepath.Join(dir, "bundle.zip")
	if r := run(t, home, onboardBin, "bundle", "build", e2eSpec(t, dir, "2026.11.0", channel(t)), "-o", zip, "--cache", filepath.Join(dir, "cache")); r.code != 0 {
		t.Fatalf("bundle build: exit %d\n%s", r.code, r.stderr)
	}
	out := filepath.Join(dir, "dist", "signed") // does not exist yet
	r := run(t, home, onboardBin, "bundle", "attach", "--bundle", zip, "--installer", tinyWindowsExe(t), "-o", out,
		"--sign-authenticode", "--cert", cert, "--key", key)
	if r.code != 0 {
		t.Fatalf("bundle attach --sign-authenticode: exit %d\n%s", r.code, r.stderr)
	}
	inst := strings.TrimSpace(r.stdout)
	if filepath.Dir(inst) != out {
		t.Errorf("installer %s; want it in %s", inst, out)
	}
	if b, err := exec.Command(tool, "verify", "-CAfile", cert, "-in", inst).CombinedOutput(); err != nil {
		t.Fatalf("osslsigncode verify: %v\n%s", err, b)
	}
	r = run(t, home, onboardBin, "bundle", "inspect", inst)
	if r.code != 0 || !strings.Contains(r.stdout, "Acme Python") || !strings.Contains(r.stdout, "win-64:") {
		t.Errorf("bundle inspect of the signed installer: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A signed installer given a new bundle is unsigned again: attach says
	// so (it said nothing, exit 0)
	again := filepath.Join(dir, "again")
	r = run(t, home, onboardBin, "bundle", "attach", "--bundle", zip, "--installer", inst, "-o", again)
	if r.code != 0 || !strings.Contains(r.stderr, "was Authenticode-signed") || !strings.Contains(r.stderr, "is unsigned: sign it") {
		t.Errorf("attach to a signed installer: exit %d, stderr %q; want a note that the result is unsigned", r.code, r.stderr)
	}
	if r := run(t, home, onboardBin, "bundle", "attach", "--bundle", zip, "--installer", tinyWindowsExe(t), "-o", filepath.Join(dir, "plain")); strings.Contains(r.stderr, "Authenticode") {
		t.Errorf("attach to an unsigned installer notes a signature: %q", r.stderr)
	}

	// An ELF installer cannot carry an Authenticode signature: usage error,
	// nothing written.
	elfOut := filepath.Join(dir, "elf")
	r = run(t, home, onboardBin, "bundle", "attach", "--bundle", zip, "-o", elfOut, "--sign-authenticode", "--cert", cert, "--key", key)
	if r.code != 2 || !strings.Contains(r.stderr, "Windows (PE)") {
		t.Errorf("attach --sign-authenticode of an ELF: exit %d, %s; want 2 and a clear message", r.code, r.stderr)
	}
	if _, err := os.Stat(elfOut); !os.IsNotExist(err) {
		t.Errorf("%s was created by a refused attach", elfOut)
	}
	for _, args := range [][]string{{"--sign-authenticode", "--cert", cert}, {"--key", key}} {
		r = run(t, home, onboardBin, append([]string{"bundle", "attach", "--bundle", zip, "-o", elfOut}, args...)...)
		if r.code != 2 {
			t.Errorf("attach %v: exit %d; want 2 (usage)", args, r.code)
		}
	}
}

func TestE2EAttachSplit(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	dir := t.TempDir()
	zip := filepath.Join(dir, "bundle.zip")
	if r := run(t, home, onboardBin, "bundle", "build", e2eSpec(t, dir, "2026.11.0", channel(t)), "-o", zip, "--cache", filepath.Join(dir, "cache")); r.code != 0 {
		t.Fatalf("bundle build: exit %d\n%s", r.code, r.stderr)
	}
	out := filepath.Join(dir, "folder")
	r := run(t, home, onboardBin, "bundle", "attach", "--bundle", zip, "-o", out, "--split")
	lines := strings.Fields(r.stdout)
	if r.code != 0 || len(lines) != 2 || lines[1] != filepath.Join(out, "bundle.zip") {
		t.Fatalf("bundle attach --split: exit %d, output %q\n%s", r.code, r.stdout, r.stderr)
	}
	inst := lines[0]
	// IT copies the folder elsewhere; the installer finds its bundle there.
	moved := filepath.Join(t.TempDir(), "copied")
	os.MkdirAll(moved, 0o755)
	for _, p := range lines {
		data, _ := os.ReadFile(p)
		os.WriteFile(filepath.Join(moved, filepath.Base(p)), data, 0o755)
	}
	inst = filepath.Join(moved, filepath.Base(inst))
	r = run(t, home, inst, "info", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"kind":"beside"`) || !strings.Contains(r.stdout, "Acme Python") {
		t.Errorf("info of the split installer: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// bundle inspect of the split installer describes the bundle beside
	// it, checked against the installer's pin; another bundle there is
	// refused
	r = run(t, home, onboardBin, "bundle", "inspect", inst)
	if r.code != 0 || !strings.Contains(r.stdout, "Acme Python") {
		t.Errorf("inspect of the split installer: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	swapped := filepath.Join(t.TempDir(), "swapped")
	os.MkdirAll(swapped, 0o755)
	data, _ := os.ReadFile(inst)
	os.WriteFile(filepath.Join(swapped, filepath.Base(inst)), data, 0o755)
	if b := run(t, home, onboardBin, "bundle", "build", e2eSpec(t, t.TempDir(), "2026.12.0", channel(t)), "-o", filepath.Join(swapped, "bundle.zip"), "--cache", filepath.Join(dir, "cache")); b.code != 0 {
		t.Fatalf("bundle build: exit %d\n%s", b.code, b.stderr)
	}
	if r := run(t, home, onboardBin, "bundle", "inspect", filepath.Join(swapped, filepath.Base(inst))); r.code != 3 || !strings.Contains(r.stderr, "is Acme Python 2026.12.0, not the bundle") {
		t.Errorf("inspect of the split installer beside another bundle: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// attach --split of another bundle into that folder is refused: the
	// installer there needs its bundle.zip (it was replaced, silently)
	otherZip := filepath.Join(t.TempDir(), "other.zip")
	if b := run(t, home, onboardBin, "bundle", "build", e2eSpec(t, t.TempDir(), "2026.12.0", channel(t)), "-o", otherZip, "--cache", filepath.Join(dir, "cache")); b.code != 0 {
		t.Fatalf("bundle build: exit %d\n%s", b.code, b.stderr)
	}
	before := readFile(t, filepath.Join(out, "bundle.zip"))
	if r := run(t, home, onboardBin, "bundle", "attach", "--bundle", otherZip, "-o", out, "--split"); r.code != 2 ||
		!strings.Contains(r.stderr, "is Acme Python 2026.11.0, which the split installers beside it need") || !bytes.Equal(readFile(t, filepath.Join(out, "bundle.zip")), before) {
		t.Errorf("attach --split of another bundle into a folder with one: exit %d\n%s", r.code, r.stderr)
	}
	if r := run(t, home, onboardBin, "bundle", "attach", "--bundle", zip, "-o", out, "--split"); r.code != 0 {
		t.Errorf("attach --split of the same bundle again: exit %d\n%s", r.code, r.stderr)
	}
	prefix := filepath.Join(t.TempDir(), "acme")
	r = run(t, home, inst, "install", "--silent", "--no-launcher", "--no-maintenance-launcher", "--prefix", prefix, "--subdir", "linux-64")
	if r.code != 0 || installedVersion(t, prefix) != "2026.11.0/linux-64" {
		t.Fatalf("install from the split installer: exit %d, installed %s\n%s", r.code, installedVersion(t, prefix), r.stderr)
	}
	// its maintenance app is the split installer as it is (an Authenticode
	// signature stays valid; a stripped copy was unsigned), and finds the
	// bundle kept beside it by the installer's pin
	app := filepath.Join(prefix, ".onboard", "onboard")
	if got, want := readFile(t, app), readFile(t, inst); !bytes.Equal(got, want) {
		t.Errorf("the maintenance app is not the split installer (%d bytes, want %d)", len(got), len(want))
	}
	if r := run(t, home, app, "info", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"kind":"beside"`) {
		t.Errorf("info of the maintenance app: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, home, app, "verify"); r.code != 0 || strings.Contains(r.stdout, "keeps for repairs") {
		t.Errorf("verify from the maintenance app: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Without its bundle.zip the installer says what is missing (exit 3)
	// and does not fall back to the demo bundle.
	os.Remove(filepath.Join(moved, "bundle.zip"))
	r = run(t, home, inst, "install", "--silent", "--prefix", filepath.Join(t.TempDir(), "other"))
	if r.code != 3 || !strings.Contains(r.stderr, "bundle.zip") || strings.Contains(r.stderr, "attach") ||
		!strings.Contains(r.stderr, "onboard: hint: copy bundle.zip from where you got the installer into the folder of "+filepath.Base(inst)) {
		t.Errorf("install without bundle.zip: exit %d, %s; want 3 naming bundle.zip, and the hint to copy it (not to download the installer again, nor a build command)", r.code, r.stderr)
	}
}

// bundle inspect of an installer checks its bundle as a run of it does:
// with the key baked into it. It used to say "signed (not checked)" of a
// keyed installer, and "unsigned", exit 0, of one whose bundle a run of it
// refuses.
func TestE2EInspectUsesTheInstallersKey(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	keys := t.TempDir()
	if r := run(t, home, onboardBin, "bundle", "keygen", "-o", filepath.Join(keys, "team")); r.code != 0 {
		t.Fatalf("keygen: %s", r.stderr)
	}
	_, keyed := makeInstaller(t, home, "2026.11.0", []string{"--sign-key", filepath.Join(keys, "team.key")}, []string{"--trust-key", filepath.Join(keys, "team.pub")})
	if r := run(t, home, onboardBin, "bundle", "inspect", keyed); r.code != 0 || !strings.Contains(r.stdout, "signed by trusted key") {
		t.Fatalf("inspect of a keyed installer: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
