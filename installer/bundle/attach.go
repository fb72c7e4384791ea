package bundle

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"onboard/internal/atomicfile"
)

// AttachOptions configures Attach.
type AttachOptions struct {
	Bundle    string // the bundle zip (or an installer that carries one)
	Installer string // the onboard binary; "" = the running executable
	OutDir    string // where the installer is written; created when missing
	// TrustedKey, when set, is baked into the installer: it then refuses
	// every bundle not signed by this key. The bundle given must be.
	// Unset, the key the installer binary's footer trusts is kept.
	TrustedKey ed25519.PublicKey
	// Split writes the bundle as OutDir/bundle.zip beside the installer
	// instead of appending it; the installer's footer records the sha256 of
	// its bundle.json, and discovery accepts only that bundle beside it.
	Split bool
	// Authenticode, when set, signs the (Windows) installer with
	// osslsigncode after attaching.
	Authenticode *AuthenticodeOptions
}

// SplitBundleName is the bundle file 'attach --split' writes beside the
// installer, and where discovery looks for it.
const SplitBundleName = "bundle.zip"

// maxWindowsExe is the largest .exe Attach writes: Windows does not start
// an executable file of 4 GiB or more, and Authenticode cannot sign one.
const maxWindowsExe = maxSignedSize

// exeMargin is what a Windows installer may grow by beyond its program,
// bundle and footer: the branding's resources (the icon: some 20 KiB) and
// the signature's certificate table (a few KiB, more with a time-stamp
// and a long chain).
const exeMargin = 1 << 20

// ctxWriter stops a write once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Attach appends a bundle to an onboard binary (after stripping any
// bundle already appended to it) and writes OutDir/<Name>-<version>-<os>-
// <arch>[.exe], mode 0755, with os and arch read from the binary's header.
// With Split, the bundle goes to OutDir/bundle.zip instead. It returns the
// installer's path. Nothing is left in OutDir when it fails.
// ErrNeedsSplit is Attach's refusal of a Windows installer of 4 GiB or
// more without Split: a usage error, which --split answers.
var ErrNeedsSplit = errors.New("this bundle needs --split")

// ErrAttachUntrusted is Attach's refusal of a bundle that the key the
// installer is to trust (AttachOptions.TrustedKey) did not sign.
var ErrAttachUntrusted = errors.New("refusing to attach a bundle the installer would refuse")

