package maintain

import (
	"fmt"
	"io"
	"strings"

	"onboard/internal/humanize"
)

// Group is the problems of one package (or env-wide ones, Package "") of
// one env, for showing people.
type Group struct {
	Env      string
	Package  string
	Problems []Problem
}

// Groups returns the problems grouped by env and package, in report order.
func (r *Report) Groups() []Group {
	var out []Group
	for _, p := range r.Problems {
		if n := len(out); n > 0 && out[n-1].Env == p.Env && out[n-1].Package == p.Package {
			out[n-1].Problems = append(out[n-1].Problems, p)
			continue
		}
		out = append(out, Group{Env: p.Env, Package: p.Package, Problems: []Problem{p}})
	}
	return out
}

// WriteText writes the report for people, grouped by package.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	what := r.Prefix
	if r.Env != "" {
		what = fmt.Sprintf("environment %s of %s", r.Env, r.Prefix)
	}
	// in the maintenance window's words ("files checked"), its figures
	// after them (audit BC 10: "paths" and "hashed" were the engine's)
	fmt.Fprintf(&b, "Checked %s: %s, %s, %s (%s read in %.2f s).\n", what, humanize.Count(len(r.Envs), "environment"),
		humanize.Count(r.Packages, "package"), humanize.Count(r.Files, "file"), humanize.Bytes(r.Bytes), r.Elapsed.Seconds())
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, g := range r.Groups() {
		title := g.Package
		if title == "" {
			title = "(environment)"
		}
		fmt.Fprintf(&b, "\n%s: %s\n", g.Env, title)
		for _, p := range g.Problems {
			fmt.Fprintf(&b, "  %-17s %s", p.Kind.Words(), p.Path)
			if p.Detail != "" {
				fmt.Fprintf(&b, "  (%s)", p.Detail)
			}
			b.WriteByte('\n')
		}
	}
	if r.Healthy {
		b.WriteString("Healthy: no problems found.\n")
	} else {
		fmt.Fprintf(&b, "\n%s found.\n", humanize.Count(len(r.Problems), "problem"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Words is the kind as the text report says it to people: "wrong size",
// not the JSON's "wrong_size" (audit Y3), and the files it names by their
// names.
func (k ProblemKind) Words() string {
	switch k {
	case ProblemEnvironmentsTxt:
		return "environments.txt"
	case ProblemNonAdmin:
		return ".nonadmin"
	}
	return strings.ReplaceAll(string(k), "_", " ")
}
