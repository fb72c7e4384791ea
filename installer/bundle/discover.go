package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Where Discover found a bundle.
const (
	SourceFlag     = "flag"     // --bundle FILE
	SourceAppended = "appended" // appended to the running executable
	SourceBeside   = "beside"   // bundle.zip beside the executable or in Contents/Resources
	SourceDemo     = "demo"     // the demo bundle embedded in the program
)

// DiscoverOptions says where Discover looks.
type DiscoverOptions struct {
	Path       string // --bundle FILE; when set, nothing else is tried
	Executable string // the running executable; "" = os.Executable()
	Demo       []byte // the embedded demo bundle (assets.DemoBundle()); nil = none
	// TrustedKeys are accepted signers (--trust-key). A key baked into the
	// executable by 'bundle attach --trust-key' is added to them. With any
	// key, an unsigned or otherwise-signed bundle is refused.
	TrustedKeys []ed25519.PublicKey
}

// Found is a bundle that Discover opened, and where it came from.
type Found struct {
	*Bundle
	Kind string // one of the Source* constants
}

// Discover finds the bundle to install, first hit wins: opts.Path; a zip
// appended to the executable; bundle.zip beside the executable or in a
// macOS app's Contents/Resources; the embedded demo bundle. A bundle that is
// found but damaged or untrusted is an error (no fall-through to the next
// place). None at all is ErrNoBundle.
func Discover(opts DiscoverOptions) (*Found, error) {
	exe := opts.Executable
	if exe == "" {
		if p, err := os.Executable(); err == nil {
			exe = p
		}
	}
	keys := opts.TrustedKeys
	var pin []byte
	if exe != "" {
		p, err := exePayload(exe)
		if err != nil {
			// what FindPayload found, once, without the path the error
			// repeats: a zip appended with cat has no footer to be
			// damaged (audit AH)
			if u := errors.Unwrap(err); u != nil && strings.HasPrefix(err.Error(), fmt.Sprintf("%q: ", exe)) {
				return nil, bundleErr(exe, u.Error(), nil)
			}
			return nil, bundleErr(exe, "cannot be read", err)
		}
		if p.TrustedKey != nil {
			keys = append(append([]ed25519.PublicKey{}, keys...), p.TrustedKey)
		}
		if p.ZipSize == 0 {
			pin = p.SplitManifest
		}
	}
	f, err := find(opts, exe, pin)
	if err != nil {
		return nil, err
	}
	if err := f.CheckTrust(keys); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// exePayload reads the payload of the executable; none when it is missing.
func exePayload(exe string) (Payload, error) {
	if _, err := os.Stat(exe); errors.Is(err, fs.ErrNotExist) {
		return Payload{}, nil
	}
	return payloadOf(exe)
}

func find(opts DiscoverOptions, exe string, pin []byte) (*Found, error) {
	if opts.Path != "" {
		b, err := Open(opts.Path)
		if err != nil {
			return nil, err
		}
		b.Source = opts.Path
		return &Found{b, SourceFlag}, nil
	}
	if exe != "" {
		if f, err := appended(exe); f != nil || err != nil {
			return f, err
		}
		for _, p := range besidePaths(exe) {
			if _, err := os.Stat(p); err == nil {
				b, err := Open(p)
				if err != nil {
					return nil, err
				}
				if err := checkPin(b, pin, exe); err != nil {
					b.Close()
					return nil, err
				}
				b.Source = p
				return &Found{b, SourceBeside}, nil
			}
		}
		if pin != nil {
			e := bundleErr(filepath.Join(filepath.Dir(exe), SplitBundleName), fmt.Sprintf("is missing: %s comes with its packages in the file %s, which must be in the same folder", filepath.Base(exe), SplitBundleName), nil)
			e.Advice = fmt.Sprintf("copy %s from where you got the installer into the folder of %s (copy the whole folder, not the installer alone), then run the installer again", SplitBundleName, filepath.Base(exe))
			return nil, e
		}
	}
	if exe != "" && cutInstaller(exe) {
		// an installer 'bundle attach' named, cut where its program ends
		// (audit W2 6d: it ran as a plain onboard, with the demo)
		return nil, bundleErr(exe, "carries no bundle: an installer made by 'onboard bundle attach' ends with its packages, and this file ends where its program does, so it was cut short", nil)
	}
	if opts.Demo != nil {
		b, err := OpenBytes(opts.Demo, "embedded demo bundle")
		if err != nil {
			return nil, err
		}
		return &Found{b, SourceDemo}, nil
	}
	return nil, &Error{Reason: "none was found (pass --bundle FILE, or run an installer made by 'onboard bundle attach')", notFound: true}
}

// appended opens a bundle appended to exe; nil, nil when there is none.
func appended(exe string) (*Found, error) {
	fh, err := os.Open(exe)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, bundleErr(exe, "cannot be read", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, bundleErr(exe, "cannot be read", err)
	}
	p, err := FindPayload(fh, st.Size())
	fh.Close()
	if err != nil {
		return nil, bundleErr(exe, "carries a damaged bundle", err)
	}
	if p.ZipSize == 0 {
		return nil, nil
	}
	b, err := Open(exe)
	if err != nil {
		return nil, err
	}
	b.Source = fmt.Sprintf("appended to %s", exe)
	return &Found{b, SourceAppended}, nil
}

// checkPin checks that bundle b is the one a split installer was made for.
func checkPin(b *Bundle, pin []byte, exe string) error {
	if pin == nil {
		return nil
	}
	sum := sha256.Sum256(b.ManifestBytes)
	if !bytes.Equal(sum[:], pin) {
		return bundleErr(b.Path, fmt.Sprintf("is %s %s, not the bundle %s was made for (its bundle.json has sha256 %s; the installer expects %s): put the installer's own %s beside it", b.Manifest.Name, b.Manifest.Version, filepath.Base(exe), hex.EncodeToString(sum[:]), hex.EncodeToString(pin), SplitBundleName), nil)
	}
	return nil
}

// SplitInstallerOf tells whether exe is a split installer (`bundle attach
// --split`: the program and a footer pinning its bundle.json, no bundle)
// made for bundle b. Such a file, signature and all, is b's maintenance
// app as it is, with b beside it.
func SplitInstallerOf(exe string, b *Bundle) bool {
	p, err := payloadOf(exe)
	if err != nil || p.ZipSize != 0 || p.SplitManifest == nil {
		return false
	}
	return checkPin(b, p.SplitManifest, exe) == nil
}

// besidePaths lists where a bundle.zip next to exe may be.
func besidePaths(exe string) []string {
	dir := filepath.Dir(exe)
	out := []string{filepath.Join(dir, SplitBundleName)}
	if filepath.Base(dir) == "MacOS" && filepath.Base(filepath.Dir(dir)) == "Contents" {
		out = append(out, filepath.Join(filepath.Dir(dir), "Resources", SplitBundleName))
	}
	return out
}

// Summary describes the found bundle, with where it came from.
func (f *Found) Summary() Summary {
	s := f.Bundle.Summary()
	s.Kind = f.Kind
	return s
}

// installerNameRE is the shape of InstallerName's names, as a browser may
// have saved them ("… (1).exe"), with the arch as InstallerName writes
// it: never amd64 or 386, a Go build's names (onboard-1.4.0-linux-amd64
// is a plain onboard).
var installerNameRE = regexp.MustCompile(`(?i)^.+-[0-9].*-(windows|macos|linux|solaris|illumos|freebsd|netbsd|openbsd)-(x86_64|x86|arm64|arm|ppc64le|ppc64|s390x|riscv64|loong64|mips64le|mips64|mipsle|mips)( ?\([0-9]+\))?(\.exe)?$`)

// cutInstaller tells whether exe, which carries no bundle, is named as
// 'bundle attach' names the installers it makes: one that was cut short
// (a download stopped at the program's end), not a plain onboard.
func cutInstaller(exe string) bool {
	return installerNameRE.MatchString(filepath.Base(exe))
}
