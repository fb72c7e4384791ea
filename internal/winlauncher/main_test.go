package main

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestCommand(t *testing.T) {
	root := filepath.Join("p", "env")
	scripts := filepath.Join(root, "Scripts")
	exe := filepath.Join(scripts, "jupyter-lab.exe")
	tests := []struct {
		name       string
		files      []string
		wantPython string
		wantArgv   []string
		wantErr    bool
	}{
		{"py", []string{filepath.Join(scripts, "jupyter-lab-script.py"), filepath.Join(root, "python.exe")},
			filepath.Join(root, "python.exe"), []string{filepath.Join(scripts, "jupyter-lab-script.py"), "--port", "8888"}, false},
		{"pyw", []string{filepath.Join(scripts, "jupyter-lab-script.pyw"), filepath.Join(root, "pythonw.exe")},
			filepath.Join(root, "pythonw.exe"), []string{filepath.Join(scripts, "jupyter-lab-script.pyw"), "--port", "8888"}, false},
		{"no script", []string{filepath.Join(root, "python.exe")}, "", nil, true},
		{"no python", []string{filepath.Join(scripts, "jupyter-lab-script.py")}, "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := map[string]bool{}
			for _, f := range tt.files {
				have[f] = true
			}
			py, argv, err := command(exe, []string{"--port", "8888"}, func(p string) bool { return have[p] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("got err %v; want error %v", err, tt.wantErr)
			}
			if py != tt.wantPython || !reflect.DeepEqual(argv, tt.wantArgv) && !tt.wantErr {
				t.Errorf("got %q %q; want %q %q", py, argv, tt.wantPython, tt.wantArgv)
			}
		})
	}
}
