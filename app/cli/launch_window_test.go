//go:build linux

package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"onboard/app/launch"
)

// `launch jupyter` from the JupyterLab menu shortcut (stdout no terminal)
// shows its start in a window in the GUI build on a display, which gets
// the address when no browser opens; from a terminal, and in the nogui
// build, it prints as before (audit BO 2).
func TestLaunchJupyterFromTheMenuShowsAWindow(t *testing.T) {
	needBin(t)
	home := t.TempDir()
	prefix := filepath.Join(t.TempDir(), "acme")
	if r := run(t, home, onboardBin, "install", "--silent", "--prefix", prefix); r.code != 0 {
		t.Fatalf("install: %d %s", r.code, r.stderr)
	}
	t.Setenv("HOME", home)
	t.Setenv("DISPLAY", ":99")
	t.Setenv("WAYLAND_DISPLAY", "")
	swap(t, &displayAnswers, func(string) bool { return true })
	swap(t, &launch.OpenBrowser, func(string) error { return errors.New(`exec: "xdg-open": executable file not found in $PATH`) })
	var started []launch.Start
	var runErr error
	swap(t, &startUI, func(ctx context.Context, s launch.Start) error {
		started = append(started, s)
		runErr = s.Run(ctx)
		return nil
	})
	t.Cleanup(func() { launch.Stop(prefix, "team") })
	gui := func(context.Context, Env, WizardOptions) error { return nil }
	args := []string{"jupyter", "--prefix", prefix, "--env", "team"}

	// the menu: stdout goes to a file (a session log), not a terminal
	out, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := runLaunch(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: io.Discard, GUI: gui}); err != nil {
		t.Fatalf("launch from the menu: %v", err)
	}
	var nb *launch.NoBrowserError
	if len(started) != 1 || started[0].Name != "JupyterLab" || started[0].Env != "team" || !errors.As(runErr, &nb) || !strings.Contains(nb.URL, "token=") {
		t.Fatalf("windows %+v, start %v; want one window for JupyterLab in team, given the address with its token", started, runErr)
	}
	// and it printed the address too: a script on a display that sends
	// stdout to a file reads it there (audit BP 4)
	if b, _ := os.ReadFile(out.Name()); !strings.Contains(string(b), "Jupyter started: "+nb.URL) {
		t.Errorf("the window's launch printed %q; want the address too", b)
	}
	out.Truncate(0)
	out.Seek(0, 0)

	// a terminal, the nogui build, no display: printed as before
	pty, tty := openPTY(t)
	for name, env := range map[string]Env{
		"terminal": {Stdout: tty, GUI: gui},
		"nogui":    {Stdout: out, GUI: nil},
	} {
		if err := runLaunch(context.Background(), args, env); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	t.Setenv("DISPLAY", "")
	if err := runLaunch(context.Background(), args, Env{Stdout: out, GUI: gui}); err != nil {
		t.Fatalf("no display: %v", err)
	}
	if len(started) != 1 {
		t.Fatalf("%d windows; want none from a terminal, the nogui build or without a display", len(started)-1)
	}
	tty.Close()
	var term bytes.Buffer
	io.Copy(&term, pty) // ends with EIO once the terminal is closed
	printed, _ := os.ReadFile(out.Name())
	for name, got := range map[string]string{"terminal": term.String(), "nogui and no display": string(printed)} {
		if !strings.Contains(got, "Jupyter already running: "+nb.URL) || !strings.Contains(got, "No web browser could be opened") {
			t.Errorf("%s printed %q; want the address and that no browser opened", name, got)
		}
	}
}

func swap[T any](t *testing.T, v *T, with T) {
	old := *v
	*v = with
	t.Cleanup(func() { *v = old })
}

// openPTY opens a pseudo-terminal: its master, to read what is written to
// the terminal, and the terminal itself.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlocking the pseudo-terminal: %v", e)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("naming the pseudo-terminal: %v", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening the pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

// Whether what launch prints is seen: on Windows any stdout is (a script's
// file or pipe; make wine reads the address from one), and only the
// shortcut's program, which has none, shows a window; elsewhere only a
// terminal is (a desktop's launcher sends stdout to a journal).
func TestOutputSeen(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !outputSeen(Env{Stdout: f}, "windows") || outputSeen(Env{Stdout: f}, "linux") {
		t.Error("a file as stdout: want seen on Windows only")
	}
	f.Close() // as a GUI program started from a shortcut, whose stdout is no file
	if outputSeen(Env{Stdout: f}, "windows") {
		t.Error("no stdout on Windows counted as seen")
	}
}
