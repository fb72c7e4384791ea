package platform

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

const autoRunKey = `Software\Microsoft\Command Processor`

// removeHostCondaAutoRun takes the hook `conda init cmd.exe` added for the
// conda of prefix out of this user's cmd.exe AutoRun value
// (RemoveCondaAutoRun), keeping the value's type; a value left empty is
// deleted. It says whether it changed the value.
func removeHostCondaAutoRun(prefix string) (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, autoRunKey, registry.QUERY_VALUE|registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf(`failed to open HKEY_CURRENT_USER\%s: %w`, autoRunKey, err)
	}
	defer k.Close()
	val, typ, err := k.GetStringValue("AutoRun")
	if errors.Is(err, registry.ErrNotExist) || errors.Is(err, registry.ErrUnexpectedType) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf(`failed to read HKEY_CURRENT_USER\%s\AutoRun: %w`, autoRunKey, err)
	}
	out, found := RemoveCondaAutoRun(val, prefix)
	if !found {
		return false, nil
	}
	switch {
	case out == "":
		err = k.DeleteValue("AutoRun")
	case typ == registry.EXPAND_SZ:
		err = k.SetExpandStringValue("AutoRun", out)
	default:
		err = k.SetStringValue("AutoRun", out)
	}
	if err != nil {
		return false, fmt.Errorf(`failed to take the conda init hook of %s out of HKEY_CURRENT_USER\%s\AutoRun: %w; remove it with regedit`, prefix, autoRunKey, err)
	}
	return true, nil
}
