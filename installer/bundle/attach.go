package bundle

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"onboard/internal/atomicfile"
)

// AttachOptions configures Attach.
type AttachOptions struct {
	Bundle    string // the bundle zip (or an installer that carries one)
	Installer string // the onboard binary; "" = the running executable
	OutDir    string // where the installer is written
	// TrustedKey, when set, is baked into the installer: it then refuses
	// every bundle not signed by this key. The bundle given must be.
	TrustedKey ed25519.PublicKey
}

// Attach appends a bundle to an onboard binary (after stripping any
// bundle already appended to it) and writes OutDir/<Name>-<version>-<os>-
// <arch>[.exe], mode 0755, with os and arch read from the binary's header.
// It returns the path written.
func Attach(opts AttachOptions) (string, error) {
	b, err := Open(opts.Bundle)
	if err != nil {
		return "", err
	}
	defer b.Close()
	if opts.TrustedKey != nil {
		if err := b.CheckTrust([]ed25519.PublicKey{opts.TrustedKey}); err != nil {
			return "", fmt.Errorf("refusing to attach a bundle the installer would refuse: %w", err)
		}
	}
	exe := opts.Installer
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return "", fmt.Errorf("failed to find the running executable (pass --installer BIN): %w", err)
		}
	}
	goos, goarch, err := BinaryTarget(exe)
	if err != nil {
		return "", err
	}
	out := filepath.Join(opts.OutDir, InstallerName(b.Manifest.Name, b.Manifest.Version, goos, goarch))
	err = writeAtomic(out, 0o755, func(w io.Writer) error {
		n, err := copyPlainBinary(w, exe)
		if err != nil {
			return err
		}
		size, err := copyZip(w, opts.Bundle)
		if err != nil {
			return err
		}
		_, err = w.Write(encodeFooter(n, size, opts.TrustedKey))
		return err
	})
	if err != nil {
		return "", err
	}
	return out, nil
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
		_, err = w.Write(encodeFooter(n, 0, key))
		return err
	})
}

// TrustedKeyOf returns the public key baked into an executable by
// 'onboard bundle attach --trust-key', or nil.
func TrustedKeyOf(exe string) (ed25519.PublicKey, error) {
	f, err := os.Open(exe)
	if err != nil {
		return nil, fmt.Errorf("failed to open %q: %w", exe, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("failed to read %q: %w", exe, err)
	}
	p, _, err := readFooter(f, st.Size())
	return p.TrustedKey, err
}

// PlainSize is the size of the executable at path without a bundle or
// footer appended: the size of the maintenance app an install copies.
func PlainSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("failed to open installer binary: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("failed to read installer binary: %w", err)
	}
	p, err := FindPayload(f, st.Size())
	if err != nil {
		return 0, fmt.Errorf("installer binary %q: %w", path, err)
	}
	return p.Offset, nil
}

// copyPlainBinary copies the executable at path without its payload and
// returns the number of bytes written.
func copyPlainBinary(w io.Writer, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("failed to open installer binary: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("failed to read installer binary: %w", err)
	}
	p, err := FindPayload(f, st.Size())
	if err != nil {
		return 0, fmt.Errorf("installer binary %q: %w", path, err)
	}
	n, err := io.Copy(w, io.NewSectionReader(f, 0, p.Offset))
	if err != nil {
		return n, fmt.Errorf("failed to copy installer binary %q: %w", path, err)
	}
	return n, nil
}

// copyZip copies the bundle zip found in path (a plain zip, or the payload
// of an installer) and returns its size.
func copyZip(w io.Writer, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("failed to open bundle: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("failed to read bundle: %w", err)
	}
	p, err := FindPayload(f, st.Size())
	if err != nil || p.ZipSize == 0 {
		return 0, fmt.Errorf("no bundle zip found in %q: %v", path, err)
	}
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
