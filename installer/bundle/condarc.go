package bundle

import (
	"fmt"
	"strings"
)

// CondarcHeader starts what CondarcYAML writes: conda config keeps it in
// a file it rewrites.
const CondarcHeader = "# written by onboard from the bundle\n"

// CondarcYAML renders the manifest's condarc, and its menu_packages as
// conda's shortcuts_only (none: shortcuts false), so that a package conda
// installs later follows the same rule: the install's .condarc. nil when
// it has neither.
func (m *Manifest) CondarcYAML() []byte {
	c, menuPackages := m.Condarc, m.MenuPackages
	if c == nil && menuPackages == nil {
		return nil
	}
	var b strings.Builder
	b.WriteString(CondarcHeader)
	if menuPackages != nil {
		if len(*menuPackages) == 0 {
			b.WriteString("shortcuts: false\n")
		} else {
			b.WriteString("shortcuts_only:\n")
			for _, n := range *menuPackages {
				fmt.Fprintf(&b, "  - %q\n", n)
			}
		}
	}
	if c == nil {
		return []byte(b.String())
	}
	if len(c.Channels) > 0 {
		b.WriteString("channels:\n")
		for _, ch := range c.Channels {
			fmt.Fprintf(&b, "  - %s\n", ch)
		}
	}
	if c.Offline {
		b.WriteString("offline: true\n")
	}
	if c.Solver != "" {
		fmt.Fprintf(&b, "solver: %s\n", c.Solver)
	}
	if c.RepodataUseZst != nil {
		fmt.Fprintf(&b, "repodata_use_zst: %t\n", *c.RepodataUseZst)
	}
	if c.RepodataUseShards != nil {
		fmt.Fprintf(&b, "repodata_use_shards: %t\n", *c.RepodataUseShards)
	}
	if c.AddPipAsPythonDependency != nil {
		fmt.Fprintf(&b, "add_pip_as_python_dependency: %t\n", *c.AddPipAsPythonDependency)
	}
	return []byte(b.String())
}
