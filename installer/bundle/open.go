package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"onboard/internal/humanize"
	"onboard/internal/ziplocal"
)

// Names of the members of a bundle zip.
const (
	ManifestName  = "bundle.json"
	SignatureName = "bundle.json.sig"
	LicenseName   = "LICENSE.txt"
	IconName      = "icon.png"
)

// maxSmallMember caps what Open reads into memory for bundle.json, the
// signature, the licence and the icon.
const maxSmallMember = 16 << 20

// Bundle is an opened, validated bundle: its manifest has been parsed and
// checked, and every package it lists is present in the zip with the
// recorded size. Package hashes are checked by Verify and CopyPackage.
type Bundle struct {
	Manifest Manifest
	Source   string // where it was found: a path, "appended to <exe>", "embedded demo"
	Path     string // the file it was read from; "" for bytes
	// ManifestBytes is bundle.json exactly as stored (what the signature covers).
	ManifestBytes []byte
	// Signature is bundle.json.sig decoded; nil when the bundle is unsigned.
	Signature []byte
	// TrustedBy is the key that verified Signature in CheckTrust; nil before.
	TrustedBy ed25519.PublicKey

	zr      *zip.Reader
	zipSize int64       // the zip's length in bytes
	ra      io.ReaderAt // the zip's bytes (OpenPackage)
	files   map[string]*zip.File
	closer  io.Closer
	licence string // LICENSE.txt as shown (loadAssets)
	icon    []byte // icon.png; nil when none is usable
}

// Open opens a bundle file: a plain bundle zip, or an executable with a
// bundle appended to it (by 'onboard bundle attach' or by `cat`).
func Open(path string) (*Bundle, error) {
	// Opening a pipe or a device could block for good, where no signal
	// ends it: only a regular file (or a link to one) is opened.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, bundleErr(path, "is not a file (a folder, a pipe or a device); pass the bundle or installer file itself", nil)
	}
	f, err := openRegular(path)
	if err != nil {
		return nil, bundleErr(path, "cannot be opened", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, bundleErr(path, "cannot be read", err)
	}
	p, err := FindPayload(f, st.Size())
	if err != nil {
		f.Close()
		return nil, bundleErr(path, "cannot be read", err)
	}
	if p.ZipSize == 0 {
		head := make([]byte, 4)
		_, herr := f.ReadAt(head, 0)
		f.Close()
		if p.SplitManifest != nil {
			e := bundleErr(path, "holds no bundle: it was made with 'bundle attach --split', and its bundle is the "+SplitBundleName+" beside it", nil)
			// the installer is fine: no "download it again" (audit BG 7)
			e.Advice = fmt.Sprintf("run the installer itself, or pass %s as --bundle", filepath.Join(filepath.Dir(path), SplitBundleName))
			return nil, e
		}
		if herr == nil && string(head) == "PK\x03\x04" {
			// it begins as a zip: its end was cut off or damaged
			return nil, bundleErr(path, "is damaged or cut short: it begins as a zip, but its end records (the zip's directory) are missing or wrong; download or copy it again", nil)
		}
		return nil, bundleErr(path, "holds no bundle", nil)
	}
	b, err := OpenReaderAt(io.NewSectionReader(f, p.ZipOffset, p.ZipSize), p.ZipSize, path)
	if err != nil {
		f.Close()
		if be, ok := err.(*Error); ok {
			be.Path = path
		}
		return nil, err
	}
	b.Path, b.closer = path, f
	return b, nil
}

// OpenBytes opens a bundle held in memory, such as the embedded demo
// bundle. source says where it came from (shown by 'onboard info').
func OpenBytes(data []byte, source string) (*Bundle, error) {
	return OpenReaderAt(bytes.NewReader(data), int64(len(data)), source)
}

