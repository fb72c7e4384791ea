package pkg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/internal/condatest"
	"onboard/internal/pathfold"
)

func TestUnsafePath(t *testing.T) {
	for p, bad := range map[string]bool{
		"lib/libz.so": false, "share/man/man3/File::Spec.3pm": false, "a/b c/d.txt": false,
		"": true, "/etc/passwd": true, "../x": true, "lib/../../x": true, "lib//x": true,
		"./lib/x": true, "C:/Windows/x": true, `lib\..\x`: true, "lib/x\n": true,
		// conda's and onboard's own folders of the prefix
		"conda-meta/evil-1-0.json": true, "conda-meta/history": true, ".onboard/manifest.json": true,
		".onboard/maintenance/onboard": true, ".condatmp/x": true,
		"lib/conda-meta/x": false, "conda-meta-tools/x": false, ".onboardrc": false,
		// folded on every host: a bundle built on Linux for Windows or
		// macOS refuses what their installs refuse (audit P)
		"Conda-Meta/x": true, "PKGS/x.txt": true, "p\u212Ags/x": true, "env\u017f/x/conda-meta/h": true, ".me\u017f\u017fages.txt": true,
	} {
		if got := UnsafePath(p) != ""; got != bad {
			t.Errorf("UnsafePath(%q) unsafe = %v; want %v", p, got, bad)
		}
	}
	// and where the host folds them
	t.Cleanup(pathfold.Set(true))
	for _, p := range []string{"Conda-Meta/x.json", ".ONBOARD/lock", ".CondaTmp/x"} {
		if UnsafePath(p) == "" {
			t.Errorf("on Windows UnsafePath(%q) is safe; want refused, as the folder it names", p)
		}
	}
}

// A package whose own metadata points outside its folder is refused
// before anything is linked: paths.json entries and name-version-build.
func TestMetadataThatLeavesThePackageIsRefused(t *testing.T) {
	tests := []struct {
		name string
		spec condatest.Spec
	}{
		{"paths.json entry", condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch",
			Files: []condatest.File{{Path: "ok.txt", Data: []byte("x")}},
			InfoFiles: []condatest.File{{Path: "info/paths.json", Data: []byte(
				`{"paths": [{"_path": "../../outside.txt", "path_type": "hardlink", "size_in_bytes": 1}], "paths_version": 1}`)}}}},
		{"legacy info/files entry", condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch", Legacy: true,
			Files:     []condatest.File{{Path: "ok.txt", Data: []byte("x")}},
			InfoFiles: []condatest.File{{Path: "info/files", Data: []byte("/etc/passwd\n")}}}},
		{"paths.json entry in conda-meta", condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch",
			Files: []condatest.File{{Path: "conda-meta/numpy-1.0-0.json", Data: []byte("{}")}}}},
		{"legacy info/files entry in .onboard", condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch", Legacy: true,
			Files: []condatest.File{{Path: ".onboard/manifest.json", Data: []byte("{}")}}}},
		{"name with a path", condatest.Spec{Name: "evil", Version: "1", Build: "0", Subdir: "noarch",
			Files: []condatest.File{{Path: "ok.txt", Data: []byte("x")}},
			InfoFiles: []condatest.File{{Path: "info/index.json", Data: []byte(
				`{"name": "../../conda-meta/x", "version": "1", "build": "0", "build_number": 0, "depends": []}`)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			arch, err := condatest.WriteConda(dir, tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			pkgs := filepath.Join(dir, "pkgs")
			_, err = Extract(context.Background(), Request{Archive: arch, PkgsDir: pkgs}, nil)
			var ue *UnsafeEntryError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v; want an *UnsafeEntryError", err)
			}
			if !strings.Contains(err.Error(), "info/") {
				t.Errorf("the error %q does not name the metadata entry", err)
			}
			if left, _ := os.ReadDir(pkgs); len(left) != 0 {
				t.Errorf("pkgs holds %d entries after the refusal; want none", len(left))
			}
		})
	}
}

// What index.json gives the conda-meta record as it is, and conda prints
// (depends, constrains, license, track_features), holds no control
// character: a NUL or newline there, or a terminal escape in a licence,
// is refused at the package's read (audit AB).
func TestIndexFieldsForTheRecordAreText(t *testing.T) {
	for field, bad := range map[string]bool{
		`"depends": ["python >=3.9"], "license": "BSD-3-Clause"`: false,
		`"depends": ["python\n>=3.9"]`:                           true,
		`"depends": [], "constrains": ["x\u0000"]`:               true,
		`"depends": [], "track_features": "a\nb"`:                true,
		`"depends": [], "license": "MIT \u001b[31mred\u001b[0m"`: true,
		`"depends": [], "license": "BSD\nand MIT"`:               false, // a licence may run over lines
	} {
		s := condatest.Spec{Name: "pkg", Version: "1", Build: "0", Subdir: "noarch",
			Files: []condatest.File{{Path: "ok.txt", Data: []byte("x")}},
			InfoFiles: []condatest.File{{Path: "info/index.json", Data: []byte(
				`{"name": "pkg", "version": "1", "build": "0", "build_number": 0, "subdir": "noarch", ` + field + `}`)}}}
		arch, err := condatest.WriteConda(t.TempDir(), s)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Extract(context.Background(), Request{Archive: arch, PkgsDir: t.TempDir()}, nil)
		var fe *FormatError
		if got := errors.As(err, &fe) && strings.Contains(err.Error(), "control character"); got != bad {
			t.Errorf("%s: Extract = %v; want refused: %v", field, err, bad)
		}
	}
}
