package appid

import (
	"os"
	"regexp"
	"testing"
)

// FyneApp.toml's [Details] ID is this ID: the two were spelled apart, in
// three Go files and the TOML, and nothing held them together.
func TestFyneAppTomlAgrees(t *testing.T) {
	data, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*ID\s*=\s*"([^"]*)"`).FindSubmatch(data)
	if m == nil || string(m[1]) != ID {
		t.Fatalf("FyneApp.toml's ID is %q, want %q", m, ID)
	}
}
