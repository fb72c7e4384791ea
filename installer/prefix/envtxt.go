package prefix

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"onboard/internal/atomicfile"
	"onboard/internal/filelock"
)

// DefaultEnvironmentsTxt returns ~/.conda/environments.txt.
func DefaultEnvironmentsTxt() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("failed to find the home folder for environments.txt: %w", err)
	}
	if fi, err := os.Stat(home); err != nil || !fi.IsDir() {
		// a system account's /nonexistent: no home folder is made
		return "", fmt.Errorf("the home folder %q does not exist, so there is no ~/.conda/environments.txt to list the install in", home)
	}
	return filepath.Join(home, ".conda", "environments.txt"), nil
}

// EnvironmentsTxtPath resolves an EnvironmentsTxt option of verify, repair
// and uninstall: "" = the user's ~/.conda/environments.txt (none when the
// home folder is unknown), "-" = none (""), else the path given.
func EnvironmentsTxtPath(opt string) string {
	switch opt {
	case "-":
		return ""
	case "":
		p, err := DefaultEnvironmentsTxt()
		if err != nil {
			return ""
		}
		return p
	}
	return opt
}

// RegisterEnv appends prefixDir to the environments.txt at path unless a
// line already names it, as conda's register_env does. It reports whether
// it added the line.
func RegisterEnv(path, prefixDir string) (bool, error) {
	entry := filepath.Clean(prefixDir)
	defer filelock.Replaced(path)() // two onboards at once lose none of each other's lines; conda does not lock it
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("failed to read %q: %w", path, err)
	}
	if HasEnv(old, entry) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, fmt.Errorf("failed to create the folder of %q: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return false, fmt.Errorf("failed to open %q: %w", path, err)
	}
	var add []byte
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		add = append(add, '\n')
	}
	add = append(add, entry+"\n"...)
	if _, err := f.Write(add); err != nil {
		f.Close()
		return false, fmt.Errorf("failed to write %q: %w", path, err)
	}
	return true, f.Close()
}

// EnvRemovedWithConda tells whether the env at envDir, of the install at
// base, was removed as conda removes one (conda env remove, conda remove
// -n NAME --all): its folder is gone, and the environments.txt at envsTxt,
// which the install wrote base and its envs into, still names base but no
// longer envDir (conda unregisters what it removes). A folder deleted by
// other means leaves its line, and is damage; so is any env gone where the
// list does not name the install (another user's list, which the install
// never wrote). An env renamed with conda (RenamedTo) is removed with
// conda too, whatever the list says. False when there is no list to read.
func EnvRemovedWithConda(envDir, base, envsTxt string) bool {
	if envsTxt == "" {
		return false
	}
	if _, err := os.Lstat(envDir); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if RenamedTo(envDir, base) != "" {
		return true // conda rename keeps the old line
	}
	data, err := os.ReadFile(envsTxt)
	return err == nil && HasEnv(data, filepath.Clean(base)) && !HasEnv(data, filepath.Clean(envDir))
}

// HasEnv reports whether environments.txt data lists prefixDir.
func HasEnv(data []byte, prefixDir string) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == prefixDir {
			return true
		}
	}
	return false
}

// Unregister removes from the environments.txt at path every line that
// names root or a folder under it (an install and its envs). Other lines
// stay byte for byte, line endings included, and the file is replaced
// atomically with its permissions kept. It returns how many lines it
// removed; a missing file is not an error. A symlink is followed.
func Unregister(path, root string) (int, error) {
	// A list kept elsewhere and linked here (dotfiles) is changed where it
	// is: the link stays a link.
	fi, err := os.Lstat(path)
	linked := err == nil && fi.Mode()&fs.ModeSymlink != 0 // the list itself, not a folder above it
	if r, err := filepath.EvalSymlinks(path); err == nil {
		path = r
	}
	defer filelock.Replaced(path)()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("failed to read %q: %w", path, err)
	}
	kept, removed := dropLinesUnder(data, root)
	if removed == 0 {
		return 0, nil
	}
	if len(bytes.TrimSpace(kept)) == 0 && !linked {
		// nothing left: gone, and ~/.conda with it when it holds nothing
		// else, as the install's own rollback leaves them (conda makes
		// both again as it needs them; an uninstall left them empty)
		if err := os.Remove(path); err != nil {
			return 0, fmt.Errorf("failed to remove %q, whose only lines were those to take out: %w", path, err)
		}
		if dir := filepath.Dir(path); filepath.Base(dir) == ".conda" {
			os.Remove(dir) // fails, as it should, when not empty
		}
		return removed, nil
	}
	if err := atomicfile.Replace(path, kept); err != nil {
		return 0, err
	}
	return removed, nil
}

// dropLinesUnder returns data without the lines naming root or a path
// under it, and how many it dropped.
// A line naming it through a symlink (a folder above the install linked
// elsewhere, /data -> /mnt/data) is one of them too, while both resolve.
func dropLinesUnder(data []byte, root string) ([]byte, int) {
	root = filepath.Clean(root)
	realRoot, rerr := filepath.EvalSymlinks(root)
	var out bytes.Buffer
	removed := 0
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i+1]
		}
		data = data[len(line):]
		p := strings.TrimSpace(string(line))
		if namesUnder(p, root) || rerr == nil && p != "" && namesUnder(resolved(p), realRoot) {
			removed++
			continue
		}
		out.Write(line)
	}
	return out.Bytes(), removed
}

// resolved is p with its symlinks resolved ("" when it cannot be).
func resolved(p string) string {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return ""
	}
	return r
}

// namesUnder tells whether the line p is root or a path inside it.
func namesUnder(p, root string) bool {
	if p == "" {
		return false
	}
	c := filepath.Clean(p)
	return c == root || strings.HasPrefix(c, root+string(filepath.Separator))
}
