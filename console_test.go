package main

import "testing"

func TestNeedParentConsole(t *testing.T) {
	for _, c := range []struct {
		name          string
		args          []string
		in, out, errs bool
		want          bool
	}{
		{"double-click: the wizard, no console", nil, false, false, false, false},
		{"install --silent from cmd.exe: borrow its console", []string{"install", "--silent"}, false, false, false, true},
		{"output redirected, stderr not: borrow for stderr", []string{"verify"}, false, true, false, true},
		{"all redirected (SCCM, Intune): keep them", []string{"install", "--silent"}, true, true, true, false},
		{"the console (nogui) build: nothing to do", []string{"info"}, true, true, true, false},
	} {
		if got := needParentConsole(c.args, c.in, c.out, c.errs); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
