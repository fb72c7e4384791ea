package platform

import (
	"errors"
	"fmt"
	"strings"
)

// regStore is what onboard does to the Windows registry. winRegistry
// (host_windows.go) is the real one; the logic that decides what to
// write, keep and delete is here, plain Go that tests run on Linux
// against a registry in memory.
type regStore interface {
	// read returns the string values of a key ("" is its default
	// value); errRegMissing when the key does not exist.
	read(root, key string) (map[string]string, error)
	// set creates the key (and its parents) and writes vals, all of the
	// key itself (their Key is ignored).
	set(root, key string, vals []RegValue) error
	deleteKey(root, key string) error  // without subkeys; a key already gone is fine
	deleteTree(root, key string) error // with its subkeys; a key already gone is fine
	deleteValue(root, key, name string) error
	// deleteIfEmpty deletes the key when it holds no value and no
	// subkey, and tells whether it is gone.
	deleteIfEmpty(root, key string) (bool, error)
	// associationsChanged tells the Shell that file or URL associations
	// changed (SHChangeNotify), so Explorer shows them at once.
	associationsChanged()
}

// errRegMissing is a registry key that does not exist.
var errRegMissing = errors.New("the registry key does not exist")

// association tells whether e is a package's file or URL association.
func (e RegistryEntry) association() bool { return e.Marker != "" || e.Shared }

// setEntry writes e: the values of its key, and those of each subkey
// they name, in order.
func setEntry(r regStore, e RegistryEntry) error {
	var keys []string
	byKey := map[string][]RegValue{}
	for _, v := range e.Values {
		p := e.Path(v)
		if _, ok := byKey[p]; !ok {
			keys = append(keys, p)
		}
		byKey[p] = append(byKey[p], v)
	}
	if len(keys) == 0 {
		keys = []string{e.Key}
	}
	for _, k := range keys {
		if err := r.set(e.Root, k, byKey[k]); err != nil {
			return fmt.Errorf("failed to write registry key %s\\%s: %w", e.Root, k, err)
		}
	}
	return nil
}

