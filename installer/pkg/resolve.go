package pkg

import (
	"path"
	"sort"
	"strings"
)

// maxHops bounds symlink chains, as the kernel's ELOOP does.
const maxHops = 40

// checkLinks follows every symlink the package made, through chains of
// its other symlinks, and refuses the package if one leads outside it.
// Dangling links are allowed (real packages have them).
func (u *untar) checkLinks() error {
	names := make([]string, 0, len(u.links))
	for rel := range u.links {
		names = append(names, rel)
	}
	sort.Strings(names)
	for _, rel := range names {
		if !u.resolvesInside(rel) {
			return u.unsafe(rel, "symlink "+rel+" -> "+u.links[rel]+" leads outside the package")
		}
	}
	return nil
}

// resolvesInside walks rel component by component the way the kernel
// would, substituting the package's own symlinks, and reports whether the
// walk stays under the package root.
func (u *untar) resolvesInside(rel string) bool {
	todo := strings.Split(rel, "/")
	var cur []string
	for hops := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return false
			}
			cur = cur[:len(cur)-1]
			continue
		}
		cur = append(cur, c)
		t, ok := u.links[u.canon(path.Join(cur...))] // A/UP is the symlink a/up where names fold
		if !ok {
			continue
		}
		if hops++; hops > maxHops {
			return true // a loop: the kernel refuses it, nothing escapes
		}
		if badTarget(t) != "" {
			return false
		}
		cur = cur[:len(cur)-1]
		todo = append(strings.Split(t, "/"), todo...)
	}
	return true
}
