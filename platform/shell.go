package platform

import (
	"bytes"
	"fmt"
	"strings"
)

// The marks around the block that shell set-up adds; the start mark names
// the prefix so blocks of several installs can live side by side.
const (
	shellStartMark = "# >>> onboard %s >>>\n"
	shellEndMark   = "# <<< onboard <<<\n"
)

// ShellFiles returns the shell start-up files shell set-up edits on t:
// ~/.bashrc (on macOS, whose Terminal starts login shells, the login file
// bash reads instead, plus ~/.bashrc if it exists), and ~/.zshrc when it exists or zsh
// is the login shell ($SHELL). Windows has none: nil.
func ShellFiles(t Target, env Env) []string {
	if t.OS == "windows" || env.Home == "" {
		return nil
	}
	var files []string
	if t.OS == "darwin" {
		files = append(files, bashLogin(t, env))
		if rc := t.Join(env.Home, ".bashrc"); env.exists(rc) {
			files = append(files, rc)
		}
	} else {
		files = append(files, t.Join(env.Home, ".bashrc"))
	}
	zshrc := t.Join(env.Home, ".zshrc")
	if env.exists(zshrc) || strings.HasSuffix(env.get("SHELL"), "/zsh") {
		files = append(files, zshrc)
	}
	return files
}

// IsShellFile tells whether path is one of the start-up files shell
// set-up may edit on t (~/.bashrc, ~/.bash_profile, ~/.bash_login,
// ~/.profile, ~/.zshrc), as written or where such a file's symlink leads
// (a record keeps the file a symlinked dotfile leads to): a launcher
// record read back from the disk may name any file.
func IsShellFile(t Target, env Env, path string) bool {
	if t.OS == "windows" || env.Home == "" {
		return false
	}
	for _, n := range []string{".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc"} {
		if p := t.Join(env.Home, n); p == path || resolveLink(p) == path {
			return true
		}
	}
	return false
}

// bashLogin returns the start-up file a bash login shell reads: the first
// of ~/.bash_profile, ~/.bash_login, ~/.profile that exists (creating
// .bash_profile would hide an existing .profile), else ~/.bash_profile.
func bashLogin(t Target, env Env) string {
	for _, n := range []string{".bash_profile", ".bash_login", ".profile"} {
		if p := t.Join(env.Home, n); env.exists(p) {
			return p
		}
	}
	return t.Join(env.Home, ".bash_profile")
}

// ShellBlock returns the marked block for the install at prefix. When the
// base has conda (PREFIX/etc/profile.d/conda.sh, checked as the shell
// starts, so a conda added or removed later is followed) it sources conda's
// own activation, as `conda init` does without the hook: the `conda`
// command, `conda activate`, condabin on PATH. Otherwise it puts bin first
// on PATH. It starts with a newline so that removing it gives back the
// file byte for byte, whatever the file's last line looked like.
//
// `conda init` comments out every line that sources a conda.sh, as it
// takes the shell set-up over with its own block. The "then" branch holds
// a ":" after that line, so that it still has a command: without one the
// file no longer parses, and every new shell stops reading it there.
func ShellBlock(prefix, bin string) ([]byte, error) { return shellBlock(prefix, bin, false) }

// condaInitComment ends a line `conda init` commented out.
const condaInitComment = "# commented out by conda initialize"

// shellBlock is ShellBlock, with its conda.sh line commented out as
// `conda init` comments it when condaOwns: a repair keeps conda's choice.
func shellBlock(prefix, bin string, condaOwns bool) ([]byte, error) {
	if strings.ContainsFunc(prefix+bin, isControl) {
		return nil, fmt.Errorf("failed to make the shell set-up: the prefix %q contains control characters", prefix)
	}
	dq := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
	condaSh := dq.Replace(strings.TrimRight(prefix, "/") + "/etc/profile.d/conda.sh")
	var b bytes.Buffer
	b.WriteByte('\n')
	fmt.Fprintf(&b, shellStartMark, prefix)
	b.WriteString("# Added by onboard (shell set-up); uninstalling removes this block.\n")
	source := fmt.Sprintf("    . \"%s\"", condaSh)
	if condaOwns {
		source = fmt.Sprintf("# . \"%s\"  %s", condaSh, condaInitComment)
	}
	fmt.Fprintf(&b, "if [ -f \"%s\" ]; then\n%s\n    :\nelse\n    export PATH=\"%s:$PATH\"\nfi\n", condaSh, source, dq.Replace(bin))
	b.WriteString(shellEndMark)
	return b.Bytes(), nil
}