// ours tells whether the marked key of e is still this install's: its
// marker as recorded, and its command as recorded or naming a file in
// prefix (menuinst's .bat in PREFIX\Menu, when conda registered the
// same item again). It is false when the key is gone, too.
func ours(r regStore, e RegistryEntry, prefix string) (bool, error) {
	read := func(root, key string) (map[string]string, error) {
		v, err := r.read(root, key)
		if errors.Is(err, errRegMissing) {
			return nil, nil
		}
		return v, err
	}
	vals, err := read(e.Root, e.Key)
	if err != nil || vals == nil {
		return false, err
	}
	cmd, err := read(e.Root, e.Key+`\`+openCommandKey)
	if err != nil {
		return false, err
	}
	return sameOwner(e, vals, cmd[""], prefix), nil
}

// sameOwner tells whether a marked key whose values are vals and whose
// open command is cmd is e's, of the install at prefix.
func sameOwner(e RegistryEntry, vals map[string]string, cmd, prefix string) bool {
	mark, _ := e.Value(e.Marker)
	if vals[e.Marker] != mark.Str {
		return false
	}
	return strings.EqualFold(cmd, e.command()) ||
		(prefix != "" && strings.Contains(strings.ToLower(cmd), strings.ToLower(strings.TrimRight(prefix, `\`)+`\`)))
}

// removeEntries deletes what entries recorded for the install at prefix
// (see [RegistryEntry]): a marked key only while it is its own (ours), a
// shared key's values only once the key they serve is gone. Things
// already gone are fine.
func removeEntries(r regStore, entries []RegistryEntry, prefix string, logf Logf) error {
	var errs []error
	fail := func(e RegistryEntry, key string, err error) {
		errs = append(errs, fmt.Errorf("failed to remove registry key %s\\%s: %w", e.Root, key, err))
	}
	assoc := false
	for _, e := range entries {
		assoc = assoc || e.association()
		if why := notOnboards(e); why != "" {
			errs = append(errs, fmt.Errorf("refused to remove registry key %s\\%s: %s, not a key onboard makes; the launcher record may have been changed", e.Root, e.Key, why))
			continue
		}
		switch {
		case e.Marker != "":
			mine, err := ours(r, e, prefix)
			if err != nil {
				fail(e, e.Key, err)
				continue
			}
			if !mine {
				if _, err := r.read(e.Root, e.Key); err == nil {
					logf.printf("platform: left %s\\%s: another program or install has registered it since", e.Root, e.Key)
				}
				continue
			}
			if err := r.deleteTree(e.Root, e.Key); err != nil {
				fail(e, e.Key, err)
			}
		case e.Shared:
			if e.With != "" {
				if _, err := r.read(e.Root, e.With); !errors.Is(err, errRegMissing) {
					logf.printf("platform: left the values of %s\\%s: %s is still there", e.Root, e.Key, e.With)
					continue
				}
			}
			for _, v := range e.Values {
				if err := r.deleteValue(e.Root, e.Path(v), v.Name); err != nil && !errors.Is(err, errRegMissing) {
					fail(e, e.Path(v), err)
				}
			}
			// The key and its parents while empty, down to Software\Classes.
			for k := e.Key; belowClasses(k); k = k[:strings.LastIndexByte(k, '\\')] {
				if gone, err := r.deleteIfEmpty(e.Root, k); err != nil || !gone {
					break
				}
			}
		default:
			if err := r.deleteKey(e.Root, e.Key); err != nil {
				fail(e, e.Key, err)
			}
		}
	}
	if assoc {
		r.associationsChanged()
	}
	return errors.Join(errs...)
}

// notOnboards says why a recorded entry cannot be one onboard made, so
// that a changed record cannot have Remove delete other keys: an
// association is a class of its own below Software\Classes with its
// marker and command, or an extension's OpenWithProgids; anything else
// an "Apps & features" entry. "" when it can be.
func notOnboards(e RegistryEntry) string {
	class, _ := strings.CutPrefix(e.Key, classesKey+`\`)
	switch {
	case e.Root != "HKCU" && e.Root != "HKLM":
		return "its root is neither HKCU nor HKLM"
	case e.Marker != "":
		mark, _ := e.Value(e.Marker)
		if !belowClasses(e.Key) || strings.Contains(class, `\`) || mark.Str == "" || e.command() == "" {
			return "it is no class below Software\\Classes with a marker and a command"
		}
	case e.Shared:
		ext, ok := strings.CutSuffix(class, `\OpenWithProgids`)
		if !belowClasses(e.Key) || !ok || !strings.HasPrefix(ext, ".") || strings.Contains(ext, `\`) {
			return "it is no extension's OpenWithProgids"
		}
	default:
		parent, name, _ := strings.Cut(strings.TrimPrefix(e.Key, UninstallKeyParent+`\`), `\`)
		if !strings.HasPrefix(e.Key, UninstallKeyParent+`\`) || parent == "" || name != "" {
			return "it is no \"Apps & features\" entry"
		}
	}
	return ""
}

// belowClasses tells whether key is strictly below Software\Classes.
func belowClasses(key string) bool {
	return len(key) > len(classesKey)+1 && strings.EqualFold(key[:len(classesKey)+1], classesKey+`\`)
}

// applyEntries writes entries and appends each to rec once written.
func applyEntries(r regStore, entries []RegistryEntry, rec *Record, logf Logf) error {
	assoc := false
	defer func() {
		if assoc {
			r.associationsChanged()
		}
	}()
	for _, e := range entries {
		if err := setEntry(r, e); err != nil {
			return err
		}
		assoc = assoc || e.association()
		rec.Registry = append(rec.Registry, e)
		logf.printf("platform: wrote registry key %s\\%s", e.Root, e.Key)
	}
	return nil
}
