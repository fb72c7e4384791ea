package bundle

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// ErrSigning is wrapped by the refusals of 'bundle attach
// --sign-authenticode' made before anything is written: the tool, the
// certificate or the key is not one that can sign (a usage error: the
// person gave the wrong file or has no tool).
var ErrSigning = errors.New("cannot sign the installer")

// prepareSigning checks, before attach writes a byte, that o can sign:
// osslsigncode is there (o.Tool is set to it), the certificate and the key
// are readable, the key is not protected by a passphrase (osslsigncode
// asked for it on the terminal, against the docs), the key is the
// certificate's, and the certificate is one Windows accepts a signature
// of at now: for code signing and within its dates. A signature made
// with a server certificate or an expired one was written and reported as
// signed, and Windows refuses it (audit BG 1, 2).
func prepareSigning(o *AuthenticodeOptions, goos string, now time.Time) error {
	if o.Tool == "" {
		p, err := exec.LookPath("osslsigncode")
		if err != nil {
			return fmt.Errorf("%w: osslsigncode was not found on PATH: %s", ErrSigning, toolAdvice(goos))
		}
		o.Tool = p
	}
	for _, f := range []struct{ what, path string }{{"certificate", o.Cert}, {"key", o.Key}} {
		if f.path == "" {
			return fmt.Errorf("%w: it needs a %s file (--cert and --key)", ErrSigning, f.what)
		}
	}
	certData, err := os.ReadFile(o.Cert)
	if err != nil {
		return fmt.Errorf("%w: the certificate cannot be read: %w", ErrSigning, err)
	}
	keyData, err := os.ReadFile(o.Key)
	if err != nil {
		return fmt.Errorf("%w: the key cannot be read: %w", ErrSigning, err)
	}
	for _, f := range []struct {
		path string
		data []byte
	}{{o.Cert, certData}, {o.Key, keyData}} {
		if isPKCS12(f.data) {
			return fmt.Errorf("%w: %s is a PKCS #12 file (.p12, .pfx), which holds the certificate and its key together: split it (openssl pkcs12 -in FILE -clcerts -nokeys -out CERT; openssl pkcs12 -in FILE -nocerts -nodes -out KEY) or attach without --sign-authenticode and sign by hand (osslsigncode sign -pkcs12 FILE ...)", ErrSigning, f.path)
		}
	}
	key, encrypted := parsePrivateKey(keyData)
	if encrypted {
		return fmt.Errorf("%w: the key %s is protected by a passphrase, and --sign-authenticode needs an unencrypted key (openssl pkey -in KEY -out PLAIN, kept safe); for a hardware token or signtool, attach without --sign-authenticode and sign the written file yourself (docs/bundle.md)", ErrSigning, o.Key)
	}
	certs := parseCertificates(certData)
	if len(certs) == 0 {
		// PKCS #7 (.spc, .p7b), which osslsigncode reads and Go does not:
		// osslsigncode decides (audit BJ 4)
		return nil
	}
	// the signer's: the key's, or else the first that is no CA (a chain
	// may list its CA first: audit BJ 4)
	leaf := certs[0]
	if i := slices.IndexFunc(certs, func(c *x509.Certificate) bool { return !c.IsCA }); i >= 0 {
		leaf = certs[i]
	}
	if key != nil {
		i := slices.IndexFunc(certs, func(c *x509.Certificate) bool {
			pub, ok := c.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
			return ok && pub.Equal(key.Public())
		})
		if i < 0 {
			return fmt.Errorf("%w: the key %s is not the key of the certificate %s: pass the pair that belong together", ErrSigning, o.Key, o.Cert)
		}
		leaf = certs[i]
	}
	return checkCodeSigningCert(leaf, o.Cert, now)
}

