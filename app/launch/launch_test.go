package launch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"onboard/installer"
	instprefix "onboard/installer/prefix"
	"onboard/installer/state"
)

var fakeJupyter string // built once by TestMain

func TestMain(m *testing.M) {
	if os.Getenv("ONBOARD_TEST_RUN_EXEC") != "" {
		// TestRunExecs's child, which becomes its command (exec): it needs
		// no stand-in, and would leave its folder behind
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "fakejupyter")
	if err != nil {
		panic(err)
	}
	fakeJupyter = filepath.Join(dir, "jupyter")
	out, err := exec.Command("go", "build", "-o", fakeJupyter, "./testdata/fakejupyter").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the stand-in jupyter: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testEnv makes PREFIX/envs/team with the stand-in jupyter and an
// activate.d script.
func testEnv(t *testing.T) (prefix string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in env is built for Unix")
	}
	// the user's state goes to a folder of the test's own
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	t.Setenv("XDG_RUNTIME_DIR", "")
	prefix = t.TempDir()
	env := filepath.Join(prefix, "envs", "team")
	for _, d := range []string{"bin", "conda-meta", "etc/conda/activate.d", "../../.onboard"} {
		if err := os.MkdirAll(filepath.Join(env, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(env, "conda-meta", "history"), "==> 2026-11-01 <==\n")
	write(t, filepath.Join(env, "etc/conda/activate.d/team.sh"), "export TEAM_ACTIVATED=\"yes, $CONDA_DEFAULT_ENV\"\n")
	data, err := os.ReadFile(fakeJupyter)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(env, "bin", "jupyter"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	// the subcommands a real env has beside its dispatcher (the stand-in
	// jupyter runs them itself)
	for _, sub := range []string{"jupyter-lab", "jupyter-notebook"} {
		if err := os.WriteFile(filepath.Join(env, "bin", sub), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return prefix
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stop kills a server the test started.
func stop(t *testing.T, s *Server) {
	t.Cleanup(func() {
		if p, err := os.FindProcess(s.PID); err == nil {
			p.Signal(syscall.SIGTERM)
		}
	})
}

func options(t *testing.T, prefix string, opened *[]string) Options {
	return Options{
		Prefix: prefix, Env: "team", NotebookDir: filepath.Join(t.TempDir(), "Notebooks"),
		OpenBrowser: func(u string) error { *opened = append(*opened, u); return nil },
	}
}

func TestFirstLaunchStartsSecondReuses(t *testing.T) {
	prefix := testEnv(t)
	var opened []string
	o := options(t, prefix, &opened)
	s, err := Jupyter(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	stop(t, s)
	if s.Reused || s.Port == 0 || len(s.Token) < 32 {
		t.Fatalf("server %+v", s)
	}
	// the URL of the runtime file the server wrote, not one made up
	want := fmt.Sprintf("http://127.0.0.1:%d/?token=%s", s.Port, s.Token)
	if len(opened) != 1 || opened[0] != want || s.URL != want {
		t.Fatalf("opened %v, want %s", opened, want)
	}
	// The server checks the token: a request without it is refused.
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/status", s.Port))
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("without token: %v %v", resp, err)
	}
	resp.Body.Close()

	log, _ := os.ReadFile(LogPath(prefix, "team"))
	envPrefix := filepath.Join(prefix, "envs", "team")
	for _, w := range []string{"lab --no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.root_dir=" + o.NotebookDir,
		"JUPYTER_RUNTIME_DIR=" + RuntimeDir(prefix, "team"),
		"CONDA_PREFIX=" + envPrefix, "CONDA_DEFAULT_ENV=team", "CONDA_SHLVL=1",
		"TEAM_ACTIVATED=yes, team", "PATH=" + filepath.Join(envPrefix, "bin") + ":"} {
		if !strings.Contains(string(log), w) {
			t.Fatalf("jupyter log lacks %q:\n%s", w, log)
		}
	}
	if fi, err := os.Stat(o.NotebookDir); err != nil || !fi.IsDir() {
		t.Fatalf("notebook folder not created: %v", err)
	}

	again, err := Jupyter(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Reused || again.PID != s.PID || again.URL != s.URL || len(opened) != 2 || opened[1] != want {
		t.Fatalf("second launch %+v, opened %v", again, opened)
	}
}

// The token stays with the user: the record, the log and the runtime files
// are in the user's own private folder whatever the umask, nothing is
// written into the prefix, and Stop ends the server.
func TestStateIsPrivateAndOutsideThePrefix(t *testing.T) {
	prefix := testEnv(t)
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	before := listTree(t, prefix)
	var opened []string
	s, err := Jupyter(context.Background(), options(t, prefix, &opened))
	if err != nil {
		t.Fatal(err)
	}
	stop(t, s)
	if after := listTree(t, prefix); after != before {
		t.Fatalf("launch wrote into the prefix:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	state := filepath.Dir(StatePath(prefix, "team"))
	if !strings.HasPrefix(state, os.Getenv("XDG_STATE_HOME")) || filepath.Dir(LogPath(prefix, "team")) != state {
		t.Fatalf("state in %s, log %s; want both under XDG_STATE_HOME", state, LogPath(prefix, "team"))
	}
	found := 0
	filepath.WalkDir(os.Getenv("XDG_STATE_HOME"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		b, _ := os.ReadFile(p)
		if d.IsDir() && fi.Mode().Perm() != 0o700 && strings.HasPrefix(p, state) {
			t.Errorf("%s is %v, want 0700", p, fi.Mode().Perm())
		}
		if !d.IsDir() && strings.Contains(string(b), s.Token) {
			found++
			if fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s holds the token and is %v", p, fi.Mode().Perm())
			}
		}
		return nil
	})
	// every user can read a command line; the token is in the environment
	if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", s.PID)); err == nil && strings.Contains(string(cmdline), s.Token) {
		t.Errorf("the server's command line holds the token: %q", cmdline)
	}
	if found < 2 { // the record, the log, the runtime file
		t.Fatalf("the token is in %d files under the state folder; want the record and the log at least", found)
	}

	what, err := Stop(prefix, "team")
	if err != nil || !strings.Contains(what, fmt.Sprintf("port %d", s.Port)) {
		t.Fatalf("Stop: %q, %v", what, err)
	}
	if answers(context.Background(), s.Port, s.Base, s.Token) {
		t.Fatal("the server still answers after Stop")
	}
	if _, err := os.Stat(StatePath(prefix, "team")); !os.IsNotExist(err) {
		t.Fatalf("the record is still there: %v", err)
	}
	if what, err := Stop(prefix, "team"); what != "" || err != nil {
		t.Fatalf("second Stop: %q, %v; want nothing to stop", what, err)
	}
}

// StopAll stops this user's servers of the install in every env, each
// once, the user's own envs included (ml here is none of a bundle's): the
// Help menu's Stop stopped the bundle's Jupyter env's alone, and a server
// started in another env ran on (audit AT 4).
func TestStopAllStopsEveryEnvsServer(t *testing.T) {
	prefix := testEnv(t)
	if err := os.CopyFS(filepath.Join(prefix, "envs", "ml"), os.DirFS(filepath.Join(prefix, "envs", "team"))); err != nil {
		t.Fatal(err)
	}
	var opened []string
	servers := map[string]*Server{}
	for _, env := range []string{"team", "ml"} {
		o := options(t, prefix, &opened)
		o.Env = env
		s, err := Jupyter(context.Background(), o)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		stop(t, s)
		servers[env] = s
	}
	stopped, err := StopAll(prefix)
	if err != nil {
		t.Fatal(err)
	}
	want := []Stopped{{Env: "ml", Server: fmt.Sprintf("pid %d, port %d", servers["ml"].PID, servers["ml"].Port)},
		{Env: "team", Server: fmt.Sprintf("pid %d, port %d", servers["team"].PID, servers["team"].Port)}}
	if !slices.Equal(stopped, want) {
		t.Fatalf("StopAll stopped %q; want %q", stopped, want)
	}
	// by env, in words: no pid or port to a data scientist (audit BO 11)
	if got := StoppedSentence(stopped); got != "Jupyter stopped (ml and team environments)." {
		t.Errorf("StoppedSentence says %q", got)
	}
	if got := StoppedSentence(stopped[1:]); got != "Jupyter stopped (team environment)." {
		t.Errorf("StoppedSentence of one says %q", got)
	}
	for env, s := range servers {
		if answers(context.Background(), s.Port, s.Base, s.Token) {
			t.Errorf("the server of %s still answers", env)
		}
	}
	if again, err := StopAll(prefix); len(again) != 0 || err != nil {
		t.Fatalf("second StopAll: %q, %v; want nothing to stop", again, err)
	}
}

// listTree lists every path under dir with its mode.
func listTree(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		fmt.Fprintf(&b, "%s %v\n", p, fi.Mode())
		return nil
	})
	return b.String()
}

func TestStaleStateStartsNewServer(t *testing.T) {
	prefix := testEnv(t)
	var opened []string
	writeState(StatePath(prefix, "team"), &Server{Server: state.Server{PID: 1, Port: 1, Token: "old", URL: "http://127.0.0.1:1/lab?token=old"}})
	s, err := Jupyter(context.Background(), options(t, prefix, &opened))
	if err != nil {
		t.Fatal(err)
	}
	stop(t, s)
	if s.Reused || s.Token == "old" {
		t.Fatalf("reused a dead server: %+v", s)
	}
}

func TestBrokenEnvReportsAndHints(t *testing.T) {
	prefix := testEnv(t)
	os.Remove(filepath.Join(prefix, "envs", "team", "bin", "jupyter"))
	var opened []string
	_, err := Jupyter(context.Background(), options(t, prefix, &opened))
	var ee *EnvError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "bin/jupyter is missing") {
		t.Fatalf("err %v", err)
	}
	if h := installer.HintFor(err); !strings.Contains(h, "Repair") || !strings.Contains(h, prefix) || strings.Contains(h, "Help") {
		t.Fatalf("hint %q; want Repair with the prefix, and no Help menu (the wizard has none)", h)
	}
	if len(opened) != 0 {
		t.Fatal("opened a browser for a broken env")
	}
	if err := Check(prefix, "nope", runtime.GOOS); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Fatalf("missing env: %v", err)
	}
}

func TestServerThatDiesShowsLogTail(t *testing.T) {
	prefix := testEnv(t)
	var opened []string
	o := options(t, prefix, &opened)
	o.Environ = append(os.Environ(), "FAKE_JUPYTER_FAIL=DLL load failed while importing _ssl")
	_, err := Jupyter(context.Background(), o)
	var se *StartError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "stopped before it was ready") ||
		!strings.Contains(err.Error(), "ImportError: DLL load failed while importing _ssl") {
		t.Fatalf("err %v", err)
	}
	if _, err := os.Stat(StatePath(prefix, "team")); err == nil {
		t.Fatal("a failed start was recorded")
	}
}

func TestActivateWindowsPath(t *testing.T) {
	env := Activate([]string{"Path=C:\\Windows", "FOO=1"}, `C:\p\envs\team`, "team", "windows")
	want := `C:\p\envs\team;C:\p\envs\team\Library\mingw-w64\bin;C:\p\envs\team\Library\usr\bin;` +
		`C:\p\envs\team\Library\bin;C:\p\envs\team\Scripts;C:\p\envs\team\bin;C:\Windows`
	if got := Getenv(env, "Path"); got != want {
		t.Fatalf("Path\n got %s\nwant %s", got, want)
	}
	if Getenv(env, "CONDA_PROMPT_MODIFIER") != "(team) " || Getenv(env, "FOO") != "1" || Getenv(env, "CONDA_DEFAULT_ENV") != "team" {
		t.Fatalf("env %v", env)
	}
	if n := strings.Count(strings.Join(env, "\n"), "ath="); n != 1 {
		t.Fatalf("%d PATH entries: %v", n, env)
	}
}

// asUser runs the test as if onboard's effective user were euid.
func asUser(t *testing.T, euid int) {
	old := geteuid
	geteuid = func() int { return euid }
	t.Cleanup(func() { geteuid = old })
}

func TestLauncherCommandAndFlavor(t *testing.T) {
	tests := []struct {
		name, version string
		command       []string
		want          []string
		wantURL       string // path and query after the port
	}{
		{"jupyter lab", "", []string{"jupyter", "lab"}, []string{"args: lab --no-browser", "--ServerApp.root_dir="}, "/?token="},
		{"classic notebook 6", "6.4.12", []string{"jupyter", "notebook"},
			[]string{"args: notebook --no-browser", "--NotebookApp.port=", "--NotebookApp.notebook_dir="}, "/?token="},
		{"notebook 7", "7.2.1", []string{"jupyter", "notebook"},
			[]string{"args: notebook --no-browser", "--ServerApp.port=", "--ServerApp.root_dir="}, "/?token="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asUser(t, 0)
			prefix := testEnv(t)
			var opened []string
			o := options(t, prefix, &opened)
			o.Command = tt.command
			o.Environ = append(os.Environ(), "FAKE_NOTEBOOK_VERSION="+tt.version)
			s, err := Jupyter(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			stop(t, s)
			log, _ := os.ReadFile(LogPath(prefix, "team"))
			for _, w := range append(tt.want, "--allow-root") {
				if !strings.Contains(string(log), w) {
					t.Fatalf("jupyter log lacks %q:\n%s", w, log)
				}
			}
			if want := fmt.Sprintf("http://127.0.0.1:%d%s%s", s.Port, tt.wantURL, s.Token); s.URL != want || opened[0] != want {
				t.Fatalf("URL %s, opened %v; want %s", s.URL, opened, want)
			}
		})
	}
}

func TestNotRootAddsNoAllowRoot(t *testing.T) {
	asUser(t, 1000)
	prefix := testEnv(t)
	var opened []string
	s, err := Jupyter(context.Background(), options(t, prefix, &opened))
	log, _ := os.ReadFile(LogPath(prefix, "team"))
	if _, args, _ := strings.Cut(string(log), "args: "); strings.Contains(strings.SplitN(args, "\n", 2)[0], "--allow-root") {
		t.Fatalf("--allow-root passed for a normal user:\n%s", log)
	}
	if os.Geteuid() != 0 {
		if err != nil {
			t.Fatal(err)
		}
		stop(t, s)
		return
	}
	// really root but told otherwise: Jupyter refuses, and the log says why
	var se *StartError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "Use --allow-root to bypass") {
		t.Fatalf("err %v; want Jupyter's refusal to run as root", err)
	}
}

func TestURLFromTheLogWhenNoRuntimeFile(t *testing.T) {
	asUser(t, os.Geteuid())
	prefix := testEnv(t)
	var opened []string
	o := options(t, prefix, &opened)
	o.Environ = append(os.Environ(), "FAKE_JUPYTER_NO_RUNTIME=1")
	s, err := Jupyter(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	stop(t, s)
	if want := fmt.Sprintf("http://127.0.0.1:%d/lab?token=%s", s.Port, s.Token); s.URL != want {
		t.Fatalf("URL %s; want the printed %s", s.URL, want)
	}
}

func TestNoBrowserStillRuns(t *testing.T) {
	prefix := testEnv(t)
	o := options(t, prefix, new([]string))
	o.OpenBrowser = func(string) error { return exec.ErrNotFound }
	s, err := Jupyter(context.Background(), o)
	var nb *NoBrowserError
	if !errors.As(err, &nb) || s == nil {
		t.Fatalf("err %v, server %v; want a NoBrowserError and the server", err, s)
	}
	stop(t, s)
	if nb.URL != s.URL || !strings.Contains(err.Error(), s.URL) || !strings.Contains(s.URL, "token="+s.Token) {
		t.Fatalf("error %q, URL %q; want the URL with its token", err, nb.URL)
	}
	if h := installer.HintFor(err); !strings.Contains(h, "browser") || strings.Contains(h, "Help") {
		t.Fatalf("hint %q", h)
	}
	if !answers(context.Background(), s.Port, s.Base, s.Token) {
		t.Fatal("the server is not up")
	}
	again, err := Jupyter(context.Background(), o)
	if !errors.As(err, &nb) || !again.Reused || again.PID != s.PID {
		t.Fatalf("second launch %+v, %v; want the same server reused", again, err)
	}
}

func TestMissingCommandNamesIt(t *testing.T) {
	prefix := testEnv(t)
	os.Remove(filepath.Join(prefix, "envs", "team", "bin", "jupyter-lab"))
	o := options(t, prefix, new([]string))
	o.Command = []string{"jupyter-lab"}
	_, err := Jupyter(context.Background(), o)
	var ee *EnvError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "bin/jupyter-lab is missing") {
		t.Fatalf("err %v", err)
	}
}

func TestServerArgsAndFlavor(t *testing.T) {
	if FlavorOf([]string{"notebook"}, "6.4.12\n") != FlavorClassic || FlavorOf([]string{"notebook"}, "7.0.0") != FlavorServer ||
		FlavorOf([]string{"lab"}, "6.4.12") != FlavorServer || FlavorOf([]string{"notebook"}, "") != FlavorServer {
		t.Fatal("FlavorOf")
	}
	got := strings.Join(ServerArgs([]string{"notebook"}, FlavorClassic, 8888, "T", "/nb", true), " ")
	want := "notebook --no-browser --NotebookApp.ip=127.0.0.1 --NotebookApp.port=8888 --NotebookApp.port_retries=0 --NotebookApp.token=T --NotebookApp.notebook_dir=/nb --allow-root"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	got = strings.Join(ServerArgs([]string{"lab"}, FlavorServer, 8888, "", "/nb", false), " ")
	want = "lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=8888 --ServerApp.port_retries=0 --ServerApp.root_dir=/nb"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// A launch recovers first, as every command on an install does: a repair
// killed while it had the env's jupyter moved aside is rolled back, so
// Jupyter starts instead of the env being reported broken, and the log
// says what was done.
func TestLaunchRecoversAnInterruptedRepairFirst(t *testing.T) {
	prefix := testEnv(t)
	jupyter := filepath.Join(prefix, "envs", "team", "bin", "jupyter")
	j, err := instprefix.Begin(state.Dir(prefix), filepath.Join(prefix, "envs", "team"), instprefix.RootExisted)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.MoveAside(jupyter); err != nil {
		t.Fatal(err)
	}
	var opened, logged []string
	o := options(t, prefix, &opened)
	o.Logf = func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }
	s, err := Jupyter(context.Background(), o)
	if err != nil {
		t.Fatalf("launch after an interrupted repair: %v", err)
	}
	stop(t, s)
	if _, err := os.Stat(state.JournalPath(prefix)); !os.IsNotExist(err) {
		t.Errorf("the journal is still there: %v", err)
	}
	if len(logged) == 0 || !strings.HasPrefix(logged[0], "recover: "+(installer.Recovered{Op: "operation"}).Message()) {
		t.Errorf("logged %q; want the recovery first", logged)
	}
}

// An env whose jupyter-<subcommand> is missing while another one is on
// PATH (the system's) is broken: the launch offers Repair rather than
// start that other Jupyter, outside the install, and call it a success.
func TestMissingSubcommandDoesNotRunAnotherJupyter(t *testing.T) {
	prefix := testEnv(t)
	os.Remove(filepath.Join(prefix, "envs", "team", "bin", "jupyter-lab"))
	other := t.TempDir()
	write(t, filepath.Join(other, "jupyter-lab"), "#!/bin/sh\necho the system's\n")
	os.Chmod(filepath.Join(other, "jupyter-lab"), 0o755)
	var opened []string
	o := options(t, prefix, &opened)
	o.Environ = append(os.Environ(), "PATH="+other+string(os.PathListSeparator)+os.Getenv("PATH"))
	_, err := Jupyter(context.Background(), o)
	var ee *EnvError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "jupyter-lab is missing") || !strings.Contains(err.Error(), filepath.Join(other, "jupyter-lab")) {
		t.Fatalf("launch with the env's jupyter-lab missing: %v", err)
	}
	if len(opened) != 0 {
		t.Fatal("a browser was opened")
	}
}

