package bundle

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// windowsExe cross-builds a tiny Go program for windows/amd64: a real PE
// file to attach to and sign.
func windowsExe(t *testing.T) string {
	t.Helper()
	return crossBuildWindows(t, t.TempDir())
}

// crossBuildWindows builds a tiny Go program for windows/amd64 in dir
// (with whatever .syso is there) and returns the .exe's path.
func crossBuildWindows(t *testing.T, dir string) string {
	t.Helper()
	writeFile(t, filepath.Join(dir, "go.mod"), "module wintest\n\ngo 1.22\n")
	// it reads a bundle.json's publisher, as onboard does (readsManifest)
	writeFile(t, filepath.Join(dir, "main.go"), "package main\n\nimport \"encoding/json\"\n\ntype manifest struct {\n\tPublisher string `json:\"publisher,omitempty\"`\n}\n\nfunc main() { b, _ := json.Marshal(manifest{}); println(\"onboard test\", string(b)) }\n")
	out := filepath.Join(dir, "onboard.exe")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cross-building a Windows test program: %v\n%s", err, b)
	}
	return out
}

// signingTools returns osslsigncode's path and a throw-away code-signing
// certificate and key made with openssl.
func signingTools(t *testing.T) (tool, cert, key string) {
	t.Helper()
	tool, err := exec.LookPath("osslsigncode")
	if err != nil {
		t.Skip("osslsigncode not installed (make deps-test installs it; apt-get install osslsigncode)")
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed (apt-get install openssl)")
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	b, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
		"-days", "2", "-subj", "/CN=Onboard Test Signer", "-addext", "extendedKeyUsage=codeSigning").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v\n%s", err, b)
	}
	return tool, cert, key
}

func osslVerify(t *testing.T, tool, cert, file string) {
	t.Helper()
	b, err := exec.Command(tool, "verify", "-CAfile", cert, "-in", file).CombinedOutput()
	if err != nil || !bytes.Contains(b, []byte("Signature verification: ok")) {
		t.Fatalf("osslsigncode verify %s: %v\n%s", file, err, b)
	}
}

func TestAttachSignAuthenticode(t *testing.T) {
	tool, cert, key := signingTools(t)
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	privPEM, pubPEM, _ := GenerateKey()
	priv, _ := ParsePrivateKey(privPEM)
	pub, _ := ParsePublicKey(pubPEM)
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, priv)
	exe := windowsExe(t)
	plain := brandedPlain(t, exe, zipPath) // the binary as attach writes it: the team's name and version in its resources

	out := filepath.Join(t.TempDir(), "dist")
	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: exe, OutDir: out, TrustedKey: pub,
		Authenticode: &AuthenticodeOptions{Cert: cert, Key: key, Name: "Acme Python"}})
	if err != nil {
		t.Fatalf("Attach --sign-authenticode: %v", err)
	}
	if filepath.Base(inst) != "Acme-Python-2026.11.0-windows-x86_64.exe" {
		t.Errorf("installer = %s", inst)
	}
	osslVerify(t, tool, cert, inst)
	if left, _ := filepath.Glob(filepath.Join(out, ".*")); len(left) != 0 {
		t.Errorf("temporary files left in %s: %v", out, left)
	}
	p, err := payloadOf(inst)
	if err != nil || !p.Signed || !p.HasFooter || p.ZipOffset != int64(len(plain)) {
		t.Fatalf("payload of the signed installer = %+v, %v; want signed, footer, zip at %d", p, err, len(plain))
	}
	f, err := Discover(DiscoverOptions{Executable: inst})
	if err != nil {
		t.Fatalf("Discover(signed installer): %v", err)
	}
	if f.Kind != SourceAppended || f.TrustedBy == nil || f.Manifest.Version != "2026.11.0" {
		t.Errorf("found %s, trusted %v, version %s", f.Kind, f.TrustedBy != nil, f.Manifest.Version)
	}
	if err := f.Verify(t.Context(), "win-64", 0, nil); err != nil {
		t.Errorf("Verify of the bundle in the signed installer: %v", err)
	}
	f.Close()

	// Re-attaching to the signed installer strips the signature: the new
	// file starts with the (branded) plain binary, branded the same way
	// again, and points at no certificate table.
	inst2, err := Attach(context.Background(), AttachOptions{Bundle: inst, Installer: inst, OutDir: t.TempDir()})
	if err != nil {
		t.Fatalf("re-Attach from the signed installer: %v", err)
	}
	re, _ := os.ReadFile(inst2)
	if !bytes.Equal(re[:len(plain)], plain) {
		t.Error("re-attached installer does not start with the unsigned plain binary")
	}
	if _, _, n, ok := securityDir(bytes.NewReader(re)); !ok || n != 0 {
		t.Errorf("re-attached installer still has a security directory (%d bytes, PE %v)", n, ok)
	}
	// The maintenance app copied from the signed installer keeps the key.
	maint := filepath.Join(t.TempDir(), "onboard.exe")
	if err := WriteStripped(inst, maint); err != nil {
		t.Fatal(err)
	}
	if k, err := TrustedKeyOf(maint); err != nil || !bytes.Equal(k, pub) {
		t.Errorf("maintenance app key = %x, %v", k, err)
	}
}

