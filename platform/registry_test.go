package platform

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// memRegistry is a registry in memory that behaves as Windows' does in
// what onboard relies on: keys are case-insensitive, creating a key
// creates its parents, and a key with subkeys cannot be deleted alone.
type memRegistry struct {
	keys    map[string]map[string]string // "HKCU\software\classes\x" (lower case) → values
	changed int                          // associationsChanged calls
}

func newMemRegistry() *memRegistry { return &memRegistry{keys: map[string]map[string]string{}} }

func memPath(root, key string) string { return strings.ToLower(root + `\` + key) }

func (m *memRegistry) read(root, key string) (map[string]string, error) {
	v, ok := m.keys[memPath(root, key)]
	if !ok {
		return nil, errRegMissing
	}
	return maps.Clone(v), nil
}

func (m *memRegistry) set(root, key string, vals []RegValue) error {
	parts := strings.Split(key, `\`)
	for i := range parts {
		p := memPath(root, strings.Join(parts[:i+1], `\`))
		if m.keys[p] == nil {
			m.keys[p] = map[string]string{}
		}
	}
	for _, v := range vals {
		if v.Type == "sz" { // read shows string values only, as winRegistry's
			m.keys[memPath(root, key)][v.Name] = v.Str
		}
	}
	return nil
}

func (m *memRegistry) subkeys(p string) bool {
	for k := range m.keys {
		if strings.HasPrefix(k, p+`\`) {
			return true
		}
	}
	return false
}

func (m *memRegistry) deleteKey(root, key string) error {
	p := memPath(root, key)
	if m.subkeys(p) {
		return errors.New("access denied: the key has subkeys")
	}
	delete(m.keys, p)
	return nil
}

func (m *memRegistry) deleteTree(root, key string) error {
	p := memPath(root, key)
	for k := range m.keys {
		if k == p || strings.HasPrefix(k, p+`\`) {
			delete(m.keys, k)
		}
	}
	return nil
}

func (m *memRegistry) deleteValue(root, key, name string) error {
	v, ok := m.keys[memPath(root, key)]
	if !ok {
		return errRegMissing
	}
	delete(v, name)
	return nil
}

func (m *memRegistry) deleteIfEmpty(root, key string) (bool, error) {
	p := memPath(root, key)
	v, ok := m.keys[p]
	if !ok {
		return true, nil
	}
	if len(v) > 0 || m.subkeys(p) {
		return false, nil
	}
	delete(m.keys, p)
	return true, nil
}

func (m *memRegistry) associationsChanged() { m.changed++ }

// spyderPlan is a Windows menu item with two file extensions and a URL
// protocol, in the install at prefix.
func spyderPlan(t *testing.T, prefix string) Plan {
	t.Helper()
	menu := []byte(`{"$schema": "x", "menu_name": "Spyder", "menu_items": [{"name": "Spyder", "command": ["{{ PYTHONW }}", "-m", "spyder"],
		"file_extensions": [".py", ".pyw"], "platforms": {"win": {"url_protocols": ["spyder"]}}}]}`)
	env := Env{Home: `C:\Users\ann`, Getenv: func(k string) string { return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`}[k] }}
	p, _, err := MenuLaunchers(Target{OS: "windows"}, env, menu, MenuEnv{Base: prefix, Prefix: prefix, Name: "base"}, false)
	if err != nil || len(p.Registry) != 5 {
		t.Fatalf("MenuLaunchers: %v, registry %+v", err, p.Registry)
	}
	for i := range p.Registry {
		p.Registry[i].Source = prefix + `\Menu\spyder.json`
	}
	return p
}

