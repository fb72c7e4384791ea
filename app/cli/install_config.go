package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"

	"onboard/app/wizard"
	"onboard/installer"
)

// installConfig is `onboard install --config FILE`: the wizard's choices
// for silent installs, in TOML. Keys left out keep their defaults; flags
// given on the command line win over the file. Relative paths are taken
// from the file's folder.
//
//	prefix = "/opt/acme-python"
//	all_users = true
//	jupyter_launcher = true
//	maintenance_launcher = true
//	shortcuts = true
//	shell_setup = false
//	log = "/var/log/acme-python-install.log"
type installConfig struct {
	Prefix              *string `toml:"prefix"`
	Bundle              *string `toml:"bundle"`
	Subdir              *string `toml:"subdir"`
	TrustKey            *string `toml:"trust_key"`
	Log                 *string `toml:"log"`
	AllUsers            *bool   `toml:"all_users"`
	JupyterLauncher     *bool   `toml:"jupyter_launcher"`
	MaintenanceLauncher *bool   `toml:"maintenance_launcher"`
	Shortcuts           *bool   `toml:"shortcuts"`
	ShellSetup          *bool   `toml:"shell_setup"`
	Force               *bool   `toml:"force"`
	KeepPackageCache    *bool   `toml:"keep_package_cache"`
}

// maxConfigFile caps the --config file onboard reads.
const maxConfigFile = 1 << 20

// applyConfig reads f.config and fills every choice whose flag was not
// given on the command line.
func applyConfig(fs *flag.FlagSet, f *installFlags) error {
	if f.config == "" {
		return nil
	}
	var c installConfig
	if st, err := os.Stat(f.config); err == nil && st.Size() > maxConfigFile {
		return &installer.UsageError{Msg: fmt.Sprintf("the config file %q is %d bytes; a config file is a few lines (at most %d bytes)", f.config, st.Size(), maxConfigFile)}
	}
	md, err := toml.DecodeFile(f.config, &c)
	if err != nil {
		return &installer.UsageError{Msg: fmt.Sprintf("failed to read the config file %q: %v", f.config, err)}
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return &installer.UsageError{Msg: fmt.Sprintf("the config file %q has unknown keys: %s", f.config, strings.Join(keys, ", "))}
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	dir := filepath.Dir(f.config)
	var bad error
	path := func(name string, v *string, dst *string) {
		if v == nil || set[name] {
			return
		}
		switch p := wizard.ExpandHome(*v); {
		case *v == "":
			if bad == nil {
				bad = &installer.UsageError{Msg: fmt.Sprintf("the config file %q gives %s as \"\"; give a path, or leave the key out for the default", f.config, name)}
			}
		case filepath.IsAbs(p):
			*dst = p // "~/acme" is in the home folder, as --prefix ~/acme is
		default:
			*dst = filepath.Join(dir, p)
		}
	}
	path("prefix", c.Prefix, &f.prefix)
	path("bundle", c.Bundle, &f.bundle)
	path("trust-key", c.TrustKey, &f.trustKey)
	path("log", c.Log, &f.logFile)
	if bad != nil {
		return bad
	}
	if c.Subdir != nil && !set["subdir"] {
		f.subdir = *c.Subdir
	}
	boolean := func(name string, v *bool, dst *bool, invert bool) {
		if v != nil && !set[name] {
			*dst = *v != invert
		}
	}
	boolean("all-users", c.AllUsers, &f.allUsers, false)
	boolean("no-launcher", c.JupyterLauncher, &f.noLauncher, true)
	boolean("no-maintenance-launcher", c.MaintenanceLauncher, &f.noMaintLauncher, true)
	boolean("no-shortcuts", c.Shortcuts, &f.noShortcuts, true)
	boolean("shell-setup", c.ShellSetup, &f.shellSetup, false)
	boolean("force", c.Force, &f.force, false)
	boolean("keep-package-cache", c.KeepPackageCache, &f.keepPackageCache, false)
	return nil
}

// fileLogf appends timestamped lines to path (--log FILE). The returned
// close function flushes and closes the file.
func fileLogf(path string) (installer.Logf, func(), error) {
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, &installer.UsageError{Msg: fmt.Sprintf("failed to open the log file %q: %v", path, err)}
	}
	var mu sync.Mutex
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(fh, "%s %s\n", time.Now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
	}
	return logf, func() { fh.Close() }, nil
}