// Two launches at once (a double-click repeated while the first starts)
// start one server: the second waits and reuses it. Both started one, and
// only the last was recorded, so --stop left the other running.
func TestTwoLaunchesAtOnceStartOneServer(t *testing.T) {
	prefix := testEnv(t)
	var mu sync.Mutex
	var opened []string
	o := options(t, prefix, &opened)
	o.OpenBrowser = func(u string) error { mu.Lock(); opened = append(opened, u); mu.Unlock(); return nil }
	var wg sync.WaitGroup
	servers := make([]*Server, 2)
	errs := make([]error, 2)
	for i := range servers {
		wg.Add(1)
		go func() { defer wg.Done(); servers[i], errs[i] = Jupyter(context.Background(), o) }()
	}
	wg.Wait()
	for i, s := range servers {
		if errs[i] != nil {
			t.Fatalf("launch %d: %v", i, errs[i])
		}
		stop(t, s)
	}
	if servers[0].PID != servers[1].PID || servers[0].Reused == servers[1].Reused {
		t.Fatalf("two launches at once: pids %d and %d (reused %v, %v); want one server, started once and reused once",
			servers[0].PID, servers[1].PID, servers[0].Reused, servers[1].Reused)
	}
}

// Another program may take the port between its choice and Jupyter's
// listening: the launch tries another port, where it failed with a hint
// that blamed a damaged package, with 'onboard' and 'PREFIX' literal.
func TestLaunchTriesAnotherPortWhenItsWasTaken(t *testing.T) {
	prefix := testEnv(t)
	t.Setenv("FAKE_JUPYTER_PORT_TAKEN_ONCE", filepath.Join(t.TempDir(), "taken"))
	s, err := Jupyter(context.Background(), options(t, prefix, new([]string)))
	if err != nil {
		t.Fatalf("launch after the port was taken: %v", err)
	}
	stop(t, s)
	if !answers(context.Background(), s.Port, s.Base, s.Token) {
		t.Fatal("the server on the second port does not answer")
	}
	e := &StartError{Reason: "Jupyter stopped before it was ready", Log: LogPath(prefix, "team"), Prefix: prefix}
	if h := e.Hint(); !strings.Contains(h, state.AppPath(prefix)+" repair --prefix "+prefix) || strings.Contains(h, "PREFIX") {
		t.Fatalf("hint %q", h)
	}
}

