package selfexe

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"onboard/internal/rmtree"
)

// scratch returns a fresh folder. Under Wine (ONBOARD_WINE=1) t.TempDir's
// clean-up uses os.RemoveAll, which Wine 8 refuses; rmtree is used instead.
func scratch(t *testing.T) string {
	t.Helper()
	if os.Getenv("ONBOARD_WINE") == "" {
		return t.TempDir()
	}
	d, err := os.MkdirTemp("", "selfexe-test-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rmtree.RemoveAll(d) })
	return d
}

func write(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
		t.Fatal(err)
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func TestInside(t *testing.T) {
	root := filepath.Join(string(filepath.Separator)+"x", "acme")
	for _, tc := range []struct {
		p    string
		want bool
	}{
		{root, true},
		{filepath.Join(root, ".onboard", "onboard.exe"), true},
		{filepath.Join(root, "..", "acme2", "onboard.exe"), false},
		{root + "-old", false},
		{filepath.Dir(root), false},
		{filepath.Join(root, "..foo"), true}, // a name starting with two dots is inside
	} {
		if got := Inside(tc.p, root); got != tc.want {
			t.Errorf("Inside(%q, %q) = %v; want %v", tc.p, root, got, tc.want)
		}
	}
}

// TestLeaveMovesTheProgramOutOfTheFolder: the program goes to the temp
// folder under a name of its own, the working folder leaves the prefix,
// files an earlier run left there are swept, and the prefix can then go
// whole.
func TestLeaveMovesTheProgramOutOfTheFolder(t *testing.T) {
	base := scratch(t)
	prefix := filepath.Join(base, "acme")
	exe := filepath.Join(prefix, ".onboard", "onboard.exe")
	write(t, exe, "the program")
	TempDir = filepath.Join(base, "tmp")
	t.Cleanup(func() { TempDir = "" })
	os.MkdirAll(TempDir, 0o755)
	leftover := filepath.Join(TempDir, movedPrefix+"1-1.exe")
	write(t, leftover, "an earlier run's")
	other := filepath.Join(TempDir, "someone-else.exe")
	write(t, other, "not ours")
	t.Chdir(filepath.Dir(exe))

	moved, err := Leave(exe, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(moved) != TempDir || !strings.HasPrefix(filepath.Base(moved), movedPrefix) || filepath.Ext(moved) != ".exe" {
		t.Errorf("moved to %s; want %s/%s<pid>-<n>.exe", moved, TempDir, movedPrefix)
	}
	if b, err := os.ReadFile(moved); err != nil || string(b) != "the program" {
		t.Errorf("the moved program holds %q, %v", b, err)
	}
	if exists(exe) {
		t.Error("the program is still in the prefix")
	}
	if wd, _ := os.Getwd(); Inside(wd, prefix) {
		t.Errorf("the working folder %s is still inside the prefix", wd)
	}
	if exists(leftover) || !exists(other) {
		t.Errorf("sweep: leftover there %v (want gone), other file there %v (want kept)", exists(leftover), exists(other))
	}
	if err := rmtree.RemoveAll(prefix); err != nil || exists(prefix) {
		t.Fatalf("the prefix could not be removed: %v", err)
	}

	// A second program of the same process gets its own name.
	exe2 := filepath.Join(prefix, "b.exe")
	write(t, exe2, "b")
	moved2, err := Leave(exe2, prefix)
	if err != nil || moved2 == moved {
		t.Errorf("second Leave = %s, %v; want a new name beside %s", moved2, err, moved)
	}

	// A program outside the folder stays where it is.
	out := filepath.Join(base, "elsewhere.exe")
	write(t, out, "x")
	if got, err := Leave(out, prefix); err != nil || got != out || !exists(out) {
		t.Errorf("Leave of a program outside = %s, %v; want it untouched", got, err)
	}
}

// TestLeaveBesideTheFolderWhenTheTempFolderFails: a temp folder on another
// volume (a rename fails) gives way to a name beside the prefix, on its
// volume; when both fail the error names the program and the folder.
func TestLeaveBesideTheFolderWhenTheTempFolderFails(t *testing.T) {
	base := scratch(t)
	prefix := filepath.Join(base, "acme")
	exe := filepath.Join(prefix, ".onboard", "onboard.exe")
	write(t, exe, "p")
	TempDir = filepath.Join(base, "no-such-temp")
	t.Cleanup(func() { TempDir = "" })
	moved, err := Leave(exe, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(moved) != base || !strings.HasPrefix(filepath.Base(moved), ".acme.onboard-running-") {
		t.Errorf("moved to %s; want %s/.acme.onboard-running-<pid>-<n>.exe", moved, base)
	}

	write(t, exe, "p")
	rename = func(string, string) error { return errors.New("sharing violation") }
	t.Cleanup(func() { rename = os.Rename })
	_, err = Leave(exe, prefix)
	if err == nil || !strings.Contains(err.Error(), exe) || !strings.Contains(err.Error(), "sharing violation") {
		t.Errorf("Leave with every rename refused = %v; want an error naming %s and the cause", err, exe)
	}
	if !exists(exe) {
		t.Error("a failed Leave lost the program")
	}
}

// TestReturn puts a moved program back, by rename or, when that fails, by
// a copy whose source is then deleted at exit.
func TestReturn(t *testing.T) {
	base := scratch(t)
	exe := filepath.Join(base, "acme", ".onboard", "onboard.exe")
	moved := filepath.Join(base, "tmp", "moved.exe")
	write(t, moved, "program bytes")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	if err := Return(moved, exe); err != nil || exists(moved) {
		t.Fatalf("Return = %v, moved still there %v", err, exists(moved))
	}
	if b, _ := os.ReadFile(exe); string(b) != "program bytes" {
		t.Fatalf("put back %q", b)
	}

	os.Rename(exe, moved)
	rename = func(string, string) error { return errors.New("access denied") }
	t.Cleanup(func() { rename = os.Rename; pending.paths = nil })
	if err := Return(moved, exe); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(exe); string(b) != "program bytes" {
		t.Fatalf("copied back %q", b)
	}
	if p := Pending(); len(p) != 1 || p[0] != moved {
		t.Errorf("pending %v; want the copy's source %s", p, moved)
	}
	if fi, _ := os.Stat(exe); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o755 {
		t.Errorf("the copy has mode %v; want the program's 0755", fi.Mode().Perm())
	}
}

// TestExecutableFollowsTheMove: Executable reports where Leave moved this
// program (Windows keeps reporting where it started), until Return.
func TestExecutableFollowsTheMove(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	where.Lock()
	where.m[self] = "/moved/by/leave"
	where.Unlock()
	t.Cleanup(func() { where.Lock(); delete(where.m, self); where.Unlock() })
	if got, _ := Executable(); got != "/moved/by/leave" {
		t.Errorf("Executable() = %s; want where Leave moved it", got)
	}
	// The moved file is not there, so nothing is renamed or copied; the
	// move is forgotten all the same.
	if err := Return(filepath.Join(scratch(t), "not-there"), self); err == nil {
		t.Error("Return of a file that is not there succeeded")
	}
	if got, _ := Executable(); got != self {
		t.Errorf("after Return, Executable() = %s; want %s", got, self)
	}
}

// TestScript checks the batch file: ASCII only and no path in it (they come
// in the environment), every path deleted as a folder or a file, a bounded
// wait with ping, and the script deleting itself.
func TestScript(t *testing.T) {
	s := Script(2, 7)
	for i, r := range s {
		if r > 0x7e || r < 0x20 && r != '\r' && r != '\n' {
			t.Fatalf("byte %d of the script is %q; want plain ASCII", i, r)
		}
	}
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
		t.Error("a line ends without CR LF")
	}
	for _, want := range []string{
		"setlocal DisableDelayedExpansion",
		`if exist "%ONBOARD_RM_1%\*" (rmdir /s /q "%ONBOARD_RM_1%" 2>nul) else (del /f /q "%ONBOARD_RM_1%" 2>nul)`,
		`if exist "%ONBOARD_RM_2%" set onboard_left=1`,
		"if %onboard_try% geq 7 goto done",
		`"%SystemRoot%\System32\ping.exe" -n 2 127.0.0.1 >nul`,
		`(goto) 2>nul & del "%~f0"`,
		`del "%~f0"`,
	} {
		if !strings.Contains(s, want+"\r\n") {
			t.Errorf("the script lacks the line %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "ONBOARD_RM_3") {
		t.Error("the script names a third path")
	}
	env := Env([]string{"PATH=x", "ONBOARD_RM_9=stale", "onboard_rm_1=stale"}, []string{`C:\a b\100% & (x)`, `C:\Users\José\Temp\y.exe`})
	if strings.Join(env, "|") != `PATH=x|ONBOARD_RM_1=C:\a b\100% & (x)|ONBOARD_RM_2=C:\Users\José\Temp\y.exe` {
		t.Errorf("env = %q", env)
	}
}

// TestAtExitRemoves: on Windows (under Wine in make wine) the hidden cmd.exe
// deletes a file and a folder whose names hold &, ^, !, parentheses, spaces
// and a non-ASCII letter, and a %; elsewhere AtExit deletes them at once.
// Wine 8's cmd.exe expands a % that a %VAR% brought in once more (cmd.exe
// does not), so under Wine the names have no %.
func TestAtExitRemoves(t *testing.T) {
	base := scratch(t)
	TempDir = base
	t.Cleanup(func() { TempDir = "" })
	pct := "%"
	if os.Getenv("ONBOARD_WINE") != "" {
		pct = ""
	}
	file := filepath.Join(base, "José 100"+pct+" & (co)^!", "a.exe")
	dir := filepath.Join(base, "prefix (old) & 50"+pct)
	write(t, file, "x")
	write(t, filepath.Join(dir, "sub", "f.txt"), "y")
	RemoveAtExit(file)
	RemoveAtExit(dir)
	RemoveAtExit(dir)
	if p := Pending(); len(p) != 2 {
		t.Fatalf("pending %v; want the two paths once each", p)
	}
	if err := AtExit(); err != nil {
		t.Fatal(err)
	}
	if len(Pending()) != 0 {
		t.Error("AtExit left its list")
	}
	deadline := time.Now().Add(20 * time.Second)
	for (exists(file) || exists(dir)) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if exists(file) || exists(dir) {
		t.Fatalf("after 20 s: file there %v, folder there %v", exists(file), exists(dir))
	}
	if runtime.GOOS == "windows" {
		for time.Now().Before(deadline) {
			if m, _ := filepath.Glob(filepath.Join(base, "onboard-remove-*.bat")); len(m) == 0 {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Error("the script did not delete itself")
	}
}

// TestRunningProgramLeavesAndIsDeletedAfterExit is issue #11 for real: a
// copy of this test binary runs from PREFIX/.onboard, moves itself out,
// deletes the prefix while it runs, and asks for its own file to go at
// exit. The prefix must be gone while the program still runs, and the
// moved file soon after it exits. Windows only (Wine in make wine), where
// a running program's file cannot be deleted. So too when the program is
// started by the long name of a folder the prefix names by its 8.3 short
// name (C:\Program Files for C:\PROGRA~1), and when it runs from outside
// the prefix as the installer whose hard link the maintenance app is: the
// installer stays (audit AF).
func TestRunningProgramLeavesAndIsDeletedAfterExit(t *testing.T) {
	if os.Getenv("SELFEXE_CHILD") != "" {
		child(t)
		return
	}
	if runtime.GOOS != "windows" {
		t.Skip("only Windows keeps a running program's file")
	}
	self, _ := os.Executable()
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	for _, how := range []string{"inside", "short name", "hard link"} {
		t.Run(how, func(t *testing.T) {
			base := scratch(t)
			prefix := filepath.Join(base, "Acme Platform")
			exe := filepath.Join(prefix, ".onboard", "onboard.exe")
			write(t, exe, string(b))
			write(t, filepath.Join(prefix, "envs", "team", "python.exe"), "x")
			run, named := exe, prefix
			switch how {
			case "short name":
				named = shortName(t, prefix)
			case "hard link":
				run = filepath.Join(base, "Downloads", "acme-installer.exe")
				if err := os.MkdirAll(filepath.Dir(run), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Link(exe, run); err != nil {
					t.Skip(err)
				}
			}
			cmd := exec.Command(run, "-test.run=^TestRunningProgramLeavesAndIsDeletedAfterExit$", "-test.v")
			cmd.Env = append(os.Environ(), "SELFEXE_CHILD="+named, "SELFEXE_TEMP="+base)
			cmd.Dir = filepath.Dir(run) // as Explorer starts it: the working folder is its own
			out, err := cmd.CombinedOutput()
			t.Logf("child:\n%s", out)
			if err != nil {
				t.Fatalf("the child failed: %v", err)
			}
			if !strings.Contains(string(out), "prefix gone while running") {
				t.Fatal("the child did not report the prefix gone while it ran")
			}
			_, movedPath, _ := strings.Cut(string(out), "moved to ")
			movedPath, _, _ = strings.Cut(movedPath, "\n")
			movedPath = strings.TrimSpace(movedPath)
			if movedPath == "" {
				t.Fatal("the child did not say where it moved to")
			}
			deadline := time.Now().Add(30 * time.Second)
			for exists(movedPath) && time.Now().Before(deadline) {
				time.Sleep(250 * time.Millisecond)
			}
			if exists(movedPath) {
				t.Fatalf("%s is still there 30 s after the program exited", movedPath)
			}
			if exists(prefix) {
				t.Fatalf("%s is there again", prefix)
			}
			if how == "hard link" && !exists(run) {
				t.Fatalf("the installer %s went with the install", run)
			}
		})
	}
}

// child is the program inside the prefix.
func child(t *testing.T) {
	prefix := os.Getenv("SELFEXE_CHILD")
	TempDir = os.Getenv("SELFEXE_TEMP")
	exe, _ := os.Executable()
	exe = NameIn(exe, prefix, filepath.Join(prefix, ".onboard", "onboard.exe"))
	if err := rmtree.RemoveAll(prefix); err == nil {
		t.Fatal("the prefix could be deleted with the program running in it: nothing to test here")
	}
	moved, err := Leave(exe, prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("moved to %s\n", moved)
	if now, _ := Executable(); now != moved {
		t.Errorf("Executable() = %s after the move; want %s", now, moved)
	}
	if err := rmtree.RemoveAll(prefix); err != nil {
		t.Fatalf("the prefix is still not deletable: %v", err)
	}
	if exists(prefix) {
		t.Fatal("the prefix is still there")
	}
	t.Log("prefix gone while running")
	RemoveAtExit(moved)
	if err := AtExit(); err != nil {
		t.Fatal(err)
	}
}

// NameIn finds the running program's file in a folder by its path there,
// or as the hard link a path in it is (the installer whose hard link the
// maintenance app is); a file that is only alike is not it. On Windows a
// folder named by its 8.3 short name holds what its long name holds.
func TestNameIn(t *testing.T) {
	base := scratch(t)
	prefix := filepath.Join(base, "Acme Platform")
	app := filepath.Join(prefix, ".onboard", "onboard.exe")
	write(t, app, "program")
	other := filepath.Join(base, "copy.exe")
	write(t, other, "program")
	link := filepath.Join(base, "installer.exe")
	if err := os.Link(app, link); err != nil {
		t.Skip(err)
	}
	for _, tc := range []struct{ exe, app, want string }{
		{app, "", app},
		{link, app, app},
		{link, "", link},    // no app to compare with
		{other, app, other}, // the same bytes, another file
		{link, filepath.Join(base, "installer.exe"), link}, // app outside the folder
	} {
		if got := NameIn(tc.exe, prefix, tc.app); got != tc.want {
			t.Errorf("NameIn(%q, %q, %q) = %q; want %q", tc.exe, prefix, tc.app, got, tc.want)
		}
	}
	if runtime.GOOS == "windows" {
		short := shortName(t, prefix)
		if got := NameIn(app, short, ""); !strings.EqualFold(got, filepath.Join(short, ".onboard", "onboard.exe")) {
			t.Errorf("NameIn(%q, %q) = %q; want it in the short-named folder", app, short, got)
		}
	}
}
