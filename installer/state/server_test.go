package state

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestServerRecordRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := ServerPath(dir, "")
	if filepath.Base(p) != "jupyter-base.json" || ServerPath(dir, "team") != filepath.Join(dir, "jupyter-team.json") {
		t.Errorf("record names: %s, %s", p, ServerPath(dir, "team"))
	}
	if _, err := ReadServer(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no record: %v; want an error wrapping fs.ErrNotExist", err)
	}
	want := &Server{PID: 4242, Port: 8888, Token: "secret", URL: "http://127.0.0.1:8888/lab?token=secret"}
	if err := WriteServer(p, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadServer(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v; want %+v", got, want)
	}
	if fi, _ := os.Stat(p); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("the record holds the token but its mode is %v; want 0600", fi.Mode().Perm())
	}
}

func TestReadServerDamaged(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"json": `{"pid": `, "empty": `{}`, "noport": `{"pid": 7}`} {
		p := filepath.Join(dir, "jupyter-"+name+".json")
		os.WriteFile(p, []byte(data), 0o600)
		_, err := ReadServer(p)
		if !errors.Is(err, ErrDamagedServer) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: got %v; want an error that names the file", name, err)
		}
	}
}

func TestServerRecordsListsOnlyRecords(t *testing.T) {
	user, legacy := t.TempDir(), t.TempDir()
	for _, p := range []string{ServerPath(user, "base"), ServerPath(user, "team"), ServerPath(legacy, "base")} {
		if err := WriteServer(p, &Server{PID: 1, Port: 2}); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(ServerLogPath(user, "base"), []byte("log"), 0o600)
	os.MkdirAll(ServerRuntimeDir(filepath.Join(user, "runtime"), "base"), 0o700)
	os.Mkdir(filepath.Join(user, "jupyter-folder.json"), 0o700)
	os.WriteFile(filepath.Join(user, "manifest.json"), nil, 0o600)
	got := ServerRecords(user, filepath.Join(user, "missing"), legacy)
	want := []string{ServerPath(user, "base"), ServerPath(user, "team"), ServerPath(legacy, "base")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v; want %v", got, want)
	}
}