func Attach(ctx context.Context, opts AttachOptions) (_ string, err error) {
	b, err := Open(opts.Bundle)
	if err != nil {
		return "", err
	}
	defer b.Close()
	exe := opts.Installer
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return "", fmt.Errorf("failed to find the running executable (pass --installer BIN): %w", err)
		}
	}
	if opts.TrustedKey == nil {
		// the key the installer binary trusts stays: a team's keyed
		// installer must not become one that installs anything
		if key, err := TrustedKeyOf(exe); err == nil && key != nil {
			opts.TrustedKey = key
		}
	}
	if opts.TrustedKey != nil {
		if err := b.CheckTrust([]ed25519.PublicKey{opts.TrustedKey}); err != nil {
			return "", fmt.Errorf("%w: %w", ErrAttachUntrusted, err)
		}
	}
	goos, goarch, err := BinaryTarget(exe)
	if err != nil {
		return "", err
	}
	if err := readsManifest(exe, &b.Manifest); err != nil {
		return "", err
	}
	if opts.Authenticode != nil && goos != "windows" {
		return "", fmt.Errorf("%w: %q is a %s/%s executable (sign macOS installers with codesign on a Mac; Linux and Solaris installers are not signed this way)", ErrNotPE, exe, goos, goarch)
	}
	if opts.Authenticode != nil {
		// the tool, the certificate and the key are checked before the
		// installer, gigabytes of it, is written (audit BG 2)
		a := *opts.Authenticode
		if err := prepareSigning(&a, runtime.GOOS, time.Now()); err != nil {
			return "", err
		}
		if a.Name == "" {
			a.Name = b.Manifest.Name // the program's name Windows shows
		}
		opts.Authenticode = &a
	}
	plainSize, err := PlainSize(exe)
	if err != nil {
		return "", err
	}
	if goos == "windows" && !opts.Split {
		// branding (the icon and version resources) and a signature's
		// table add tens of KiB, which the check left out (audit BG)
		if total := plainSize + b.zipSize + footerSize + 8 + exeMargin; total > maxWindowsExe {
			return "", fmt.Errorf("%w: the installer would be %d bytes: Windows does not start an .exe of 4 GiB or more, and Authenticode cannot sign one; attach with --split to write the bundle as a separate %s beside the installer", ErrNeedsSplit, total, SplitBundleName)
		}
	}
	if opts.Split {
		if err := checkSplitTarget(b, opts.Bundle, filepath.Join(opts.OutDir, SplitBundleName)); err != nil {
			return "", err
		}
	}
	_, statErr := os.Stat(opts.OutDir)
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return "", fmt.Errorf("failed to create the output folder %q: %w", opts.OutDir, err)
	}
	if os.IsNotExist(statErr) {
		defer func() {
			if err != nil {
				os.Remove(opts.OutDir) // only when still empty
			}
		}()
	}
	out := filepath.Join(opts.OutDir, InstallerName(b.Manifest.Name, b.Manifest.Version, goos, goarch))
	var pin []byte
	if opts.Split {
		sum := sha256.Sum256(b.ManifestBytes)
		pin = sum[:]
	}
	fill := func(out io.Writer) error {
		sw := newSparseWriter(out)
		w := ctxWriter{ctx, sw} // Ctrl-C and SIGTERM stop a copy of gigabytes (audit BG 3)
		var (
			n   int64
			err error
		)
		if goos == "windows" {
			// the team's name, version and icon in the .exe's resources
			var plain bytes.Buffer
			if _, err := copyPlainBinary(&plain, exe); err != nil {
				return err
			}
			n, err = brandPE(w, plain.Bytes(), Brand{Name: b.Manifest.Name, Version: b.Manifest.Version, Publisher: b.Manifest.Publisher, IconPNG: b.Icon()})
		} else {
			n, err = copyPlainBinary(w, exe)
		}
		if err != nil {
			return err
		}
		var size int64
		if !opts.Split {
			if size, err = copyZip(w, opts.Bundle); err != nil {
				return err
			}
		}
		foot := append(make([]byte, footerPadding(n+size)), encodeFooter(n, size, opts.TrustedKey, pin)...)
		if _, err = w.Write(foot); err != nil {
			return err
		}
		return sw.Finish()
	}
	if opts.Authenticode != nil {
		err = writeSigned(ctx, out, fill, *opts.Authenticode)
	} else {
		err = writeAtomic(out, 0o755, fill)
	}
	if err != nil {
		return "", err
	}
	if opts.Split {
		if err = writeSplitBundle(ctx, opts.Bundle, filepath.Join(opts.OutDir, SplitBundleName)); err != nil {
			os.Remove(out)
			return "", err
		}
	}
	return out, nil
}

// ErrSplitTaken refuses an attach --split into a folder whose bundle.zip
// is another bundle's: the split installers already there need it, and
// would stop working. A usage error: choose another -o.
var ErrSplitTaken = errors.New("the output folder holds another bundle's " + SplitBundleName)

// checkSplitTarget refuses to write bundle b (from src) as dst when dst is
// there and holds another bundle (another bundle.json).
func checkSplitTarget(b *Bundle, src, dst string) error {
	st, err := os.Stat(dst)
	if err != nil {
		return nil
	}
	if a, err := os.Stat(src); err == nil && os.SameFile(a, st) {
		return nil
	}
	old, err := Open(dst)
	if err != nil {
		return fmt.Errorf("%w: %s is there and is no bundle onboard can read (%v); write the split installer into a folder of its own (-o DIR), or move that file away", ErrSplitTaken, dst, err)
	}
	defer old.Close()
	if bytes.Equal(old.ManifestBytes, b.ManifestBytes) {
		return nil // the same bundle again
	}
	return fmt.Errorf("%w: %s is %s %s, which the split installers beside it need; write the installer of %s %s into a folder of its own (-o DIR)",
		ErrSplitTaken, dst, old.Manifest.Name, old.Manifest.Version, b.Manifest.Name, b.Manifest.Version)
}

