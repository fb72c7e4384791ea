package bundle

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// certPair writes a self-signed certificate made from tmpl and its key
// (PEM, unencrypted) into dir and returns their paths.
func certPair(t *testing.T, dir, name string, tmpl x509.Certificate) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.Subject = pkix.Name{CommonName: "Onboard " + name}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	writeFile(t, cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})))
	return cert, key
}

// Before a byte is written, attach refuses what Windows would refuse the
// signature of, or what cannot sign at all: a server certificate, an
// expired or not yet valid one, one whose key may not sign, a key that is
// not the certificate's, a passphrase, a PKCS #12 file, no osslsigncode.
// Each wrote the whole installer first, and the bad certificates were
// reported as signed, exit 0 (audit BG 1, 2).
func TestAttachRefusesWhatCannotSignBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	valid := x509.Certificate{NotBefore: now.Add(-time.Hour), NotAfter: now.Add(48 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	goodCert, goodKey := certPair(t, dir, "good", valid)
	o := AuthenticodeOptions{Cert: goodCert, Key: goodKey, Tool: "/bin/true"}
	if err := prepareSigning(&o, "linux", now); err != nil {
		t.Fatalf("a valid code-signing certificate: %v", err)
	}
	noEKU := valid
	noEKU.ExtKeyUsage = nil
	c, k := certPair(t, dir, "any", noEKU)
	if err := prepareSigning(&AuthenticodeOptions{Cert: c, Key: k, Tool: "/bin/true"}, "linux", now); err != nil {
		t.Fatalf("a certificate with no extended key usage (any): %v", err)
	}

	server := valid
	server.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	expired := valid
	expired.NotBefore, expired.NotAfter = now.AddDate(-6, 0, 0), now.AddDate(-5, 0, 0)
	early := valid
	early.NotBefore, early.NotAfter = now.Add(24*time.Hour), now.Add(48*time.Hour)
	noSign := valid
	noSign.KeyUsage = x509.KeyUsageKeyEncipherment
	type refusal struct {
		name, cert, key, want string
	}
	var cases []refusal
	for _, c := range []struct {
		name string
		tmpl x509.Certificate
		want string
	}{
		{"server", server, "is not for code signing (its extended key usage is serverAuth)"},
		{"expired", expired, "expired on " + expired.NotAfter.UTC().Format(time.DateOnly)},
		{"early", early, "is valid only from"},
		{"nosign", noSign, "its key usage lacks digitalSignature"},
	} {
		cert, key := certPair(t, dir, c.name, c.tmpl)
		cases = append(cases, refusal{c.name, cert, key, c.want})
	}
	cases = append(cases, refusal{"not its key", goodCert, k, "is not the key of the certificate"})
	if _, err := exec.LookPath("openssl"); err == nil {
		enc := filepath.Join(dir, "enc.key")
		if b, err := exec.Command("openssl", "pkey", "-in", goodKey, "-out", enc, "-aes256", "-passout", "pass:secret").CombinedOutput(); err != nil {
			t.Fatalf("openssl pkey: %v\n%s", err, b)
		}
		p12 := filepath.Join(dir, "both.p12")
		if b, err := exec.Command("openssl", "pkcs12", "-export", "-in", goodCert, "-inkey", goodKey, "-out", p12, "-passout", "pass:secret").CombinedOutput(); err != nil {
			t.Fatalf("openssl pkcs12: %v\n%s", err, b)
		}
		cases = append(cases, refusal{"encrypted", goodCert, enc, "is protected by a passphrase"},
			refusal{"pkcs12", p12, p12, "a PKCS #12 file (.p12, .pfx)"})
	}
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	exe := windowsExe(t)
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "dist")
		_, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: exe, OutDir: out,
			Authenticode: &AuthenticodeOptions{Cert: c.cert, Key: c.key, Tool: "/bin/true"}})
		if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want ErrSigning saying %q", c.name, err, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: the output folder was made before the refusal", c.name)
		}
	}
	// no osslsigncode: said before the installer is written, with what
	// to do on the system attach runs on
	t.Setenv("PATH", t.TempDir())
	out := filepath.Join(t.TempDir(), "dist")
	_, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: exe, OutDir: out,
		Authenticode: &AuthenticodeOptions{Cert: goodCert, Key: goodKey}})
	if !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), "osslsigncode was not found on PATH") {
		t.Errorf("no osslsigncode: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("no osslsigncode: the output folder was made before the refusal")
	}
	if a := toolAdvice("windows"); !strings.Contains(a, "signtool") || strings.Contains(a, "apt-get") {
		t.Errorf("on Windows the advice is %q (audit BG 8)", a)
	}
}

// A cancelled attach (Ctrl-C, SIGTERM) stops and leaves nothing: it went
// on to write and sign the installer, exit 0 (audit BG 3).
func TestAttachStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, split := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "dist")
		_, err := Attach(ctx, AttachOptions{Bundle: zipPath, Installer: testBinary(t, dir), OutDir: out, Split: split})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("split %v: a cancelled attach: %v", split, err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("split %v: a cancelled attach left %s", split, out)
		}
	}
}