// A Jupyter that fails on a package of the user's own site-packages
// (pip install --user), which Python reads before the env's, is said to,
// not sent to Repair, which finds the install healthy (audit AE).
func TestStartErrorNamesTheUsersOwnPackages(t *testing.T) {
	for _, tc := range []struct{ log, dir string }{
		{"ImportError: cannot import name 'integer_types' from 'six' (/home/ann/.local/lib/python3.11/site-packages/six.py)\n", "/home/ann/.local/lib/python3.11/site-packages"},
		{`  File "C:\Users\ann\AppData\Roaming\Python\Python312\site-packages\six.py", line 3` + "\n", `C:\Users\ann\AppData\Roaming\Python\Python312\site-packages`},
		{"File \"/Users/ann/Library/Python/3.12/lib/python/site-packages/six.py\"\n", "/Users/ann/Library/Python/3.12/lib/python/site-packages"},
		{"ImportError: cannot import name 'x' from 'six' (/opt/acme/envs/team/lib/python3.11/site-packages/six.py)\n", ""},
	} {
		log := filepath.Join(t.TempDir(), "jupyter.log")
		os.WriteFile(log, []byte("Traceback (most recent call last):\n"+tc.log), 0o644)
		h := (&StartError{Reason: "Jupyter stopped before it was ready", Log: log, Prefix: "/opt/acme"}).Hint()
		if tc.dir == "" && (strings.Contains(h, "pip install --user") || !strings.Contains(h, "repair --prefix /opt/acme")) ||
			tc.dir != "" && (!strings.Contains(h, tc.dir+", a folder of your own packages") || !strings.Contains(h, "PYTHONNOUSERSITE=1")) {
			t.Errorf("log %q: hint %q", tc.log, h)
		}
	}
}