// checkCodeSigningCert refuses a certificate whose signature Windows does
// not accept: outside its dates, or not for code signing.
func checkCodeSigningCert(c *x509.Certificate, path string, now time.Time) error {
	who := fmt.Sprintf("the certificate %s (%s)", path, c.Subject.CommonName)
	switch {
	case now.Before(c.NotBefore):
		return fmt.Errorf("%w: %s is valid only from %s: sign when it is, or check this machine's clock", ErrSigning, who, c.NotBefore.UTC().Format(time.DateOnly))
	case now.After(c.NotAfter):
		return fmt.Errorf("%w: %s expired on %s, and Windows refuses a signature made with it: renew it with your certificate authority", ErrSigning, who, c.NotAfter.UTC().Format(time.DateOnly))
	case c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageDigitalSignature == 0:
		return fmt.Errorf("%w: %s may not sign (its key usage lacks digitalSignature), and Windows refuses a signature made with it: use a code-signing certificate", ErrSigning, who)
	}
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return nil // no extended key usage: any
	}
	if slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageCodeSigning) || slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageAny) {
		return nil
	}
	return fmt.Errorf("%w: %s is not for code signing (its extended key usage is %s), and Windows refuses a signature made with it: use a code-signing certificate", ErrSigning, who, extKeyUsageWords(c))
}

// extKeyUsageWords names a certificate's extended key usages as openssl does.
func extKeyUsageWords(c *x509.Certificate) string {
	names := map[x509.ExtKeyUsage]string{
		x509.ExtKeyUsageServerAuth: "serverAuth", x509.ExtKeyUsageClientAuth: "clientAuth",
		x509.ExtKeyUsageEmailProtection: "emailProtection", x509.ExtKeyUsageTimeStamping: "timeStamping",
		x509.ExtKeyUsageOCSPSigning: "OCSPSigning",
	}
	var out []string
	for _, u := range c.ExtKeyUsage {
		if n, ok := names[u]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprint(int(u)))
		}
	}
	for _, oid := range c.UnknownExtKeyUsage {
		out = append(out, oid.String())
	}
	return strings.Join(out, ", ")
}

// parseCertificates reads the certificates of a PEM file (its CERTIFICATE
// blocks) or of a DER one; none when it is neither.
func parseCertificates(data []byte) []*x509.Certificate {
	var out []*x509.Certificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		out, _ = x509.ParseCertificates(data)
	}
	return out
}

// parsePrivateKey reads an unencrypted private key, PEM or DER (PKCS #8,
// PKCS #1, SEC 1); encrypted tells a PEM key protected by a passphrase.
// Of a PEM file it reads the first block that is a key (`openssl ecparam
// -genkey` writes EC PARAMETERS first; a combined file may hold the
// certificate first). key is nil when the key is not one Go reads:
// osslsigncode then decides.
func parsePrivateKey(data []byte) (key crypto.Signer, encrypted bool) {
	der := data
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		der = nil
		for rest := data; der == nil; {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				return nil, false
			}
			if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
				continue
			}
			if b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
				return nil, true
			}
			der = b.Bytes
		}
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		s, _ := k.(crypto.Signer)
		return s, false
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, false
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, false
	}
	return nil, false
}

// isPKCS12 tells a PKCS #12 file (DER): a SEQUENCE whose first element is
// the INTEGER 3 (PFX's version); a PKCS #7 one starts with an OID.
func isPKCS12(data []byte) bool {
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(data, &outer); err != nil || outer.Tag != asn1.TagSequence || !outer.IsCompound {
		return false
	}
	var version int
	_, err := asn1.Unmarshal(outer.Bytes, &version)
	return err == nil && version == 3
}

// toolAdvice says how to get osslsigncode, or how to sign without it, on goos.
func toolAdvice(goos string) string {
	switch goos {
	case "windows":
		return "put osslsigncode.exe on PATH, or attach without --sign-authenticode and sign the written installer with signtool (signtool sign /fd sha256 /tr URL /td sha256 INSTALLER; docs/bundle.md)"
	case "darwin":
		return "install it (brew install osslsigncode), or attach without --sign-authenticode and sign the written installer yourself (docs/bundle.md)"
	}
	return "install it (Debian/Ubuntu: apt-get install osslsigncode; Fedora: dnf install osslsigncode), or attach without --sign-authenticode and sign the written installer yourself (docs/bundle.md)"
}