// writeSplitBundle copies the bundle zip in src to dst (unless they are the
// same file).
func writeSplitBundle(ctx context.Context, src, dst string) error {
	if a, err := os.Stat(src); err == nil {
		if b, err := os.Stat(dst); err == nil && os.SameFile(a, b) {
			return nil
		}
	}
	return writeAtomic(dst, 0o644, func(w io.Writer) error {
		sw := newSparseWriter(w)
		if _, err := copyZip(ctxWriter{ctx, sw}, src); err != nil {
			return err
		}
		return sw.Finish()
	})
}

// writeSigned writes the unsigned installer to a temporary file beside
// out, signs it into a second one, checks that the bundle is still found
// in the signed file, and renames that to out.
func writeSigned(ctx context.Context, out string, fill func(io.Writer) error, o AuthenticodeOptions) (err error) {
	dir := filepath.Dir(out)
	unsigned, err := os.CreateTemp(dir, "."+filepath.Base(out)+".unsigned-*")
	if err != nil {
		return fmt.Errorf("failed to create a temporary file beside %q: %w", out, err)
	}
	defer os.Remove(unsigned.Name())
	if err = fill(unsigned); err == nil {
		err = unsigned.Close()
	} else {
		unsigned.Close()
	}
	if err != nil {
		return fmt.Errorf("failed to write %q: %w", unsigned.Name(), err)
	}
	want, err := payloadOf(unsigned.Name())
	if err != nil {
		return err
	}
	signed := filepath.Join(dir, "."+filepath.Base(out)+".signed-partial")
	os.Remove(signed) // osslsigncode refuses to overwrite
	defer func() {
		if err != nil {
			os.Remove(signed)
		}
	}()
	if err = signAuthenticode(ctx, unsigned.Name(), signed, o); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("failed to sign %s: %w", out, err)
	}
	got, err := payloadOf(signed)
	if err != nil {
		return err
	}
	if !got.Signed || got.ZipOffset != want.ZipOffset || got.ZipSize != want.ZipSize || !bytes.Equal(got.SplitManifest, want.SplitManifest) {
		return fmt.Errorf("after signing, %q no longer shows its bundle where it was written (signed %v, zip at %d+%d; want %d+%d): the signer changed more than the certificate table", signed, got.Signed, got.ZipOffset, got.ZipSize, want.ZipOffset, want.ZipSize)
	}
	if err = os.Chmod(signed, 0o755); err != nil {
		return fmt.Errorf("failed to set the mode of %q: %w", signed, err)
	}
	if err = os.Rename(signed, out); err != nil {
		return fmt.Errorf("failed to move %q into place: %w", out, err)
	}
	return nil
}

// openPayload opens the file at path and finds its payload; the caller
// closes the file.
func openPayload(path string) (*os.File, Payload, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, Payload{}, fmt.Errorf("failed to read the file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Payload{}, fmt.Errorf("failed to read %q: %w", path, err)
	}
	p, err := FindPayload(f, st.Size())
	if err != nil {
		f.Close()
		return nil, Payload{}, fmt.Errorf("%q: %w", path, err)
	}
	return f, p, nil
}

// IsSplitInstaller tells whether the file at path is an installer made
// with 'bundle attach --split': it carries no bundle, but the pin of the
// bundle.zip that must be beside it.
func IsSplitInstaller(path string) bool {
	p, err := payloadOf(path)
	return err == nil && p.ZipSize == 0 && p.SplitManifest != nil
}

