//go:build linux

package realbundle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/websocket"

	"onboard/app/wizard"
	"onboard/installer/bundle"
	"onboard/internal/realbundle"
	"onboard/platform"
)

// onboardBin is onboard built once (-tags nogui) for these tests.
var onboardBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "onboard-real-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	onboardBin = filepath.Join(dir, "onboard")
	if out, err := exec.Command("go", "build", "-tags", "nogui", "-o", onboardBin, "onboard").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building onboard failed: %v\n%s", err, out)
		onboardBin = ""
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// realBundle builds (or takes from the cache) the real packages and runs
// `onboard bundle build` on their spec.
func realBundle(t *testing.T) string {
	t.Helper()
	if err := realbundle.Available(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (%s)", err, err.(*realbundle.MissingError).Hint())
		}
		t.Skipf("%v (%s)", err, err.(*realbundle.MissingError).Hint())
	}
	if onboardBin == "" {
		t.Fatal("onboard could not be built (see TestMain output)")
	}
	root, err := realbundle.DefaultRoot()
	if err != nil {
		t.Fatal(err)
	}
	res, err := realbundle.Build(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "bundle.zip")
	h := newHome(t)
	if r := h.run(t, onboardBin, "bundle", "build", res.Spec, "-o", out); r.code != 0 {
		t.Fatalf("bundle build: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	return out
}

// home is a scratch user: HOME, XDG folders, and a PATH with the tools
// onboard and conda's shell hook need (sh, env, coreutils) but no xdg-open,
// as on a server or in CI.
type home struct{ dir, path string }

func newHome(t *testing.T) *home {
	h := &home{dir: t.TempDir(), path: t.TempDir()}
	// sh and env for activation; the rest for conda's shell hook
	for _, tool := range []string{"sh", "env", "dirname", "basename", "uname", "cat", "sed", "tr", "grep"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(h.path, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

type result struct {
	code           int
	stdout, stderr string
}

func (h *home) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "PATH" && k != "HOME" && !strings.HasPrefix(k, "XDG_") && k != "DISPLAY" && k != "WAYLAND_DISPLAY" {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+h.dir, "PATH="+h.path, "XDG_DATA_HOME="+filepath.Join(h.dir, "share"),
		"XDG_CONFIG_HOME="+filepath.Join(h.dir, "config"), "XDG_CACHE_HOME="+filepath.Join(h.dir, "cache"))
}

func (h *home) run(t *testing.T, bin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = h.environ()
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	return result{code, so.String(), se.String()}
}

func (h *home) mustRun(t *testing.T, bin string, args ...string) string {
	t.Helper()
	r := h.run(t, bin, args...)
	if r.code != 0 {
		t.Fatalf("%s %s: exit %d\n%s%s", bin, strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout + r.stderr
}

var urlRe = regexp.MustCompile(`Jupyter (started|already running): (http://127\.0\.0\.1:(\d+)/\S*\?token=(\w+))`)

func status(t *testing.T, port, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/api/status", nil)
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRealPythonAndJupyter installs Debian's Python and Jupyter Notebook as
// a real bundle with the real engine, runs them, launches Jupyter as the
// launcher does, has a kernel compute, verifies, damages and repairs, and
// uninstalls.
func TestRealPythonAndJupyter(t *testing.T) {
	b := realBundle(t)
	h := newHome(t)
	// a folder as onboard names one (no spaces: conda's commands cannot
	// run from one with spaces, TestRealSpacedPrefix)
	prefix := filepath.Join(t.TempDir(), "debian-jupyter")
	h.mustRun(t, onboardBin, "install", "--silent", "--prefix", prefix, "--bundle", b)
	team := filepath.Join(prefix, "envs", "team")
	app := filepath.Join(prefix, ".onboard", "onboard")
	checkDiskEstimate(t, b, prefix)
	checkConda(t, h, b, prefix)
	stopServer := func() {
		data, err := os.ReadFile(filepath.Join(stateDir(t, h.dir, prefix), "jupyter-team.json"))
		var s struct{ PID int }
		if err == nil && json.Unmarshal(data, &s) == nil && s.PID > 0 {
			syscall.Kill(-s.PID, syscall.SIGKILL)
		}
	}
	t.Cleanup(stopServer)

	// bin/python runs from the prefix, with the prefix as sys.prefix
	for _, env := range []string{prefix, team} {
		out := h.mustRun(t, filepath.Join(env, "bin", "python"), "-c", "import sys, json, ssl, sqlite3; print(sys.prefix)")
		if strings.TrimSpace(out) != env {
			t.Fatalf("sys.prefix %q, want %q", out, env)
		}
	}
	// `source PREFIX/bin/activate team`, the form many guides give, works
	// as conda's does; and argon2 (Notebook's passwords) imports, its cffi
	// backend with it (a virtual package's provider, once left out)
	act := h.mustRun(t, "bash", "-c", `source "$1/bin/activate" team && python -c 'import sys, argon2; print(sys.prefix)'`, "_", prefix)
	if strings.TrimSpace(act) != team {
		t.Fatalf("source bin/activate team, then python: %q, want %q", act, team)
	}
	// .pyc files of the noarch package, compiled at install time
	for _, pyc := range []string{"notebook/__pycache__/notebookapp.cpython-311.pyc", "ipykernel/__pycache__/kernelapp.cpython-311.pyc"} {
		if _, err := os.Stat(filepath.Join(team, "lib/python3/dist-packages", pyc)); err != nil {
			t.Errorf("no .pyc compiled: %v", err)
		}
	}
	checkPycSizes(t, team)
	// the env's jupyter runs
	if out := h.mustRun(t, filepath.Join(team, "bin", "jupyter"), "--version"); !strings.Contains(out, "notebook         : 6.") {
		t.Fatalf("jupyter --version:\n%s", out)
	}
	// the kernelspec got the prefix
	if ks, _ := os.ReadFile(filepath.Join(team, "share/jupyter/kernels/python3/kernel.json")); !strings.Contains(string(ks), team+"/bin/python") {
		t.Fatalf("kernel.json without the prefix:\n%s", ks)
	}

	checkBaseURL(t, h, app)

	// a python3 kernel the user once installed for another Python
	// (`python3 -m ipykernel install --user`), which jupyter_core 4 put
	// before the env's: the launcher's server runs the env's (audit AE)
	userKernel := filepath.Join(h.dir, "share", "jupyter", "kernels", "python3")
	if err := os.MkdirAll(userKernel, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(userKernel, "kernel.json"), []byte(`{"argv":["/usr/bin/python3","-m","ipykernel_launcher","-f","{connection_file}"],"display_name":"Python 3 (ipykernel)","language":"python"}`), 0o644)

	// launch as the launcher does: no browser here, so it prints the URL and succeeds
	r := h.run(t, app, "launch", "jupyter")
	m := urlRe.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || m[1] != "started" || !strings.Contains(r.stdout, "No web browser could be opened") {
		t.Fatalf("launch: exit %d\n%s%s\nlog:\n%s", r.code, r.stdout, r.stderr, tail(t, h.dir, prefix))
	}
	url, port, token := m[2], m[3], m[4]
	if c := status(t, port, token); c != http.StatusOK {
		t.Fatalf("status API with the token: %d", c)
	}
	if c := status(t, port, ""); c != http.StatusForbidden {
		t.Fatalf("status API without the token: %d, want 403", c)
	}
	if log := tail(t, h.dir, prefix); !strings.Contains(log, "--NotebookApp.port="+port) || (os.Geteuid() == 0 && !strings.Contains(log, "--allow-root")) {
		t.Fatalf("Notebook 6 was not started with its own options:\n%s", log)
	}

	// a kernel started through the server's REST API comes up
	kernelViaREST(t, port, token, team)
	os.RemoveAll(userKernel)
	// a notebook run by the env's nbconvert computes
	nb := filepath.Join(h.dir, "compute.ipynb")
	os.WriteFile(nb, []byte(`{"cells":[{"cell_type":"code","execution_count":null,"metadata":{},"outputs":[],"source":["import sys\n","print(sum(range(10)) * 6, sys.prefix)"]}],"metadata":{"kernelspec":{"display_name":"Python 3","language":"python","name":"python3"}},"nbformat":4,"nbformat_minor":5}`), 0o644)
	out := h.mustRun(t, filepath.Join(team, "bin", "jupyter"), "nbconvert", "--execute", "--to", "notebook", "--stdout", nb)
	if !strings.Contains(out, "270 "+team) {
		t.Fatalf("the notebook did not compute 270 in the env's kernel:\n%s", out)
	}

	// a second launch reuses the server
	r = h.run(t, app, "launch", "jupyter")
	if m2 := urlRe.FindStringSubmatch(r.stdout); r.code != 0 || m2 == nil || m2[1] != "already running" || m2[2] != url {
		t.Fatalf("second launch: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// a command launched in team (as the launcher starts Jupyter) has the
	// env's variables and the base's conda, as after conda activate
	// (audit U 3, 4: neither, and IPython's %conda said "conda: not found")
	if bundleHasConda(t, b) {
		conda := filepath.Join(prefix, "bin", "conda")
		h.mustRun(t, conda, "env", "config", "vars", "set", "-n", "team", "ONBOARD_TEAM_VAR=set by conda")
		out := h.mustRun(t, app, "launch", "run", "--env", "team", "--", "sh", "-c", `conda --version && echo "var: $ONBOARD_TEAM_VAR"`)
		if !strings.Contains(out, "conda 26.") || !strings.Contains(out, "var: set by conda") {
			t.Fatalf("onboard launch run in team:\n%s", out)
		}
		h.mustRun(t, conda, "env", "config", "vars", "unset", "-n", "team", "ONBOARD_TEAM_VAR")
	}

	// verify, damage, repair
	h.mustRun(t, app, "verify")
	damaged := filepath.Join(team, "lib/python3/dist-packages/notebook/notebookapp.py")
	want, _ := os.ReadFile(damaged)
	os.WriteFile(damaged, []byte("raise SystemExit('damaged')\n"), 0o644)
	if r := h.run(t, app, "verify"); r.code != 1 || !strings.Contains(r.stdout+r.stderr, "lib/python3/dist-packages/notebook/notebookapp.py") {
		t.Fatalf("verify of a damaged file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	rout := h.mustRun(t, app, "repair")
	if got, _ := os.ReadFile(damaged); !bytes.Equal(got, want) {
		t.Fatalf("repair did not put notebookapp.py back:\n%s\ngot %d bytes: %.200s", rout, len(got), got)
	}
	h.mustRun(t, app, "verify")
	checkRegeneratedPyc(t, h, app, team)
	checkModeAndPycBody(t, h, app, prefix)

	condaRemovesFromOnboardEnv(t, h, b, prefix)

	// uninstall stops the server and leaves nothing
	h.mustRun(t, onboardBin, "uninstall", "--silent", "--prefix", prefix)
	if c := status(t, port, token); c != 0 {
		t.Fatalf("the server still answers after uninstall (%d)", c)
	}
	if _, err := os.Lstat(prefix); !os.IsNotExist(err) {
		t.Fatalf("the prefix is still there: %v", err)
	}
	envTxt, _ := os.ReadFile(filepath.Join(h.dir, ".conda", "environments.txt"))
	if strings.Contains(string(envTxt), prefix) {
		t.Fatalf("environments.txt still lists the install:\n%s", envTxt)
	}
	if left, _ := filepath.Glob(filepath.Join(h.dir, "share", "applications", "*")); len(left) > 0 {
		t.Fatalf("launchers left: %v", left)
	}
}

// A folder with spaces, which the install warns about outside Windows: the
// Python and Jupyter work, with the folder in kernel.json, and so does
// conda: its commands start with the /bin/sh lines of conda's entry points,
// not conda's '#!/usr/bin/env python', which ran whatever python was on
// PATH (none on Debian), so conda could not run nor be activated there
// (audit BH 1). `conda init` writes the env line back into bin/conda, as
// conda does; verify names what it changed, and repair puts it right.
func TestRealSpacedPrefix(t *testing.T) {
	b := realBundle(t)
	h := newHome(t)
	prefix := filepath.Join(t.TempDir(), "Debian Jupyter")
	if out := h.mustRun(t, onboardBin, "install", "--dry-run", "--prefix", prefix, "--bundle", b); !strings.Contains(out, "has spaces: conda, Python and Jupyter work there") {
		t.Fatalf("the plan does not warn of what spaces do:\n%s", out)
	}
	h.mustRun(t, onboardBin, "install", "--silent", "--prefix", prefix, "--bundle", b)
	t.Cleanup(func() { h.run(t, onboardBin, "uninstall", "--silent", "--prefix", prefix) })
	team := filepath.Join(prefix, "envs", "team")
	for _, env := range []string{prefix, team} {
		if out := h.mustRun(t, filepath.Join(env, "bin", "python"), "-c", "import sys, ssl; print(sys.prefix)"); strings.TrimSpace(out) != env {
			t.Fatalf("sys.prefix %q, want %q", out, env)
		}
	}
	if ks, _ := os.ReadFile(filepath.Join(team, "share/jupyter/kernels/python3/kernel.json")); !strings.Contains(string(ks), team+"/bin/python") {
		t.Fatalf("kernel.json without the prefix:\n%s", ks)
	}
	if out := h.mustRun(t, filepath.Join(team, "bin", "jupyter"), "--version"); !strings.Contains(out, "notebook         : 6.") {
		t.Fatalf("jupyter --version:\n%s", out)
	}
	if !bundleHasConda(t, b) {
		return
	}
	conda := filepath.Join(prefix, "bin", "conda")
	want := "#!/bin/sh\n'''exec' \"" + prefix + "/bin/python\" \"$0\" \"$@\" #'''\n"
	for _, p := range []string{conda, filepath.Join(prefix, "condabin", "conda")} {
		if data, _ := os.ReadFile(p); !bytes.HasPrefix(data, []byte(want)) {
			t.Fatalf("%s in a folder with spaces: %.100q, want %q first", p, data, want)
		}
	}
	works := func() {
		t.Helper()
		if out := h.mustRun(t, conda, "--version"); !strings.HasPrefix(out, "conda 26.") {
			t.Fatalf("conda --version: %q", out)
		}
		if out := h.mustRun(t, conda, "run", "-n", "team", "python", "-c", "import sys; print(sys.prefix)"); strings.TrimSpace(out) != team {
			t.Fatalf("conda run -n team: %q, want %s", out, team)
		}
		// activated as a person does, in a shell: the hook, then activate
		script := `eval "$("$1" shell.bash hook)" && conda activate team && python -c 'import sys; print(sys.prefix)'`
		if out := h.mustRun(t, "bash", "-c", script, "bash", conda); strings.TrimSpace(out) != team {
			t.Fatalf("conda activate team in bash: %q, want %s", out, team)
		}
	}
	works()
	out := h.mustRun(t, conda, "init", "bash")
	var changed []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.SplitN(strings.TrimSpace(line), " ", 2); len(f) == 2 && f[0] == "modified" && strings.HasPrefix(strings.TrimSpace(f[1]), prefix+"/") {
			changed = append(changed, strings.TrimPrefix(strings.TrimSpace(f[1]), prefix+"/"))
		}
	}
	app := filepath.Join(prefix, ".onboard", "onboard")
	r := h.run(t, app, "verify")
	for _, c := range changed {
		if !strings.Contains(r.stdout, c) {
			t.Errorf("conda init changed %s, which verify does not name:\n%s", c, r.stdout)
		}
	}
	if len(changed) > 0 {
		h.mustRun(t, app, "repair")
	}
	if out := h.mustRun(t, app, "verify"); !strings.Contains(out, "Healthy") {
		t.Fatalf("onboard verify after conda init and a repair:\n%s", out)
	}
	works()
}

// kernelViaREST starts a python3 kernel through the server's REST API,
// has it run code over the kernel protocol (the server's websocket), and
// shuts it down.
func kernelViaREST(t *testing.T, port, token, env string) {
	t.Helper()
	do := func(method, path string, body string) (int, []byte) {
		req, _ := http.NewRequest(method, "http://127.0.0.1:"+port+path, strings.NewReader(body))
		req.Header.Set("Authorization", "token "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := do(http.MethodPost, "/api/kernels", `{"name":"python3"}`)
	var k struct {
		ID             string `json:"id"`
		ExecutionState string `json:"execution_state"`
	}
	if code != http.StatusCreated || json.Unmarshal(body, &k) != nil || k.ID == "" {
		t.Fatalf("start a kernel: %d %s", code, body)
	}
	if got := executeOverWebsocket(t, port, token, k.ID, "import sys; print(sum(range(10)) * 7, sys.prefix)"); got != "315 "+env {
		t.Fatalf("the kernel printed %q; want 315 and the env's prefix %s", got, env)
	}
	if code, body := do(http.MethodDelete, "/api/kernels/"+k.ID, ""); code != http.StatusNoContent {
		t.Fatalf("shut the kernel down: %d %s", code, body)
	}
}

// executeOverWebsocket sends an execute_request on the shell channel and
// returns what the kernel printed to stdout for it.
func executeOverWebsocket(t *testing.T, port, token, kernel, code string) string {
	t.Helper()
	origin := "http://127.0.0.1:" + port
	ws, err := websocket.Dial("ws://127.0.0.1:"+port+"/api/kernels/"+kernel+"/channels?token="+token, "", origin)
	if err != nil {
		t.Fatalf("kernel websocket: %v", err)
	}
	defer ws.Close()
	msgID := fmt.Sprintf("onboard-test-%d", time.Now().UnixNano())
	req := map[string]any{
		"header": map[string]any{"msg_id": msgID, "username": "test", "session": "onboard-test", "msg_type": "execute_request",
			"version": "5.3", "date": time.Now().UTC().Format(time.RFC3339)},
		"parent_header": map[string]any{}, "metadata": map[string]any{}, "channel": "shell", "buffers": []any{},
		"content": map[string]any{"code": code, "silent": false, "store_history": false, "user_expressions": map[string]any{},
			"allow_stdin": false, "stop_on_error": true},
	}
	if err := websocket.JSON.Send(ws, req); err != nil {
		t.Fatalf("send execute_request: %v", err)
	}
	ws.SetReadDeadline(time.Now().Add(2 * time.Minute))
	var printed strings.Builder
	for {
		var msg struct {
			Header struct {
				MsgType string `json:"msg_type"`
			} `json:"header"`
			ParentHeader struct {
				MsgID string `json:"msg_id"`
			} `json:"parent_header"`
			Content map[string]any `json:"content"`
		}
		if err := websocket.JSON.Receive(ws, &msg); err != nil {
			t.Fatalf("reading the kernel's messages (printed so far %q): %v", printed.String(), err)
		}
		if msg.ParentHeader.MsgID != msgID {
			continue
		}
		switch msg.Header.MsgType {
		case "stream":
			if msg.Content["name"] == "stdout" {
				printed.WriteString(fmt.Sprint(msg.Content["text"]))
			}
		case "error":
			t.Fatalf("the kernel raised: %v", msg.Content)
		case "execute_reply":
			if msg.Content["status"] != "ok" {
				t.Fatalf("execute_reply: %v", msg.Content)
			}
		case "status":
			if msg.Content["execution_state"] == "idle" {
				return strings.TrimSpace(printed.String())
			}
		}
	}
}

// condaSettingsStayTheBundles: conda reads the bundle's settings
// (condarc.d/onboard.yml), and a person's own `conda config --set`
// writes that one setting, in ~/.condarc as in an env's .condarc. With
// the settings in the base's .condarc, conda config copied them all into
// the new file (its fallback to the "system" rc), where they outlived
// upgrades and the uninstall (audit U 2).
func condaSettingsStayTheBundles(t *testing.T, h *home, conda, prefix string) {
	t.Helper()
	var shown struct {
		Offline bool `json:"offline"`
	}
	if err := json.Unmarshal([]byte(h.mustRun(t, conda, "config", "--show", "offline", "--json")), &shown); err != nil || !shown.Offline {
		t.Fatalf("conda config --show offline: %v (%v); the bundle says offline: true", shown.Offline, err)
	}
	if out := h.mustRun(t, conda, "config", "--show-sources"); !strings.Contains(out, filepath.Join(prefix, "condarc.d", "onboard.yml")) {
		t.Fatalf("conda config --show-sources does not list the bundle's settings:\n%s", out)
	}
	for _, c := range []struct {
		rc   string
		args []string
	}{
		{filepath.Join(h.dir, ".condarc"), []string{"config", "--set", "changeps1", "false"}},
		{filepath.Join(prefix, "envs", "team", ".condarc"), []string{"config", "-n", "team", "--set", "changeps1", "false"}},
	} {
		h.mustRun(t, conda, c.args...)
		b, err := os.ReadFile(c.rc)
		if err != nil || strings.TrimSpace(string(b)) != "changeps1: false" {
			t.Fatalf("conda %s wrote %s:\n%s (%v); want only that setting", strings.Join(c.args, " "), c.rc, b, err)
		}
		if err := os.Remove(c.rc); err != nil {
			t.Fatal(err)
		}
	}
}

// checkConda runs the conda that the bundle's base installed, inside the
// onboard-made prefix: it must take that prefix as its base environment,
// see the bundle's envs and exactly the records onboard wrote, find nothing
// wrong with doctor, and activate an env from bash with the env's
// activate.d scripts.
func checkConda(t *testing.T, h *home, bundlePath, prefix string) {
	t.Helper()
	if !bundleHasConda(t, bundlePath) {
		return
	}
	conda := filepath.Join(prefix, "bin", "conda")
	team := filepath.Join(prefix, "envs", "team")
	if out := h.mustRun(t, conda, "--version"); !strings.HasPrefix(out, "conda 26.") {
		t.Fatalf("conda --version: %q", out)
	}
	var info struct {
		RootPrefix string   `json:"root_prefix"`
		Envs       []string `json:"envs"`
	}
	if err := json.Unmarshal([]byte(h.mustRun(t, conda, "info", "--json")), &info); err != nil || info.RootPrefix != prefix {
		t.Fatalf("conda info: base %q (%v); want %s", info.RootPrefix, err, prefix)
	}
	condaSettingsStayTheBundles(t, h, conda, prefix)
	// as root, conda also lists the envs in other users' environments.txt
	// (root's own included), so only the ones inside this install count
	var envs struct{ Envs []string }
	err := json.Unmarshal([]byte(h.mustRun(t, conda, "env", "list", "--json")), &envs)
	var ours []string
	for _, e := range envs.Envs {
		if e == prefix || strings.HasPrefix(e, prefix+string(filepath.Separator)) {
			ours = append(ours, e)
		}
	}
	if err != nil || strings.Join(ours, "\n") != prefix+"\n"+team {
		t.Fatalf("conda env list: %v (%v); want base and team", envs.Envs, err)
	}
	// conda list shows exactly the records onboard wrote: conda's pip
	// interop ties each *.dist-info or *.egg-info folder to the record that
	// lists it, so none is taken for a package pip installed; and conda env
	// export has no pip section to install again
	for _, env := range []struct{ name, dir string }{{"base", prefix}, {"team", team}} {
		if got, want := condaList(t, h, conda, env.name), recordStems(env.dir); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("conda list -n %s: %v\nonboard wrote %v", env.name, got, want)
		}
		if out := h.mustRun(t, conda, "env", "export", "-n", env.name); strings.Contains(out, "pip:") {
			t.Fatalf("conda env export -n %s has a pip section:\n%s", env.name, out)
		}
	}
	for _, args := range [][]string{{"doctor"}, {"doctor", "-n", "team"}} {
		if out := h.mustRun(t, conda, args...); strings.Contains(out, "❌") || !strings.Contains(out, "✅") {
			t.Fatalf("conda %s:\n%s", strings.Join(args, " "), out)
		}
	}
	// activation from bash, as a user of a Miniconda base does it
	hook := filepath.Join(team, "etc", "conda", "activate.d", "onboard-test.sh")
	os.MkdirAll(filepath.Dir(hook), 0o755)
	os.WriteFile(hook, []byte("export ONBOARD_TEST_HOOK=applied\n"), 0o644)
	defer os.Remove(hook)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal(err)
	}
	script := `eval "$("$1" shell.bash hook)" && conda activate team && python -c 'import sys, os; print(sys.prefix, os.environ["ONBOARD_TEST_HOOK"])'`
	if out := h.mustRun(t, bash, "-c", script, "bash", conda); strings.TrimSpace(out) != team+" applied" {
		t.Fatalf("conda activate team in bash: %q", out)
	}
	script = `. "$1/etc/profile.d/conda.sh" && conda activate team && "$1/condabin/conda" --version && command -v python`
	if out := h.mustRun(t, bash, "-c", script, "bash", prefix); !strings.Contains(out, filepath.Join(team, "bin", "python")) {
		t.Fatalf("etc/profile.d/conda.sh and condabin/conda: %q", out)
	}
	// onboard's shell set-up block uses this conda's activation
	block, err := platform.ShellBlock(prefix, filepath.Join(prefix, "condabin"))
	if err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(h.dir, ".bashrc")
	os.WriteFile(rc, block, 0o644)
	script = `. "$1" && conda activate team && python -c 'import sys, os; print(sys.prefix, os.environ["ONBOARD_TEST_HOOK"])'`
	if out := h.mustRun(t, bash, "-c", script, "bash", rc); strings.TrimSpace(out) != team+" applied" {
		t.Fatalf("the shell set-up block, then conda activate team: %q", out)
	}
	// `conda init bash` finds the prefix's files as it would write them
	// and changes none (audit Q 4: bin/conda, conda.sh and the shell/
	// folder differed, so verify called the base damaged and repair undid
	// conda's work); it takes the shell set-up over in ~/.bashrc, which
	// still runs and activates; onboard's verify stays healthy.
	initOut := h.mustRun(t, conda, "init", "bash")
	for _, line := range strings.Split(initOut, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "modified" && strings.HasPrefix(f[1], prefix+"/") {
			t.Errorf("conda init changed a file of the install: %s\n%s", f[1], initOut)
		}
	}
	if !strings.Contains(initOut, "modified      "+rc) {
		t.Fatalf("conda init did not take ~/.bashrc over:\n%s", initOut)
	}
	script = `. "$1" && conda activate team && python -c 'import sys; print(sys.prefix)'`
	if out := h.mustRun(t, bash, "-c", script, "bash", rc); strings.TrimSpace(out) != team {
		t.Fatalf("~/.bashrc after conda init, then conda activate team: %q", out)
	}
	if out := h.mustRun(t, filepath.Join(prefix, ".onboard", "onboard"), "verify"); !strings.Contains(out, "Healthy") {
		t.Fatalf("onboard verify after conda init:\n%s", out)
	}
	// so does the maintenance window's Terminal: its script, run as a
	// terminal program runs it, is an interactive bash with team activated
	// by this conda
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	tp, err := platform.PlanTerminal(platform.TerminalRequest{OS: "linux", EnvName: "team", StateDir: h.dir,
		Conda: platform.CondaActivation(prefix, "linux", exists)}, platform.Env{},
		func(string) (string, error) { return "/usr/bin/xterm", nil })
	if err != nil || tp.ScriptBody == nil {
		t.Fatalf("PlanTerminal: %v", err)
	}
	if err := os.WriteFile(tp.Script, tp.ScriptBody, tp.ScriptMode); err != nil {
		t.Fatal(err)
	}
	term := exec.Command(tp.Script)
	term.Env = []string{"HOME=" + h.dir, "PATH=/usr/bin:/bin", "TERM=dumb"}
	term.Stdin = strings.NewReader("python -c 'import sys, os; print(\"got\", sys.prefix, os.environ[\"ONBOARD_TEST_HOOK\"])'\nexit\n")
	if out, err := term.CombinedOutput(); err != nil || !strings.Contains(string(out), "got "+team+" applied") {
		t.Fatalf("the Terminal script with conda's activation: %v\n%s\n%s", err, out, tp.ScriptBody)
	}
	// conda's next command in an env onboard made writes no "-"/"+" line
	// for onboard's packages: the history's dist strings are conda's own.
	// An @EXPLICIT install of a package already there links nothing and
	// writes only the head of an entry.
	// The bundle freezes the base (CEP 22): conda refuses to change it,
	// with the bundle's message, and changes nothing, unless told
	// --override-frozen.
	baseHist, _ := os.ReadFile(filepath.Join(prefix, "conda-meta", "history"))
	lockFile := writeLock(t, h.dir, recordURL(t, prefix, "conda"))
	if r := h.run(t, conda, "install", "-y", "-n", "base", "--offline", "--file", lockFile); r.code == 0 ||
		!strings.Contains(r.stdout+r.stderr, "The environment is marked as frozen") || !strings.Contains(r.stdout+r.stderr, realbundle.FrozenMessage) {
		t.Fatalf("conda install into the frozen base: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if hist, _ := os.ReadFile(filepath.Join(prefix, "conda-meta", "history")); string(hist) != string(baseHist) {
		t.Fatalf("conda's refused install changed the base's history:\n%s", hist)
	}
	for _, env := range []struct{ name, dir, pkg string }{{"base", prefix, "conda"}, {"team", team, "python"}} {
		lockFile := writeLock(t, h.dir, recordURL(t, env.dir, env.pkg))
		h.mustRun(t, conda, "install", "-y", "-n", env.name, "--offline", "--override-frozen", "--file", lockFile)
		hist, err := os.ReadFile(filepath.Join(env.dir, "conda-meta", "history"))
		if err != nil {
			t.Fatal(err)
		}
		last := string(hist[strings.LastIndex(string(hist), "==> "):])
		if !strings.Contains(last, "# cmd: "+conda+" install") || regexp.MustCompile(`(?m)^[-+]`).MatchString(last) {
			t.Fatalf("conda install in %s wrote phantom -/+ lines (or no entry):\n%s", env.name, hist)
		}
	}
	// conda's forced reinstall writes an entry with no -/+ lines, after
	// which conda itself reads the env's state from its history as empty:
	// so it comes after the checks of onboard's history entries above
	condaReinstallsInOnboardEnv(t, h, prefix)

	// a solver install of the bundle's python into a new env, from a channel
	// of its archive, as the frozen base's message asks people to do: conda
	// adds pip to python's depends unless the bundle's .condarc says not to
	channel := localChannel(t, h.dir, team, "python")
	// conda search reads the channel's repodata as shards, with msgpack
	// (audit U 1: conda's package lacked it, and search crashed)
	if out := h.mustRun(t, conda, "search", "--offline", "--override-channels", "-c", channel, "python"); !strings.Contains(out, "python") {
		t.Fatalf("conda search in the local channel:\n%s", out)
	}
	h.mustRun(t, conda, "create", "-y", "-n", "mine", "--offline", "--override-channels", "-c", channel, "python")
	h.mustRun(t, conda, "env", "remove", "-y", "-n", "mine")

	// a new env from the packages the install used (the URLs of its
	// records, as `conda list --explicit` gives them), offline, then a removal
	var urls []string
	for _, name := range recordNames(prefix) {
		urls = append(urls, recordURL(t, prefix, name))
	}
	lockFile = writeLock(t, h.dir, urls...)
	h.mustRun(t, conda, "create", "-y", "-n", "extra", "--offline", "--file", lockFile)
	extraPy := filepath.Join(prefix, "envs", "extra", "bin", "python")
	if out := h.mustRun(t, extraPy, "-c", "import conda, sys; print(sys.prefix)"); strings.TrimSpace(out) != filepath.Dir(filepath.Dir(extraPy)) {
		t.Fatalf("the env conda made: %q", out)
	}
	h.mustRun(t, conda, "remove", "-y", "-n", "extra", "--offline", "conda")
	if r := h.run(t, extraPy, "-c", "import conda"); r.code == 0 {
		t.Fatal("conda remove left conda in the extra env")
	}
	out := h.mustRun(t, filepath.Join(prefix, ".onboard", "onboard"), "verify")
	if !strings.Contains(out, "environment extra is not from the bundle") || !strings.Contains(out, "Healthy") {
		t.Fatalf("onboard verify after conda made an env:\n%s", out)
	}
}

// condaReinstallsInOnboardEnv has the real conda force a reinstall of
// python, from the url its record names, in an env that onboard installed
// with no package cache (conda clean --all first): conda must relink it and
// record the change, python must run, and onboard's verify stay healthy.
func condaReinstallsInOnboardEnv(t *testing.T, h *home, prefix string) {
	t.Helper()
	conda := filepath.Join(prefix, "bin", "conda")
	team := filepath.Join(prefix, "envs", "team")
	app := filepath.Join(prefix, ".onboard", "onboard")
	// the install made no package cache, but conda's own installs above
	// fetched into one: empty it as a user would
	h.mustRun(t, conda, "clean", "-y", "--all")
	if m, _ := filepath.Glob(filepath.Join(prefix, "pkgs", "python-*")); len(m) != 0 {
		t.Fatalf("python is in a package cache already (%v); this check is for a prefix without one", m)
	}
	pyRec := func() string {
		b, _ := os.ReadFile(recordFile(t, team, "python"))
		return string(b)
	}
	before := pyRec()
	pyBin := filepath.Join(team, "bin", "python3")
	pyInode, err := os.Stat(pyBin)
	if err != nil {
		t.Fatal(err)
	}
	// conda takes the package from a channel (offline: a local one), as a
	// user with the team's channel would; there is no cache to take it from
	channel := localChannel(t, h.dir, team, "python")
	h.mustRun(t, conda, "install", "-y", "-n", "team", "--offline", "--override-channels", "-c", channel, "--force-reinstall", "python")
	// the same dist again: conda's history gets no -/+ line for it, but
	// the files are relinked from conda's new cache (other inodes) and
	// the record is conda's own
	if after, err := os.Stat(pyBin); err != nil || os.SameFile(pyInode, after) {
		t.Fatalf("conda's forced reinstall did not relink %s (%v)", pyBin, err)
	}
	if pyRec() == before {
		t.Fatal("conda's forced reinstall left onboard's python record as it was: it did not relink")
	}
	if out := h.mustRun(t, filepath.Join(team, "bin", "python"), "-c", "import sys, ssl; print(sys.prefix)"); strings.TrimSpace(out) != team {
		t.Fatalf("python after conda's forced reinstall: %q", out)
	}
	if out := h.run(t, app, "verify"); out.code != 0 {
		t.Fatalf("onboard verify after conda install --force-reinstall python: exit %d\n%s%s", out.code, out.stdout, out.stderr)
	}
}

// condaRemovesFromOnboardEnv has the real conda remove the notebook package
// from the env onboard installed: conda list and doctor must agree with
// the records, and onboard's verify must stay healthy, naming the removal
// as conda's change rather than damage.
func condaRemovesFromOnboardEnv(t *testing.T, h *home, bundlePath, prefix string) {
	t.Helper()
	if !bundleHasConda(t, bundlePath) {
		return
	}
	conda := filepath.Join(prefix, "bin", "conda")
	team := filepath.Join(prefix, "envs", "team")
	app := filepath.Join(prefix, ".onboard", "onboard")
	h.mustRun(t, conda, "remove", "-y", "-n", "team", "--offline", "notebook")
	if m, _ := filepath.Glob(filepath.Join(team, "conda-meta", "notebook-*.json")); len(m) != 0 {
		t.Fatalf("conda remove left the record: %v", m)
	}
	if _, err := os.Stat(filepath.Join(team, "bin", "jupyter-notebook")); !os.IsNotExist(err) {
		t.Fatalf("conda remove left bin/jupyter-notebook: %v", err)
	}
	got, want := condaList(t, h, conda, "team"), recordStems(team)
	if listed := " " + strings.Join(got, " "); listed != " "+strings.Join(want, " ") ||
		strings.Contains(listed, " notebook-") || !strings.Contains(listed, " ipykernel-") {
		t.Fatalf("conda list -n team after the removal: %v\nthe records: %v", got, want)
	}
	if out := h.mustRun(t, conda, "doctor", "-n", "team"); strings.Contains(out, "❌") {
		t.Fatalf("conda doctor -n team after conda's changes:\n%s", out)
	}
	r := h.run(t, app, "verify")
	if r.code != 0 || !strings.Contains(r.stdout, "removed or replaced with conda") || !strings.Contains(r.stdout, "bin/jupyter-notebook in team, which is no longer there") {
		t.Fatalf("onboard verify after conda remove notebook: exit %d; want healthy, with notes on the removal and the launcher it stops\n%s%s", r.code, r.stdout, r.stderr)
	}
	// the launcher says what works: the package back with conda, not a
	// repair, which leaves the user's removal as it is
	if r := h.run(t, app, "launch", "jupyter"); r.code == 0 || !strings.Contains(r.stderr, "removed with conda") || strings.Contains(r.stderr, "Repair the install") {
		t.Fatalf("launch jupyter after conda remove notebook: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// bundleHasConda says whether the real bundle's base carries conda; in CI
// it must.
func bundleHasConda(t *testing.T, bundlePath string) bool {
	t.Helper()
	b, err := bundle.Open(bundlePath)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, p := range b.Manifest.Platforms[realbundle.Subdir].Base {
		if p.Name == "conda" {
			return true
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("the real bundle has no conda: ../shared/fixtures/conda-source was not found")
	}
	t.Log("the real bundle has no conda (no ../shared/fixtures/conda-source): conda checks skipped")
	return false
}

// localChannel makes a file:// conda channel in dir holding the archive
// of package name's record in env (from the record's url), with the
// repodata.json that conda reads, built from the record's own fields.
func localChannel(t *testing.T, dir, env, name string) string {
	t.Helper()
	data, err := os.ReadFile(recordFile(t, env, name))
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(rec["url"].(string))
	if err != nil || u.Scheme != "file" {
		t.Fatalf("record url %v (%v): want a file:// url", rec["url"], err)
	}
	entry := map[string]any{}
	for _, k := range []string{"name", "version", "build", "build_number", "depends", "constrains", "license", "subdir", "timestamp", "md5", "sha256", "size", "noarch", "python_site_packages_path"} {
		if v, ok := rec[k]; ok {
			entry[k] = v
		}
	}
	fn := path.Base(u.Path)
	subdir := rec["subdir"].(string)
	chdir := filepath.Join(dir, "channel")
	for _, sd := range []string{subdir, "noarch"} {
		pkgs := map[string]any{}
		if sd == subdir {
			pkgs[fn] = entry
		}
		key := "packages"
		if strings.HasSuffix(fn, ".conda") {
			key = "packages.conda"
		}
		repodata, _ := json.Marshal(map[string]any{"info": map[string]string{"subdir": sd}, key: pkgs, "repodata_version": 1})
		if err := os.MkdirAll(filepath.Join(chdir, sd), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(chdir, sd, "repodata.json"), repodata, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	archive, err := os.ReadFile(u.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(chdir, subdir, fn), archive, 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + chdir
}

// recordFile returns the path of package name's conda-meta record in env
// (python's, not python-dateutil's).
func recordFile(t *testing.T, env, name string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(env, "conda-meta", name+"-*.json"))
	var found []string
	for _, p := range m {
		var r struct{ Name string }
		if b, err := os.ReadFile(p); err == nil && json.Unmarshal(b, &r) == nil && r.Name == name {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("records of %s in %s: %v", name, env, found)
	}
	return found[0]
}

// recordURL returns the url of package name's conda-meta record in env.
func recordURL(t *testing.T, env, name string) string {
	t.Helper()
	var r struct{ URL string }
	if b, err := os.ReadFile(recordFile(t, env, name)); err != nil || json.Unmarshal(b, &r) != nil || r.URL == "" {
		t.Fatalf("no url in the record of %s in %s (%v)", name, env, err)
	}
	return r.URL
}

// condaList returns what conda list shows in env, pip's packages
// included, as name-version-build, sorted.
func condaList(t *testing.T, h *home, conda, env string) []string {
	t.Helper()
	var listed []struct {
		Name        string `json:"name"`
		Version     string `json:"version"`
		BuildString string `json:"build_string"`
		Channel     string `json:"channel"`
	}
	if err := json.Unmarshal([]byte(h.mustRun(t, conda, "list", "-n", env, "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range listed {
		if l.Channel == "pypi" {
			names = append(names, l.Name+" "+l.Version+" (pypi)")
		} else {
			names = append(names, l.Name+"-"+l.Version+"-"+l.BuildString)
		}
	}
	sort.Strings(names)
	return names
}

// recordStems returns env's conda-meta records as name-version-build,
// sorted.
func recordStems(env string) []string {
	recs, _ := filepath.Glob(filepath.Join(env, "conda-meta", "*.json"))
	var out []string
	for _, r := range recs {
		out = append(out, strings.TrimSuffix(filepath.Base(r), ".json"))
	}
	sort.Strings(out)
	return out
}

// recordNames returns the names of env's conda-meta records, sorted.
func recordNames(env string) []string {
	recs, _ := filepath.Glob(filepath.Join(env, "conda-meta", "*.json"))
	var names []string
	for _, r := range recs {
		var rec struct{ Name string }
		if b, err := os.ReadFile(r); err == nil && json.Unmarshal(b, &rec) == nil {
			names = append(names, rec.Name)
		}
	}
	sort.Strings(names)
	return names
}

// writeLock writes an @EXPLICIT file of urls into dir.
func writeLock(t *testing.T, dir string, urls ...string) string {
	t.Helper()
	f, err := os.CreateTemp(dir, "lock-*.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("@EXPLICIT\n" + strings.Join(urls, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// checkDiskEstimate compares the Welcome step's "Space needed on disk" with
// what du finds in the fresh install: within 10%.
func checkDiskEstimate(t *testing.T, bundlePath, prefix string) {
	t.Helper()
	b, err := bundle.Open(bundlePath)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	old := wizard.MaintenanceAppBytes
	wizard.MaintenanceAppBytes = func() int64 { n, _ := bundle.PlainSize(onboardBin); return n }
	defer func() { wizard.MaintenanceAppBytes = old }()
	est := wizard.Summarize(b, realbundle.Subdir).DiskBytes
	out, err := exec.Command("du", "-sk", prefix).Output()
	if err != nil {
		t.Fatalf("du: %v", err)
	}
	var kb int64
	fmt.Sscan(string(out), &kb)
	du := kb * 1024
	if diff := float64(est-du) / float64(du); diff > 0.10 || diff < -0.10 {
		t.Fatalf("Welcome says %d bytes are needed; du finds %d after the install (%+.1f%%)", est, du, diff*100)
	}
	t.Logf("disk space: estimate %d, du %d (%+.1f%%)", est, du, float64(est-du)/float64(du)*100)
}

// stateDir is where the user with home keeps the state of the install at
// prefix (Jupyter's record and log).
func stateDir(t *testing.T, home, prefix string) string {
	s, err := platform.UserStateDirs(platform.HostTarget(), platform.Env{Home: home}, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return s.Dir
}

func tail(t *testing.T, home, prefix string) string {
	b, _ := os.ReadFile(filepath.Join(stateDir(t, home, prefix), "jupyter-team.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// checkPycSizes checks that every .pyc file a conda-meta record of env
// lists and that exists carries its size, as conda records it (the
// records are written before compiling and get the sizes after).
func checkPycSizes(t *testing.T, env string) {
	t.Helper()
	recs, _ := filepath.Glob(filepath.Join(env, "conda-meta", "*.json"))
	n := 0
	for _, r := range recs {
		data, err := os.ReadFile(r)
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			PathsData struct {
				Paths []struct {
					Path     string `json:"_path"`
					PathType string `json:"path_type"`
					Size     *int64 `json:"size_in_bytes"`
				} `json:"paths"`
			} `json:"paths_data"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		for _, p := range rec.PathsData.Paths {
			if p.PathType != "pyc_file" {
				continue
			}
			fi, err := os.Stat(filepath.Join(env, filepath.FromSlash(p.Path)))
			if err != nil {
				continue
			}
			n++
			if p.Size == nil || *p.Size != fi.Size() {
				t.Errorf("%s: %s has size_in_bytes %v; the file has %d bytes", filepath.Base(r), p.Path, p.Size, fi.Size())
			}
		}
	}
	if n == 0 {
		t.Errorf("no compiled .pyc file is in the records of %s", env)
	}
}

// checkRegeneratedPyc: a clean-up of __pycache__, then an import, has the
// env's python write the .pyc again, with the source's absolute path in
// it (the install compiled it with the path relative to the env, as conda
// does): a different size, no damage. A .pyc really damaged is put back
// by repair, which used to say "fixed" and leave it (compileall keeps a
// .pyc whose header says it is up to date).
func checkRegeneratedPyc(t *testing.T, h *home, app, team string) {
	t.Helper()
	cache := filepath.Join(team, "lib/python3/dist-packages/nbformat/__pycache__")
	pycs, _ := filepath.Glob(filepath.Join(cache, "*.pyc"))
	if len(pycs) == 0 {
		t.Fatalf("no .pyc in %s", cache)
	}
	sizes := map[string]int64{}
	for _, p := range pycs {
		fi, _ := os.Stat(p)
		sizes[p] = fi.Size()
	}
	if err := os.RemoveAll(cache); err != nil {
		t.Fatal(err)
	}
	imp := exec.Command(filepath.Join(team, "bin", "python"), "-c", "import nbformat, nbformat.v4")
	for _, kv := range h.environ() {
		if !strings.HasPrefix(kv, "PYTHONDONTWRITEBYTECODE=") { // as a person's python writes them
			imp.Env = append(imp.Env, kv)
		}
	}
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import nbformat: %v\n%s", err, out)
	}
	changed := 0
	for p, n := range sizes {
		if fi, err := os.Stat(p); err == nil && fi.Size() != n {
			changed++
		}
	}
	if changed == 0 {
		t.Fatalf("python wrote no .pyc of another size in %s: the check below proves nothing", cache)
	}
	if r := h.run(t, app, "verify"); r.code != 0 {
		t.Fatalf("verify after python wrote its own .pyc: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// damaged past its header, which still says it is up to date
	var damaged string
	for p, n := range sizes {
		if fi, err := os.Stat(p); err == nil && fi.Size() != n {
			damaged = p
		}
	}
	data, _ := os.ReadFile(damaged)
	os.WriteFile(damaged, append(data[:16:16], "not marshal data"...), 0o644)
	if r := h.run(t, app, "verify"); r.code != 1 || !strings.Contains(r.stdout, filepath.Base(damaged)) {
		t.Fatalf("verify of a damaged .pyc: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.mustRun(t, app, "repair")
	h.mustRun(t, app, "verify")
	if data, _ := os.ReadFile(damaged); strings.Contains(string(data), "not marshal data") {
		t.Fatalf("repair left the damaged %s", damaged)
	}
}

// checkModeAndPycBody: damage conda-meta cannot show (audit AW 2, 3), each
// of which stops conda: the base's python made not executable (a restore
// that drops modes), and the body of a .pyc the install compiled
// overwritten at its size. verify names both, and repair puts them right.
func checkModeAndPycBody(t *testing.T, h *home, app, prefix string) {
	t.Helper()
	pys, _ := filepath.Glob(filepath.Join(prefix, "bin", "python3.[0-9]*"))
	if len(pys) != 1 {
		t.Fatalf("the base's python: %v", pys)
	}
	py := pys[0]
	pyc := filepath.Join(prefix, "lib/python3/dist-packages/conda/base/__pycache__/context.cpython-311.pyc")
	data, err := os.ReadFile(pyc)
	if err != nil || len(data) < 100 {
		t.Fatalf("conda's compiled context.py: %d bytes, %v", len(data), err)
	}
	for i := 16; i < len(data); i++ {
		data[i] = 'N'
	}
	if err := os.WriteFile(pyc, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(py, 0o644); err != nil {
		t.Fatal(err)
	}
	conda := filepath.Join(prefix, "bin", "conda")
	if exec.Command(conda, "--version").Run() == nil {
		t.Fatalf("conda ran with its python not executable: the check below proves nothing")
	}
	r := h.run(t, app, "verify")
	if r.code != 1 || !strings.Contains(r.stdout, "bin/"+filepath.Base(py)) || !strings.Contains(r.stdout, "context.cpython-311.pyc") {
		t.Fatalf("verify of a python not executable and a .pyc not code: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.mustRun(t, app, "repair")
	h.mustRun(t, app, "verify")
	h.mustRun(t, conda, "info", "--json")
	h.mustRun(t, filepath.Join(prefix, "bin", "python"), "-c", "import conda.base.context")
}

// checkBaseURL: a person's own Jupyter config may move the server under a
// base_url. The launch waited 2 minutes on /api/status, failed, blamed the
// install, and left the server running with no record.
func checkBaseURL(t *testing.T, h *home, app string) {
	t.Helper()
	cfg := filepath.Join(h.dir, ".jupyter", "jupyter_notebook_config.py")
	os.MkdirAll(filepath.Dir(cfg), 0o755)
	if err := os.WriteFile(cfg, []byte("c.NotebookApp.base_url = '/jup/'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(cfg)
	start := time.Now()
	r := h.run(t, app, "launch", "jupyter")
	m := urlRe.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || !strings.Contains(m[2], ":"+m[3]+"/jup/") || time.Since(start) > time.Minute {
		t.Fatalf("launch with a base_url: exit %d after %s\n%s%s", r.code, time.Since(start), r.stdout, r.stderr)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+m[3]+"/jup/api/status", nil)
	req.Header.Set("Authorization", "token "+m[4])
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the server under /jup/: %v %v", resp, err)
	}
	resp.Body.Close()
	// a second launch finds it there, and --stop stops it
	if r := h.run(t, app, "launch", "jupyter"); !strings.Contains(r.stdout, "Jupyter already running: "+m[2]) {
		t.Fatalf("second launch with a base_url: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := h.run(t, app, "launch", "jupyter", "--stop"); r.code != 0 || !strings.Contains(r.stdout, "Stopped Jupyter") {
		t.Fatalf("--stop: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
