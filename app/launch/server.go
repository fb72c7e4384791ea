package launch

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"onboard/installer/state"
)

// Flavor is the option namespace a Jupyter front end takes.
type Flavor int

const (
	// FlavorServer is Jupyter Server (JupyterLab, Notebook 7+): --ServerApp.*.
	FlavorServer Flavor = iota
	// FlavorClassic is Notebook 6 and older: --NotebookApp.*.
	FlavorClassic
)

// geteuid is os.Geteuid; tests replace it. Jupyter refuses to run as root
// without --allow-root (containers, VMs, CI run as root).
var geteuid = os.Geteuid

// FlavorOf tells which options `jupyter notebook` of the given version
// (`jupyter notebook --version`) takes; any other subcommand (lab) runs on
// Jupyter Server.
func FlavorOf(args []string, notebookVersion string) Flavor {
	if len(args) == 0 || args[0] != "notebook" {
		return FlavorServer
	}
	major, _, _ := strings.Cut(strings.TrimSpace(notebookVersion), ".")
	if n, err := strconv.Atoi(major); err == nil && n < 7 {
		return FlavorClassic
	}
	return FlavorServer
}

// detectFlavor asks `jupyter notebook --version` when the command is the
// notebook; a version it cannot read counts as Notebook 7 (Server).
func detectFlavor(ctx context.Context, exe string, args, environ []string) Flavor {
	if len(args) == 0 || args[0] != "notebook" {
		return FlavorServer
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "notebook", "--version")
	cmd.Env = environ
	out, _ := cmd.Output()
	lines := strings.Fields(string(out))
	if len(lines) == 0 {
		return FlavorServer
	}
	return FlavorOf(args, lines[len(lines)-1])
}

// ServerArgs are the arguments after the executable: the launcher's own
// (e.g. "notebook"), then no browser, the loopback address, the port (no
// retries: onboard checks that port), the token, the notebook folder, and
// --allow-root when running as root. A token "" is left out: onboard passes
// it in JUPYTER_TOKEN, which both Notebook 6 and Jupyter Server read,
// because a command line is readable by every user of the machine (ps,
// /proc/PID/cmdline) and the environment is not.
func ServerArgs(args []string, f Flavor, port int, token, root string, asRoot bool) []string {
	app, rootOpt := "ServerApp", "root_dir"
	if f == FlavorClassic {
		app, rootOpt = "NotebookApp", "notebook_dir"
	}
	out := append(append([]string{}, args...), "--no-browser",
		"--"+app+".ip=127.0.0.1", "--"+app+".port="+strconv.Itoa(port), "--"+app+".port_retries=0",
		"--"+app+"."+rootOpt+"="+root)
	if token != "" {
		out = append(out[:len(out)-1], "--"+app+".token="+token, out[len(out)-1])
	}
	if asRoot {
		out = append(out, "--allow-root")
	}
	return out
}

// runtimeInfo is what Jupyter writes to its runtime file
// (nbserver-<pid>.json for Notebook 6, jpserver-<pid>.json for Jupyter
// Server).
type runtimeInfo struct {
	URL     string `json:"url"`
	Port    int    `json:"port"`
	Token   string `json:"token"`
	BaseURL string `json:"base_url"`
}

// reportedURL is the address the server itself reports, with its token:
// from its runtime file in runtimeDir, else from the URL line it printed to
// its log. "" when it reported none within a few seconds.
func reportedURL(ctx context.Context, runtimeDir, logPath string, port int, token string) string {
	deadline := time.Now().Add(5 * time.Second)
	for {
		if u := fromRuntimeFiles(runtimeDir, port, token); u != "" {
			return u
		}
		if u := fromLog(logPath, port); u != "" {
			return u
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return ""
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// runtimeOf reads the runtime file in dir of the server on port; false
// when there is none yet.
func runtimeOf(dir string, port int) (runtimeInfo, bool) {
	matches, _ := filepath.Glob(filepath.Join(dir, "*server-*.json"))
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		var ri runtimeInfo
		if json.Unmarshal(b, &ri) == nil && ri.Port == port {
			return ri, true
		}
	}
	return runtimeInfo{}, false
}

// baseURLOf is the base_url in the runtime file of the server on port in
// dir; "" when there is none yet.
func baseURLOf(dir string, port int) string {
	ri, _ := runtimeOf(dir, port)
	return ri.BaseURL
}

func fromRuntimeFiles(dir string, port int, token string) string {
	if ri, ok := runtimeOf(dir, port); ok && ri.URL != "" {
		u := ri.URL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		if ri.Token != "" {
			u += "?token=" + ri.Token
		} else if token != "" {
			u += "?token=" + token
		}
		return u
	}
	return ""
}

// fromLog finds the last URL with a token that the server printed for port
// ("http://127.0.0.1:8888/lab?token=…", "http://localhost:8888/?token=…").
func fromLog(logPath string, port int) string {
	b, err := os.ReadFile(logPath)
	if err != nil {
		return ""
	}
	// only this run's part of the log
	if i := strings.LastIndex(string(b), "\n=== "); i >= 0 {
		b = b[i:]
	}
	re := regexp.MustCompile(`https?://(?:127\.0\.0\.1|localhost):` + strconv.Itoa(port) + `/[^\s"'<>]*\?token=[0-9A-Za-z]+`)
	all := re.FindAllString(string(b), -1)
	for i := len(all) - 1; i >= 0; i-- {
		if strings.Contains(all[i], "127.0.0.1") {
			return all[i]
		}
	}
	if len(all) > 0 {
		return all[len(all)-1]
	}
	return ""
}

// CommandExecutable is where the env's command name is: bin/<name>, or
// Scripts\<name>.exe on Windows.
func CommandExecutable(envPrefix, name, goos string) string {
	if goos == "windows" {
		if !strings.HasSuffix(strings.ToLower(name), ".exe") {
			name += ".exe"
		}
		return filepath.Join(envPrefix, "Scripts", name)
	}
	return filepath.Join(envPrefix, "bin", name)
}

// CheckCommand reports why env of the install at prefix cannot run the
// launcher's command name.
func CheckCommand(prefix, env, name, goos string) error {
	ep := EnvPrefix(prefix, env)
	if fi, err := os.Stat(ep); err != nil || !fi.IsDir() {
		return &EnvError{Prefix: prefix, Env: env, Reason: "its folder " + ep + " is missing", Gone: true}
	}
	if _, err := os.Stat(filepath.Join(ep, "conda-meta", "history")); err != nil {
		return &EnvError{Prefix: prefix, Env: env, Reason: "it has no conda-meta/history, so it is not a complete conda environment"}
	}
	exe := CommandExecutable(ep, name, goos)
	fi, err := os.Stat(exe)
	if err != nil {
		e := &EnvError{Prefix: prefix, Env: env, Reason: fmt.Sprintf("%s is missing (the shortcut runs %q)", exe, name)}
		if rel, rerr := filepath.Rel(ep, exe); rerr == nil && state.RemovedWithConda(ep, filepath.ToSlash(rel)) {
			e.Removed = name
		}
		return e
	}
	if goos != "windows" && fi.Mode()&0o111 == 0 {
		return &EnvError{Prefix: prefix, Env: env, Reason: exe + " is not executable"}
	}
	return nil
}
