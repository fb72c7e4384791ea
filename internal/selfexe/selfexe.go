// Package selfexe gets the running program out of a folder that is to be
// deleted or renamed, and deletes what it leaves once the program has
// exited.
//
// Windows cannot delete a running program's file, nor delete or rename a
// folder that holds one (NTFS refuses to rename a folder with open files
// below it; Wine 8 renames it but cannot delete the file). It can rename
// the file itself, even out of its folder on the same volume. So the
// maintenance app, which runs from PREFIX\.onboard\onboard.exe, moves its own
// file out of the prefix (Leave) before an uninstall deletes the prefix or an
// upgrade moves it aside; the moved file is deleted once the program has
// exited (RemoveAtExit, then AtExit as the program ends: a hidden cmd.exe
// retries the delete for a while). Elsewhere a running program's file can
// be unlinked and none of this is needed (MustLeave is false).
//
// Everything but starting that cmd.exe is plain Go, so the tests run it on
// any system; host_windows.go starts it.
package selfexe

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// movedPrefix starts the name of a program moved into the temp folder:
// onboard-running-<pid>-<n>.exe. Leave deletes the ones earlier runs left.
const movedPrefix = "onboard-running-"

// TempDir is where Leave moves the program first; "" = os.TempDir(). Tests
// set it.
var TempDir = ""

// rename is os.Rename; a test makes it fail.
var rename = os.Rename

// Inside tells whether p is dir or lies under it (both absolute, cleaned by
// filepath.Rel; case-insensitive on Windows, as its file systems are).
func Inside(p, dir string) bool {
	if caseInsensitive {
		p, dir = strings.ToLower(p), strings.ToLower(dir)
	}
	rel, err := filepath.Rel(dir, p)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel == "." || rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// NameIn returns the name under dir by which the running program's file
// exe is there, so that Leave can move it out: exe itself when its path
// lies in dir as written; the same file in dir's spelling when the two are
// one once spelled with their long names (an install for all users records
// its folder as C:\PROGRA~1\…, and the Start Menu starts the maintenance
// app as C:\Program Files\…; audit AF); or app, a path in dir (the
// install's maintenance app), when it is the same file as exe (an install
// makes the maintenance app a hard link of its installer, and IT uninstalls
// with that installer; Windows deletes no name of a running program's file,
// but renames one; audit AF). Otherwise exe, which is not in dir.
func NameIn(exe, dir, app string) string {
	if exe == "" || Inside(exe, dir) {
		return exe
	}
	le, ld := longName(exe), longName(dir)
	if Inside(le, ld) {
		// the part in dir as the program's path spells it (audit AG:
		// it was lower-cased)
		if rel, err := filepath.Rel(ld, le); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.Join(dir, rel)
		}
		if len(le) > len(ld) && strings.EqualFold(le[:len(ld)], ld) {
			return filepath.Join(dir, strings.TrimLeft(le[len(ld):], `\/`))
		}
	}
	if app == "" || !Inside(app, dir) {
		return exe
	}
	if sameFile(exe, app) {
		return app
	}
	return exe
}

// MustLeaveDir tells whether the program at exe must leave dir before dir
// can be deleted or renamed: it lies inside dir on a system that cannot
// delete a running program's file.
func MustLeaveDir(exe, dir string) bool {
	return MustLeave && exe != "" && Inside(exe, dir)
}

// Leave moves the running program's file exe out of dir: into the temp
// folder, or, when that is on another volume (a rename cannot cross
// volumes), beside dir as .<dir name>.onboard-running-<pid>-<n>.exe. It also
// moves the process's working folder out of dir (a working folder is an
// open handle that keeps dir from being deleted or renamed). It returns
// where exe went. Files that earlier runs moved to the temp folder and could
// not delete are deleted first. Nothing is moved when exe is not in dir.
func Leave(exe, dir string) (string, error) {
	if !Inside(exe, dir) {
		return exe, nil
	}
	tmp := TempDir
	if tmp == "" {
		tmp = os.TempDir()
	}
	sweep(tmp)
	if wd, err := os.Getwd(); err == nil && (Inside(wd, dir) || Inside(longName(wd), longName(dir))) {
		if err := os.Chdir(tmp); err != nil {
			os.Chdir(filepath.Dir(dir))
		}
	}
	var errs []error
	for _, to := range []string{filepath.Join(tmp, movedPrefix), filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".onboard-running-")} {
		// the program's own path, when exe is another name of its file
		// (NameIn), is where Executable looks it up
		self, _ := os.Executable()
		same := self != "" && self != exe && sameFile(self, exe)
		moved, err := renameUnique(exe, to)
		if err == nil {
			where.Lock()
			where.m[exe] = moved
			if same {
				where.m[self] = moved
			}
			where.Unlock()
			return moved, nil
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("failed to move the running program %s out of %s: %w", exe, dir, errors.Join(errs...))
}

// sameFile tells whether the paths a and b are one file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// renameUnique renames exe to <stem><pid>-<n>.exe for the first free n.
func renameUnique(exe, stem string) (string, error) {
	ext := filepath.Ext(exe)
	for n := 1; n <= 100; n++ {
		to := stem + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(n) + ext
		if _, err := os.Lstat(to); err == nil {
			continue
		}
		if err := rename(exe, to); err != nil {
			return "", err
		}
		return to, nil
	}
	return "", fmt.Errorf("no free name like %s<pid>-<n>%s", stem, ext)
}

// where maps a program's path to where Leave moved it.
var where = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

// Executable is os.Executable, or where Leave moved this program: Windows
// goes on reporting the path a program started from after its file was
// renamed, and an install copies the maintenance app from here.
func Executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return exe, err
	}
	where.Lock()
	defer where.Unlock()
	if to, ok := where.m[exe]; ok {
		return to, nil
	}
	return exe, nil
}

