package wizard

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/platform"
)

// InstallerFile is an installer a person pointed the maintenance window
// at: an onboard executable with a bundle attached, or a bundle .zip.
type InstallerFile struct {
	Path     string
	Manifest bundle.Manifest
	Zip      bool // a bundle file, installed by this program's install --bundle
}

// ReadInstaller reads the bundle of the installer at path: the zip
// appended to an executable or lying beside it, or the file itself when it
// is a bundle .zip. Its signature is checked against the keys the
// installer carries.
func ReadInstaller(path string) (*InstallerFile, error) {
	opts := bundle.DiscoverOptions{Executable: path}
	isZip := strings.EqualFold(filepath.Ext(path), ".zip")
	if isZip {
		opts = bundle.DiscoverOptions{Path: path, Executable: path}
	}
	if _, err := os.Stat(path); err != nil {
		return nil, &installer.BundleError{Path: path, Reason: "cannot be read", Err: err}
	}
	f, err := bundle.Discover(opts)
	if err != nil {
		return nil, installer.WrapBundleError(err)
	}
	defer f.Close()
	return &InstallerFile{Path: path, Manifest: f.Manifest, Zip: isZip}, nil
}

// UpgradeVerdict is what an installer file offers the install.
type UpgradeVerdict int

const (
	UpgradeNewer UpgradeVerdict = iota // a newer version of the same bundle: offer to upgrade
	UpgradeSame                        // the version installed
	UpgradeOlder                       // older than the one installed
	UpgradeOther                       // another bundle altogether
)

// UpgradeKeeps says, for the upgrade question, what an upgrade keeps and
// what it does not (installer.changesSince names them in the plan).
const UpgradeKeeps = "The environments are replaced by the new version's: packages added with conda, and files put inside the packages' own folders (such as site-packages or share), are not kept. Your own files in the install's folder and its environments' folders (such as notebooks), the environments you made with conda and your conda settings are kept; files outside the install are not touched."

// CompareInstaller tells what f offers the install in, and says it in one
// sentence.
func CompareInstaller(in *Installed, f *InstallerFile) (UpgradeVerdict, string) {
	have, got := in.Manifest, f.Manifest
	name := filepath.Base(f.Path)
	switch v := CompareBundles(have, got); v {
	case UpgradeOther:
		return v, fmt.Sprintf("%s installs %s, not %s.", name, got.Name, have.Name)
	case UpgradeNewer:
		return v, fmt.Sprintf("%s carries %s %s; %s is installed.", name, got.Name, got.Version, have.Version)
	case UpgradeSame:
		return v, fmt.Sprintf("%s carries %s %s, the version installed: nothing to upgrade.", name, got.Name, got.Version)
	default:
		return v, fmt.Sprintf("%s carries %s %s, older than the %s installed: nothing to upgrade.", name, got.Name, got.Version, have.Version)
	}
}

// WelcomeInstalled says, for the Welcome step, what the folder the
// wizard offers (prefix) already holds and what installing got there
// would do to it; "" when it holds no install. warn is set when that
// would replace a newer version or another bundle. The Location and
// Options steps said "upgrade", and Welcome only "installs" (audit N).
func WelcomeInstalled(got *bundle.Manifest, prefix string) (line string, warn bool) {
	in, err := ReadInstalled(prefix)
	if err != nil {
		return "", false
	}
	have := in.Manifest
	switch CompareBundles(have, *got) {
	case UpgradeNewer:
		return fmt.Sprintf("%s %s is installed in %s: this upgrades it to %s.", have.Name, have.Version, prefix, got.Version), false
	case UpgradeSame:
		return fmt.Sprintf("%s %s is already installed in %s.", have.Name, have.Version, prefix), false
	case UpgradeOlder:
		return fmt.Sprintf("A newer %s, %s, is installed in %s: installing %s there would replace it with an older version.", have.Name, have.Version, prefix, got.Version), true
	}
	return fmt.Sprintf("%s holds another bundle, %s %s: the Location step lets you choose another folder.", prefix, have.Name, have.Version), true
}

// CompareBundles says what the bundle got is to the installed bundle have:
// another bundle, or a newer, the same or an older version of it.
func CompareBundles(have, got bundle.Manifest) UpgradeVerdict {
	if have.ID != "" && got.ID != "" && have.ID != got.ID || have.ID == "" && have.Name != got.Name {
		return UpgradeOther
	}
	switch c := bundle.CompareVersions(got.Version, have.Version); {
	case c > 0:
		return UpgradeNewer
	case c == 0:
		return UpgradeSame
	default:
		return UpgradeOlder
	}
}

// UpgradeMessages returns the packages of f, for the install's subdir,
// that carry prelink messages and that the install does not hold yet:
// the upgrade installs them, and conda shows their messages, and asks,
// before it does. Packages the install holds already were shown then.
func UpgradeMessages(in *Installed, f *InstallerFile) []bundle.Package {
	p := f.Manifest.Platforms[in.Subdir]
	if p == nil {
		return nil
	}
	had := map[string]bool{}
	if old := in.Manifest.Platforms[in.Subdir]; old != nil {
		for _, q := range old.All() {
			had[q.ZipPath()] = true
		}
	}
	var out []bundle.Package
	for _, q := range p.WithMessages() {
		if !had[q.ZipPath()] {
			out = append(out, q)
		}
	}
	return out
}

