package bundle

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Authenticode (the PE/COFF specification's "attribute certificate
// table"): a signer appends a table of certificates at the end of the file,
// at a multiple of 8, and writes its file offset and size into the optional
// header's data directory entry 4 (IMAGE_DIRECTORY_ENTRY_SECURITY). The
// signature's hash covers every byte before the table except the checksum
// and that entry, so a bundle and footer attached before signing are
// covered by it.

const securityDirIndex = 4

// securityDir finds a PE file's security directory entry: where the
// 8-byte entry is in the file, and the table's file offset and size it
// holds. ok is false for a file that is not a PE image.
func securityDir(r io.ReaderAt) (entryAt int64, tableOff, tableSize uint32, ok bool) {
	var dos [64]byte
	if _, err := r.ReadAt(dos[:], 0); err != nil || dos[0] != 'M' || dos[1] != 'Z' {
		return 0, 0, 0, false
	}
	peAt := int64(binary.LittleEndian.Uint32(dos[0x3c:]))
	var hdr [4 + 20 + 2]byte // signature, COFF header, optional header magic
	if _, err := r.ReadAt(hdr[:], peAt); err != nil || !bytes.Equal(hdr[:4], []byte("PE\x00\x00")) {
		return 0, 0, 0, false
	}
	optAt := peAt + 24
	var countAt, dirAt int64
	switch binary.LittleEndian.Uint16(hdr[24:]) {
	case 0x10b: // PE32
		countAt, dirAt = optAt+92, optAt+96
	case 0x20b: // PE32+
		countAt, dirAt = optAt+108, optAt+112
	default:
		return 0, 0, 0, false
	}
	var cnt [4]byte
	if _, err := r.ReadAt(cnt[:], countAt); err != nil || binary.LittleEndian.Uint32(cnt[:]) <= securityDirIndex {
		return 0, 0, 0, false
	}
	entryAt = dirAt + securityDirIndex*8
	var e [8]byte
	if _, err := r.ReadAt(e[:], entryAt); err != nil {
		return 0, 0, 0, false
	}
	return entryAt, binary.LittleEndian.Uint32(e[0:]), binary.LittleEndian.Uint32(e[4:]), true
}

// AuthenticodeSigned tells whether the file at path is a PE image that
// ends with an Authenticode certificate table (a signed installer).
func AuthenticodeSigned(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false
	}
	_, signed := certTableStart(f, st.Size())
	return signed
}

// certTableStart returns where an Authenticode certificate table that
// ends the file starts (signed true), or size when there is none.
func certTableStart(r io.ReaderAt, size int64) (int64, bool) {
	_, off, n, ok := securityDir(r)
	if !ok || n == 0 || int64(off)+int64(n) != size {
		return size, false
	}
	return int64(off), true
}

// copyUnsigned copies r[0:n) to w with a PE's security directory entry
// and checksum cleared (0 = not computed, as the Go linker leaves it): a
// binary stripped of what was signed no longer carries a valid signature,
// so it must not point at a certificate table that is gone.
func copyUnsigned(w io.Writer, r io.ReaderAt, n int64) (int64, error) {
	entryAt, _, size, ok := securityDir(r)
	if !ok || size == 0 || entryAt+8 > n {
		return io.Copy(w, io.NewSectionReader(r, 0, n))
	}
	head := make([]byte, entryAt+8)
	if _, err := r.ReadAt(head, 0); err != nil {
		return 0, err
	}
	clear(head[entryAt:])
	if sumAt, ok := checksumAt(head); ok {
		clear(head[sumAt : sumAt+4])
	}
	c1, err := w.Write(head)
	if err != nil {
		return int64(c1), err
	}
	c2, err := io.Copy(w, io.NewSectionReader(r, entryAt+8, n-entryAt-8))
	return int64(c1) + c2, err
}

// checksumAt finds the optional header's CheckSum field in a PE header.
func checksumAt(head []byte) (int, bool) {
	if len(head) < 0x40 {
		return 0, false
	}
	at := int(binary.LittleEndian.Uint32(head[0x3c:])) + 24 + 64
	return at, at >= 0 && at+4 <= len(head)
}

// maxSignedSize is the largest file Authenticode can sign: the certificate
// table's file offset is a 32-bit field.
const maxSignedSize = 1<<32 - 1

// AuthenticodeOptions drives osslsigncode for 'bundle attach
// --sign-authenticode'.
type AuthenticodeOptions struct {
	Cert      string // the certificate (chain), PEM or DER (osslsigncode -certs)
	Key       string // its private key, PEM or DER, unencrypted (osslsigncode -key)
	Name      string // the description shown by Windows (osslsigncode -n); "" = none
	Timestamp string // an RFC 3161 time-stamp server URL (osslsigncode -ts); "" = none
	Tool      string // the osslsigncode program; "" = found on PATH (prepareSigning)
}

// ErrNotPE is returned when an Authenticode signature is asked for a
// binary that is not a Windows (PE) executable.
var ErrNotPE = errors.New("Authenticode signs only Windows (PE) executables")

// signAuthenticode signs the PE file in with osslsigncode (o.Tool, which
// prepareSigning found) and writes the signed file to out. osslsigncode
// runs with no terminal: a passphrase it would ask for there is refused
// (prepareSigning refuses an encrypted PEM key before; this catches the
// rest), as the docs say, and a wrong one is not asked twice (audit BG 4).
func signAuthenticode(ctx context.Context, in, out string, o AuthenticodeOptions) error {
	args := []string{"sign", "-certs", o.Cert, "-key", o.Key, "-h", "sha256"}
	if o.Name != "" {
		args = append(args, "-n", o.Name)
	}
	if o.Timestamp != "" {
		args = append(args, "-ts", o.Timestamp)
	}
	args = append(args, "-in", in, "-out", out)
	cmd := exec.CommandContext(ctx, o.Tool, args...)
	noTerminal(cmd)
	var outBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outBuf, &outBuf
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		said := outBuf.String()
		switch {
		case strings.Contains(said, "pass phrase") || strings.Contains(said, "Wrong password") || strings.Contains(said, "bad decrypt"):
			return fmt.Errorf("the key %s is protected by a passphrase, and --sign-authenticode needs an unencrypted key (openssl pkey -in KEY -out PLAIN, kept safe); for a hardware token or signtool, attach without --sign-authenticode and sign the written file yourself (docs/bundle.md)", o.Key)
		case strings.Contains(said, "key values mismatch"):
			return fmt.Errorf("the key %s is not the key of the certificate %s: pass the pair that belong together", o.Key, o.Cert)
		case o.Timestamp != "" && (strings.Contains(said, "BIO_") || strings.Contains(strings.ToLower(said), "timestamp")):
			// raw BIO_connect lines said nothing of the server (audit BG 5)
			return fmt.Errorf("the time-stamp server %s did not give a time-stamp (osslsigncode: %s): check the URL and that this machine reaches it, or sign without --timestamp", o.Timestamp, lastLines(said, 1))
		}
		return fmt.Errorf("osslsigncode failed (%v): %s", err, lastLines(said, 6))
	}
	return nil
}

// lastLines is the last n lines of s, trimmed.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
