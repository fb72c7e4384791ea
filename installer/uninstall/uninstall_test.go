package uninstall

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/state"
)

// Run removes the prefix and its lines of environments.txt, and nothing
// else of the user's.
func TestUninstall(t *testing.T) {
	fi := installFixtures(t)
	testkit.MustWrite(t, fi.EnvTxt, "/keep/me\r\n"+fi.Prefix+"\n"+filepath.Join(fi.Prefix, "envs", "py")+"\n/and/me")
	outside := filepath.Join(filepath.Dir(fi.Prefix), "user.txt")
	testkit.MustWrite(t, outside, "mine")
	if err := Run(context.Background(), fi.Prefix, Options{EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := os.Lstat(fi.Prefix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v for the prefix; want it gone", err)
	}
	if b, _ := os.ReadFile(fi.EnvTxt); string(b) != "/keep/me\r\n/and/me" {
		t.Fatalf("got environments.txt %q; want the other lines byte for byte", b)
	}
	if b, _ := os.ReadFile(outside); string(b) != "mine" {
		t.Fatalf("got %q outside the prefix; want it untouched", b)
	}
}

func TestUninstallRefusesNonOnboardFolder(t *testing.T) {
	dir := t.TempDir()
	testkit.MustWrite(t, filepath.Join(dir, "precious.txt"), "x")
	err := Run(context.Background(), dir, Options{EnvironmentsTxt: "-"})
	var te *engine.TargetError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "not an onboard install") {
		t.Fatalf("got %v; want a TargetError saying it is not an onboard install", err)
	}
	if want := fmt.Sprintf("cannot uninstall %q: ", dir); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q; want it to start %q (not \"cannot install into\")", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious.txt")); err != nil {
		t.Fatalf("the folder was touched: %v", err)
	}
}

// An install whose state folder is gone (audit BM 9) is still refused, but
// told as such, with the way to uninstall it: the plain refusal sent its
// owner to remove the folder by hand, leaving its launchers behind.
func TestUninstallOfAnInstallWithoutItsStateFolder(t *testing.T) {
	dir := t.TempDir()
	testkit.MustWrite(t, filepath.Join(dir, "conda-meta", "history"), "")
	testkit.MustWrite(t, filepath.Join(dir, "condarc.d", "onboard.yml"), "# written by onboard from the bundle\noffline: true\n")
	err := Run(context.Background(), dir, Options{EnvironmentsTxt: "-"})
	var te *engine.TargetError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "state folder .onboard is gone") || !strings.Contains(engine.HintFor(err), "repair --prefix") {
		t.Fatalf("got %v (hint %q); want a TargetError saying the state folder is gone, and to repair it first", err, engine.HintFor(err))
	}
	if _, err := os.Stat(filepath.Join(dir, "conda-meta", "history")); err != nil {
		t.Fatalf("the folder was touched: %v", err)
	}
}

// environments.txt is conda's convenience list: one that cannot be
// changed (here a folder of that name; a read-only or full home does the
// same) is logged, and the install is removed all the same, instead of
// being left half removed (its launchers gone, the prefix there).
func TestUninstallGoesOnWhenEnvironmentsTxtCannotBeChanged(t *testing.T) {
	fi := installFixtures(t)
	txt := filepath.Join(t.TempDir(), "environments.txt")
	os.MkdirAll(txt, 0o755)
	var logged, warned []string
	err := Run(context.Background(), fi.Prefix, Options{EnvironmentsTxt: txt,
		Logf:  func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) },
		Warnf: func(f string, a ...any) { warned = append(warned, fmt.Sprintf(f, a...)) }})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := os.Lstat(fi.Prefix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v for the prefix; want it gone", err)
	}
	if !strings.Contains(strings.Join(logged, "\n"), "by hand") {
		t.Errorf("logged %q; want the lines to remove by hand named", logged)
	}
	// what a person must do is also a warning, and only that is
	if len(warned) != 1 || !strings.Contains(warned[0], "by hand") || !strings.Contains(warned[0], txt) {
		t.Errorf("warned %q; want one line: the lines of %s to remove by hand", warned, txt)
	}
}

