package bundle

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"onboard/internal/condatest"
)

// A build reads the entries of a lock several at once: a lock of 750
// packages fetched one by one waits on the network 750 times over. The
// server holds each request until another one is in flight (or 2 s
// pass), so a build that fetches one at a time shows a concurrency of 1.
func TestBuildFetchesPackagesAtOnce(t *testing.T) {
	dir := t.TempDir()
	pkgs := filepath.Join(dir, "served")
	os.MkdirAll(pkgs, 0o755)
	var lines []string
	srvMux := http.NewServeMux()
	var mu sync.Mutex
	inFlight, most := 0, 0
	srvMux.HandleFunc("/noarch/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		deadline := time.Now().Add(2 * time.Second)
		for most < 2 && time.Now().Before(deadline) {
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
		}
		mu.Unlock()
		http.ServeFile(w, r, filepath.Join(pkgs, filepath.Base(r.URL.Path)))
		mu.Lock()
		inFlight--
		mu.Unlock()
	})
	srv := httptest.NewServer(srvMux)
	defer srv.Close()
	for i := range 4 {
		a, err := condatest.WriteConda(pkgs, condatest.Spec{Name: fmt.Sprintf("p%d", i), Version: "1", Build: "0", Subdir: "noarch", Noarch: "generic",
			Files: []condatest.File{{Path: fmt.Sprintf("share/p%d.txt", i), Data: []byte("x")}}})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, lockLine(t, srv.URL+"/noarch/"+filepath.Base(a), a))
	}
	writeLock(t, filepath.Join(dir, "base.txt"), "linux-64", lines...)
	writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
	writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\n[platforms.linux-64]\nbase = \"base.txt\"\n")
	res := build(t, filepath.Join(dir, "spec.toml"), filepath.Join(dir, "b.zip"), nil)
	if res.Fetched != 4 {
		t.Errorf("fetched %d; want 4", res.Fetched)
	}
	if most < 2 {
		t.Errorf("at most %d fetch in flight at once; want the entries fetched together", most)
	}
	// The manifest keeps the lock's order, whatever finished first.
	var got []string
	for _, p := range res.Manifest.Platforms["linux-64"].Base {
		got = append(got, p.Name)
	}
	if strings.Join(got, " ") != "p0 p1 p2 p3" {
		t.Errorf("base env %v; want the lock's order p0 p1 p2 p3", got)
	}
}

// When several entries fail, the build names the first of the lock, not
// the first to fail: here line 4's fetch fails after line 5's file was
// found missing.
func TestBuildReportsTheFirstFailingLine(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	writeLock(t, filepath.Join(dir, "base.txt"), "linux-64",
		srv.URL+"/noarch/slow-1-0.conda#"+strings.Repeat("0", 64), "file:///nowhere/noarch/ghost-1.0-0.conda")
	writeFile(t, filepath.Join(dir, "LICENSE.txt"), "x")
	writeFile(t, filepath.Join(dir, "spec.toml"), "name = \"N\"\nid = \"a.b\"\nversion = \"2026.1.0\"\nlicense = \"LICENSE.txt\"\n[platforms.linux-64]\nbase = \"base.txt\"\n")
	out := filepath.Join(dir, "out", "b.zip")
	os.MkdirAll(filepath.Dir(out), 0o755)
	_, err := Build(context.Background(), BuildOptions{Spec: filepath.Join(dir, "spec.toml"), Output: out, CacheDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "base.txt:4: slow-1-0.conda") || !strings.Contains(err.Error(), "404") {
		t.Fatalf("Build = %v; want line 4's failed fetch", err)
	}
}
