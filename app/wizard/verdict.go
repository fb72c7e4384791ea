package wizard

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/installer/state"
	"onboard/internal/condaver"
	"onboard/internal/humanize"
	"onboard/internal/launchname"
	"onboard/platform"
)

// Status is how a verdict looks: good, worth a warning, or refused.
type Status int

// Statuses, best first.
const (
	StatusGood Status = iota
	StatusWarning
	StatusBad
)

// Verdict is an install plan as the wizards say it, the same words in the
// GUI and the console.
type Verdict struct {
	Status Status
	// Line is the Location step's headline: whether the folder can be
	// used, and what Install would do there when that is not a plain new
	// install.
	Line string
	// Action is what Install would do, in one sentence, or why it cannot.
	Action string
	// Details are the facts below: space, path length (Windows), warnings,
	// an interrupted run to recover, what to do about a refusal.
	Details []string
	// Launchers say which launchers Install would create, and the shell
	// set-up (the Options step).
	Launchers []string
	// Replaces: Install will replace an install of this bundle there (an
	// upgrade, a reinstall), and its notes say what of the person's is
	// kept and what is not, on the Options step too.
	Replaces bool
	// Warned: the folder can be used, but its checks warn (spaces in its
	// path, a long path): the console asks whether to keep it.
	Warned bool
}

// Notes are the Details that warn or note (what is kept and lost).
func (v Verdict) Notes() []string {
	var out []string
	for _, d := range v.Details {
		if strings.HasPrefix(d, "Note: ") || strings.HasPrefix(d, "Warning: ") {
			out = append(out, d)
		}
	}
	return out
}

// Describe turns a plan (installer.Plan, through CheckPlan) and its error
// into a Verdict. p may be nil when err is not.
func Describe(p *installer.InstallPlan, err error) Verdict {
	var v Verdict
	if err != nil {
		v.Status = StatusBad
		v.Line = "This folder cannot be used: " + installer.Message(err)
		v.Action = "Install cannot go ahead: " + installer.Message(err)
		var oe *installer.OldSystemError
		if errors.As(err, &oe) { // not the folder's fault
			v.Line = "This computer cannot run the bundle: " + installer.Message(oe.Problem) + "."
		}
	}
	if p == nil {
		if h := wizardHint(err, installer.HintFor(err)); h != "" {
			v.Details = append(v.Details, "What to do: "+h)
		}
		return v
	}
	if err == nil {
		v.Action = action(p)
		v.Line = "This folder can be used."
		switch p.Kind {
		case installer.PlanFresh:
		case installer.PlanNothingToDo:
			v.Line = v.Action
		default:
			v.Line += " " + v.Action
		}
		switch p.Kind {
		case installer.PlanDowngrade, installer.PlanOtherBundle, installer.PlanDamaged:
			v.Status = StatusWarning // forced over what is there
		case installer.PlanUpgrade, installer.PlanReinstall:
			// the new packages replace the old ones' folders: what a
			// person put inside them is not kept (the plan's notes say)
			v.Status, v.Replaces = StatusWarning, true
		}
	}
	v.Details = details(p)
	if err == nil && (len(p.Warnings()) > 0 || p.Recover != "") {
		v.Status = max(v.Status, StatusWarning)
	}
	if n := len(p.Warnings()); err == nil && n > 0 {
		v.Warned = true
		if p.Kind == installer.PlanFresh {
			v.Line = "This folder can be used, but read the warning below."
			if n > 1 {
				v.Line = fmt.Sprintf("This folder can be used, but read the %d warnings below.", n)
			}
		}
	}
	if h := wizardHint(err, p.Hint); h != "" {
		v.Details = append(v.Details, "What to do: "+h)
	}
	v.Launchers = launcherLines(p)
	return v
}

// wizardHint is hint, the engine's advice for err written for the command
// line, as the wizards say it: they have no --prefix or --force, and no
// 'onboard' on the PATH (audit AX R17). An install whose manifest is
// damaged is put back by its own program: its Maintenance window cannot
// open it without one (app/gui findInstalled), so the hint names the
// command with its path.
func wizardHint(err error, hint string) string {
	var te *installer.TargetError
	if !errors.As(err, &te) {
		return hint
	}
	if te.Code == installer.TargetDamaged {
		return fmt.Sprintf("choose another folder, or put the install's records back first: run %s in a terminal",
			state.RepairCommand(te.Path))
	}
	return strings.Replace(hint, "choose another folder with --prefix", "choose another folder", 1)
}