// OpenReaderAt opens the bundle zip in r.
func OpenReaderAt(r io.ReaderAt, size int64, source string) (*Bundle, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, bundleErr("", "is not a zip archive", err)
	}
	b := &Bundle{Source: source, zr: zr, zipSize: size, ra: r, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		if _, dup := b.files[f.Name]; dup {
			return nil, bundleErr("", fmt.Sprintf("holds %q twice", f.Name), nil)
		}
		b.files[f.Name] = f
	}
	if err := b.load(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Bundle) load() error {
	raw, err := b.readSmall(ManifestName)
	if err != nil {
		return err
	}
	if raw == nil {
		return bundleErr("", "has no "+ManifestName, nil)
	}
	b.ManifestBytes = raw
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b.Manifest); err != nil {
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			// A key a newer onboard writes: say so, rather than "invalid".
			return bundleErr("", fmt.Sprintf("%s has the setting %s, which this onboard does not know: the bundle was made by a newer onboard; run the installer that came with the bundle, or a newer onboard", ManifestName, f), nil)
		}
		return bundleErr("", ManifestName+" is not valid JSON for this schema", err)
	}
	if rest := bytes.TrimLeft(raw[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		// jq reads a second object, Python refuses it, and this read only
		// the first: a reviewer and the install would read two bundles
		// (audit AH)
		return bundleErr("", fmt.Sprintf("%s has more after its object (%s)", ManifestName, humanize.Excerpt(fmt.Sprintf("%q", rest), 60)), nil)
	}
	if err := uniqueKeys(raw); err != nil {
		return bundleErr("", ManifestName+" is invalid", err)
	}
	if err := b.Manifest.Validate(); err != nil {
		return bundleErr("", ManifestName+" is invalid", err)
	}
	if err := b.checkMembers(); err != nil {
		return err
	}
	if err := b.loadAssets(); err != nil {
		return err
	}
	sig, err := b.readSmall(SignatureName)
	if err != nil {
		return err
	}
	if sig != nil {
		if b.Signature, err = decodeSignature(sig); err != nil {
			return bundleErr("", SignatureName+" is malformed", err)
		}
	}
	return nil
}

