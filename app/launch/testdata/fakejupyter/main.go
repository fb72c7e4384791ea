// Command fakejupyter stands in for `jupyter lab` in tests: it serves HTTP
// on the port it is given, answers /api/status and /lab only with the right
// token, and prints what it was started with. FAKE_JUPYTER_FAIL makes it
// fail at start-up the way a broken env does.
package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"
)

func main() {
	flags := map[string]string{}
	for _, a := range os.Args[1:] {
		if k, v, ok := strings.Cut(strings.TrimPrefix(a, "--"), "="); ok {
			flags[k] = v
		}
	}
	fmt.Printf("args: %s\n", strings.Join(os.Args[1:], " "))
	for _, k := range []string{"CONDA_PREFIX", "CONDA_DEFAULT_ENV", "CONDA_SHLVL", "TEAM_ACTIVATED", "PATH"} {
		fmt.Printf("%s=%s\n", k, os.Getenv(k))
	}
	if msg := os.Getenv("FAKE_JUPYTER_FAIL"); msg != "" {
		fmt.Printf("Traceback (most recent call last):\nImportError: %s\n", msg)
		os.Exit(1)
	}
	token := flags["ServerApp.token"]
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
	addr := flags["ServerApp.ip"] + ":" + flags["ServerApp.port"]
	fmt.Println("listening on", addr)
	if err := http.ListenAndServe(addr, nil); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