// action says what Install would do, in one sentence.
func action(p *installer.InstallPlan) string {
	this := p.Name + " " + p.Version
	old := ""
	if p.Installed != nil {
		old = p.Installed.Name + " " + p.Installed.Version
	}
	switch p.Kind {
	case installer.PlanNothingToDo:
		return fmt.Sprintf("%s is already installed in this folder, so Install will change nothing. %s", this, checkItsFiles(p.Name, p.Prefix))
	case installer.PlanUpgrade:
		return fmt.Sprintf("Install will upgrade %s here to %s.", old, p.Version)
	case installer.PlanReinstall:
		if p.Forced {
			return fmt.Sprintf("Install will install %s here again, as --force asks: the install there is complete.", this)
		}
		return fmt.Sprintf("Install will install %s here again: the install there is incomplete or for another platform.", this)
	case installer.PlanDowngrade:
		return fmt.Sprintf("Install will replace the newer %s here with %s.", old, p.Version)
	case installer.PlanOtherBundle:
		return fmt.Sprintf("Install will replace %s, another bundle, here with %s.", old, this)
	case installer.PlanDamaged:
		return fmt.Sprintf("Install will replace the damaged install here with %s.", this)
	}
	if p.AllUsers { // said before Install, in the window and the console (audit Y3)
		return fmt.Sprintf("%s will be installed in %s, for all users of this computer.", this, p.Prefix)
	}
	return fmt.Sprintf("%s will be installed in %s.", this, p.Prefix)
}

// details are the facts a person may want before installing.
func details(p *installer.InstallPlan) []string {
	var out []string
	if p.NeedBytes > 0 && p.Kind != installer.PlanNothingToDo { // Install would write nothing
		free := ""
		if p.FreeBytes >= 0 {
			free = fmt.Sprintf(" (%s free)", humanize.Bytes(p.FreeBytes))
		}
		line := fmt.Sprintf("Space needed on disk: about %s%s.", humanize.Bytes(p.NeedBytes), free)
		if p.SharedBytes > 0 && humanize.Bytes(p.NeedBytes) != humanize.Bytes(p.NeedBytes+p.SharedBytes) { // Welcome's figure differs
			// the figure Welcome shows counts the copy as du does
			line = fmt.Sprintf("Space needed on disk: about %s%s, %s less than the full size: the copy kept for repairs shares the installer's file here.",
				humanize.Bytes(p.NeedBytes), free, humanize.Bytes(p.SharedBytes))
		}
		out = append(out, line)
	}
	if p.PathLimit > 0 && p.LongestPath > p.PathLimit*3/4 {
		// only near the limit: at 109 of 259 the line said nothing but
		// that a limit exists (audit AP 12)
		out = append(out, fmt.Sprintf("The longest file path will be %d characters; this system allows %d. A shorter folder name leaves more room.", p.LongestPath, p.PathLimit))
	}
	for _, pr := range p.Problems {
		if pr.Severity != platform.Warning {
			continue
		}
		out = append(out, "Warning: "+pr.Message)
		if pr.Hint != "" {
			out = append(out, "What to do: "+pr.Hint)
		}
	}
	for _, n := range p.Notes {
		out = append(out, "Note: "+n)
	}
	return out
}

// launcherLines name the shortcuts, by the names they have in the menu
// (unique, so without their env), and the terminal set-up.
func launcherLines(p *installer.InstallPlan) []string {
	if p.Kind == installer.PlanNothingToDo && len(p.Launchers) == 0 {
		return nil
	}
	goos, _, _ := strings.Cut(p.Platform, "/")
	if goos == "" {
		goos = runtime.GOOS
	}
	var names []string
	for _, l := range p.Launchers {
		names = append(names, l.Name)
	}
	out := []string{"No shortcuts in " + LauncherMenu(goos) + "."}
	if len(names) > 0 {
		out[0] = "Shortcuts in " + LauncherMenu(goos) + ": " + strings.Join(names, ", ") + "."
	}
	if len(p.ShellFiles) > 0 {
		out = append(out, "Terminal set-up: a few lines added to "+strings.Join(p.ShellFiles, ", ")+" (uninstalling removes them).")
	}
	return out
}

