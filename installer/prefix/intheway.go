package prefix

import "fmt"

// InTheWayError is a file or folder of a prefix where an install or a
// repair needs the other kind: a folder where a package has a file (or a
// record), a file where it needs a folder. It is not onboard's to remove
// (a person's files may be in it), so the person removes it; the repair's
// hint says so rather than "repair again" (audit BM 12).
type InTheWayError struct {
	Op     string // what failed: "link", "create the folder", "back up"
	Path   string
	Dir    bool   // a folder is in the way (else a file)
	Why    string // what needs the path, ending ", but "; "" = nothing more
	Advice string // what to do; "" = remove it and try again
}

func (e *InTheWayError) Error() string {
	what, advice := "a file", e.Advice
	if e.Dir {
		what = "a folder"
	}
	if advice == "" {
		advice = "remove it and try again"
	}
	return fmt.Sprintf("failed to %s %q: %s%s of that name is in the way; %s", e.Op, e.Path, e.Why, what, advice)
}
