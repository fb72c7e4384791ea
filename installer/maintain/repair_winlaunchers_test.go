package maintain

import (
	"testing"

	"onboard/platform"
)

// On Windows a launcher is a Start Menu shortcut: repair keeps, as made by
// the install, the launchers whose shortcuts the record names. It kept
// none (only a Linux .desktop or a macOS .app counted), so a repair wrote
// an empty record, verify then called the install healthy, and uninstall
// left the shortcuts and the "Apps & features" entry behind.
func TestLaunchersInRecordOnWindows(t *testing.T) {
	tg := platform.Target{OS: "windows", Arch: "amd64"}
	env := platform.Env{Home: `C:\Users\ann`, Getenv: func(k string) string {
		return map[string]string{"APPDATA": `C:\Users\ann\AppData\Roaming`, "USERPROFILE": `C:\Users\ann`,
			"LOCALAPPDATA": `C:\Users\ann\AppData\Local`}[k]
	}}
	app := platform.AppInfo{Name: "Acme Python", ID: "com.acme.python", Version: "2026.11.0", Prefix: `C:\Users\ann\acme`}
	cands := []platform.LauncherSpec{{Name: "Jupyter Lab", Env: "team"}, {Name: "Acme Python Maintenance"}}
	plan, err := platform.Launchers(tg, env, app, cands, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Shortcuts) == 0 {
		t.Fatal("no shortcuts planned")
	}
	var rec platform.Record
	for _, s := range plan.Shortcuts {
		rec.Files = append(rec.Files, platform.RecordFile{Path: s.Path, Kind: platform.KindShortcut})
	}
	got := launchersInRecord(tg, env, app, cands, rec, false)
	if len(got) != len(cands) {
		t.Fatalf("kept %v of the launchers the record names; want %v", got, cands)
	}
}