// JupyterShortcuts names the bundle's Jupyter shortcuts as the menu shows
// them: "JupyterLab", "A and B", "A, B and C"; "" when it has none. The
// Options step offers to add them by these names.
func JupyterShortcuts(m *bundle.Manifest) string {
	var names []string
	for _, l := range m.Launchers {
		names = append(names, l.Name)
	}
	return humanize.List(names, 0)
}

// Text is the verdict for the Location step: the headline and the
// details, one per line.
func (v Verdict) Text() string {
	return strings.Join(append([]string{v.Line}, v.Details...), "\n")
}

// FinishChoices are the choices of an install that the Finish step's
// text follows: the shortcuts made, the terminal set-up, and where.
type FinishChoices struct {
	JupyterLauncher, MaintenanceLauncher, ShellSetup bool
	Env                                              string // the environment Jupyter runs in (JupyterEnv)
	Prefix                                           string
	GOOS                                             string
	Notebooks                                        string // where the notebooks go; "" = not said
}

// StartLater is the Finish step's text on Jupyter, a paragraph each: how to
// start it (the button; later the launcher the install made, by its name),
// where the notebooks go, how to stop it once started (from the
// maintenance launcher, or its app where there is none), and how to work
// in its environment in a terminal. It named a launcher and the
// maintenance window when neither was made (audit AP 3); it was one
// paragraph that said Jupyter keeps running before it ran, and nothing of
// a terminal (audit BC 4, 5). None for a bundle without Jupyter.
func StartLater(m *bundle.Manifest, c FinishChoices) []string {
	if len(m.Launchers) == 0 {
		return nil
	}
	start := "Start Jupyter now with the button below."
	if c.JupyterLauncher {
		start = fmt.Sprintf("Start Jupyter now with the button below, or later from %s in %s.", m.Launchers[0].Name, LauncherMenu(c.GOOS))
	}
	out := []string{start}
	if c.Notebooks != "" {
		out = append(out, "Your notebooks are saved in "+c.Notebooks+".")
	}
	maint := launchname.Maintenance(m.Name)
	if c.MaintenanceLauncher {
		out = append(out, fmt.Sprintf("Once started, Jupyter keeps running after you close this window. To stop it, open %s from %s and click Stop Jupyter.",
			maint, LauncherMenu(c.GOOS)))
	} else {
		out = append(out, fmt.Sprintf("Once started, Jupyter keeps running after you close this window. To stop it, run %s and click Stop Jupyter.", state.AppCommand(c.Prefix)))
	}
	switch {
	case c.ShellSetup && c.Env != "":
		out = append(out, fmt.Sprintf("To work in the %s environment in a terminal, open a new terminal window and type: conda activate %s", c.Env, c.Env))
	case c.MaintenanceLauncher && c.Env != "":
		out = append(out, fmt.Sprintf("To work in the %s environment in a terminal, open %s and click Terminal on its %s row.", c.Env, maint, c.Env))
	}
	return out
}

// StartLaterLines is StartLater for the console, whose person types
// commands: how to start Jupyter again (the launcher the install made, by
// its name, or the command), where the notebooks go (notebooks; "" = not
// said), and that it keeps running, with the command that stops it. It
// said "with the launcher" after "Launchers: none", and nothing of where
// notebooks go or how to stop Jupyter (audit AU 3). None for a bundle
// without Jupyter.
func StartLaterLines(jupyterLauncher bool, m *bundle.Manifest, prefix, goos, notebooks string) []string {
	j, ok := ConsoleJupyter(jupyterLauncher, m, prefix, goos, notebooks)
	if !ok {
		return nil
	}
	out := []string{j.Start}
	if j.Notebooks != "" {
		out = append(out, j.Notebooks)
	}
	return append(out, j.Stop)
}

// JupyterLines are the console's lines on Jupyter, each said where it
// belongs: the notebooks before "Start Jupyter now?", the stop after a
// start, how to start it later after a no (audit BC 7: all three came
// before the question, "keeps running" of a Jupyter not started).
type JupyterLines struct {
	Start     string // how to start it later: the launcher made, or the command
	Notebooks string // where the notebooks go; "" = not said
	Stop      string // that it keeps running, with the command that stops it
}

