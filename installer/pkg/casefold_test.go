package pkg

import (
	"archive/tar"
	"context"
	"strings"
	"testing"

	"onboard/internal/condatest"
	"onboard/internal/pathfold"
)

// On Windows and macOS, names ignore case: share/OK.txt is the file
// share/ok.txt. The extraction treats every spelling of a name as that
// one file (pathfold.Host, set here; this file system keeps the two
// spellings apart, so the test sees what untar decided, and a file
// written at the first spelling is what a folding file system does).
func TestFoldingHostSeesOneFileInEverySpelling(t *testing.T) {
	ok := condatest.Member{Name: "share/ok.txt", Data: []byte("ok\n")}
	for _, tt := range []struct {
		name    string
		members []condatest.Member
		want    string // "" = extracted, with share/ok.txt as paths.json records it
	}{
		// Unseen, the second member would rewrite the file checked
		// against paths.json: the install would hold other bytes under
		// the recorded sha256.
		{"another spelling rewrites a listed file", []condatest.Member{ok, {Name: "share/OK.txt", Data: []byte("evil payload\n")}}, "share/ok.txt"},
		{"another spelling of its folder", []condatest.Member{ok, {Name: "SHARE/ok.txt", Data: []byte("evil payload\n")}}, "share/ok.txt"},
		{"another spelling, same bytes", []condatest.Member{ok, {Name: "Share/OK.TXT", Data: []byte("ok\n")}}, ""},
		{"through a symlink in another spelling", []condatest.Member{{Name: "share/L", Type: tar.TypeSymlink, Linkname: "."}, ok,
			{Name: "share/l/ok.txt", Data: []byte("evil payload\n")}}, "passes through the symlink share/L"},
		// The kernel of a folding host follows A/UP through the symlink
		// a/up, and then .. leaves the package; a target that goes up
		// after going down is refused anyway, wherever it leads.
		{"symlink chain in another spelling", []condatest.Member{ok, {Name: "a/up", Type: tar.TypeSymlink, Linkname: ".."},
			{Name: "b", Type: tar.TypeSymlink, Linkname: "A/UP/.."}}, "A/UP/.. goes up after going down"},
		{"metadata in another spelling", []condatest.Member{ok, {Name: "INFO/PATHS.JSON", Data: []byte(`{"paths": [], "paths_version": 1}`)}}, "info/paths.json appears twice"},
		{"unlisted files in folders of two spellings", []condatest.Member{ok, {Name: "Share/other.txt", Data: []byte("x")}, {Name: "SHARE/more/x.txt", Data: []byte("y")}}, ""},
	} {
		for _, format := range []string{"conda", "tar.bz2", "tar.bz2 payload first"} {
			t.Run(tt.name+" "+format, func(t *testing.T) {
				if format == "conda" && strings.HasPrefix(tt.members[len(tt.members)-1].Name, "INFO/") {
					t.Skip("a .conda's info/ is its own component")
				}
				t.Cleanup(pathfold.Set(true))
				wantOkOrRefused(t, format, tt.members, tt.want)
			})
		}
	}
}

// Two paths.json entries that are one file where names ignore case: the
// second would overwrite the first, and the record would hold both sums.
func TestFoldingHostRefusesTwoSpellingsInPathsJSON(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files []condatest.File
		want  string
	}{
		{"two files", []condatest.File{{Path: "share/README", Data: []byte("a")}, {Path: "share/readme", Data: []byte("b")}},
			`lists "share/README" and "share/readme", which are one file where names ignore case`},
		{"a file and a folder", []condatest.File{{Path: "share/A", Data: []byte("a")}, {Path: "share/a/b", Data: []byte("b")}},
			`lists "share/A" as a hardlink and "share/a/b" inside it`},
		{"a folder and a symlink", []condatest.File{{Path: "lib/Py/x.py", Data: []byte("a")}, {Path: "lib/py", Symlink: "Py"}},
			`lists "lib/py" as a softlink and "lib/Py/x.py" inside it`},
	} {
		s := spec()
		s.Files = tt.files
		dir := t.TempDir()
		archive, err := condatest.WriteConda(dir, s)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(tt.name+" where names keep their case", func(t *testing.T) {
			t.Cleanup(pathfold.Set(false))
			if _, err := Extract(context.Background(), Request{Archive: archive, PkgsDir: t.TempDir()}, nil); err != nil {
				t.Fatalf("Extract = %v; want it extracted (Linux keeps both names)", err)
			}
		})
		t.Run(tt.name+" where names ignore case", func(t *testing.T) {
			t.Cleanup(pathfold.Set(true))
			wantFormatError(t, archive, tt.want)
		})
	}
}