// TestSignByHand: the documented step — attach, then osslsigncode by hand.
func TestSignByHand(t *testing.T) {
	tool, cert, key := signingTools(t)
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: windowsExe(t), OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	signed := inst + ".signed.exe"
	if b, err := exec.Command(tool, "sign", "-certs", cert, "-key", key, "-in", inst, "-out", signed).CombinedOutput(); err != nil {
		t.Fatalf("osslsigncode sign: %v\n%s", err, b)
	}
	osslVerify(t, tool, cert, signed)
	b, err := Open(signed)
	if err != nil {
		t.Fatalf("Open(signed by hand): %v", err)
	}
	b.Close()
	// Damage one byte of the bundle inside the signed file: osslsigncode
	// and onboard both notice.
	data, _ := os.ReadFile(signed)
	p, _ := payloadOf(signed)
	i := bytes.Index(data[p.ZipOffset:], []byte(`"version"`)) + int(p.ZipOffset)
	data[i+1] = 'V'
	os.WriteFile(signed, data, 0o755)
	if out, err := exec.Command(tool, "verify", "-CAfile", cert, "-in", signed).CombinedOutput(); err == nil && !strings.Contains(string(out), "MISMATCH") {
		t.Errorf("osslsigncode verify accepted a changed bundle:\n%s", out)
	}
	if b, err := Open(signed); err == nil {
		b.Close()
		t.Error("Open accepted a bundle.json with a changed byte")
	}
}

func TestSignAuthenticodeRefusesNonPE(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	out := filepath.Join(t.TempDir(), "dist")
	_, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: testBinary(t, dir), OutDir: out,
		Authenticode: &AuthenticodeOptions{Cert: "c.pem", Key: "k.pem"}})
	if !errors.Is(err, ErrNotPE) || !strings.Contains(err.Error(), "codesign") {
		t.Fatalf("Attach --sign-authenticode of an ELF: err = %v; want ErrNotPE with a hint", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the output folder was created for a refused attach: %v", err)
	}
}

func TestAttachCreatesOutDir(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	out := filepath.Join(t.TempDir(), "new", "dist")
	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: testBinary(t, dir), OutDir: out})
	if err != nil {
		t.Fatalf("Attach into a missing folder: %v", err)
	}
	if filepath.Dir(inst) != out {
		t.Errorf("installer at %s; want in %s", inst, out)
	}
	b, err := Open(inst)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
}

// TestSignFailureLeavesNothing: osslsigncode failing after the installer
// was written leaves no file and no new folder.
func TestSignFailureLeavesNothing(t *testing.T) {
	_, cert, key := signingTools(t)
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	failing := filepath.Join(dir, "osslsigncode")
	if err := os.WriteFile(failing, []byte("#!/bin/sh\necho 'Failed to sign: out of luck' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dist")
	for _, split := range []bool{false, true} {
		_, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: windowsExe(t), OutDir: out, Split: split,
			Authenticode: &AuthenticodeOptions{Cert: cert, Key: key, Tool: failing}})
		if err == nil || !strings.Contains(err.Error(), "osslsigncode failed") || !strings.Contains(err.Error(), "out of luck") {
			t.Errorf("split %v: Attach with a signer that fails: %v; want the osslsigncode failure", split, err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("split %v: %s is left after a failed signing", split, out)
		}
	}
}

// A key protected by a passphrase is refused with what to do: the rule of
// docs/bundle.md, not osslsigncode's twenty lines of OpenSSL internals
// and a temporary file's name.
func TestSignWithAnEncryptedKeySaysSo(t *testing.T) {
	_, cert, key := signingTools(t)
	dir := t.TempDir()
	enc := filepath.Join(dir, "enc.pem")
	if b, err := exec.Command("openssl", "pkey", "-in", key, "-out", enc, "-aes256", "-passout", "pass:secret").CombinedOutput(); err != nil {
		t.Fatalf("openssl pkey: %v\n%s", err, b)
	}
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	out := filepath.Join(t.TempDir(), "dist")
	_, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: windowsExe(t), OutDir: out,
		Authenticode: &AuthenticodeOptions{Cert: cert, Key: enc}})
	if err == nil || !strings.Contains(err.Error(), "is protected by a passphrase") || strings.Contains(err.Error(), "crypto") || strings.Contains(err.Error(), ".unsigned-") {
		t.Fatalf("Attach with an encrypted key: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s is left after a failed signing", out)
	}
}