// A prefix whose folder cannot itself be removed (a mount point) is
// emptied and left, and the uninstall is done: no journal is left for the
// next command to trip over.
func TestUninstallLeavesAMountPointEmpty(t *testing.T) {
	fi := installFixtures(t)
	mnt := filepath.Join(t.TempDir(), "mnt")
	os.MkdirAll(mnt, 0o755)
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt).Run(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root", err)
	}
	defer exec.Command("umount", mnt).Run()
	if err := exec.Command("cp", "-a", fi.Prefix+"/.", mnt).Run(); err != nil {
		t.Fatal(err)
	}
	var warned []string
	if err := Run(context.Background(), mnt, Options{EnvironmentsTxt: fi.EnvTxt,
		Warnf: func(f string, a ...any) { warned = append(warned, fmt.Sprintf(f, a...)) }}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if ents, err := os.ReadDir(mnt); err != nil || len(ents) != 0 {
		t.Fatalf("the mount point after the uninstall: %v, %v; want it there, empty", ents, err)
	}
	// said to the person, not only logged (audit AA)
	if len(warned) != 1 || !strings.Contains(warned[0], "left the empty folder") {
		t.Errorf("warned %q; want the empty folder left named", warned)
	}
	if _, err := os.Lstat(filepath.Join(filepath.Dir(mnt), ".mnt.onboard-journal")); err == nil {
		t.Error("the uninstall left its journal beside the mount point")
	}
}