// Return puts a program that Leave moved back at its old path, after an
// upgrade that failed and put the old install back. It renames it, and
// copies it when the rename fails; the copy's source is then deleted at
// exit.
func Return(moved, exe string) error {
	if moved == exe {
		return nil
	}
	where.Lock()
	delete(where.m, exe)
	where.Unlock()
	if err := rename(moved, exe); err == nil {
		return nil
	}
	if err := copyFile(moved, exe); err != nil {
		return fmt.Errorf("failed to put the maintenance app back at %s (it is at %s): %w", exe, moved, err)
	}
	RemoveAtExit(moved)
	return nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	tmp := to + ".onboard-tmp"
	dst, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, fi.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, to)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

var pending struct {
	sync.Mutex
	paths []string
}

// RemoveAtExit asks AtExit to delete path (a file or a whole folder) once
// this program has exited.
func RemoveAtExit(path string) {
	pending.Lock()
	defer pending.Unlock()
	for _, p := range pending.paths {
		if p == path {
			return
		}
	}
	pending.paths = append(pending.paths, path)
}

// Pending lists what RemoveAtExit was asked to delete.
func Pending() []string {
	pending.Lock()
	defer pending.Unlock()
	return append([]string(nil), pending.paths...)
}

// AtExit starts the deletion of what RemoveAtExit collected, to finish
// after this program has exited; the program calls it last, as it ends. On
// Windows a hidden cmd.exe in the temp folder retries each delete every
// second for up to Tries seconds (the program is gone within milliseconds,
// a virus scanner may hold a file a little longer), then deletes its own
// script. Elsewhere the paths are deleted at once. It returns what could
// not be set going; the program has nothing better to do than say so.
func AtExit() error {
	paths := Pending()
	if len(paths) == 0 {
		return nil
	}
	pending.Lock()
	pending.paths = nil
	pending.Unlock()
	return startRemover(paths)
}

// Tries is how many times, a second apart, the script tries each delete.
const Tries = 120

// Script is the batch file that deletes paths once the program that wrote
// it has exited. The paths are not in it: they come in the environment
// (Env), as the variables ONBOARD_RM_1, ONBOARD_RM_2, …, so the script is
// plain ASCII whatever the paths hold (cmd.exe reads a batch file in the
// OEM code page, and a path may hold %, &, ^, parentheses or letters that
// code page lacks); %VAR% expands once and within quotes nothing in it is
// special (Wine 8's cmd.exe expands a % brought in that way once more,
// which cmd.exe does not). It waits with ping (present on every Windows and
// in Wine; timeout.exe needs a console and Wine lacks it) and ends by
// deleting itself.
func Script(n, tries int) string {
	var b strings.Builder
	w := func(s string) { b.WriteString(s + "\r\n") }
	w("@echo off")
	w("setlocal DisableDelayedExpansion")
	w("set /a onboard_try=0")
	w(":again")
	w("set onboard_left=0")
	for i := 1; i <= n; i++ {
		v := "%ONBOARD_RM_" + strconv.Itoa(i) + "%"
		w(`if exist "` + v + `\*" (rmdir /s /q "` + v + `" 2>nul) else (del /f /q "` + v + `" 2>nul)`)
		w(`if exist "` + v + `" set onboard_left=1`)
	}
	w("if %onboard_left%==0 goto done")
	w("set /a onboard_try+=1")
	w("if %onboard_try% geq " + strconv.Itoa(tries) + " goto done")
	w(`"%SystemRoot%\System32\ping.exe" -n 2 127.0.0.1 >nul`)
	w("goto again")
	w(":done")
	// (goto) ends the script so that deleting it leaves cmd.exe nothing to
	// read; Wine's cmd.exe lacks the trick and goes on to the plain del.
	w(`(goto) 2>nul & del "%~f0"`)
	w(`del "%~f0"`)
	return b.String()
}

// Env is the environment that gives Script its paths.
func Env(base []string, paths []string) []string {
	env := make([]string, 0, len(base)+len(paths))
	for _, kv := range base {
		if !strings.HasPrefix(strings.ToUpper(kv), "ONBOARD_RM_") {
			env = append(env, kv)
		}
	}
	for i, p := range paths {
		env = append(env, "ONBOARD_RM_"+strconv.Itoa(i+1)+"="+p)
	}
	return env
}

// sweep deletes what earlier runs moved to dir and could not delete (their
// cmd.exe did not run, or the machine went down); this process's own are
// left alone. One that another program still runs from is not deleted:
// Windows refuses, and Leave is only used where MustLeave (or by tests, on
// their own folder).
func sweep(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	own := movedPrefix + strconv.Itoa(os.Getpid()) + "-"
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), movedPrefix) && !strings.HasPrefix(e.Name(), own) && !e.IsDir() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
