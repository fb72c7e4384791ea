package link

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/pkg"
	"onboard/internal/condatest"
)

// machO is a fake 64-bit Mach-O file with a binary prefix placeholder.
func machO(placeholder string) []byte {
	b := []byte{0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0, 0, 1}
	b = append(b, placeholder+"/lib\x00"...)
	return append(b, bytes.Repeat([]byte{0x90}, 64)...)
}

// prepareMachO builds and extracts a package for subdir holding bin/tool,
// and prepares it for hostOS with a fake codesign that appends a trailer.
func prepareMachO(t *testing.T, subdir, hostOS string) (act *Action, signed []string) {
	t.Helper()
	ph := "/opt/" + strings.Repeat("_placehold", 25) // as long as conda-build makes them
	dir := t.TempDir()
	arch, err := condatest.WriteConda(dir, condatest.Spec{Name: "tool", Version: "1.0", Build: "0", Subdir: subdir,
		Files: []condatest.File{{Path: "bin/tool", Data: machO(ph), Mode: 0o755, Placeholder: ph, FileMode: "binary"}}})
	if err != nil {
		t.Fatal(err)
	}
	x, err := pkg.Extract(context.Background(), pkg.Request{Archive: arch, PkgsDir: filepath.Join(dir, "pkgs")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	old := Codesign
	Codesign = func(p string) error {
		signed = append(signed, p)
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.Write([]byte("SIGNATURE"))
		return err
	}
	t.Cleanup(func() { Codesign = old })
	prefix := filepath.Join(dir, "env")
	os.MkdirAll(filepath.Join(dir, "tmp"), 0o755)
	plan, err := Prepare(context.Background(), x, &Options{Prefix: prefix, Subdir: subdir, HostOS: hostOS, TempDir: filepath.Join(dir, "tmp")})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range plan.Actions {
		if a.Temp != "" {
			return a, signed
		}
	}
	t.Fatal("no rewritten file in the plan")
	return nil, nil
}

func TestRewrittenMachOIsSignedAgainOnAppleSilicon(t *testing.T) {
	a, signed := prepareMachO(t, "osx-arm64", "darwin")
	if len(signed) != 1 {
		t.Fatalf("codesign ran %d times; want once", len(signed))
	}
	data, _ := os.ReadFile(a.Temp)
	sum := sha256.Sum256(data)
	if !bytes.HasSuffix(data, []byte("SIGNATURE")) || a.SHA256InPrefix != hex.EncodeToString(sum[:]) {
		t.Fatalf("sha256_in_prefix %s is not the hash of the signed bytes", a.SHA256InPrefix)
	}
}

func TestNoCodesignElsewhere(t *testing.T) {
	for _, c := range []struct{ subdir, host string }{{"osx-arm64", "linux"}, {"osx-64", "darwin"}, {"linux-64", "darwin"}} {
		if _, signed := prepareMachO(t, c.subdir, c.host); len(signed) != 0 {
			t.Errorf("%s on a %s host: codesign ran; want it only for osx-arm64 on macOS", c.subdir, c.host)
		}
	}
}
