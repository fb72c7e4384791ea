package link

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestOrder(t *testing.T) {
	names := []string{"post_link-d", "post_link-c", "post_link-e", "post_link-b", "python", "zz"}
	deps := [][]string{{"post_link-e"}, {"post_link-b >=1"}, nil, nil, {"zz 1.*"}, {"python"}} // python<->zz cycle
	var got []string
	for _, i := range Order(names, deps) {
		got = append(got, names[i])
	}
	want := []string{"post_link-b", "post_link-c", "post_link-e", "post_link-d", "python", "zz"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v; want %v", got, want)
	}
}

func TestDependsName(t *testing.T) {
	for in, want := range map[string]string{"python >=3.8": "python", "numpy[version='>=1']": "numpy",
		"conda-forge::X 1": "x", "libgcc-ng>=7.3.0": "libgcc-ng", "zlib": "zlib", "a=1=b": "a"} {
		if got := DependsName(in); got != want {
			t.Errorf("DependsName(%q) got %q; want %q", in, got, want)
		}
	}
}

func TestEscapesPrefix(t *testing.T) {
	for _, tt := range []struct {
		short, target string
		want          bool
	}{
		{"lib/a", "b", false}, {"lib/a", "../share/x", false}, {"lib/a", "../../x", true},
		{"a", "/etc/passwd", true}, {"bin/x", `..\..\y`, true}, {"a", `C:\x`, true},
	} {
		if got := escapesPrefix(tt.short, tt.target); got != tt.want {
			t.Errorf("escapesPrefix(%q, %q) got %v; want %v", tt.short, tt.target, got, tt.want)
		}
	}
}

func TestRunScript(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix link scripts")
	}
	prefixDir := t.TempDir()
	os.MkdirAll(filepath.Join(prefixDir, "bin"), 0o755)
	script := `echo "$PREFIX|$CONDA_PREFIX|$ROOT_PREFIX|$PKG_NAME|$PKG_VERSION|$PKG_BUILDNUM|${PATH%%:*}|$(pwd)" > "$PREFIX/.messages.txt"
echo out; echo err >&2
[ -n "$FAIL" ] && exit 3
return 0
`
	os.WriteFile(filepath.Join(prefixDir, "bin/.pk-post-link.sh"), []byte(script), 0o755)
	s := Script{Action: "post-link", Prefix: prefixDir, RootPrefix: "/root", Subdir: "linux-64", Name: "pk", Version: "1.0", BuildNumber: 2, HostOS: "linux"}
	res, err := RunScript(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(prefixDir, "bin")
	want := strings.Join([]string{prefixDir, prefixDir, "/root", "pk", "1.0", "2", bin, bin}, "|") + "\n"
	if !res.Ran || res.Messages != want {
		t.Errorf("got %+v; want messages %q", res, want)
	}
	if _, err := os.Stat(filepath.Join(prefixDir, ".messages.txt")); err == nil {
		t.Error(".messages.txt not deleted")
	}
	t.Setenv("FAIL", "1")
	_, err = RunScript(context.Background(), s)
	var se *ScriptError
	if !errors.As(err, &se) || se.ExitCode != 3 || strings.TrimSpace(se.Stdout) != "out" || strings.TrimSpace(se.Stderr) != "err" || se.Messages == "" {
		t.Fatalf("got %v; want a ScriptError with exit 3, output and messages", err)
	}
	s.Subdir = "osx-64"
	if res, err := RunScript(context.Background(), s); err != nil || res.Ran || res.Skipped == "" {
		t.Errorf("osx-64 on linux got %+v, %v; want skipped", res, err)
	}
	s.Name = "none"
	if res, err := RunScript(context.Background(), s); err != nil || res.Path != "" {
		t.Errorf("no script got %+v, %v", res, err)
	}
}

// What a link script prints is kept to its end (a script printing without
// end took the install's memory: 400 MB of output, 939 MB of onboard), and
// the messages it leaves are shown as prelink messages are, without the
// control characters that clear a screen, set a window's title or reverse
// the text around them.
func TestRunScriptKeepsOutputAndMessagesInBounds(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix link scripts")
	}
	prefixDir := t.TempDir()
	os.MkdirAll(filepath.Join(prefixDir, "bin"), 0o755)
	script := `printf 'hello \033]0;owned\007\033[2J\342\200\256world\n' > "$PREFIX/.messages.txt"
head -c 5000000 /dev/zero | tr '\0' 'x'; echo; echo the-end
printf 'bad \033]0;owned\007\033[2Jend\n' >&2
exit 1
`
	os.WriteFile(filepath.Join(prefixDir, "bin/.pk-post-link.sh"), []byte(script), 0o755)
	_, err := RunScript(context.Background(), Script{Action: "post-link", Prefix: prefixDir, Subdir: "linux-64", Name: "pk", Version: "1", HostOS: "linux"})
	var se *ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("got %v; want a ScriptError", err)
	}
	if len(se.Stdout) > maxScriptOutput+100 || !strings.HasSuffix(strings.TrimSpace(se.Stdout), "the-end") || !strings.Contains(se.Stdout, "bytes before]") {
		t.Errorf("kept %d bytes of stdout (%.60q…); want its last %d and what was cut said", len(se.Stdout), se.Stdout, maxScriptOutput)
	}
	if strings.ContainsAny(se.Messages, "\x1b\x07\u202e") || !strings.Contains(se.Messages, "hello") || !strings.Contains(se.Messages, "world") {
		t.Errorf("messages %q; want the text without control characters", se.Messages)
	}
	// what it printed is kept as it was, and the error shows it without
	// the escape sequences that retitled and cleared the terminal (audit BK 3)
	if msg := err.Error(); strings.ContainsAny(msg, "\x1b\x07") || !strings.Contains(msg, "bad") || !strings.Contains(msg, "end") {
		t.Errorf("the error shows %q; want what the script printed without control characters", msg[max(0, len(msg)-200):])
	}
}

