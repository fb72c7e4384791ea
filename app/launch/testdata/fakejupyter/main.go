// Command fakejupyter stands in for `jupyter lab` and `jupyter notebook` in
// tests, behaving as the real ones do where onboard depends on it:
//
//   - `jupyter notebook --version` prints FAKE_NOTEBOOK_VERSION (default
//     7.0.0); `notebook` below 7 reads only --NotebookApp.* options (and
//     writes nbserver-<pid>.json), anything else only --ServerApp.* (and
//     writes jpserver-<pid>.json), so options of the wrong kind leave it
//     without a port and it fails;
//   - run as root without --allow-root it refuses, with Jupyter's message;
//   - it serves HTTP on the port it is given and answers only with the
//     right token; it writes its runtime file into JUPYTER_RUNTIME_DIR
//     (unless FAKE_JUPYTER_NO_RUNTIME is set) and prints its URL line;
//   - FAKE_JUPYTER_FAIL makes it fail at start-up the way a broken env does;
//   - FAKE_JUPYTER_PORT_TAKEN_ONCE=FILE makes its first run (FILE made)
//     fail as Jupyter does when another program took its port.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	args := os.Args[1:]
	flags := map[string]string{}
	for _, a := range args {
		k, v, ok := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if !ok {
			v = "true"
		}
		flags[k] = v
	}
	version := os.Getenv("FAKE_NOTEBOOK_VERSION")
	if version == "" {
		version = "7.0.0"
	}
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	if sub == "notebook" && flags["version"] == "true" {
		fmt.Println(version)
		return
	}
	fmt.Printf("args: %s\n", strings.Join(args, " "))
	for _, k := range []string{"CONDA_PREFIX", "CONDA_DEFAULT_ENV", "CONDA_SHLVL", "TEAM_ACTIVATED", "PATH", "JUPYTER_RUNTIME_DIR"} {
		fmt.Printf("%s=%s\n", k, os.Getenv(k))
	}
	if msg := os.Getenv("FAKE_JUPYTER_FAIL"); msg != "" {
		fmt.Printf("Traceback (most recent call last):\nImportError: %s\n", msg)
		os.Exit(1)
	}
	if os.Geteuid() == 0 && flags["allow-root"] != "true" {
		fmt.Println("[C 12:00:00.000 NotebookApp] Running as root is not recommended. Use --allow-root to bypass.")
		os.Exit(1)
	}
	app, kind := "ServerApp", "jpserver"
	if sub == "notebook" && version < "7" {
		app, kind = "NotebookApp", "nbserver"
	}
	token, port := flags[app+".token"], flags[app+".port"]
	if _, given := flags[app+".token"]; !given {
		token = os.Getenv("JUPYTER_TOKEN") // as Jupyter takes it
	}
	if port == "" {
		fmt.Printf("no %s.port given (options of another Jupyter?): %v\n", app, args)
		os.Exit(1)
	}
	if marker := os.Getenv("FAKE_JUPYTER_PORT_TAKEN_ONCE"); marker != "" {
		if _, err := os.Stat(marker); err != nil {
			os.WriteFile(marker, nil, 0o600)
			fmt.Printf("[I 12:00:00.000 %s] The port %s is already in use.\n", app, port)
			fmt.Printf("[C 12:00:00.000 %s] ERROR: the Jupyter server could not be started because port %s is not available.\n", app, port)
			os.Exit(1)
		}
	}
	ok := func(r *http.Request) bool {
		return r.URL.Query().Get("token") == token || r.Header.Get("Authorization") == "token "+token
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if !ok(r) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		fmt.Fprintf(w, `{"started": "now", "pid": %d}`, os.Getpid())
	})
	base := "http://" + flags[app+".ip"] + ":" + port + "/"
	if dir := os.Getenv("JUPYTER_RUNTIME_DIR"); dir != "" && os.Getenv("FAKE_JUPYTER_NO_RUNTIME") == "" {
		n, _ := strconv.Atoi(port)
		b, _ := json.Marshal(map[string]any{"url": base, "port": n, "token": token, "pid": os.Getpid(), "base_url": "/"})
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.json", kind, os.Getpid())), b, 0o600)
	}
	fmt.Printf("[I %s] Jupyter is running at:\n[I %s] %slab?token=%s\n", app, app, base, token)
	if err := http.ListenAndServe(flags[app+".ip"]+":"+port, nil); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