// A Jupyter that cannot import a package the user removed with conda
// (conda remove --force six) is said to, with what gets it back offline,
// not sent to Repair, which leaves the user's change (audit AK 2); one
// that cannot import a module no removal explains still is.
func TestStartErrorNamesAPackageRemovedWithConda(t *testing.T) {
	prefix := t.TempDir()
	env := filepath.Join(prefix, "envs", "team")
	os.MkdirAll(filepath.Join(env, "conda-meta"), 0o755)
	os.WriteFile(filepath.Join(env, "conda-meta", "bleach-6.0.0-0.json"), []byte(`{"name":"bleach","version":"6.0.0","build":"0","files":[]}`), 0o644)
	os.WriteFile(filepath.Join(env, "conda-meta", "history"), []byte("==> 2026-12-01 10:00:00 <==\n# cmd: onboard install\n+local/noarch::bleach-6.0.0-0\n+local/noarch::six-1.16.0-0\n"+
		"==> 2026-12-02 10:00:00 <==\n# cmd: /opt/acme/bin/conda remove -n team --force six\n-local/noarch::six-1.16.0-0\n"), 0o644)
	for _, tc := range []struct {
		mod     string
		removed bool
	}{{"six", true}, {"six.moves", true}, {"yaml", false}} {
		log := filepath.Join(t.TempDir(), "jupyter.log")
		os.WriteFile(log, []byte("Traceback (most recent call last):\nModuleNotFoundError: No module named '"+tc.mod+"'\n"), 0o644)
		h := (&StartError{Reason: "Jupyter stopped before it was ready", Log: log, Prefix: prefix, Env: "team"}).Hint()
		if tc.removed && (!strings.Contains(h, "removed from the team environment with conda") || !strings.Contains(h, " env remove -p ")) ||
			!tc.removed && !strings.Contains(h, "repair --prefix "+prefix) {
			t.Errorf("No module named %q: hint %q", tc.mod, h)
		}
	}
}

