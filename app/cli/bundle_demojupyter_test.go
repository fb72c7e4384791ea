package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDemoJupyterArgs(t *testing.T) {
	d, err := parseDemoJupyter([]string{"lab", "--no-browser", "--ServerApp.port=8890", "--ServerApp.token=abc", "--ServerApp.root_dir=/tmp/nb", "--other=1"})
	if err != nil || d.port != 8890 || d.token != "abc" || d.root != "/tmp/nb" {
		t.Fatalf("parse = %+v, %v; want port 8890 token abc root /tmp/nb", d, err)
	}
	if _, err := parseDemoJupyter([]string{"--ServerApp.port=x"}); err == nil {
		t.Errorf("a bad port was accepted")
	}
}

func TestDemoJupyterToken(t *testing.T) {
	srv := httptest.NewServer(demoJupyter{token: "T", root: t.TempDir()}.handler())
	defer srv.Close()
	tests := []struct {
		path string
		want int
	}{
		{"/api", 200},
		{"/lab", 403},
		{"/lab?token=wrong", 403},
		{"/lab?token=T", 200},
		{"/api/status?token=T", 200},
	}
	for _, tt := range tests {
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s = %d; want %d", tt.path, resp.StatusCode, tt.want)
		}
	}
	resp, err := http.Get(srv.URL + "/lab?token=T")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("content type = %q; want text/html", ct)
	}
}
