package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

func TestParseArgs(t *testing.T) {
	s, err := parseArgs([]string{"lab", "--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port=8890",
		"--ServerApp.port_retries=0", "--ServerApp.root_dir=/tmp/nb", "--other=1"}, env(map[string]string{"JUPYTER_TOKEN": "fromenv"}))
	if err != nil || s.port != 8890 || s.token != "fromenv" || s.root != "/tmp/nb" || s.ip != "127.0.0.1" {
		t.Fatalf("parse = %+v, %v; want port 8890, the token of JUPYTER_TOKEN, root /tmp/nb", s, err)
	}
	// Notebook 6's options, and a token on the command line wins over the environment.
	s, err = parseArgs([]string{"notebook", "--NotebookApp.port=9000", "--NotebookApp.token=abc", "--NotebookApp.notebook_dir=D"},
		env(map[string]string{"JUPYTER_TOKEN": "fromenv"}))
	if err != nil || s.port != 9000 || s.token != "abc" || s.root != "D" {
		t.Fatalf("parse = %+v, %v; want port 9000 token abc root D", s, err)
	}
	if _, err := parseArgs([]string{"--ServerApp.port=x"}, env(nil)); err == nil {
		t.Error("a bad port was accepted")
	}
	if s, _ := parseArgs([]string{"lab", "--version"}, env(nil)); !s.version {
		t.Error("--version not seen")
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServes runs the stand-in on a free port as `onboard launch` does (the
// token in JUPYTER_TOKEN), reads its URL line, and checks the token, the
// pages and the runtime file, which is gone after it stops.
func TestServes(t *testing.T) {
	root, runtimeDir := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(root, "analysis.ipynb"), []byte("{}"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"lab", "--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0", "--ServerApp.root_dir=" + root},
			env(map[string]string{"JUPYTER_TOKEN": "T0k", "JUPYTER_RUNTIME_DIR": runtimeDir}), io.Discard, &stderr)
	}()
	re := regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/lab\?token=T0k`)
	var base string
	for i := 0; i < 200 && base == ""; i++ {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			base = "http://127.0.0.1:" + m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if base == "" {
		cancel()
		t.Fatalf("no URL line with the token on stderr: %q", stderr.String())
	}
	get := func(path string, hdr map[string]string) (int, string, *http.Response) {
		req, _ := http.NewRequest("GET", base+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp
	}
	tests := []struct {
		path string
		hdr  map[string]string
		want int
	}{
		{"/api", nil, 200},
		{"/api/status", nil, 403},
		{"/api/status", map[string]string{"Authorization": "token wrong"}, 403},
		{"/api/status", map[string]string{"Authorization": "token T0k"}, 200}, // what launch asks
		{"/lab", nil, 403},
		{"/lab?token=wrong", nil, 403},
		{"/lab", map[string]string{"Cookie": "onboard-demo-token=T0k"}, 200},
	}
	for _, tt := range tests {
		if code, body, _ := get(tt.path, tt.hdr); code != tt.want {
			t.Errorf("GET %s %v = %d (%q); want %d", tt.path, tt.hdr, code, body, tt.want)
		}
	}
	code, body, resp := get("/lab?token=T0k", nil)
	if code != 200 || !strings.Contains(body, "This is the onboard demo") || !strings.Contains(body, "analysis.ipynb") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("the page: %d %q %q; want the demo page listing analysis.ipynb", code, resp.Header.Get("Content-Type"), body)
	}
	if c := resp.Cookies(); len(c) != 1 || c[0].Value != "T0k" || !c[0].HttpOnly {
		t.Errorf("cookies %v; want the HttpOnly token cookie", c)
	}

	files, _ := filepath.Glob(filepath.Join(runtimeDir, "jpserver-*.json"))
	if len(files) != 1 {
		t.Fatalf("runtime files %v; want one jpserver-<pid>.json", files)
	}
	var info struct {
		URL   string `json:"url"`
		Port  int    `json:"port"`
		Token string `json:"token"`
		Root  string `json:"root_dir"`
	}
	b, _ := os.ReadFile(files[0])
	if err := json.Unmarshal(b, &info); err != nil || info.URL != base+"/" || info.Token != "T0k" || info.Root != root {
		t.Errorf("runtime file %s: %+v, %v; want url %s/, token T0k, root %s", b, info, err, base, root)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
	if _, err := os.Stat(files[0]); err == nil {
		t.Error("the runtime file was left after the server stopped")
	}
}

func TestVersionAndBadPort(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"lab", "--version"}, env(nil), &out, io.Discard); err != nil || out.String() != version+"\n" {
		t.Errorf("--version printed %q, %v; want %q", out.String(), err, version)
	}
	if err := run(context.Background(), []string{"lab", "--ServerApp.port=99999"}, env(nil), io.Discard, io.Discard); err == nil {
		t.Error("port 99999 was accepted")
	}
}

func TestJSONString(t *testing.T) {
	for _, s := range []string{`C:\Users\Ann Lee\Notebooks`, "a\"b\n\x01", "José"} {
		var got string
		if err := json.Unmarshal([]byte(jsonString(s)), &got); err != nil || got != s {
			t.Errorf("jsonString(%q) = %s, decodes to %q, %v", s, jsonString(s), got, err)
		}
	}
}
