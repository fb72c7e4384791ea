package platform

import (
	"bytes"
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

// condaInitPSBlock is the block `conda init powershell` writes into a
// PowerShell profile, as its --reverse matches it
// (CONDA_INITIALIZE_PS_RE_BLOCK); its body in group 1.
var condaInitPSBlock = regexp.MustCompile(`(?m)^#region conda initialize\r?\n([\s\S]*?)#endregion(?:\r?\n)?`)

// CondaInitFiles are the start-up files `conda init` edits for the user on
// t, as its initialize plan names them: bash, zsh, fish, tcsh and xonsh,
// and PowerShell's profile for all hosts ($PROFILE.CurrentUserAllHosts) of
// Windows PowerShell and PowerShell 7 on Windows (in the Documents folder,
// which may be redirected), of pwsh elsewhere. cmd.exe's AutoRun value is
// in the registry (RemoveCondaAutoRun).
func CondaInitFiles(t Target, env Env) []string {
	if t.OS == "windows" {
		docs := env.known("Documents")
		if docs == "" {
			profile := firstNonEmpty(env.get("USERPROFILE"), env.Home)
			if profile == "" {
				return nil
			}
			docs = t.Join(profile, "Documents")
		}
		out := []string{t.Join(docs, "WindowsPowerShell", "profile.ps1"), t.Join(docs, "PowerShell", "profile.ps1")}
		if home := firstNonEmpty(env.get("USERPROFILE"), env.Home); home != "" {
			out = append(out, t.Join(home, ".bash_profile")) // Git Bash, Cygwin, MSYS2: conda init bash
		}
		return out
	}
	if env.Home == "" {
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
	config := t.Join(env.Home, ".config")
	if v := env.get("XDG_CONFIG_HOME"); t.IsAbs(v) {
		config = v // pwsh's; fish and xonsh take ~/.config as conda names them
	}
	return []string{t.Join(env.Home, bash), t.Join(zdot, ".zshrc"), t.Join(env.Home, ".config", "fish", "config.fish"),
		t.Join(env.Home, ".tcshrc"), t.Join(env.Home, ".xonshrc"), t.Join(env.Home, ".config", "xonsh", "rc.xsh"),
		t.Join(config, "powershell", "profile.ps1")}
}

// underPrefix matches prefix as a whole path followed by a separator and
// one of rest's patterns (/opt/acme, not /srv/opt/acme). A Windows prefix
// (a drive or a backslash) matches in any case and with either separator.
func underPrefix(prefix, rest string) *regexp.Regexp {
	prefix = strings.TrimRight(prefix, `/\`)
	q := regexp.QuoteMeta(prefix)
	flags := ""
	if strings.Contains(prefix, `\`) || len(prefix) >= 2 && prefix[1] == ':' {
		q = strings.NewReplacer(`\\`, `[\\/]`, `/`, `[\\/]`).Replace(q)
		flags = "(?i)"
		if len(prefix) >= 2 && prefix[1] == ':' {
			// and as Git Bash, Cygwin and MSYS2 spell it, which conda
			// writes into ~/.bash_profile there: /c/Users/…
			q = `(?:` + regexp.QuoteMeta(prefix[:2]) + `|/` + regexp.QuoteMeta(prefix[:1]) + `)` + q[len(regexp.QuoteMeta(prefix[:2])):]
		}
	}
	return regexp.MustCompile(flags + `(^|[\s'"=(:&])` + q + `[\\/]` + rest)
}

// RemoveCondaInit returns content without the blocks `conda init` wrote
// for the conda of prefix (a block naming prefix/bin/conda or its
// etc/profile.d scripts; another conda's block stays), and with the lines
// conda commented out as it wrote them put back, as `conda init --reverse`
// does: but for those naming prefix, which are gone with it. found is false
// when content holds no such block (and is returned as it is).
func RemoveCondaInit(content []byte, prefix string) (out []byte, found bool) {
	// a profile saved by Windows PowerShell ISE or Notepad starts with a
	// UTF-8 BOM, and conda's block may follow it on the first line (audit
	// Z: it was left there); the BOM stays
	if bom := []byte("\xef\xbb\xbf"); bytes.HasPrefix(content, bom) {
		out, found = RemoveCondaInit(content[len(bom):], prefix)
		if !found {
			return content, false
		}
		return append(bom[:len(bom):len(bom)], out...), true
	}
	// conda's executable, its shell scripts, or condabin on PATH
	names := underPrefix(prefix, `(bin[\\/]conda|Scripts[\\/]conda\.exe|condabin|etc[\\/]profile\.d[\\/]conda|etc[\\/]fish[\\/]conf\.d[\\/]conda)`)
	remove := func(re *regexp.Regexp) func([]byte) []byte {
		return func(block []byte) []byte {
			if !names.Match(re.FindSubmatch(block)[1]) {
				return block
			}
			found = true
			return nil
		}
	}
	out = condaInitBlock.ReplaceAllFunc(content, remove(condaInitBlock))
	out = condaInitPSBlock.ReplaceAllFunc(out, remove(condaInitPSBlock))
	if !found {
		return content, false
	}
	if len(condaInitBlock.FindAll(out, -1)) > 0 {
		return out, true // another conda's block still holds the set-up over
	}
	under := underPrefix(prefix, "")
	out = condaInitCommented.ReplaceAllFunc(out, func(line []byte) []byte {
		if under.Match(line) {
			return line
		}
		return condaInitCommented.ReplaceAll(line, []byte("$1"))
	})
	return out, true
}

// RemoveCondaAutoRun returns cmd.exe's AutoRun value without the hook
// `conda init cmd.exe` added for the conda of prefix
// (`if exist "PREFIX\condabin\conda_hook.bat" "PREFIX\condabin\conda_hook.bat"`,
// or the older bare `"PREFIX\condabin\conda_hook.bat"`), with the one " & "
// that joined it to the value's other commands, as its --reverse leaves
// them. The rest stays byte for byte: conda's reverse splits the value at
// every "&", which turns a user's "a && b" into "a & & b" and a quoted
// "C:\R&D" into "C:\R & D" (audit Z). found is false when it holds no
// such hook.
func RemoveCondaAutoRun(value, prefix string) (out string, found bool) {
	hook := `"` + strings.TrimRight(prefix, `/\`) + `\condabin\conda_hook.bat"`
	for _, h := range []string{"if exist " + hook + " " + hook, hook} {
		for {
			i := strings.Index(strings.ToLower(value), strings.ToLower(h))
			if i < 0 {
				break
			}
			found = true
			start, end := i, i+len(h)
			// the "&" before it (not "&&", not an escaped "^&"), else the
			// one after it, with the spaces around
			j := start
			for j > 0 && value[j-1] == ' ' {
				j--
			}
			k := end
			for k < len(value) && value[k] == ' ' {
				k++
			}
			switch {
			case j > 0 && value[j-1] == '&' && (j < 2 || value[j-2] != '&' && value[j-2] != '^'):
				for start = j - 1; start > 0 && value[start-1] == ' '; start-- {
				}
			case k < len(value) && value[k] == '&' && (k+1 == len(value) || value[k+1] != '&'):
				for end = k + 1; end < len(value) && value[end] == ' '; end++ {
				}
			}
			value = value[:start] + value[end:]
		}
	}
	if !found {
		return value, false
	}
	return strings.TrimSpace(value), true
}
