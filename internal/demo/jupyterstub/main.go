// Command jupyterstub is the demo bundle's stand-in for `jupyter`: the demo's
// "jupyterlab" package installs it as bin/jupyter (Scripts\jupyter.exe on
// Windows). `make demo` (internal/demo) cross-builds it for each demo subdir.
// It takes what `onboard launch` passes to a real Jupyter and behaves the
// way onboard relies on, with no Python:
//
//   - `jupyter --version` and `jupyter lab --version` print a version;
//   - `jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=N
//     --ServerApp.root_dir=D` (or `--NotebookApp.*`) serves a page that says
//     it is the demo on 127.0.0.1:N, with /api and /api/status like Jupyter
//     Server;
//   - the token is --ServerApp.token, else JUPYTER_TOKEN (where onboard
//     passes it), else a random one; /api/status and the page need it
//     (?token=, an "Authorization: token" header, or the cookie set on the
//     first visit);
//   - it prints Jupyter's "http://127.0.0.1:N/lab?token=T" lines on stderr
//     and writes jpserver-<pid>.json into JUPYTER_RUNTIME_DIR.
//
// It is demo scaffolding, not part of onboard: the product binary does not
// carry it. It is one of four copies in every onboard binary (inside the
// embedded demo bundle), so it speaks the little HTTP/1.1 it needs over
// package net instead of importing net/http, fmt and encoding/json: about
// 2 MB instead of 6 MB per platform.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"html"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// version is what --version prints: the demo's jupyterlab package version.
const version = "4.2.0"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		io.WriteString(os.Stderr, "[C ServerApp] onboard demo jupyter: "+err.Error()+"\n")
		os.Exit(1)
	}
}

// server is what the arguments ask for.
type server struct {
	version bool // print the version and exit
	ip      string
	port    int
	token   string
	root    string
}

// parseArgs reads Jupyter-style arguments (--ServerApp.x=v, --NotebookApp.x=v,
// --x=v); the token falls back to JUPYTER_TOKEN. Unknown ones are ignored,
// as the real Jupyter warns and carries on.
func parseArgs(args []string, getenv func(string) string) (server, error) {
	s := server{ip: "127.0.0.1", port: 8888, root: "."}
	tokenGiven := false
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			continue // the subcommand: lab, notebook, server
		}
		k, v, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if i := strings.LastIndexByte(k, '.'); i >= 0 {
			k = k[i+1:] // ServerApp.port, NotebookApp.port → port
		}
		switch k {
		case "version":
			s.version = true
		case "ip":
			s.ip = v
		case "port":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 65535 {
				return s, errors.New("bad port " + strconv.Quote(v))
			}
			s.port = n
		case "token":
			s.token, tokenGiven = v, true
		case "root_dir", "notebook_dir", "notebook-dir":
			s.root = v
		}
	}
	if !tokenGiven {
		s.token = getenv("JUPYTER_TOKEN")
	}
	return s, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	s, err := parseArgs(args, getenv)
	if err != nil {
		return err
	}
	if s.version {
		io.WriteString(stdout, version+"\n")
		return nil
	}
	if s.token == "" {
		b := make([]byte, 24)
		rand.Read(b)
		s.token = hex.EncodeToString(b)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(s.ip, strconv.Itoa(s.port)))
	if err != nil {
		return errors.New("failed to listen on " + s.ip + " port " + strconv.Itoa(s.port) + ": " + err.Error())
	}
	port := ln.Addr().(*net.TCPAddr).Port
	base := "http://" + net.JoinHostPort(s.ip, strconv.Itoa(port)) + "/"
	if dir := getenv("JUPYTER_RUNTIME_DIR"); dir != "" {
		pid := strconv.Itoa(os.Getpid())
		info := filepath.Join(dir, "jpserver-"+pid+".json")
		b := `{"url": ` + jsonString(base) + `, "port": ` + strconv.Itoa(port) + `, "token": ` + jsonString(s.token) +
			`, "pid": ` + pid + `, "base_url": "/", "root_dir": ` + jsonString(s.root) + `, "version": ` + jsonString(version) + "}\n"
		if err := os.WriteFile(info, []byte(b), 0o600); err == nil {
			defer os.Remove(info)
		}
	}
	io.WriteString(stderr, "[I ServerApp] onboard demo stand-in for JupyterLab "+version+" (not a real Jupyter) serving "+s.root+"\n"+
		"[I ServerApp] Jupyter Server is running at:\n"+
		"[I ServerApp] "+base+"lab?token="+s.token+"\n")
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return errors.New("failed to serve: " + err.Error())
		}
		go s.serve(c)
	}
}

