package platform

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"onboard/internal/filelock"
)

// RemoveHostCondaInit takes out of this user's start-up files
// (CondaInitFiles) the blocks `conda init` wrote for the conda of prefix,
// and on Windows its hook out of cmd.exe's AutoRun value, as
// `conda init --reverse` would, and returns the files it changed (and
// the AutoRun value's registry path). An
// uninstall left them, running a conda that was gone in every new shell
// (audit W1); constructor's uninstaller reverses them too.
func RemoveHostCondaInit(prefix string, logf Logf) (changed []string, err error) {
	for _, f := range CondaInitFiles(HostTarget(), HostEnv()) {
		f = resolveLink(f)
		if ok, ferr := removeCondaInitFrom(f, prefix); ferr != nil {
			err = errors.Join(err, ferr)
		} else if ok {
			if logf != nil {
				logf("removed the conda init block of %s from %q", prefix, f)
			}
			changed = append(changed, f)
		}
	}
	values, rerr := removeHostCondaAutoRun(prefix)
	err = errors.Join(err, rerr)
	for _, v := range values {
		if logf != nil {
			logf(`removed the conda init hook of %s from cmd.exe's AutoRun value %s`, prefix, v)
		}
		changed = append(changed, v)
	}
	return changed, err
}

func removeCondaInitFrom(f, prefix string) (bool, error) {
	defer filelock.Replaced(f)()
	old, err := os.ReadFile(f)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("failed to read %q: %w", f, err)
	}
	out, found := RemoveCondaInit(old, prefix)
	if !found {
		return false, nil
	}
	if err := atomicWrite(f, bytes.NewReader(out), fileMode(f, 0o644)); err != nil {
		return false, fmt.Errorf("failed to remove the conda init block of %s from %q: %w; remove it by hand", prefix, f, err)
	}
	return true, nil
}