// Associations are written, checked and removed as recorded, leaving
// what other programs had in the same keys: a .py type's own default
// and another handler in its "Open with" list stay, a .pyw key onboard
// created goes. Explorer is told each time.
func TestAssociationsApplyCheckRemove(t *testing.T) {
	m := newMemRegistry()
	m.set("HKCU", `Software\Classes\.py`, []RegValue{{Name: "", Type: "sz", Str: "Python.File"}})
	m.set("HKCU", `Software\Classes\.py\OpenWithProgids`, []RegValue{{Name: "Other.py", Type: "sz"}})
	p := spyderPlan(t, `C:\P`)
	var rec Record
	if err := applyEntries(m, p.Registry, &rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	if m.changed != 1 || len(rec.Registry) != 5 {
		t.Fatalf("changed %d, recorded %d; want 1, 5", m.changed, len(rec.Registry))
	}
	cmd, _ := m.read("HKCU", `Software\Classes\spyder\shell\open\command`)
	proto, _ := m.read("HKCU", `Software\Classes\spyder`)
	progids, _ := m.read("HKCU", `Software\Classes\.py\OpenWithProgids`)
	if !strings.HasSuffix(cmd[""], ` -m spyder "%1"`) || proto["URL Protocol"] != "" || proto[""] != "URL:Spyder" ||
		proto["_menuinst"] != "spyder.AssocFilespyder" || len(progids) != 2 {
		t.Errorf("command %q, protocol %q, OpenWithProgids %q", cmd, proto, progids)
	}
	in := Inspector{ReadFile: func(string) ([]byte, error) { return []byte("{}"), nil }, ReadRegistry: m.read}
	if ps := Check(rec, `C:\P`, in); len(ps) != 0 {
		t.Errorf("Check: %v", ps)
	}
	// Deleted by hand: verify names it, with what to do.
	m.deleteValue("HKCU", `Software\Classes\.pyw\OpenWithProgids`, "spyder.AssocFile.pyw")
	ps := Check(rec, `C:\P`, in)
	if len(ps) != 1 || ps[0].Code != ProblemMissing || !strings.Contains(ps[0].Message, `the .pyw file association of "Spyder"`) || !strings.Contains(ps[0].Hint, "repair") {
		t.Errorf("Check after a deleted value: %v", ps)
	}
	// Once the package is gone (conda removed it), verify passes them by.
	gone := Inspector{ReadFile: func(string) ([]byte, error) { return nil, errors.New("gone") }, ReadRegistry: m.read}
	if ps := Check(rec, `C:\P`, gone); len(ps) != 0 {
		t.Errorf("Check without the menu file: %v", ps)
	}
	if err := removeEntries(m, rec.Registry, `C:\P`, t.Logf); err != nil {
		t.Fatal(err)
	}
	var left []string
	for k := range m.keys {
		left = append(left, k)
	}
	slices.Sort(left)
	want := []string{`hkcu\software`, `hkcu\software\classes`, `hkcu\software\classes\.py`, `hkcu\software\classes\.py\openwithprogids`}
	if !slices.Equal(left, want) {
		t.Errorf("keys left %q; want %q", left, want)
	}
	if v, _ := m.read("HKCU", `Software\Classes\.py\OpenWithProgids`); len(v) != 1 || v["Other.py"] != "" {
		t.Errorf("OpenWithProgids of .py %q; want only Other.py", v)
	}
	if v, _ := m.read("HKCU", `Software\Classes\.py`); v[""] != "Python.File" {
		t.Errorf(".py %q; want its default kept", v)
	}
	if m.changed != 2 {
		t.Errorf("changed %d; want Explorer told again", m.changed)
	}
	if err := removeEntries(m, rec.Registry, `C:\P`, t.Logf); err != nil {
		t.Errorf("removing twice: %v", err)
	}
}

// A key of the same name that another install (same marker, another
// command) registered since is not deleted at uninstall, nor the "Open
// with" value that points at it; verify says it opens another install.
func TestAssociationsOfAnotherInstallAreLeft(t *testing.T) {
	m := newMemRegistry()
	p := spyderPlan(t, `C:\P`)
	var rec Record
	if err := applyEntries(m, p.Registry, &rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	var other Record
	if err := applyEntries(m, spyderPlan(t, `D:\Other`).Registry, &other, t.Logf); err != nil {
		t.Fatal(err)
	}
	in := Inspector{ReadFile: func(string) ([]byte, error) { return nil, nil }, ReadRegistry: m.read}
	ps := Check(rec, `C:\P`, in)
	if len(ps) != 3 || ps[0].Code != ProblemWrongPrefix || !strings.Contains(ps[0].Message, "opens another program or install") {
		t.Errorf("Check: %v; want the three handlers named", ps)
	}
	before := len(m.keys)
	if err := removeEntries(m, rec.Registry, `C:\P`, t.Logf); err != nil {
		t.Fatal(err)
	}
	if len(m.keys) != before {
		t.Errorf("%d keys before, %d after removing the first install's", before, len(m.keys))
	}
	if v, _ := m.read("HKCU", `Software\Classes\.py\OpenWithProgids`); len(v) != 1 {
		t.Errorf("OpenWithProgids %q; want the other install's value kept", v)
	}
	if ps := Check(other, `D:\Other`, in); len(ps) != 0 {
		t.Errorf("the other install's: %v", ps)
	}
}

// When conda registers the same item again for this install (menuinst's
// command runs its .bat in PREFIX\Menu), verify is content and uninstall
// removes it: it is still this install's.
func TestAssociationsRegisteredAgainByConda(t *testing.T) {
	m := newMemRegistry()
	p := spyderPlan(t, `C:\P`)
	var rec Record
	if err := applyEntries(m, p.Registry, &rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	bat := `"C:\Windows\system32\cmd.exe" /D /C START /MIN "" "powershell.exe" -WindowStyle hidden "start 'C:\P\Menu\Spyder.bat' %1 -WindowStyle hidden"`
	m.set("HKCU", `Software\Classes\spyder\shell\open\command`, []RegValue{{Name: "", Type: "sz", Str: bat}})
	in := Inspector{ReadFile: func(string) ([]byte, error) { return nil, nil }, ReadRegistry: m.read}
	if ps := Check(rec, `C:\P`, in); len(ps) != 0 {
		t.Errorf("Check: %v", ps)
	}
	if ps := Check(rec, `C:\Q`, in); len(ps) != 1 || ps[0].Code != ProblemWrongPrefix || !strings.Contains(ps[0].Message, "spyder: URL protocol") {
		t.Errorf("Check for another prefix: %v; want the protocol named", ps)
	}
	if err := removeEntries(m, rec.Registry, `C:\P`, t.Logf); err != nil {
		t.Fatal(err)
	}
	if _, err := m.read("HKCU", `Software\Classes\spyder`); !errors.Is(err, errRegMissing) {
		t.Errorf("the protocol conda registered again for this install is still there: %v", err)
	}
}

// A handler or protocol key that another program has, as the user's
// classes show it (theirs over the machine's), is neither written nor
// recorded, and its "Open with" value is left out with it; one with
// onboard's marker is written again (a repair).
func TestLeaveTaken(t *testing.T) {
	m := newMemRegistry()
	m.set("HKLM", `Software\Classes\spyder\shell\open\command`, []RegValue{{Name: "", Type: "sz", Str: `"C:\Spyder\spyder.exe" "%1"`}})
	m.set("HKCU", `Software\Classes\spyder.AssocFile.py`, []RegValue{{Name: "", Type: "sz", Str: "someone's"}})
	p := spyderPlan(t, `C:\P`)
	got, notes := leaveTaken(p, m.read)
	var keys []string
	for _, e := range got.Registry {
		keys = append(keys, e.Key)
	}
	want := []string{`Software\Classes\spyder.AssocFile.pyw`, `Software\Classes\.pyw\OpenWithProgids`}
	if !slices.Equal(keys, want) {
		t.Errorf("kept %q; want %q", keys, want)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], `the .py file association of "Spyder" is not registered: another program has HKCU\Software\Classes\spyder.AssocFile.py`) ||
		!strings.Contains(notes[1], `HKLM\Software\Classes\spyder,`) {
		t.Errorf("notes %q", notes)
	}
	var rec Record
	if err := applyEntries(m, got.Registry, &rec, t.Logf); err != nil {
		t.Fatal(err)
	}
	if v, _ := m.read("HKLM", `Software\Classes\spyder\shell\open\command`); v[""] != `"C:\Spyder\spyder.exe" "%1"` {
		t.Errorf("the machine's spyder: protocol was changed: %q", v)
	}
	if again, notes := leaveTaken(got, m.read); len(again.Registry) != 2 || len(notes) != 0 {
		t.Errorf("a repair: kept %d, notes %q; want both written again", len(again.Registry), notes)
	}
}

// A changed launcher record cannot have Remove delete other keys: each
// entry must be of a shape onboard writes, or it is refused and left.
func TestRemoveRefusesKeysOnboardDoesNotMake(t *testing.T) {
	m := newMemRegistry()
	for _, k := range []string{`Software\Microsoft\Windows`, `Environment`, `Software\Classes\.py\shell\open\command`, `Software\Classes\CLSID\x`} {
		m.set("HKCU", k, []RegValue{{Name: "", Type: "sz", Str: "keep"}})
	}
	sz := func(k, n, v string) RegValue { return RegValue{Key: k, Name: n, Type: "sz", Str: v} }
	tampered := []RegistryEntry{
		{Root: "HKCU", Key: `Software\Microsoft`, Marker: "_menuinst", Values: []RegValue{sz("", "_menuinst", ""), sz(`shell\open\command`, "", "")}},
		{Root: "HKCU", Key: `Software\Classes\CLSID\x`, Marker: "_menuinst", Values: []RegValue{sz("", "_menuinst", "a"), sz(`shell\open\command`, "", "c")}},
		{Root: "HKCU", Key: `Software\Classes\.py\shell\open\command`, Shared: true, Values: []RegValue{sz("", "", "")}},
		{Root: "HKCU", Key: `Environment`},
		{Root: "HKCU", Key: `Software\Microsoft\Windows`},
	}
	err := removeEntries(m, tampered, `C:\P`, t.Logf)
	if err == nil || strings.Count(err.Error(), "refused to remove") != len(tampered) {
		t.Errorf("removeEntries: %v; want each entry refused", err)
	}
	for _, k := range []string{`Software\Microsoft\Windows`, `Environment`, `Software\Classes\.py\shell\open\command`, `Software\Classes\CLSID\x`} {
		if v, err := m.read("HKCU", k); err != nil || v[""] != "keep" {
			t.Errorf("HKCU\\%s: %q, %v; want it kept", k, v, err)
		}
	}
	// The shapes onboard writes pass.
	p := spyderPlan(t, `C:\P`)
	app := AppInfo{Name: "Acme", ID: "com.acme.python", Prefix: `C:\P`}
	for _, e := range append(p.Registry, UninstallEntry(app, `C:\P\m.exe`, `C:\P\m.exe`, false)) {
		if why := notOnboards(e); why != "" {
			t.Errorf("%s: %s", e.Key, why)
		}
	}
}