// Notebooks go to the Documents folder the system names: XDG's
// user-dirs.dirs on Linux (a German desktop's ~/Dokumente), Windows' known
// folder (audit AP 16: ~/Documents was taken, where OneDrive may have
// moved Explorer's Documents); the home folder itself is no Documents.
func TestNotebooksGoToTheDocumentsTheSystemNames(t *testing.T) {
	for _, c := range []struct{ content, want string }{
		{"# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Schreibtisch\"\nXDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n", "/home/ann/Dokumente"},
		{"XDG_DOCUMENTS_DIR=\"/srv/docs/ann\"\n", "/srv/docs/ann"},
		{"XDG_DOCUMENTS_DIR=\"$HOME/\"\n", ""},
		{"XDG_DOCUMENTS_DIR=\"relative\"\n", ""},
		{"XDG_MUSIC_DIR=\"$HOME/Musik\"\n", ""},
	} {
		if got := userDirsDocuments(c.content, "/home/ann"); got != c.want {
			t.Errorf("%q: %q; want %q", c.content, got, c.want)
		}
	}
	if runtime.GOOS == "windows" {
		return
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	os.MkdirAll(filepath.Join(home, ".config"), 0o755)
	os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte("XDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n"), 0o644)
	if got, _ := DefaultNotebookDir(); got != filepath.Join(home, "Notebooks") {
		t.Errorf("with the named folder missing: %s", got) // and no ~/Documents
	}
	os.MkdirAll(filepath.Join(home, "Dokumente"), 0o755)
	os.MkdirAll(filepath.Join(home, "Documents"), 0o755)
	if got, _ := DefaultNotebookDir(); got != filepath.Join(home, "Dokumente", "Notebooks") {
		t.Errorf("with it there: %s", got)
	}
}
