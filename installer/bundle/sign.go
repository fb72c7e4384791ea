package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Keys are ed25519. On disk a private key is a PEM "PRIVATE KEY" block
// (PKCS #8) and a public key a PEM "PUBLIC KEY" block (PKIX), the forms
// `openssl genpkey -algorithm ed25519` writes. A public key may also be
// given as the standard base64 of its 32 raw bytes. bundle.json.sig holds
// the standard base64 of the 64-byte signature of bundle.json's exact bytes,
// then a newline.

// GenerateKey makes a new signing key pair and returns both in PEM.
func GenerateKey() (privPEM, pubPEM []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to generate a key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to encode the private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to encode the public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), nil
}

// ParsePrivateKey reads a PEM PKCS #8 ed25519 private key.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	blk, _ := pem.Decode(data)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PEM \"PRIVATE KEY\" (make one with 'onboard bundle keygen')")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("failed to parse the private key: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the private key is %T, not ed25519", k)
	}
	return priv, nil
}

// ParsePublicKey reads a PEM PKIX ed25519 public key, or the base64 of its
// 32 raw bytes.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	if blk, _ := pem.Decode(data); blk != nil {
		if blk.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("PEM block is %q, not \"PUBLIC KEY\"", blk.Type)
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("failed to parse the public key: %w", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("the public key is %T, not ed25519", k)
		}
		return pub, nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("not a PEM \"PUBLIC KEY\" nor the base64 of 32 bytes")
	}
	return ed25519.PublicKey(raw), nil
}

// ReadPrivateKeyFile reads a private key file.
func ReadPrivateKeyFile(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read the signing key: %w", err)
	}
	k, err := ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("signing key %q: %w", path, err)
	}
	return k, nil
}

// ReadPublicKeyFile reads a public key file.
func ReadPublicKeyFile(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read the trusted key: %w", err)
	}
	k, err := ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("trusted key %q: %w", path, err)
	}
	return k, nil
}

// KeyID names a public key for people: the first 16 hex digits of the
// sha256 of its raw bytes.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// SignManifest returns the content of bundle.json.sig for manifest.
func SignManifest(priv ed25519.PrivateKey, manifest []byte) []byte {
	sig := ed25519.Sign(priv, manifest)
	return []byte(base64.StdEncoding.EncodeToString(sig) + "\n")
}

func decodeSignature(data []byte) ([]byte, error) {
	if len(data) == ed25519.SignatureSize && !isBase64Text(data) {
		return data, nil
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, err
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("signature is %d bytes; want %d", len(sig), ed25519.SignatureSize)
	}
	return sig, nil
}

func isBase64Text(b []byte) bool {
	return bytes.IndexFunc(b, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("+/=\n\r", r))
	}) < 0
}

// CheckTrust checks the bundle's signature against trusted keys. With no
// keys it accepts any bundle. With keys, an unsigned bundle, or one whose
// signature no key verifies, is refused with an *Error.
func (b *Bundle) CheckTrust(keys []ed25519.PublicKey) error {
	if len(keys) == 0 {
		return nil
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = KeyID(k)
	}
	if b.Signature == nil {
		return bundleErr(b.Path, fmt.Sprintf("is not signed, but this installer only trusts bundles signed by key %s", strings.Join(ids, ", ")), nil)
	}
	for _, k := range keys {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, b.ManifestBytes, b.Signature) {
			b.TrustedBy = k
			return nil
		}
	}
	return bundleErr(b.Path, fmt.Sprintf("is not signed by a trusted key (trusted: %s); it was signed by another key, or bundle.json was changed after signing", strings.Join(ids, ", ")), nil)
}
