package platform

import (
	"regexp"
	"strings"
)

// condaInitBlock is a block `conda init` writes into a shell start-up
// file, with the blank lines it puts before it, as its --reverse matches
// it (conda's "^\s*" + CONDA_INITIALIZE_RE_BLOCK); its body in group 1.
var condaInitBlock = regexp.MustCompile(`(?m)^\s*^# >>> conda initialize >>>\r?\n([\s\S]*?)# <<< conda initialize <<<(?:\r?\n)?`)

// condaInitCommented is a line `conda init` commented out as it took the
// shell set-up over (`# <line>  # commented out by conda initialize`).
var condaInitCommented = regexp.MustCompile(`(?m)^#\s(.*?)\s*` + regexp.QuoteMeta(condaInitComment) + `$`)

// CondaInitFiles are the start-up files `conda init` edits for the user on
// t, as its initialize plan names them (bash, zsh, fish, tcsh, xonsh); on
// Windows none are text files onboard edits (PowerShell profiles and the
// cmd.exe AutoRun key are conda's to undo: conda init --reverse).
func CondaInitFiles(t Target, env Env) []string {
	if t.OS == "windows" || env.Home == "" {
		return nil
	}
	bash := ".bashrc"
	if t.OS == "darwin" {
		bash = ".bash_profile"
	}
	zdot := env.Home
	if v := env.get("ZDOTDIR"); t.IsAbs(v) {
		zdot = v
	}
	return []string{t.Join(env.Home, bash), t.Join(zdot, ".zshrc"), t.Join(env.Home, ".config", "fish", "config.fish"),
		t.Join(env.Home, ".tcshrc"), t.Join(env.Home, ".xonshrc"), t.Join(env.Home, ".config", "xonsh", "rc.xsh")}
}

// RemoveCondaInit returns content without the blocks `conda init` wrote
// for the conda of prefix (a block naming prefix/bin/conda or its
// etc/profile.d scripts; another conda's block stays), and with the lines
// conda commented out as it wrote them put back, as `conda init --reverse`
// does: but for those naming prefix, which are gone with it. found is false
// when content holds no such block (and is returned as it is).
func RemoveCondaInit(content []byte, prefix string) (out []byte, found bool) {
	prefix = strings.TrimRight(prefix, "/")
	// the prefix as a whole path: /opt/acme, not /srv/opt/acme
	names := regexp.MustCompile(`(^|[\s'"=(:])` + regexp.QuoteMeta(prefix) + `/(bin/conda|etc/profile\.d/conda|etc/fish/conf\.d/conda)`)
	ours := func(body []byte) bool { return names.Match(body) }
	out = condaInitBlock.ReplaceAllFunc(content, func(block []byte) []byte {
		if !ours(condaInitBlock.FindSubmatch(block)[1]) {
			return block
		}
		found = true
		return nil
	})
	if !found {
		return content, false
	}
	if len(condaInitBlock.FindAll(out, -1)) > 0 {
		return out, true // another conda's block still holds the set-up over
	}
	under := regexp.MustCompile(`(^|[\s'"=(:])` + regexp.QuoteMeta(prefix) + `/`)
	out = condaInitCommented.ReplaceAllFunc(out, func(line []byte) []byte {
		if under.Match(line) {
			return line
		}
		return condaInitCommented.ReplaceAll(line, []byte("$1"))
	})
	return out, true
}