// An unreachable time-stamp server is named as the problem, not in
// OpenSSL's BIO_connect lines (audit BG 5).
func TestSignNamesAnUnreachableTimeStampServer(t *testing.T) {
	_, cert, key := signingTools(t)
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	out := filepath.Join(t.TempDir(), "dist")
	_, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: windowsExe(t), OutDir: out,
		Authenticode: &AuthenticodeOptions{Cert: cert, Key: key, Timestamp: "http://127.0.0.1:9/"}})
	if err == nil || !strings.Contains(err.Error(), "the time-stamp server http://127.0.0.1:9/ did not give a time-stamp") {
		t.Fatalf("an unreachable time-stamp server: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s is left after a failed signing", out)
	}
}

// A bundle appended with cat and then signed is found: the signer puts up
// to 7 zero bytes between the zip and its certificate table, and the
// installer was called damaged (audit BG 6).
func TestCatThenSignIsFound(t *testing.T) {
	tool, cert, key := signingTools(t)
	dir := t.TempDir()
	exe, err := os.ReadFile(windowsExe(t))
	if err != nil {
		t.Fatal(err)
	}
	var zipData []byte
	for v := 0; ; v++ { // a zip that leaves the file unaligned, so the signer pads
		zipPath := filepath.Join(dir, "b.zip")
		build(t, fixtureSpec(t, t.TempDir(), "2026.11."+strings.Repeat("1", v+1)), zipPath, nil)
		if zipData, err = os.ReadFile(zipPath); err != nil {
			t.Fatal(err)
		}
		if (len(exe)+len(zipData))%8 != 0 {
			break
		}
	}
	catted := filepath.Join(dir, "catted.exe")
	writeFile(t, catted, string(exe)+string(zipData))
	signed := filepath.Join(dir, "signed.exe")
	if b, err := exec.Command(tool, "sign", "-certs", cert, "-key", key, "-h", "sha256", "-in", catted, "-out", signed).CombinedOutput(); err != nil {
		t.Fatalf("osslsigncode sign: %v\n%s", err, b)
	}
	osslVerify(t, tool, cert, signed)
	b, err := Open(signed)
	if err != nil {
		t.Fatalf("a bundle appended with cat, then signed: %v", err)
	}
	defer b.Close()
	if b.ZipSize() != int64(len(zipData)) || !strings.HasPrefix(b.Manifest.Version, "2026.11.") {
		t.Errorf("found a zip of %d bytes (want %d), version %q", b.ZipSize(), len(zipData), b.Manifest.Version)
	}
}

// What osslsigncode signs with is not refused (audit BJ 4): a chain that
// lists its CA first, with a key `openssl ecparam -genkey` wrote (EC
// PARAMETERS first); and a PKCS #7 certificate file (.spc), which Go
// cannot read, is left to osslsigncode. A key not the leaf's is still
// refused before anything is written.
func TestSigningAcceptsWhatOsslsigncodeSignsWith(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Onboard Test CA"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(48 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, &ca, &ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Onboard Test Signer"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(48 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	caCert, _ := x509.ParseCertificate(caDER)
	leafDER, err := x509.CreateCertificate(rand.Reader, &leaf, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	chain := filepath.Join(dir, "chain.pem") // the CA first
	writeFile(t, chain, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))+string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})))
	ecKey := func(k *ecdsa.PrivateKey, name string) string {
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		params := []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07} // prime256v1
		p := filepath.Join(dir, name)
		writeFile(t, p, string(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: params}))+string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})))
		return p
	}
	if err := prepareSigning(&AuthenticodeOptions{Cert: chain, Key: ecKey(leafKey, "leaf.key"), Tool: "/bin/true"}, "linux", now); err != nil {
		t.Fatalf("a CA-first chain with its leaf's ecparam key: %v", err)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err := prepareSigning(&AuthenticodeOptions{Cert: chain, Key: ecKey(other, "other.key"), Tool: "/bin/true"}, "linux", now); !errors.Is(err, ErrSigning) || !strings.Contains(err.Error(), "is not the key of the certificate") {
		t.Fatalf("another ecparam key: %v", err)
	}
	tool, cert, key := signingTools(t)
	spc := filepath.Join(dir, "cert.spc")
	if b, err := exec.Command("openssl", "crl2pkcs7", "-nocrl", "-certfile", cert, "-outform", "DER", "-out", spc).CombinedOutput(); err != nil {
		t.Fatalf("openssl crl2pkcs7: %v\n%s", err, b)
	}
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: windowsExe(t), OutDir: filepath.Join(dir, "dist"),
		Authenticode: &AuthenticodeOptions{Cert: spc, Key: key}})
	if err != nil {
		t.Fatalf("a PKCS #7 certificate (.spc): %v", err)
	}
	osslVerify(t, tool, cert, inst)
}