// request is the part of an HTTP request the stub looks at.
type request struct {
	path   string
	query  url.Values
	auth   string // the Authorization header
	cookie string // the Cookie header
}

// readRequest reads a request line and its headers (at most 64 KiB).
func readRequest(r io.Reader) (*request, error) {
	br := bufio.NewReader(io.LimitReader(r, 64<<10))
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	f := strings.Fields(line)
	if len(f) != 3 || !strings.HasPrefix(f[2], "HTTP/1.") {
		return nil, errors.New("not an HTTP/1 request line")
	}
	u, err := url.ParseRequestURI(f[1])
	if err != nil {
		return nil, err
	}
	req := &request{path: u.Path, query: u.Query()}
	for {
		h, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		h = strings.TrimRight(h, "\r\n")
		if h == "" {
			return req, nil
		}
		k, v, _ := strings.Cut(h, ":")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "authorization":
			req.auth = strings.TrimSpace(v)
		case "cookie":
			req.cookie = strings.TrimSpace(v)
		}
	}
}

// serve answers one request and closes the connection.
func (s server) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req, err := readRequest(c)
	if err != nil {
		respond(c, 400, "text/plain; charset=utf-8", "", "400: bad request\n")
		return
	}
	status, ctype, cookie, body := s.answer(req)
	respond(c, status, ctype, cookie, body)
}

// answer is the response to req: status, content type, cookie, body.
func (s server) answer(req *request) (int, string, string, string) {
	if req.path == "/api" {
		return 200, "application/json", "", `{"version": ` + jsonString(version) + "}"
	}
	if !s.authorized(req) {
		return 403, "text/plain; charset=utf-8", "", "403: pass the token shown when the server started\n"
	}
	cookie := "onboard-demo-token=" + s.token + "; Path=/; HttpOnly; SameSite=Strict"
	if req.path == "/api/status" {
		return 200, "application/json", cookie, `{"started": "", "last_activity": "", "connections": 0, "kernels": 0}`
	}
	return 200, "text/html; charset=utf-8", cookie, s.page()
}

// authorized accepts the token as ?token=, an "Authorization: token T"
// header or the cookie set on the first visit.
func (s server) authorized(req *request) bool {
	got := req.query.Get("token")
	if got == "" {
		got = strings.TrimPrefix(req.auth, "token ")
	}
	if got == "" {
		for _, kv := range strings.Split(req.cookie, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && k == "onboard-demo-token" {
				got = v
			}
		}
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

func respond(w io.Writer, status int, ctype, cookie, body string) {
	text := map[int]string{200: "OK", 400: "Bad Request", 403: "Forbidden"}[status]
	h := "HTTP/1.1 " + strconv.Itoa(status) + " " + text + "\r\nContent-Type: " + ctype +
		"\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n"
	if cookie != "" {
		h += "Set-Cookie: " + cookie + "\r\n"
	}
	io.WriteString(w, h+"\r\n"+body)
}

func (s server) page() string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>Onboard demo — Jupyter stand-in</title></head><body>")
	b.WriteString("<h1>This is the onboard demo</h1><p>Onboard installed and launched this stand-in for JupyterLab. ")
	b.WriteString("It is not a real Jupyter: the demo bundle has no Python. Ask your platform team for the real installer.</p>")
	b.WriteString("<p>Notebook folder: <code>" + html.EscapeString(s.root) + "</code></p><ul>")
	ents, _ := os.ReadDir(s.root)
	for i, e := range ents {
		if i == 50 {
			b.WriteString("<li>…</li>")
			break
		}
		b.WriteString("<li>" + html.EscapeString(e.Name()) + "</li>")
	}
	b.WriteString("</ul></body></html>\n")
	return b.String()
}

// jsonString is s as a JSON string.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteString(hex.EncodeToString([]byte{byte(r)}))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