// AddShellBlock returns content with the block for prefix added at the
// end, or put in place of an existing block for prefix (so running it
// twice changes nothing).
func AddShellBlock(content []byte, prefix, bin string) ([]byte, error) {
	start, end, found := findShellBlock(content, prefix)
	block, err := shellBlock(prefix, bin, found && bytes.Contains(content[start:end], []byte(condaInitComment)))
	if err != nil {
		return nil, err
	}
	if found {
		out := append([]byte{}, content[:start]...)
		out = append(out, block...)
		return append(out, content[end:]...), nil
	}
	return append(append([]byte{}, content...), block...), nil
}

// ShellBlockBroken tells whether content holds the block for prefix with
// no command left in its "then" branch: a block of an onboard before the
// ":" line, after `conda init` commented out its one line there. Such a
// file does not parse, and every new shell stops reading it at the block.
func ShellBlockBroken(content []byte, prefix string) bool {
	start, end, ok := findShellBlock(content, prefix)
	if !ok {
		return false
	}
	inThen := false
	for _, line := range strings.Split(string(content[start:end]), "\n") {
		switch t := strings.TrimSpace(line); {
		case strings.HasPrefix(t, "if [ -f "):
			inThen = true
		case t == "else":
			return inThen
		case inThen && t != "" && !strings.HasPrefix(t, "#"):
			return false
		}
	}
	return false
}

// HasShellBlock tells whether content holds the block for prefix.
func HasShellBlock(content []byte, prefix string) bool {
	_, _, ok := findShellBlock(content, prefix)
	return ok
}

// RemoveShellBlock returns content without the block for prefix (and the
// newline in front of it that AddShellBlock added), and whether it found
// one. Other installs' blocks and everything else stay as they were.
func RemoveShellBlock(content []byte, prefix string) ([]byte, bool) {
	start, end, ok := findShellBlock(content, prefix)
	if !ok {
		return content, false
	}
	out := append([]byte{}, content[:start]...)
	return append(out, content[end:]...), true
}

// findShellBlock finds the block for prefix: from the newline before its
// start mark (when there is one) to the end of its end mark line. Only
// lines a block holds may come between the marks (blockLine): a start
// mark whose end mark the user deleted is no block, and neither the
// user's lines after it nor another block's end mark make it one.
func findShellBlock(content []byte, prefix string) (start, end int, ok bool) {
	mark := []byte(fmt.Sprintf(shellStartMark, prefix))
	endMark := strings.TrimSuffix(shellEndMark, "\n")
	for i := 0; ; {
		j := bytes.Index(content[i:], mark)
		if j < 0 {
			return 0, 0, false
		}
		start = i + j
		i = start + 1
		if start > 0 && content[start-1] != '\n' {
			continue // the mark text inside another line: not ours
		}
		for k := start + len(mark); k < len(content); {
			line, _, _ := bytes.Cut(content[k:], []byte("\n"))
			if string(line) == endMark {
				end = k + len(line)
				if end < len(content) {
					end++ // its newline
				}
				if start > 0 {
					start--
				}
				return start, end, true
			}
			if !blockLine(string(line)) {
				break // damaged: look for a whole block further on
			}
			k += len(line) + 1
		}
	}
}

// blockLine tells whether line is one that a block of ShellBlock (or of
// an earlier onboard) holds between its marks.
func blockLine(line string) bool {
	if strings.HasPrefix(line, "# >>> ") || strings.HasPrefix(line, "# <<< ") {
		return false
	}
	// in any indentation: `conda init --reverse` puts the line it had
	// commented out back without its four spaces (audit AC: the block was
	// then no block, and uninstall left it, with the gone prefix on PATH)
	line = strings.TrimLeft(line, " \t")
	for _, p := range []string{"#", "if [ -f ", ". ", ":", "else", "export PATH=", "fi"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}
