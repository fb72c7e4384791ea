package engine

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// Messages give a Windows path as Windows writes it, not with the doubled
// backslashes of %q; a name %q escapes for anything else stays escaped.
func TestMessageWritesWindowsPathsPlainly(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{`C:\Users\ann b\acme`, `"C:\Users\ann b\acme"`},
		{`C:\Users\ann` + "\t" + `x`, `"C:\\Users\\ann\tx"`}, // a tab: escaped, backslashes and all
		{`C:\a"b`, `"C:\\a\"b"`},                             // a quote would end the name early
		{"C:\\caf\xe9", `"C:\\caf\xe9"`},                     // not UTF-8
		{`C:\x\u202e`, `"C:\x\u202e"`},                       // printable: its backslashes are the name's
		{"C:\\x\u202egnp.exe", `"C:\\x\u202egnp.exe"`},       // a right-to-left override hides the name's end
	} {
		err := fmt.Errorf("cannot write %q: %w", c.name, &TargetError{Path: c.name, Reason: "read-only", Advice: fmt.Sprintf("choose a folder other than %q", c.name)})
		if got := Message(err); !strings.HasPrefix(got, "cannot write "+c.want+": ") {
			t.Errorf("%q: message %s", c.name, got)
		}
		if got := HintFor(err); got != "choose a folder other than "+c.want {
			t.Errorf("%q: hint %s", c.name, got)
		}
	}
	// two names, and text between them that is not a name
	if got := Message(fmt.Errorf(`moved %q to %q ("x" said \n)`, `C:\a`, `D:\b`)); got != `moved "C:\a" to "D:\b" ("x" said \n)` {
		t.Errorf("two names: %s", got)
	}
}

// A refusal whose reason names the folder says it once; one whose reason
// does not names it in front.
func TestTargetErrorNamesTheFolderOnce(t *testing.T) {
	ro := &TargetError{Path: "/ro/python", Reason: `cannot write to "/ro/python": read-only file system`}
	if got := ro.Error(); got != `cannot write to "/ro/python": read-only file system` {
		t.Errorf("got %q", got)
	}
	full := &TargetError{Path: "/x/python", Reason: "needs 1.2 GB, 300 MB free"}
	if got := full.Error(); got != `cannot install into "/x/python": needs 1.2 GB, 300 MB free` {
		t.Errorf("got %q", got)
	}
	un := &TargetError{Path: "/ro/python", Op: "uninstall", Reason: `cannot write to "/ro/python"`}
	if got := un.Error(); !strings.HasPrefix(got, `cannot uninstall "/ro/python": `) {
		t.Errorf("got %q", got)
	}
}

// A window shows the system's words for a cause apart from the message:
// the message without them, and them as said; a message that does not end
// with them (another error wraps the refusal) stays whole.
func TestMessageAndDetail(t *testing.T) {
	te := &TargetError{Path: `C:\Users\ann\acme`, Reason: "the disk became full; the folder is as it was before",
		Detail: fmt.Sprintf("write %q: no space left on device", `C:\Users\ann\acme\lib\x.dll`)}
	msg, detail := MessageAndDetail(te)
	if msg != `cannot install into "C:\Users\ann\acme": the disk became full; the folder is as it was before` ||
		detail != `write "C:\Users\ann\acme\lib\x.dll": no space left on device` {
		t.Errorf("got %q and %q", msg, detail)
	}
	wrapped := fmt.Errorf("%w; and the log could not be written", te)
	if msg, detail := MessageAndDetail(wrapped); msg != Message(wrapped) || detail != "" {
		t.Errorf("wrapped: got %q and %q", msg, detail)
	}
	if msg, detail := MessageAndDetail(&TargetError{Path: "/x", Reason: "read-only"}); msg != `cannot install into "/x": read-only` || detail != "" {
		t.Errorf("no detail: got %q and %q", msg, detail)
	}
}

// A lock's holder is said for people: when it started, and which process,
// where the message gave "pid 11065 on vm since 2026-12-04T23:32:14Z".
func TestOwnerWords(t *testing.T) {
	host, _ := os.Hostname()
	at := time.Now().Add(-time.Minute)
	if got, want := ownerWords(fmt.Sprintf("pid 42 on %s since %s", host, at.Format(time.RFC3339))), "started at "+at.Format("15:04")+" (process 42)"; got != want {
		t.Errorf("this computer's: %q, want %q", got, want)
	}
	if got := ownerWords("pid 7 on other-host since 2026-01-02T03:04:05Z"); !strings.Contains(got, "on the computer other-host (process 7)") || !strings.Contains(got, "2026-01-0") {
		t.Errorf("another computer's, another day: %q", got)
	}
	if got := ownerWords("something else"); got != "" {
		t.Errorf("an unknown owner: %q", got)
	}
}

// A machine conda builds nothing for (loongarch64, SPARC) has no subdir to
// name: the error says so, not "this machine needs  but" (audit AL 6).
func TestPlatformErrorWithoutSubdirs(t *testing.T) {
	e := &PlatformError{Have: []string{"linux-64", "win-64"}}
	if got := e.Error(); strings.Contains(got, "needs  ") || !strings.Contains(got, "not built for this machine") || !strings.Contains(got, "linux-64, win-64") {
		t.Errorf("Error() = %q", got)
	}
	if got := e.Hint(); strings.Contains(got, "built for this machine, or") {
		t.Errorf("Hint() = %q asks for an installer for a machine nothing is built for", got)
	}
	e.Want = []string{"linux-aarch64"}
	if got := e.Error(); got != "this machine needs linux-aarch64 but the bundle only has linux-64, win-64" {
		t.Errorf("Error() = %q", got)
	}
}
