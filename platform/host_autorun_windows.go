package platform

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

const autoRunKey = `Software\Microsoft\Command Processor`

// removeHostCondaAutoRun takes the hook `conda init cmd.exe` added for the
// conda of prefix out of cmd.exe's AutoRun values (RemoveCondaAutoRun):
// this user's, and the machine's that `conda init --system` writes (audit
// Z: it was left), keeping each value's type; a value left empty is
// deleted. It returns the values it changed.
func removeHostCondaAutoRun(prefix string) (changed []string, err error) {
	for _, root := range []struct {
		key  registry.Key
		name string
	}{{registry.CURRENT_USER, "HKEY_CURRENT_USER"}, {registry.LOCAL_MACHINE, "HKEY_LOCAL_MACHINE"}} {
		ok, rerr := removeCondaAutoRunIn(root.key, root.name, prefix)
		err = errors.Join(err, rerr)
		if ok {
			changed = append(changed, root.name+`\`+autoRunKey+`\AutoRun`)
		}
	}
	return changed, err
}

// removeCondaAutoRunIn is removeHostCondaAutoRun for the AutoRun value
// under root (named name in messages). The value is read first, and opened
// for writing only when it holds the hook: the machine's may be written
// only by an administrator.
func removeCondaAutoRunIn(root registry.Key, name, prefix string) (bool, error) {
	where := name + `\` + autoRunKey + `\AutoRun`
	k, err := registry.OpenKey(root, autoRunKey, registry.QUERY_VALUE|registry.WOW64_64KEY) // a 32-bit build reads the key cmd.exe reads
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf(`failed to open %s\%s: %w`, name, autoRunKey, err)
	}
	val, typ, err := k.GetStringValue("AutoRun")
	k.Close()
	if errors.Is(err, registry.ErrNotExist) || errors.Is(err, registry.ErrUnexpectedType) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf(`failed to read %s: %w`, where, err)
	}
	out, found := RemoveCondaAutoRun(val, prefix)
	if !found {
		return false, nil
	}
	k, err = registry.OpenKey(root, autoRunKey, registry.SET_VALUE|registry.WOW64_64KEY)
	if err == nil {
		defer k.Close()
		switch {
		case out == "":
			err = k.DeleteValue("AutoRun")
		case typ == registry.EXPAND_SZ:
			err = k.SetExpandStringValue("AutoRun", out)
		default:
			err = k.SetStringValue("AutoRun", out)
		}
	}
	if err != nil {
		return false, fmt.Errorf(`failed to take the conda init hook of %s out of %s: %w; remove it with regedit (as an administrator for HKEY_LOCAL_MACHINE)`, prefix, where, err)
	}
	return true, nil
}