// UpgradeCommand is the command that upgrades the install at prefix with
// f: the installer itself (`FILE install --prefix P --json`), or for a
// bundle file this program (self) with --bundle. The install keeps
// launchers when it has them (PREFIX/.onboard/launchers.json), and the
// packages' menu shortcuts when it made them (the record's Menus).
func UpgradeCommand(f *InstallerFile, self, prefix string) []string {
	argv := []string{f.Path, "install"}
	if f.Zip {
		argv = []string{self, "install", "--bundle", f.Path}
	}
	argv = append(argv, "--prefix", prefix, "--json")
	rec, err := platform.LoadRecord(state.LaunchersPath(prefix))
	if err != nil {
		argv = append(argv, "--no-launcher", "--no-maintenance-launcher")
	}
	if !rec.Menus {
		argv = append(argv, "--no-shortcuts")
	}
	return argv
}

// ProgressEvent is a progress line of `install --json` (event "stage",
// "item" or "progress"): the command line writes it, and RunUpgrade reads
// an upgrading installer's back. One type for both ends.
type ProgressEvent struct {
	Event        string          `json:"event"`
	Stage        installer.Stage `json:"stage"`
	Label        string          `json:"label"`
	Env          string          `json:"env,omitempty"`
	Step         int             `json:"step,omitempty"`  // step of the install, from 1
	Steps        int             `json:"steps,omitempty"` // how many in all
	Name         string          `json:"name,omitempty"`  // item events: the package
	Done         int64           `json:"done"`            // units of the stage done (bytes or items)
	Total        int64           `json:"total"`           // and in all; 0 when unknown
	StagePercent int             `json:"stage_percent"`
	Percent      int             `json:"percent"` // of the whole install: never goes back, 100 at the end
	BytesDone    int64           `json:"bytes_done"`
	BytesTotal   int64           `json:"bytes_total"` // an estimate until the end
	BytesPerSec  int64           `json:"bytes_per_sec,omitempty"`
	SecondsLeft  *int64          `json:"seconds_left,omitempty"`
}

// ErrorEvent is the last line of a failed command with --json (event
// "error"), written by the command line and read back by RunUpgrade.
type ErrorEvent struct {
	Event    string `json:"event"`
	Error    string `json:"error"`
	ExitCode int    `json:"exit_code"`
	Hint     string `json:"hint"`
}

// UpgradeError is the error an upgrading installer reported, with its
// exit code, which installer.ExitCode gives back (a locked install is 4,
// a cancelled upgrade 130, as the installer said).
type UpgradeError struct {
	Msg      string
	Advice   string
	ExitCode int
}

func (e *UpgradeError) Error() string { return "the upgrade failed: " + e.Msg }

// Hint is the installer's own advice.
func (e *UpgradeError) Hint() string { return e.Advice }

// ExitStatus is the installer's exit code (engine.ExitStatuser).
func (e *UpgradeError) ExitStatus() int { return e.ExitCode }

// upgradeStopGrace is how long a stopped upgrade's installer has to roll
// its install back and put the old one back before it is killed.
var upgradeStopGrace = 2 * time.Minute

// stopUpgrade makes a cancel of cmd's context stop the installer as
// Ctrl-C does, so that it rolls back and exits (130) rather than being
// killed half way: the old install is back when RunUpgrade returns. Where
// a process cannot be sent an interrupt (Windows), it is killed, and the
// next operation on the install puts the old one back (its recovery).
func stopUpgrade(cmd *exec.Cmd) {
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err == nil || errors.Is(err, os.ErrProcessDone) {
			return err
		}
		return cmd.Process.Kill()
	}
	cmd.WaitDelay = upgradeStopGrace
}

// RunUpgrade runs argv (from UpgradeCommand), an onboard install with
// --json, and replays its progress events into r, so the window shows the
// same progress as the installer would. It returns the installer's result,
// or its error with its hint.
func RunUpgrade(ctx context.Context, argv []string, r installer.Reporter, logf installer.Logf) (*installer.Result, error) {
	r, logf = installer.ReporterOrNop(r), installer.LogfOrNop(logf)
	logf("upgrading: %s", strings.Join(argv, " "))
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	stopUpgrade(cmd)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot run the installer %s: %w", argv[0], err)
	}
	var (
		res     *installer.Result
		failure *UpgradeError
		done    int64
	)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		var ev ProgressEvent
		line := sc.Bytes()
		if json.Unmarshal(line, &ev) != nil {
			logf("installer: %s", line)
			continue
		}
		switch ev.Event {
		case "stage":
			r.Stage(ev.Stage, ev.Total)
			done = 0
		case "progress":
			if ev.Done > done {
				r.Advance(ev.Done - done)
				done = ev.Done
			}
		case "item":
			r.Item(ev.Name)
		case "result":
			res = &installer.Result{}
			if err := json.Unmarshal(line, res); err != nil {
				return nil, err
			}
		case "error":
			var e ErrorEvent
			if err := json.Unmarshal(line, &e); err != nil {
				return nil, err
			}
			failure = &UpgradeError{Msg: e.Error, Advice: e.Hint, ExitCode: e.ExitCode}
		}
	}
	werr := cmd.Wait()
	switch {
	case res != nil && cmd.ProcessState != nil && cmd.ProcessState.Success():
		// finished before the stop reached it: the new version is
		// installed, and saying it was stopped would not be true
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case failure != nil:
		return nil, failure
	case werr != nil || res == nil:
		msg := strings.TrimSpace(stderr.String())
		if msg == "" && werr != nil {
			msg = werr.Error()
		}
		var ee *exec.ExitError
		code := 1
		if errors.As(werr, &ee) {
			code = ee.ExitCode()
		}
		return nil, &UpgradeError{Msg: msg, ExitCode: code,
			Advice: "check that the file is an onboard installer for this computer, and see the log"}
	}
	logf("upgraded to %s (%s)", res.Version, res.Prefix)
	return res, nil
}
