package platform

import (
	"strings"
	"testing"
)

// planPaths lists every place a plan writes: files, bundles, shortcuts,
// registry keys and owned folders.
func planPaths(p Plan) []string {
	var out []string
	for _, f := range p.Files {
		if f.Kind != KindIcon || !strings.HasPrefix(f.Path, p.Prefix) { // files inside the prefix are its own anyway
			out = append(out, f.Path)
		}
	}
	out = append(out, p.Bundles...)
	for _, s := range p.Shortcuts {
		out = append(out, s.Path)
	}
	for _, r := range p.Registry {
		out = append(out, r.Root+`\`+r.Key)
	}
	return append(out, p.Dirs...)
}

// A second install of the same bundle in another folder gets launchers of
// its own on every OS, labelled with its folder, and none of its paths is
// one of the first install's; the install in the default folder keeps the
// plain names.
func TestSecondInstallOwnsItsLaunchers(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows", "solaris"} {
		for _, all := range []bool{false, true} {
			t.Run(goos, func(t *testing.T) {
				tg := Target{goos, "amd64"}
				env := sampleEnv(goos)
				first := sampleApp(t, goos)
				def, err := DefaultPrefix(tg, env, first.Name, all)
				if err != nil {
					t.Fatal(err)
				}
				first.Prefix = def
				second := first
				second.Prefix = tg.Join(tg.Dir(def), "other-python")
				if InstanceLabel(tg, env, first, all) != "" || InstanceLabel(tg, env, second, all) != "other-python" {
					t.Fatalf("labels %q, %q", InstanceLabel(tg, env, first, all), InstanceLabel(tg, env, second, all))
				}
				a, err := Launchers(tg, env, first, sampleItems, all)
				if err != nil {
					t.Fatal(err)
				}
				b, err := Launchers(tg, env, second, sampleItems, all)
				if err != nil {
					t.Fatal(err)
				}
				mine := map[string]bool{}
				for _, p := range planPaths(a) {
					mine[strings.ToLower(p)] = true
				}
				for _, p := range planPaths(b) {
					if mine[strings.ToLower(p)] {
						t.Errorf("both installs write %s", p)
					}
				}
				text := string(renderPlan(b))
				if !strings.Contains(text, "Jupyter Lab (other-python)") {
					t.Errorf("the second install's launcher does not name its folder:\n%s", text)
				}
				if first := string(renderPlan(a)); strings.Contains(first, "Jupyter Lab (") {
					t.Errorf("the default install's launcher is labelled:\n%s", first)
				}
			})
		}
	}
}

// An install in a folder with a long name (some 200 characters) gets
// launchers whose file names still fit in a folder entry (255 bytes): the
// folder's label is shortened, and the prefix's hash keeps them apart.
// Before, the .desktop names were too long, and the launchers were not made.
func TestLongFolderNameMakesLaunchersThatFit(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		tg := Target{goos, "amd64"}
		env := sampleEnv(goos)
		app := sampleApp(t, goos)
		def, err := DefaultPrefix(tg, env, app.Name, false)
		if err != nil {
			t.Fatal(err)
		}
		app.Prefix = tg.Join(tg.Dir(def), strings.Repeat("long-folder-name-", 14)+"end")
		p, err := Launchers(tg, env, app, sampleItems, false)
		if err != nil {
			t.Fatalf("%s: %v", goos, err)
		}
		for _, path := range planPaths(p) {
			for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '\\' }) {
				if len(part) > 255 {
					t.Errorf("%s: %q has a name of %d bytes", goos, path, len(part))
				}
			}
		}
	}
}
