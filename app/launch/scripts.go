package launch

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// ActivateScripts lists the env's etc/conda/activate.d/*.sh in the order
// conda runs them.
func ActivateScripts(envPrefix string) []string {
	m, _ := filepath.Glob(filepath.Join(envPrefix, "etc", "conda", "activate.d", "*.sh"))
	sort.Strings(m)
	return m
}

// RunActivateScripts sources the env's activate.d scripts in sh with
// environ and returns the environment they leave (read with `env -0`, or
// plain `env` where -0 is missing, as on Solaris). Without scripts it
// returns environ unchanged.
func RunActivateScripts(ctx context.Context, envPrefix string, environ []string) ([]string, error) {
	scripts := ActivateScripts(envPrefix)
	if len(scripts) == 0 {
		return environ, nil
	}
	var b strings.Builder
	for _, s := range scripts {
		fmt.Fprintf(&b, ". %s || exit 1\n", shellQuote(s))
	}
	out, err := runShell(ctx, b.String()+"env -0", environ)
	if err == nil {
		return splitEnv(out, 0), nil
	}
	out, err2 := runShell(ctx, b.String()+"env", environ)
	if err2 != nil {
		return nil, fmt.Errorf("failed to run the environment's activation scripts %s: %w", strings.Join(scripts, ", "), err)
	}
	return splitEnv(out, '\n'), nil
}

func runShell(ctx context.Context, script string, environ []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	cmd.Env = environ
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// splitEnv parses KEY=VALUE records separated by sep.
func splitEnv(out []byte, sep byte) []string {
	var env []string
	for _, rec := range bytes.Split(out, []byte{sep}) {
		if i := bytes.IndexByte(rec, '='); i > 0 {
			env = append(env, string(rec))
		}
	}
	return env
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
