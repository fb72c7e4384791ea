package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"onboard/installer/pkg"
)

// The bundle's own files beside its packages: the licence the wizard
// shows and the team's icon. bundle.json records the size and sha256 of
// each (Manifest.Assets), so that the signature covers them too and a
// changed licence or icon is refused when the bundle is opened.
const (
	// MaxLicence caps the licence text, as bundle build writes it (UTF-8).
	// Licences are tens of kilobytes; a few megabytes is a whole
	// environment's third-party notices, still shown at once.
	MaxLicence = 4 << 20
	// MaxIcon caps icon.png.
	MaxIcon = 4 << 20
	// MaxIconPixels caps the icon's width and height: the largest icon
	// macOS has (ic10, 1024×1024 at 2x is 1024 pixels).
	MaxIconPixels = 1024
)

// IconSizes are the square sizes an icon may have: those a macOS .icns
// holds (platform.ICNS), all of which Windows and Linux use as well.
var IconSizes = []int{16, 32, 64, 128, 256, 512, 1024}

// Asset is the size and sha256 of one of the bundle's own files.
type Asset struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func assetOf(data []byte) Asset {
	sum := sha256.Sum256(data)
	return Asset{Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
}

// LicenceText turns a licence file into the text a bundle carries: UTF-8
// (a UTF-8 byte-order mark is dropped, UTF-16 with one is converted) with
// lines ending in "\n" and no control character a terminal would act on
// (pkg.DisplayText). Text that is empty, in another encoding or over
// MaxLicence is an error that says what to do.
func LicenceText(data []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		s = string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		if len(data)%2 != 0 {
			return "", fmt.Errorf("it starts as UTF-16 but has an odd number of bytes; save it as UTF-8")
		}
		u := make([]uint16, 0, len(data)/2-1)
		for i := 2; i < len(data); i += 2 {
			if data[0] == 0xFF {
				u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
			} else {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			}
		}
		s = string(utf16.Decode(u))
	default:
		s = string(data)
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		return "", fmt.Errorf("it holds a NUL byte (at %d): it is not text, or UTF-16 without a byte-order mark; save it as UTF-8", i)
	}
	if !utf8.ValidString(s) {
		i := 0
		for r, n := utf8.DecodeRuneInString(s); r != utf8.RuneError || n != 1; r, n = utf8.DecodeRuneInString(s[i:]) {
			i += n
		}
		return "", fmt.Errorf("it is not UTF-8 text (byte %d is not; Latin-1 or a Windows code page?); save it as UTF-8", i)
	}
	s = pkg.DisplayText([]byte(s))
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("it is empty; the wizard shows it and asks the user to accept it")
	}
	if len(s) > MaxLicence {
		return "", fmt.Errorf("it is %d bytes, more than the %d a bundle carries; keep the terms a user accepts in it and ship long third-party notices in a package", len(s), MaxLicence)
	}
	return s, nil
}

// CheckIcon checks that data is the PNG icon a bundle may carry: a square
// of one of IconSizes, at most MaxIcon bytes, that decodes.
func CheckIcon(data []byte) error {
	if len(data) > MaxIcon {
		return fmt.Errorf("it is %d bytes, more than %d; an icon of 1024×1024 pixels needs far less", len(data), MaxIcon)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "png" {
		return fmt.Errorf("it is not a PNG image; save it as a square PNG of 256×256 or 512×512 pixels")
	}
	ok := false
	for _, n := range IconSizes {
		ok = ok || cfg.Width == n && cfg.Height == n
	}
	if !ok {
		return fmt.Errorf("it is %d×%d pixels; use a square PNG of 256×256 or 512×512 (macOS takes 16, 32, 64, 128, 256, 512 or 1024)", cfg.Width, cfg.Height)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("it is a damaged PNG (%v); save it again", err)
	}
	return nil
}

// validateAssets checks Manifest.Assets: only the licence and the icon,
// each within its cap, with a sha256.
func validateAssets(as map[string]Asset) error {
	for name, a := range as {
		max := int64(MaxIcon)
		switch name {
		case LicenseName:
			max = MaxLicence
		case IconName:
		default:
			return fmt.Errorf("assets: %q is not a file a bundle carries (%s or %s)", name, LicenseName, IconName)
		}
		if a.Size <= 0 || a.Size > max {
			return fmt.Errorf("assets: %s is %d bytes; it must be 1 to %d", name, a.Size, max)
		}
		if !hex64RE.MatchString(a.SHA256) {
			return fmt.Errorf("assets: %s sha256 %q is not 64 lowercase hex digits", name, a.SHA256)
		}
	}
	return nil
}

// loadAssets reads the licence and the icon when the bundle is opened.
// A bundle that lists them (every bundle this onboard builds) must hold
// exactly them: a licence or icon that is missing, added or changed since
// the build (and so since the signature) is refused. An older bundle,
// which lists none, is read as before: its licence is shown as
// DisplayText, and an icon that is not a PNG within MaxIconPixels is
// passed by.
func (b *Bundle) loadAssets() error {
	listed := b.Manifest.Assets != nil
	for _, name := range []string{LicenseName, IconName} {
		a, want := b.Manifest.Assets[name]
		f := b.files[name]
		switch {
		case f == nil && want:
			return bundleErr("", fmt.Sprintf("%s lists %s but it is missing", ManifestName, name), nil)
		case f == nil:
			continue
		case listed && !want:
			return bundleErr("", fmt.Sprintf("holds %s, which %s does not list: it was added after the bundle was built", name, ManifestName), nil)
		case want && int64(f.UncompressedSize64) != a.Size:
			return bundleErr("", fmt.Sprintf("%s is %d bytes; %s says %d: it was changed after the bundle was built", name, f.UncompressedSize64, ManifestName, a.Size), nil)
		}
		data, err := b.readSmall(name)
		if err != nil {
			return err
		}
		if want && assetOf(data).SHA256 != a.SHA256 {
			return bundleErr("", fmt.Sprintf("%s does not match the sha256 in %s: it was changed after the bundle was built", name, ManifestName), nil)
		}
		switch {
		case name == LicenseName && want:
			if b.licence, err = LicenceText(data); err != nil || b.licence != string(data) {
				return bundleErr("", fmt.Sprintf("%s is not the licence text bundle build writes", name), err)
			}
		case name == LicenseName:
			b.licence = pkg.DisplayText(data)
		case want:
			if err := CheckIcon(data); err != nil {
				return bundleErr("", name+" is not a usable icon: "+err.Error(), nil)
			}
			b.icon = data
		default:
			if cfg, format, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && format == "png" &&
				cfg.Width <= MaxIconPixels && cfg.Height <= MaxIconPixels {
				b.icon = data
			}
		}
	}
	return nil
}
