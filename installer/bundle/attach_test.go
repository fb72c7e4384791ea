package bundle

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// testBinary copies the running test binary (a real executable of this
// host) to dir and returns its path.
func testBinary(t *testing.T, dir string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "onboard")
	if err := os.WriteFile(p, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAttachStripDiscover(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	privPEM, pubPEM, _ := GenerateKey()
	priv, _ := ParsePrivateKey(privPEM)
	pub, _ := ParsePublicKey(pubPEM)
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, priv)
	bin := testBinary(t, dir)
	plain, _ := os.ReadFile(bin)

	out1 := t.TempDir()
	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: bin, OutDir: out1, TrustedKey: pub})
	if err != nil {
		t.Fatalf("Attach: %v", err)
	}
	goos, goarch, err := BinaryTarget(bin)
	if err != nil || goos != runtime.GOOS || goarch != runtime.GOARCH {
		t.Fatalf("BinaryTarget = %s/%s, %v; want %s/%s", goos, goarch, err, runtime.GOOS, runtime.GOARCH)
	}
	if want := InstallerName("Acme Python", "2026.11.0", goos, goarch); filepath.Base(inst) != want {
		t.Errorf("installer name = %q; want %q", filepath.Base(inst), want)
	}
	if st, _ := os.Stat(inst); st.Mode().Perm() != 0o755 {
		t.Errorf("mode = %v; want 0755", st.Mode().Perm())
	}
	// Attaching again to the attached installer replaces its bundle.
	out2 := t.TempDir()
	inst2, err := Attach(context.Background(), AttachOptions{Bundle: inst, Installer: inst, OutDir: out2})
	if err != nil {
		t.Fatalf("re-Attach: %v", err)
	}
	a, _ := os.ReadFile(inst)
	b, _ := os.ReadFile(inst2)
	if len(a) != len(b) || !bytes.Equal(a[:len(plain)], plain) || !bytes.Equal(b[:len(plain)], plain) {
		t.Errorf("re-attached installer is %d bytes (first %d) and must start with the plain binary", len(b), len(a))
	}

	f, err := Discover(DiscoverOptions{Executable: inst})
	if err != nil {
		t.Fatalf("Discover(appended): %v", err)
	}
	if f.Kind != SourceAppended || f.TrustedBy == nil || f.Manifest.Version != "2026.11.0" {
		t.Errorf("found %s (trusted %v) version %s; want appended, trusted, 2026.11.0", f.Kind, f.TrustedBy != nil, f.Manifest.Version)
	}
	f.Close()

	stripped := filepath.Join(dir, "maint")
	if err := WriteStripped(inst, stripped); err != nil {
		t.Fatalf("WriteStripped: %v", err)
	}
	s, _ := os.ReadFile(stripped)
	if pad := footerPadding(int64(len(plain))); !bytes.Equal(s[:len(plain)], plain) || int64(len(s)) != int64(len(plain))+pad+footerSize || len(s)%8 != 0 {
		t.Errorf("stripped binary is %d bytes; want the plain %d + %d zero bytes + a %d-byte key footer", len(s), len(plain), pad, footerSize)
	}
	if k, _ := TrustedKeyOf(stripped); !bytes.Equal(k, pub) {
		t.Errorf("stripped binary lost the trusted key")
	}
	// The stripped binary has no bundle; beside it, an unsigned bundle.zip
	// is refused because of the baked key.
	unsigned := filepath.Join(dir, "bundle.zip")
	build(t, fixtureSpec(t, t.TempDir(), "2026.11.0"), unsigned, nil)
	_, err = Discover(DiscoverOptions{Executable: stripped})
	var be *Error
	if !errors.As(err, &be) {
		t.Fatalf("Discover beside with baked key: err = %v; want a *bundle.Error (unsigned)", err)
	}
	// Without the key, bundle.zip beside is found.
	plainBin := filepath.Join(dir, "plain")
	os.WriteFile(plainBin, plain, 0o755)
	f, err = Discover(DiscoverOptions{Executable: plainBin, Demo: []byte("ignored")})
	if err != nil || f.Kind != SourceBeside {
		t.Fatalf("Discover beside: %v, %+v; want bundle.zip beside", err, f)
	}
	f.Close()
}

func TestDiscoverOrder(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	demo, _ := os.ReadFile(zipPath)
	exe := testBinary(t, t.TempDir())
	tests := []struct {
		name string
		opts DiscoverOptions
		kind string
		err  bool
	}{
		{"flag wins", DiscoverOptions{Path: zipPath, Executable: exe, Demo: demo}, SourceFlag, false},
		{"demo last", DiscoverOptions{Executable: exe, Demo: demo}, SourceDemo, false},
		{"nothing", DiscoverOptions{Executable: exe}, "", true},
		{"bad flag does not fall through", DiscoverOptions{Path: exe, Demo: demo}, "", true},
		{"demo untrusted", DiscoverOptions{Executable: exe, Demo: demo, TrustedKeys: []ed25519.PublicKey{make([]byte, 32)}}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Discover(tt.opts)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v; want error %v", err, tt.err)
			}
			if err != nil {
				var be *Error
				if !errors.As(err, &be) {
					t.Errorf("err = %T; want *bundle.Error", err)
				}
				if got := errors.Is(err, ErrNoBundle); got != (tt.name == "nothing") {
					t.Errorf("errors.Is(err, ErrNoBundle) = %v for %v", got, err)
				}
				return
			}
			defer f.Close()
			if f.Kind != tt.kind {
				t.Errorf("kind = %q; want %q", f.Kind, tt.kind)
			}
		})
	}
}

