package bundle

import (
	"archive/zip"
	"context"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAttachSplit(t *testing.T) {
	dir := t.TempDir()
	privPEM, pubPEM, _ := GenerateKey()
	priv, _ := ParsePrivateKey(privPEM)
	pub, _ := ParsePublicKey(pubPEM)
	v1 := filepath.Join(dir, "v1.zip")
	build(t, fixtureSpec(t, t.TempDir(), "2026.11.0"), v1, priv)
	v2 := filepath.Join(dir, "v2.zip")
	build(t, fixtureSpec(t, t.TempDir(), "2026.12.0"), v2, priv)
	bin := testBinary(t, dir)
	plain, _ := os.ReadFile(bin)

	out := filepath.Join(t.TempDir(), "folder")
	inst, err := Attach(context.Background(), AttachOptions{Bundle: v1, Installer: bin, OutDir: out, Split: true, TrustedKey: pub})
	if err != nil {
		t.Fatalf("Attach --split: %v", err)
	}
	beside := filepath.Join(out, SplitBundleName)
	st, err := os.Stat(inst)
	if err != nil || st.Size() > int64(len(plain))+footerSize+8 {
		t.Fatalf("split installer is %v bytes (%v); want the plain %d + footer, no bundle", st.Size(), err, len(plain))
	}
	if a, b := sha256Of(t, beside), sha256Of(t, v1); a != b {
		t.Errorf("%s is not a copy of the bundle", beside)
	}
	f, err := Discover(DiscoverOptions{Executable: inst, Demo: []byte("not used")})
	if err != nil {
		t.Fatalf("Discover(split installer): %v", err)
	}
	if f.Kind != SourceBeside || f.Manifest.Version != "2026.11.0" || f.TrustedBy == nil {
		t.Errorf("found %s %s trusted %v; want beside 2026.11.0, trusted by the baked key", f.Kind, f.Manifest.Version, f.TrustedBy != nil)
	}
	if err := f.Verify(t.Context(), "linux-64", 0, nil); err != nil {
		t.Errorf("Verify: %v", err)
	}
	f.Close()

	// Another bundle beside it, even one signed by the trusted key, is not
	// the one the installer was made for.
	data, _ := os.ReadFile(v2)
	os.WriteFile(beside, data, 0o644)
	_, err = Discover(DiscoverOptions{Executable: inst, Demo: []byte("not used")})
	var be *Error
	if !errors.As(err, &be) || !strings.Contains(err.Error(), ", not the bundle") {
		t.Errorf("Discover with another bundle beside: %v; want a *bundle.Error \", not the bundle\"", err)
	}
	// No bundle beside: an error naming the missing file, never the demo.
	os.Remove(beside)
	_, err = Discover(DiscoverOptions{Executable: inst, Demo: []byte("not used")})
	if !errors.As(err, &be) || errors.Is(err, ErrNoBundle) || !strings.Contains(be.Advice, "copy the whole folder") {
		t.Errorf("Discover without the bundle beside: %v; want a *bundle.Error asking for the folder", err)
	}
	// --bundle FILE still picks any bundle the keys accept.
	f, err = Discover(DiscoverOptions{Executable: inst, Path: v2})
	if err != nil || f.Manifest.Version != "2026.12.0" {
		t.Errorf("Discover --bundle with a split installer: %v", err)
	} else {
		f.Close()
	}
	// The maintenance app made from a split installer looks for no bundle.
	maint := filepath.Join(t.TempDir(), "onboard")
	if err := WriteStripped(inst, maint); err != nil {
		t.Fatal(err)
	}
	if p, err := payloadOf(maint); err != nil || p.SplitManifest != nil || p.TrustedKey == nil {
		t.Errorf("maintenance app payload = %+v, %v; want the key and no split pin", p, err)
	}
	// Attaching the installer's own bundle.zip in place works (same file).
	os.WriteFile(beside, mustRead(t, v1), 0o644)
	if _, err := Attach(context.Background(), AttachOptions{Bundle: beside, Installer: inst, OutDir: out, Split: true}); err != nil {
		t.Errorf("Attach --split of the bundle already in DIR: %v", err)
	}
}

func TestAttachSplitSigned(t *testing.T) {
	tool, cert, key := signingTools(t)
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	out := t.TempDir()
	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: windowsExe(t), OutDir: out, Split: true,
		Authenticode: &AuthenticodeOptions{Cert: cert, Key: key}})
	if err != nil {
		t.Fatalf("Attach --split --sign-authenticode: %v", err)
	}
	osslVerify(t, tool, cert, inst)
	f, err := Discover(DiscoverOptions{Executable: inst})
	if err != nil || f.Kind != SourceBeside {
		t.Fatalf("Discover(signed split installer): %v", err)
	}
	f.Close()
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenSplitInstallerSaysWhere(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: testBinary(t, dir), OutDir: t.TempDir(), Split: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(inst)
	if err == nil || !strings.Contains(err.Error(), "bundle.zip beside it") {
		t.Errorf("Open(split installer) = %v; want an error pointing at the bundle.zip beside it", err)
	}
	// the installer is fine: the advice is not to download it again
	// (audit BG 7)
	var be *Error
	if !errors.As(err, &be) || !strings.Contains(be.Advice, filepath.Join(filepath.Dir(inst), SplitBundleName)) {
		t.Errorf("the advice for a split installer given as the bundle: %+v", be)
	}
}

// TestAttachRefusesWindowsExeOver4GiB: a bundle of 4 GiB (a small bundle
// plus a sparse STORED member of zeros) cannot go into one .exe; the error
// says to use --split, and nothing is written.
func TestAttachRefusesWindowsExeOver4GiB(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), small, nil)
	b, err := Open(small)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	big := filepath.Join(dir, "big.zip")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	sw := newSparseWriter(f)
	zw := zip.NewWriter(sw)
	for _, m := range b.zr.File {
		if err := zw.Copy(m); err != nil {
			t.Fatal(err)
		}
	}
	const pad = 1 << 32
	zero := make([]byte, 1<<20)
	crc := uint32(0)
	for n := int64(0); n < pad; n += int64(len(zero)) {
		crc = crc32.Update(crc, crc32.IEEETable, zero)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "padding.bin", Method: zip.Store, CRC32: crc, CompressedSize64: pad, UncompressedSize64: pad})
	if err != nil {
		t.Fatal(err)
	}
	for n := int64(0); n < pad; n += int64(len(zero)) {
		w.Write(zero)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sw.Finish(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(t.TempDir(), "dist")
	_, err = Attach(context.Background(), AttachOptions{Bundle: big, Installer: windowsExe(t), OutDir: out})
	if err == nil || !strings.Contains(err.Error(), "--split") {
		t.Fatalf("Attach of a 4 GiB bundle to a Windows exe: %v; want a refusal naming --split", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was created by a refused attach", out)
	}
}