// checkSymlink judges a link from where it really is: through a folder
// symlink, the same target can stay inside or leave.
func TestCheckSymlinkFromItsRealPlace(t *testing.T) {
	root := t.TempDir()
	prefix := filepath.Join(root, "env")
	os.MkdirAll(filepath.Join(prefix, "lib", "deep"), 0o755)
	os.MkdirAll(filepath.Join(root, "elsewhere"), 0o755)
	os.Symlink("..", filepath.Join(prefix, "lib", "up"))                   // the prefix's root
	os.Symlink("deep", filepath.Join(prefix, "lib", "down"))               // lib/deep
	os.Symlink("../../elsewhere", filepath.Join(prefix, "lib", "outside")) // made by something else
	os.MkdirAll(filepath.Join(prefix, "conda-meta"), 0o755)
	os.Symlink(".", filepath.Join(prefix, "here")) // the prefix's root, from its root
	for _, tt := range []struct {
		short, target string
		refused       bool
	}{
		{"lib/x", "../share/y", false},
		{"lib/up/x", "share/y", false},
		{"lib/up/x", "../y", true},         // from the prefix's root
		{"lib/down/x", "../../y", false},   // from lib/deep
		{"lib/down/x", "../../../y", true}, // lexically leaves too
		{"lib/x", "deep/../y", true},       // up after down
		{"lib/outside/x", "y", true},       // its folder is outside
		// never into conda's or onboard's folders, however it gets there
		{"lib/x", "../conda-meta", true},
		{"lib/x", "../.onboard/state", true},
		{"lib/x", "../envs/team", true},
		{"lib/x", "../pkgs", true},
		{"lib/up/x", "conda-meta", true},
		{"lib/x", "../here/conda-meta", true}, // through a link already there
		{"lib/x", "../here/share", false},
		{"lib/x", "../conda-meta-tools", false},
		{"lib/x", "..", false},
	} {
		dst := filepath.Join(prefix, filepath.FromSlash(tt.short))
		why, err := checkSymlink(prefix, tt.short, dst, tt.target)
		if err != nil || (why != "") != tt.refused {
			t.Errorf("checkSymlink(%s -> %s) = %q, %v; want refused %v", tt.short, tt.target, why, err, tt.refused)
		}
	}
}

// A script killed by a signal says so, where it said "failed; it printed
// nothing" with no exit code nor signal (audit Z).
func TestRunScriptKilledBySignal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix link scripts")
	}
	prefixDir := t.TempDir()
	os.MkdirAll(filepath.Join(prefixDir, "bin"), 0o755)
	os.WriteFile(filepath.Join(prefixDir, "bin/.pk-post-link.sh"), []byte("kill -KILL $$\n"), 0o755)
	_, err := RunScript(context.Background(), Script{Action: "post-link", Prefix: prefixDir, Subdir: "linux-64", Name: "pk", Version: "1", HostOS: "linux"})
	var se *ScriptError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "signal: killed") || se.ExitCode != -1 {
		t.Fatalf("got %v; want a ScriptError that names the signal", err)
	}
}

// A post-link script that leaves a program running (a server, a `sleep &`)
// has done its work: RunScript returns once the script ends, not when the
// program does, and reports success (audit BK 1); a cancel stops the
// script at once (installer/internal/child tests the group is killed).
func TestRunScriptDoesNotWaitForWhatItLeftRunning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix link scripts")
	}
	prefixDir := t.TempDir()
	os.MkdirAll(filepath.Join(prefixDir, "bin"), 0o755)
	os.WriteFile(filepath.Join(prefixDir, "bin/.pk-post-link.sh"), []byte("sleep 300 &\necho started\n"), 0o755)
	start := time.Now()
	if _, err := RunScript(context.Background(), Script{Action: "post-link", Prefix: prefixDir, Subdir: "linux-64", Name: "pk", Version: "1", HostOS: "linux"}); err != nil {
		t.Fatalf("a script that left a program running: %v", err)
	}
	if d := time.Since(start); d > 100*time.Second {
		t.Fatalf("RunScript took %v: it waited for the program the script left running", d)
	}
	os.WriteFile(filepath.Join(prefixDir, "bin/.pk-post-link.sh"), []byte("sleep 300\n"), 0o755)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start = time.Now()
	if _, err := RunScript(ctx, Script{Action: "post-link", Prefix: prefixDir, Subdir: "linux-64", Name: "pk", Version: "1", HostOS: "linux"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a cancelled script: %v; want the context's error", err)
	}
	if d := time.Since(start); d > 100*time.Second {
		t.Fatalf("the cancel took %v", d)
	}
}