func TestCatAppendedZip(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	bin := testBinary(t, dir)
	plain, _ := os.ReadFile(bin)
	z, _ := os.ReadFile(zipPath)
	cat := filepath.Join(dir, "cat")
	os.WriteFile(cat, append(append([]byte{}, plain...), z...), 0o755)
	b, err := Open(cat)
	if err != nil {
		t.Fatalf("Open(cat): %v", err)
	}
	b.Close()
	fh, _ := os.Open(cat)
	defer fh.Close()
	p, err := FindPayload(fh, int64(len(plain)+len(z)))
	if err != nil || p.Offset != int64(len(plain)) {
		t.Errorf("FindPayload offset = %d, %v; want %d", p.Offset, err, len(plain))
	}
}

// An attached installer that was cut short (an interrupted download), or
// had something added after its footer (bytes, a second zip), or whose
// footer no longer reads, is a damaged installer: Discover refuses it
// (exit 3) rather than take it for a plain program and go on to the demo
// bundle, without the trusted key and split pin its footer held. A footer
// whose zip offset points back into the program is damaged too.
func TestDamagedInstallerIsRefused(t *testing.T) {
	dir := t.TempDir()
	zipPath, other := filepath.Join(dir, "b.zip"), filepath.Join(dir, "other.zip")
	privPEM, pubPEM, _ := GenerateKey()
	priv, _ := ParsePrivateKey(privPEM)
	pub, _ := ParsePublicKey(pubPEM)
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, priv)
	build(t, fixtureSpec(t, t.TempDir(), "2026.12.0"), other, nil)
	bin := testBinary(t, dir)
	plainLen := func() int { b, _ := os.ReadFile(bin); return len(b) }()
	inst, err := Attach(context.Background(), AttachOptions{Bundle: zipPath, Installer: bin, OutDir: t.TempDir(), TrustedKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(inst)
	otherZip, _ := os.ReadFile(other)
	if img, ok := imageEnd(bytes.NewReader(good), int64(len(good))); !ok || img != int64(plainLen) {
		t.Fatalf("imageEnd of the installer = %d, %v; want the plain program's %d bytes", img, ok, plainLen)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-3] ^= 0xff // the footer's magic
	backwards := bytes.Clone(good)
	foot := backwards[len(backwards)-footerSize:] // the zip 4 KiB longer, starting in the program
	binary.LittleEndian.PutUint64(foot, uint64(plainLen-4096))
	binary.LittleEndian.PutUint64(foot[8:], binary.LittleEndian.Uint64(foot[8:])+4096)
	for name, data := range map[string][]byte{
		"cut short by 1":       good[:len(good)-1],
		"cut short by 100 000": good[:len(good)-100_000],
		"junk after":           append(bytes.Clone(good), "junk1234"...),
		"another zip after":    append(bytes.Clone(good), otherZip...),
		"footer magic flipped": flipped,
		"zip offset backwards": backwards,
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "installer")
			os.WriteFile(p, data, 0o755)
			// a demo bundle there to fall back to, as onboard has
			f, err := Discover(DiscoverOptions{Executable: p, Demo: otherZip})
			var be *Error
			if !errors.As(err, &be) || !strings.Contains(err.Error(), "damaged") {
				if f != nil {
					t.Fatalf("Discover = %s (%s); want a *bundle.Error", f.Kind, f.Manifest.Version)
				}
				t.Fatalf("Discover = %v; want a *bundle.Error", err)
			}
			// the file named once, and no footer blamed where there is
			// none (audit AH)
			if strings.Count(err.Error(), p) != 1 || strings.Contains(err.Error(), "carries a damaged footer") {
				t.Errorf("Discover = %v; want the file named once, and what is damaged", err)
			}
		})
	}
	// the plain program, and one with a zip appended with cat, are fine
	plain := good[:plainLen]
	for name, data := range map[string][]byte{"plain": plain, "cat": append(bytes.Clone(plain), otherZip...)} {
		p := filepath.Join(t.TempDir(), "installer")
		os.WriteFile(p, data, 0o755)
		if _, err := FindPayload(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Errorf("%s: FindPayload = %v", name, err)
		}
	}
}