// The uninstall takes out the block `conda init` wrote for the install's
// conda into the user's shell files, and leaves another conda's (audit W1:
// every new shell ran a conda that was gone).
func TestUninstallRemovesCondaInitBlocks(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	fi := installFixtures(t)
	block := func(prefix string) string {
		return "\n# >>> conda initialize >>>\n# !! Contents within this block are managed by 'conda init' !!\n" +
			"__conda_setup=\"$('" + prefix + "/bin/conda' 'shell.bash' 'hook' 2> /dev/null)\"\neval \"$__conda_setup\"\nunset __conda_setup\n# <<< conda initialize <<<\n"
	}
	bashrc, zshrc := filepath.Join(home, ".bashrc"), filepath.Join(home, ".zshrc")
	testkit.MustWrite(t, bashrc, "export MINE=1\n# . /opt/other/etc/profile.d/conda.sh  # commented out by conda initialize\n"+block(fi.Prefix))
	testkit.MustWrite(t, zshrc, "export MINE=1\n"+block("/opt/other"))
	// and pwsh's profile (conda init powershell)
	t.Setenv("XDG_CONFIG_HOME", "")
	pwsh := filepath.Join(home, ".config", "powershell", "profile.ps1")
	testkit.MustWrite(t, pwsh, "Set-Alias ll ls\n\n#region conda initialize\n# !! Contents within this block are managed by 'conda init' !!\n"+
		"If (Test-Path \""+fi.Prefix+"/bin/conda\") {\n    (& \""+fi.Prefix+"/bin/conda\" \"shell.powershell\" \"hook\") | Out-String | ?{$_} | Invoke-Expression\n}\n#endregion\n\n")
	if err := Run(context.Background(), fi.Prefix, Options{EnvironmentsTxt: fi.EnvTxt}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if b, _ := os.ReadFile(bashrc); string(b) != "export MINE=1\n. /opt/other/etc/profile.d/conda.sh\n" {
		t.Errorf("~/.bashrc after the uninstall:\n%s", b)
	}
	if b, _ := os.ReadFile(zshrc); string(b) != "export MINE=1\n"+block("/opt/other") {
		t.Errorf("another conda's block was changed:\n%s", b)
	}
	if b, _ := os.ReadFile(pwsh); string(b) != "Set-Alias ll ls\n\n\n" {
		t.Errorf("pwsh's profile after the uninstall:\n%q", b)
	}
}

// conda create --clone base copies .onboard/ into the env: the env looks
// like an install. Uninstall refuses it (it deleted it, exit 0), and so do
// verify and repair (they reported and "fixed" the launchers of the real
// install as its own), naming the install it is an env of (audit AK 4).
func TestAClonedBaseIsNoInstall(t *testing.T) {
	fi := installFixtures(t)
	clone := filepath.Join(fi.Prefix, "envs", "b2")
	if err := os.CopyFS(filepath.Join(clone, ".onboard"), os.DirFS(filepath.Join(fi.Prefix, ".onboard"))); err != nil {
		t.Fatal(err)
	}
	testkit.MustWrite(t, filepath.Join(clone, "conda-meta", "history"), "")
	err := Run(context.Background(), clone, Options{EnvironmentsTxt: fi.EnvTxt})
	var ne *engine.NotInstalledError
	if !errors.As(err, &ne) || ne.CloneOf != fi.Prefix || strings.Contains(ne.Hint(), "--env") || !strings.Contains(ne.Hint(), "can be deleted") {
		t.Fatalf("uninstall of a cloned base: %v; want a refusal naming %s", err, fi.Prefix)
	}
	if _, err := os.Stat(filepath.Join(clone, "conda-meta", "history")); err != nil {
		t.Errorf("the refused uninstall removed the env: %v", err)
	}
	if err := engine.CheckInstalled(clone); !errors.As(err, &ne) || ne.CloneOf != fi.Prefix {
		t.Errorf("CheckInstalled (verify, repair) of a cloned base: %v", err)
	}
	if err := engine.CheckInstalled(fi.Prefix); err != nil {
		t.Errorf("CheckInstalled of the install: %v", err)
	}
}

// A clone made elsewhere (conda create -p DIR --clone base, or a user's
// ~/.conda/envs of an all-users install) is refused too, naming the
// install: by the conda program whose create begins its history, else by
// the launchers record conda copied (audit AQ 2).
func TestAClonedBaseElsewhereIsNoInstall(t *testing.T) {
	fi := installFixtures(t)
	// The fixture's manifest has no folder in it, as an install before
	// audit AV wrote it; a case "with its folder" rewrites it as an
	// install now writes it. Each case sets the manifest it needs (a
	// map's order once ran the manifest case first, and the others then
	// saw its manifest).
	old, err := os.ReadFile(state.ManifestPath(fi.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	m, err := state.ReadManifest(fi.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, cmd, record string
		withFolder        bool
	}{
		{"by its conda", filepath.Join(fi.Prefix, "bin", "conda") + " create -p CLONE --clone base", "", false},
		{"by its record", "conda create -n mine --clone /x/base", `{"schema": 1, "prefix": "` + fi.Prefix + `"}`, false},
		// conda made it, but nothing names the install: with an older
		// install's manifest, it reads as the install its .onboard says
		{"an env of its own", "conda create -n mine python", "", false},
		// with the folder the manifest names, a copy of .onboard in an
		// env conda made is no install, clone or not (audit AZ 3)
		{"an env of its own, with the folder", "conda create -n mine python", "", true},
		// no history to tell (a clone that failed offline after it
		// copied .onboard/; an install path with two spaces in a row,
		// which the history's words lose): the manifest's own folder
		// (audit AV 2)
		{"by its manifest", "", "", true},
	} {
		name := tc.name
		t.Run(name, func(t *testing.T) {
			clone := filepath.Join(t.TempDir(), "mine")
			if tc.withFolder {
				if err := state.WriteManifest(fi.Prefix, m); err != nil { // as an install writes it, with its folder
					t.Fatal(err)
				}
			} else if err := os.WriteFile(state.ManifestPath(fi.Prefix), old, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.CopyFS(filepath.Join(clone, ".onboard"), os.DirFS(filepath.Join(fi.Prefix, ".onboard"))); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(clone, ".onboard", "launchers.json"))
			if tc.record != "" {
				testkit.MustWrite(t, filepath.Join(clone, ".onboard", "launchers.json"), tc.record)
			}
			if tc.cmd != "" {
				testkit.MustWrite(t, filepath.Join(clone, "conda-meta", "history"), "==> 2026-12-01 10:00:00 <==\n# cmd: "+strings.ReplaceAll(tc.cmd, "CLONE", clone)+"\n")
			} else {
				testkit.MustWrite(t, filepath.Join(clone, "conda-meta", "history"), "")
			}
			err := engine.CheckInstalled(clone)
			var ne *engine.NotInstalledError
			if name == "an env of its own" {
				// conda made it, but no install is named: as before, it
				// reads as the install its .onboard says
				if err != nil {
					t.Fatalf("CheckInstalled: %v", err)
				}
				return
			}
			if !errors.As(err, &ne) || ne.CloneOf != fi.Prefix || strings.Contains(ne.Hint(), "--env") {
				t.Fatalf("CheckInstalled of a clone in %s: %v (%s); want a refusal naming %s, with no --env", clone, err, engine.HintFor(err), fi.Prefix)
			}
			if err := Run(context.Background(), clone, Options{EnvironmentsTxt: fi.EnvTxt}); !errors.As(err, &ne) {
				t.Fatalf("uninstall of the clone: %v", err)
			}
			if _, err := os.Stat(filepath.Join(clone, "conda-meta", "history")); err != nil {
				t.Errorf("the refused uninstall removed the clone: %v", err)
			}
		})
	}
}

// A clone whose install was uninstalled since is still no install: its
// manifest names another folder and conda's create began its history
// (audit AV: it was then taken for an install, and uninstall deleted it
// as one). An install moved by hand, whose history onboard began, is
// still one.
func TestACloneOfAnUninstalledInstallIsNoInstall(t *testing.T) {
	fi := installFixtures(t)
	m, err := state.ReadManifest(fi.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	if err := state.WriteManifest(fi.Prefix, m); err != nil { // with its folder, as an install writes it
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "mine")
	if err := os.CopyFS(filepath.Join(clone, ".onboard"), os.DirFS(filepath.Join(fi.Prefix, ".onboard"))); err != nil {
		t.Fatal(err)
	}
	testkit.MustWrite(t, filepath.Join(clone, "conda-meta", "history"), "==> 2026-12-01 10:00:00 <==\n# cmd: conda create -p "+clone+" --clone "+fi.Prefix+"\n")
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(fi.Prefix, moved); err != nil {
		t.Fatal(err)
	}
	if err := engine.CheckInstalled(moved); err != nil {
		t.Errorf("CheckInstalled of an install moved by hand: %v", err)
	}
	err = engine.CheckInstalled(clone)
	var ne *engine.NotInstalledError
	if !errors.As(err, &ne) || ne.CloneOf != fi.Prefix || !strings.Contains(err.Error(), "the install that was in") ||
		!strings.Contains(ne.Hint(), "no longer there") || !strings.Contains(ne.Hint(), "can be deleted") {
		t.Fatalf("CheckInstalled of a clone of an install gone: %v (%s); want a refusal naming the install that was in %s", err, engine.HintFor(err), fi.Prefix)
	}
	if err := Run(context.Background(), clone, Options{EnvironmentsTxt: fi.EnvTxt}); !errors.As(err, &ne) {
		t.Fatalf("uninstall of the clone: %v", err)
	}
	if _, err := os.Stat(filepath.Join(clone, "conda-meta", "history")); err != nil {
		t.Errorf("the refused uninstall removed the clone: %v", err)
	}
}