// ConsoleJupyter is JupyterLines for the install at prefix, and false for a
// bundle without Jupyter.
func ConsoleJupyter(jupyterLauncher bool, m *bundle.Manifest, prefix, goos, notebooks string) (JupyterLines, bool) {
	if len(m.Launchers) == 0 {
		return JupyterLines{}, false
	}
	start := state.AppCommand(prefix, "launch", "jupyter", "--prefix", prefix)
	j := JupyterLines{Start: "Start Jupyter with: " + start,
		Stop: "Jupyter keeps running after this ends; stop it with: " + state.AppCommand(prefix, "launch", "jupyter", "--stop", "--prefix", prefix)}
	if jupyterLauncher {
		j.Start = fmt.Sprintf("Start Jupyter later from %s in %s, or with: %s", m.Launchers[0].Name, LauncherMenu(goos), start)
	}
	if notebooks != "" {
		j.Notebooks = "Your notebooks are saved in " + notebooks + "."
	}
	return j, true
}

// ConsoleTerminal is the console's line on working in env (the one
// Jupyter runs in) in a terminal, which the window's Finish says and the
// console's did not (review BF 7): conda activate after the terminal
// set-up, else conda's own activate script of the install, by its path;
// "" when there is no such env.
func ConsoleTerminal(shellSetup bool, env, prefix, goos string) string {
	if env == "" {
		return ""
	}
	if shellSetup {
		return fmt.Sprintf("To work in the %s environment in a terminal, open a new terminal window and type: conda activate %s", env, env)
	}
	if goos == "windows" {
		return fmt.Sprintf("To work in the %s environment, type this in a Command Prompt: %s %s", env,
			state.QuoteArg(prefix+`\Scripts\activate.bat`), state.QuoteArg(env))
	}
	return fmt.Sprintf("To work in the %s environment in a terminal, type: source %s %s", env, state.QuoteArg(prefix+"/bin/activate"), state.QuoteArg(env))
}

// checkItsFiles says how to check the files of the install of name at
// prefix: its maintenance app, which checks them as it opens (a window, or
// in a build without windows a menu in a terminal), or its verify;
// "onboard verify", which the text named, is on nobody's PATH (audit AP
// 6). It names no button: the one reading it may have no display, as a
// build with windows run over ssh has not (audit AQ 8).
func checkItsFiles(name, prefix string) string {
	return fmt.Sprintf("To check its files, open %s, which checks them as it opens (or run %s).", launchname.Maintenance(name), state.AppCommand(prefix, "verify"))
}

// Done says what the install did, for the Finish step and the console's
// end: installed, already there, or, where it replaced an install, what
// it replaced (an upgrade said only "is installed", as if the folder had
// been empty).
func Done(name, version, prefix string, res *installer.Result) string {
	text := done(name, version, prefix, res)
	if res != nil {
		for _, w := range res.Warnings {
			text += " Note: " + sentenceOf(w)
		}
	}
	return text
}

// sentenceOf is s with a capital and a full stop.
func sentenceOf(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func done(name, version, prefix string, res *installer.Result) string {
	switch {
	case res != nil && !res.Changed:
		return fmt.Sprintf("%s %s was already installed in %s, so nothing was changed. %s", name, version, prefix, checkItsFiles(name, prefix))
	case res != nil && res.Replaced != nil:
		old := res.Replaced
		if old.Name == name {
			switch c := condaver.Compare(old.Version, version); {
			case c < 0:
				return fmt.Sprintf("%s is upgraded from %s to %s in %s.", name, old.Version, version, prefix)
			case c > 0:
				return fmt.Sprintf("%s is downgraded from %s to %s in %s.", name, old.Version, version, prefix)
			}
			return fmt.Sprintf("%s %s is installed again in %s.", name, version, prefix)
		}
		return fmt.Sprintf("%s %s is installed in %s, in place of %s %s.", name, version, prefix, old.Name, old.Version)
	}
	return fmt.Sprintf("%s %s is installed in %s.", name, version, prefix)
}

// LauncherMenu is where a launcher appears on goos, as the person knows
// the place: the Start menu, the Applications folder, the applications
// menu. Options, Finish and the console say the same.
func LauncherMenu(goos string) string {
	switch goos {
	case "windows":
		return "the Start menu"
	case "darwin":
		return "your Applications folder"
	}
	return "your applications menu"
}
