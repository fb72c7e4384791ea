package maintain

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/internal/selfexe"
)

// checkApp checks the maintenance app, PREFIX/.onboard/onboard[.exe]:
// every launcher the install made runs it (Jupyter's and the
// Maintenance one, Apps & features' Uninstall), and a deleted or cut copy
// left them dead while verify said healthy (audit BM 5). The install
// always writes it beside its manifest. It is not hashed (tens of MB
// on every verify): a program cut short, or one whose appended bundle
// is, is told by its own headers and footer (bundle.PlainSize, as
// discovery tells a cut installer), and an empty file by its size.
func (v *verifier) checkApp() {
	if v.man == nil {
		return // a plain conda prefix, or a manifest repair writes first
	}
	path := state.AppPath(v.prefix)
	if why, _ := appFault(path); why != "" {
		v.problem(Problem{Env: BaseEnv, Path: state.Rel(state.AppFile(runtime.GOOS)), Kind: ProblemApp,
			Detail: why + "; the launchers run it, and do not start without it: repair puts it back"})
	}
}

// appFault says what is wrong with the maintenance app at path, "" when
// nothing is; modeOnly when it is whole and only not executable.
func appFault(path string) (why string, modeOnly bool) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "the maintenance app is gone", false
	case err != nil:
		return fmt.Sprintf("the maintenance app cannot be read (%v)", err), false
	case !fi.Mode().IsRegular():
		return "the maintenance app is not a file (" + fi.Mode().Type().String() + ")", false
	case fi.Size() == 0:
		return "the maintenance app is empty", false
	}
	if _, err := bundle.PlainSize(path); err != nil {
		// said in the app's words, not an installer's ("download the
		// installer again") where its headers tell
		if size, file, ok := bundle.ImageSize(path); ok && size > file {
			return fmt.Sprintf("the maintenance app is cut short: its own headers say %d bytes, the file has %d", size, file), false
		}
		return fmt.Sprintf("the maintenance app is damaged (%v)", err), false
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o100 == 0 {
		return "the maintenance app is not executable", true
	}
	return "", false
}

// appSource is the program repair copies as the maintenance app: this
// one, an onboard (as the install copies itself).
var appSource = selfexe.Executable

// restoreApp puts the maintenance app back: a copy of this program without
// any bundle appended (as the install writes it when the bundle is kept
// beside it), or, when only its mode is wrong, that mode. A repair run
// by the maintenance app itself never finds it gone.
func (rp *repairer) restoreApp() error {
	dst := state.AppPath(rp.prefix)
	if _, modeOnly := appFault(dst); modeOnly {
		// the program is whole, and may carry the bundle kept for repairs
		if err := os.Chmod(dst, 0o755); err != nil {
			return fmt.Errorf("failed to make the maintenance app %q executable: %w", dst, err)
		}
		rp.fixed(BaseEnv, "", "made the maintenance app executable again")
		return nil
	}
	src, err := appSource()
	if err != nil {
		return fmt.Errorf("failed to find this program to copy it as the maintenance app %q: %w; run the installer again with --force", dst, err)
	}
	if err := bundle.WriteStripped(src, dst); err != nil {
		return fmt.Errorf("failed to write the maintenance app %q from %q: %w", dst, src, err)
	}
	rp.fixed(BaseEnv, "", "wrote the maintenance app again, from "+src)
	return nil
}