// checkMembers checks that every listed package is in the zip with the
// recorded size.
func (b *Bundle) checkMembers() error {
	for _, sd := range b.Manifest.Subdirs() {
		for _, p := range b.Manifest.Platforms[sd].All() {
			f := b.files[p.ZipPath()]
			if f == nil {
				return bundleErr("", fmt.Sprintf("%s lists %s but it is missing", ManifestName, p.ZipPath()), nil)
			}
			if int64(f.UncompressedSize64) != p.Size {
				return bundleErr("", fmt.Sprintf("%s is %d bytes; %s says %d", p.ZipPath(), f.UncompressedSize64, ManifestName, p.Size), nil)
			}
			if err := b.checkLocalName(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkLocalName checks that f's own header names it as the zip's
// directory does: Go's zip reader reads the directory's name alone, and a
// streaming reader (bsdtar, what a reviewer may unzip with) the header's,
// so the two would read different files (audit W2). Python's zipfile
// refuses such a zip, and so does the install for a .conda.
func (b *Bundle) checkLocalName(f *zip.File) error {
	if b.ra == nil {
		return nil
	}
	local, err := ziplocal.Name(b.ra, f)
	if err != nil {
		return bundleErr("", fmt.Sprintf("%s has no header of its own where its data starts: the zip is inconsistent", f.Name), err)
	}
	if local != f.Name {
		return bundleErr("", fmt.Sprintf("%s is named %q in its own header: the zip is inconsistent; build the bundle again with onboard bundle build", f.Name, local), nil)
	}
	return nil
}

// readSmall reads a small member whole (checking its CRC-32); nil when absent.
func (b *Bundle) readSmall(name string) ([]byte, error) {
	f := b.files[name]
	if f == nil {
		return nil, nil
	}
	if f.UncompressedSize64 > maxSmallMember {
		return nil, bundleErr("", fmt.Sprintf("%s is too large (%d bytes)", name, f.UncompressedSize64), nil)
	}
	if err := b.checkLocalName(f); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, bundleErr("", "cannot read "+name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, bundleErr("", name+" is damaged", err)
	}
	return data, nil
}

// Close releases the file behind the bundle, if any.
func (b *Bundle) Close() error {
	if b.closer == nil {
		return nil
	}
	return b.closer.Close()
}

// Licence returns the licence text the wizard shows ("" when the bundle
// has none), checked against bundle.json when the bundle was opened.
func (b *Bundle) Licence() string { return b.licence }

// Icon returns icon.png, or nil when the bundle has none usable (checked
// when the bundle was opened).
func (b *Bundle) Icon() []byte { return b.icon }

// Signed reports whether the bundle carries a signature.
func (b *Bundle) Signed() bool { return b.Signature != nil }

// Platform returns the payload for subdir, or nil.
func (b *Bundle) Platform(subdir string) *Platform { return b.Manifest.Platforms[subdir] }

// ZipSize is the length of the bundle's zip in bytes (without an
// installer it is appended to).
func (b *Bundle) ZipSize() int64 { return b.zipSize }

// WriteZip writes the bundle's zip, byte for byte, to w: how an install
// keeps a bundle that came from no file of its own (the demo bundle in the
// program's bytes) for offline repairs.
func (b *Bundle) WriteZip(w io.Writer) error {
	if b.ra == nil {
		return fmt.Errorf("bundle %s: its bytes are not at hand", b.Source)
	}
	_, err := io.Copy(w, io.NewSectionReader(b.ra, 0, b.zipSize))
	return err
}

// uniqueKeys refuses a JSON object that holds a key twice, in any case:
// Go's decoder keeps the last one, and takes a field's name in any case,
// so {"version": "1", "Version": "2099"} read as 2099 here and as 1 in jq
// or Python, which a reviewer may read a bundle.json with; a signature
// covers the bytes, not how they are read (audit W2). raw is valid JSON
// (the decoder read it first): a scan of its bytes, some 50 times faster
// than json.Decoder's tokens on a big bundle's manifest.
func uniqueKeys(raw []byte) error {
	type frame struct {
		object, wantKey bool
		keys            [][]byte            // an object's keys so far, while few
		many            map[string]struct{} // then, lower-cased (a map of envs may hold thousands)
	}
	var stack []frame // kept as it shrinks: its keys' lists are used again
	depth := 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{', '[':
			if depth == len(stack) {
				stack = append(stack, frame{})
			}
			stack[depth] = frame{object: raw[i] == '{', wantKey: raw[i] == '{', keys: stack[depth].keys[:0]}
			depth++
		case '}', ']':
			depth--
		case ',':
			if depth > 0 && stack[depth-1].object {
				stack[depth-1].wantKey = true
			}
		case '"':
			start, esc := i, false
			for i++; i < len(raw) && raw[i] != '"'; i++ {
				if raw[i] == '\\' {
					esc = true
					i++
				}
			}
			if depth == 0 || !stack[depth-1].wantKey {
				continue
			}
			f := &stack[depth-1]
			k := raw[start+1 : i]
			if esc { // "\u0076ersion" is "version"
				var s string
				if err := json.Unmarshal(raw[start:i+1], &s); err != nil {
					return err
				}
				k = []byte(s)
			}
			dup := false
			if f.many != nil {
				_, dup = f.many[strings.ToLower(string(k))]
				f.many[strings.ToLower(string(k))] = struct{}{}
			} else {
				dup = slices.ContainsFunc(f.keys, func(seen []byte) bool { return bytes.EqualFold(seen, k) })
				if f.keys = append(f.keys, k); len(f.keys) > 32 {
					f.many = map[string]struct{}{}
					for _, k := range f.keys {
						f.many[strings.ToLower(string(k))] = struct{}{}
					}
				}
			}
			if dup {
				return fmt.Errorf("an object holds the key %q twice (in any case): which one counts would depend on the reader", humanize.Excerpt(string(k), 80))
			}
			f.wantKey = false
		}
	}
	return nil
}
