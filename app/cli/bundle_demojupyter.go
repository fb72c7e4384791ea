package cli

import (
	"context"
	"crypto/subtle"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// demo-jupyter is a hidden command: the demo bundle's "jupyter" stand-in
// runs the installed maintenance app as `onboard demo-jupyter lab
// --no-browser --ServerApp.port=N --ServerApp.token=T --ServerApp.root_dir=D`,
// and it serves a small page on 127.0.0.1 that says it is a demo, speaking
// enough of Jupyter's protocol (the URL lines, /api) for `onboard launch`.
func init() { register("demo-jupyter", runDemoJupyter) }

type demoJupyter struct {
	port  int
	token string
	root  string
}

// parseDemoJupyter reads Jupyter-style arguments; unknown ones are ignored.
func parseDemoJupyter(args []string) (demoJupyter, error) {
	d := demoJupyter{root: "."}
	for _, a := range args {
		k, v, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch k {
		case "ServerApp.port", "port":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 65535 {
				return d, fmt.Errorf("bad port %q", v)
			}
			d.port = n
		case "ServerApp.token", "IdentityProvider.token", "token":
			d.token = v
		case "ServerApp.root_dir", "notebook-dir", "ServerApp.notebook_dir":
			d.root = v
		}
	}
	return d, nil
}

func runDemoJupyter(ctx context.Context, args []string, env Env) error {
	d, err := parseDemoJupyter(args)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(d.port)))
	if err != nil {
		return fmt.Errorf("failed to listen on port %d: %w", d.port, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	srv := &http.Server{Handler: d.handler(), ReadHeaderTimeout: 10 * time.Second}
	q := ""
	if d.token != "" {
		q = "?token=" + d.token
	}
	fmt.Fprintf(env.Stderr, "[I ServerApp] onboard demo stand-in for Jupyter Lab (not a real Jupyter) serving %s\n", d.root)
	fmt.Fprintf(env.Stderr, "[I ServerApp] Jupyter Server is running at:\n")
	fmt.Fprintf(env.Stderr, "[I ServerApp] http://localhost:%d/lab%s\n", port, q)
	fmt.Fprintf(env.Stderr, "[I ServerApp]     http://127.0.0.1:%d/lab%s\n", port, q)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return fmt.Errorf("failed to serve: %w", err)
	}
	return nil
}

func (d demoJupyter) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"version": "onboard-demo"}`)
	})
	mux.HandleFunc("/api/status", func(w http.ResponseWriter, r *http.Request) {
		if !d.authorized(w, r) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"started": "", "last_activity": "", "connections": 0, "kernels": 0}`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if !d.authorized(w, r) {
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, d.page())
	})
	return mux
}

// authorized accepts the token as ?token=, an "Authorization: token T"
// header or the cookie set on the first visit.
func (d demoJupyter) authorized(w http.ResponseWriter, r *http.Request) bool {
	if d.token == "" {
		return true
	}
	got := r.URL.Query().Get("token")
	if got == "" {
		got = strings.TrimPrefix(r.Header.Get("Authorization"), "token ")
	}
	if got == "" {
		if c, err := r.Cookie("onboard-demo-token"); err == nil {
			got = c.Value
		}
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(d.token)) != 1 {
		http.Error(w, "403: pass the token shown when the server started", http.StatusForbidden)
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: "onboard-demo-token", Value: d.token, Path: "/", HttpOnly: true})
	return true
}

func (d demoJupyter) page() string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>Onboard demo — Jupyter stand-in</title></head><body>")
	b.WriteString("<h1>This is the onboard demo</h1><p>Onboard installed and launched this stand-in for Jupyter Lab. ")
	b.WriteString("It is not a real Jupyter: the demo bundle has no Python. Ask your platform team for the real installer.</p>")
	fmt.Fprintf(&b, "<p>Notebook folder: <code>%s</code></p><ul>", html.EscapeString(d.root))
	ents, _ := os.ReadDir(d.root)
	for i, e := range ents {
		if i == 50 {
			b.WriteString("<li>…</li>")
			break
		}
		fmt.Fprintf(&b, "<li>%s</li>", html.EscapeString(e.Name()))
	}
	b.WriteString("</ul></body></html>\n")
	return b.String()
}
