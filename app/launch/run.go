package launch

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// RunOptions is one `onboard launch run`: what a package's menu shortcut
// (its Menu/*.json, platform.MenuLaunchers) starts.
type RunOptions struct {
	Prefix, Env string   // the install and the env ("" or "base": the prefix itself)
	Command     []string // the program and its arguments
	Activate    bool     // run it in the env activated, as menuinst's "activate": true
	// Precommand is shell code run first, before the activation, in the
	// system's shell (menuinst's "precommand": `export X=…` on Unix,
	// `set "X=…"` on Windows): what it sets of the environment reaches
	// the command.
	Precommand string
	Terminal   bool     // Windows: give it a console window of its own
	Dir        string   // the folder to run it in; "" = the current one
	Environ    []string // the environment to start from; nil = this process's
}

// RunCommand returns the process that runs o.Command: with the env
// activated as `conda activate` does (its folders first on PATH, its
// activate.d scripts run) when o.Activate, and a bare program name looked
// up on that PATH. It starts nothing.
func RunCommand(ctx context.Context, o RunOptions) (*exec.Cmd, error) {
	if len(o.Command) == 0 || o.Command[0] == "" {
		return nil, fmt.Errorf("no command to run")
	}
	environ := o.Environ
	if environ == nil {
		environ = os.Environ()
	}
	if o.Precommand != "" {
		cmd, env, err := precommand(ctx, o, environ)
		if cmd != nil || err != nil {
			return cmd, err
		}
		environ = env
	}
	ep := EnvPrefix(o.Prefix, o.Env)
	if o.Activate {
		if fi, err := os.Stat(ep); err != nil || !fi.IsDir() {
			return nil, &EnvError{Prefix: o.Prefix, Env: o.Env, Reason: "its folder " + ep + " is missing", What: filepath.Base(o.Command[0])}
		}
		var err error
		if environ, err = RunActivateScripts(ctx, ep, Activate(environ, ep, o.Env, runtime.GOOS)); err != nil {
			return nil, err
		}
	}
	exe, err := lookPath(o.Command[0], Getenv(environ, pathKey(environ)), runtime.GOOS)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, o.Command[1:]...)
	cmd.Args[0] = o.Command[0]
	cmd.Env, cmd.Dir = environ, o.Dir
	return cmd, nil
}

// pathKey is the spelling of PATH in environ ("Path" on Windows, often).
func pathKey(environ []string) string {
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok && strings.EqualFold(k, "PATH") {
			return k
		}
	}
	return "PATH"
}

// lookPath finds name on path (the activated env's PATH, not this
// process's), as the shell would: a name with a separator is used as
// written; on Windows with the extensions of %PATHEXT%'s usual programs.
func lookPath(name, path, goos string) (string, error) {
	if strings.ContainsAny(name, `/\`) {
		return name, nil
	}
	sep, exts := ":", []string{""}
	if goos == "windows" {
		sep, exts = ";", []string{"", ".exe", ".bat", ".cmd", ".com"}
	}
	for _, dir := range strings.Split(path, sep) {
		if dir == "" {
			continue
		}
		for _, ext := range exts {
			p := filepath.Join(dir, name+ext)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && (goos == "windows" || fi.Mode()&0o111 != 0) {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("failed to run %q: it is not in the environment's folders nor on PATH; repair the install, or ask whoever made the bundle", name)
}

// RunArgs are the arguments of `onboard launch run` that run o.
func RunArgs(o RunOptions) []string {
	args := []string{"launch", "run", "--prefix", o.Prefix, "--env", o.Env}
	if !o.Activate {
		args = append(args, "--no-activate")
	}
	if o.Terminal {
		args = append(args, "--terminal")
	}
	if o.Precommand != "" {
		args = append(args, "--precommand", o.Precommand)
	}
	if o.Dir != "" {
		args = append(args, "--cwd", o.Dir)
	}
	return append(append(args, "--"), o.Command...)
}

// Run starts o.Command (see RunCommand). On Unix the process becomes it
// (exec), so a shortcut's terminal stays with it; on Windows it is started
// and Run returns.
func Run(ctx context.Context, o RunOptions) error {
	cmd, err := RunCommand(ctx, o)
	if err != nil {
		return err
	}
	return startRun(cmd, o.Terminal)
}