// payloadOf reads the payload of the file at path.
func payloadOf(path string) (Payload, error) {
	f, p, err := openPayload(path)
	if err != nil {
		return Payload{}, err
	}
	f.Close()
	return p, nil
}

// WriteStripped copies the executable src to dst (mode 0755) without any
// appended bundle: the maintenance app. A trusted key baked into src is
// kept, in a footer that carries no bundle.
func WriteStripped(src, dst string) error {
	return writeAtomic(dst, 0o755, func(w io.Writer) error {
		n, err := copyPlainBinary(w, src)
		if err != nil {
			return err
		}
		key, err := TrustedKeyOf(src)
		if err != nil || key == nil {
			return err
		}
		_, err = w.Write(append(make([]byte, footerPadding(n)), encodeFooter(n, 0, key, nil)...))
		return err
	})
}

// TrustedKeyOf returns the public key baked into an executable by
// 'onboard bundle attach --trust-key', or nil.
func TrustedKeyOf(exe string) (ed25519.PublicKey, error) {
	p, err := payloadOf(exe)
	return p.TrustedKey, err
}

// PlainSize is the size of the executable at path without a bundle or
// footer appended: the size of the maintenance app an install copies.
func PlainSize(path string) (int64, error) {
	p, err := payloadOf(path)
	if err != nil {
		return 0, fmt.Errorf("installer binary: %w", err)
	}
	return p.Offset, nil
}

// copyPlainBinary copies the executable at path without its payload and
// returns the number of bytes written.
func copyPlainBinary(w io.Writer, path string) (int64, error) {
	f, p, err := openPayload(path)
	if err != nil {
		return 0, fmt.Errorf("installer binary: %w", err)
	}
	defer f.Close()
	n, err := copyUnsigned(w, f, p.Offset)
	if err != nil {
		return n, fmt.Errorf("failed to copy installer binary %q: %w", path, err)
	}
	return n, nil
}

// copyZip copies the bundle zip found in path (a plain zip, or the payload
// of an installer) and returns its size.
func copyZip(w io.Writer, path string) (int64, error) {
	f, p, err := openPayload(path)
	if err == nil && p.ZipSize == 0 {
		f.Close()
		err = fmt.Errorf("%q holds no bundle zip", path)
	}
	if err != nil {
		return 0, fmt.Errorf("no bundle zip found: %w", err)
	}
	defer f.Close()
	n, err := io.Copy(w, io.NewSectionReader(f, p.ZipOffset, p.ZipSize))
	if err != nil {
		return n, fmt.Errorf("failed to copy bundle %q: %w", path, err)
	}
	return n, nil
}

// writeAtomic writes dst through a temporary file in its folder.
func writeAtomic(dst string, mode os.FileMode, fill func(io.Writer) error) error {
	return atomicfile.Write(dst, mode, fill)
}

// ErrOlderInstaller is Attach's refusal of an installer binary of an
// onboard that would refuse the bundle: one older than a key its
// bundle.json has.
var ErrOlderInstaller = errors.New("the installer binary is older than the bundle")

// readsManifest makes sure the onboard binary exe reads the keys of m
// added since bundles were first attached: an older one refuses a
// bundle.json with a key it does not know, and the installer would then
// refuse its own bundle (audit AG). A binary that reads a key holds its
// field's struct tag, which Go keeps for encoding/json.
func readsManifest(exe string, m *Manifest) error {
	if m.Publisher == "" && m.URL == "" {
		return nil
	}
	var plain bytes.Buffer
	if _, err := copyPlainBinary(&plain, exe); err != nil {
		return err
	}
	if !bytes.Contains(plain.Bytes(), []byte(`json:"publisher,omitempty"`)) {
		return fmt.Errorf("%w: %q is of an onboard that does not know the bundle's publisher and url, and would refuse the bundle; attach it to the installer binary of this onboard (dist/), or build the bundle without them", ErrOlderInstaller, exe)
	}
	return nil
}