// Attaching to an installer that trusts a key keeps the key: the new
// installer still refuses unsigned bundles, and an unsigned bundle is not
// attached to it. The key used to be dropped without a word.
func TestAttachKeepsTheInstallersKey(t *testing.T) {
	dir := t.TempDir()
	signed, unsigned := filepath.Join(dir, "s.zip"), filepath.Join(dir, "u.zip")
	privPEM, pubPEM, _ := GenerateKey()
	priv, _ := ParsePrivateKey(privPEM)
	pub, _ := ParsePublicKey(pubPEM)
	build(t, fixtureSpec(t, dir, "2026.11.0"), signed, priv)
	build(t, fixtureSpec(t, t.TempDir(), "2026.11.0"), unsigned, nil)
	keyed, err := Attach(context.Background(), AttachOptions{Bundle: signed, Installer: testBinary(t, dir), OutDir: t.TempDir(), TrustedKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Attach(context.Background(), AttachOptions{Bundle: unsigned, Installer: keyed, OutDir: filepath.Join(t.TempDir(), "o")}); !errors.Is(err, ErrAttachUntrusted) {
		t.Fatalf("attach of an unsigned bundle to a keyed installer: %v", err)
	}
	again, err := Attach(context.Background(), AttachOptions{Bundle: signed, Installer: keyed, OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if key, err := TrustedKeyOf(again); err != nil || !key.Equal(pub) {
		t.Fatalf("the re-attached installer trusts %x (%v); want the installer's key %x", key, err, pub)
	}
}

// An installer cut inside its program, or within the first bytes of its
// bundle, still runs (what goes first is symbols and section headers) and
// was taken for a program with no bundle: it installed the demo bundle,
// without the team's trusted key (audit W2). Its own headers say how long
// it is: Discover refuses it as damaged, for ELF and PE programs.
func TestInstallerCutInsideItsProgramIsRefused(t *testing.T) {
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), demo, nil)
	demoZip, _ := os.ReadFile(demo)
	elfProg, _ := os.ReadFile(testBinary(t, dir))
	programs := map[string][]byte{"elf": elfProg}
	if !testing.Short() {
		src := filepath.Join(t.TempDir(), "main.go")
		os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644)
		exe := filepath.Join(t.TempDir(), "p.exe")
		cmd := exec.Command("go", "build", "-o", exe, src)
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build for windows: %v\n%s", err, out)
		}
		programs["pe"], _ = os.ReadFile(exe)
	}
	for kind, prog := range programs {
		n := len(prog)
		if img, ok := imageEnd(bytes.NewReader(prog), int64(n)); !ok || img > int64(n) {
			t.Fatalf("%s: imageEnd of the whole program = %d, %v; want at most its %d bytes", kind, img, ok, n)
		}
		if _, err := FindPayload(bytes.NewReader(prog), int64(n)); err != nil {
			t.Fatalf("%s: the whole program: %v", kind, err)
		}
		cuts := map[string][]byte{
			"by 1": prog[:n-1], "by 100": prog[:n-100], "by 100 000": prog[:n-100_000], "in half": prog[:n/2],
			"3 bytes into its bundle": append(bytes.Clone(prog), "PK\x03"...),
		}
		for name, data := range cuts {
			p := filepath.Join(t.TempDir(), "installer")
			os.WriteFile(p, data, 0o755)
			f, err := Discover(DiscoverOptions{Executable: p, Demo: demoZip})
			var be *Error
			if !errors.As(err, &be) || !strings.Contains(err.Error(), "cut short") {
				if f != nil {
					t.Fatalf("%s cut %s: Discover = %s (%s); want a *bundle.Error", kind, name, f.Kind, f.Manifest.Name)
				}
				t.Fatalf("%s cut %s: Discover = %v; want a *bundle.Error saying cut short", kind, name, err)
			}
		}
	}
}

// An installer 'bundle attach' made, cut exactly where its program ends
// (a download stopped there), is named as such and refused, rather than
// run as a plain onboard with the demo bundle (audit W2 6d); a plain
// onboard, however named otherwise, still finds the demo.
func TestDiscoverRefusesAnInstallerCutAtItsProgram(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "b.zip")
	build(t, fixtureSpec(t, dir, "2026.11.0"), zipPath, nil)
	demo, _ := os.ReadFile(zipPath)
	plain, err := os.ReadFile(testBinary(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	for name, cut := range map[string]bool{
		InstallerName("Acme Python", "2026.11.0", "linux", "amd64"):       true,
		InstallerName("Acme Python", "2026.11.0", "windows", "amd64"):     true,
		"Acme-Python-2026.11.0-windows-x86_64 (1).exe":                    true,
		InstallerName("Acme Python", "2026.11.0-rc.1", "darwin", "arm64"): true,
		"onboard": false, "onboard-linux-amd64": false, "onboard.exe": false, "my-tools": false,
		"onboard-1.4.0-linux-amd64": false, "onboard-1.4.0-windows-386.exe": false, // a Go build's names (audit AD)
	} {
		exe := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(exe, plain, 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := Discover(DiscoverOptions{Executable: exe, Demo: demo})
		if cut {
			var be *Error
			if !errors.As(err, &be) || !strings.Contains(err.Error(), "cut short") {
				t.Errorf("%s: %v; want a bundle error saying it was cut short", name, err)
			}
			continue
		}
		if err != nil || f.Kind != SourceDemo {
			t.Errorf("%s: %v; want the demo", name, err)
		}
		if f != nil {
			f.Close()
		}
	}
}
