package bundle

import (
	"encoding/json"
	"fmt"
	"strconv"
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
			fmt.Fprintf(&b, "  - %s\n", yamlString(ch))
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

// yamlString writes s as a YAML string: as it is where YAML reads it so
// (a channel URL, name or path, as older onboards wrote them, whose files
// an upgrade compares), else double-quoted, with JSON's escapes, which
// YAML's double-quoted style reads the same: a channel ending in ":"
// was a mapping to conda, "~/chan" or "${VAR}/x" fine but "*x" or "[x]"
// not, and "null" no string at all.
func yamlString(s string) string {
	plain := s != "" && !strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@` \t") &&
		!strings.HasSuffix(s, ":") && !strings.HasSuffix(s, " ") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.ContainsAny(s, "\n\r\t")
	switch strings.ToLower(s) {
	case "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n":
		plain = false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		plain = false
	}
	if plain {
		return s
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
