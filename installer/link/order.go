package link

import (
	"sort"
	"strings"
)

// DependsName returns the package name of a depends spec ("python >=3.8"
// → "python", "numpy[version='>=1']" → "numpy", "conda-forge::x 1" → "x").
func DependsName(spec string) string {
	s := strings.TrimSpace(spec)
	if i := strings.LastIndex(s, "::"); i >= 0 {
		s = s[i+2:]
	}
	if i := strings.IndexAny(s, " =<>!~[;,|*"); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(s)
}

// Order returns the indexes of packages in link order: dependencies first
// (by the names in their depends), ties and cycles broken by name, as
// conda's topological sort of a transaction.
func Order(names []string, depends [][]string) []int {
	idx := map[string]int{}
	for i, n := range names {
		idx[strings.ToLower(n)] = i
	}
	deps := make([]map[int]bool, len(names))
	for i, ds := range depends {
		deps[i] = map[int]bool{}
		for _, d := range ds {
			if j, ok := idx[DependsName(d)]; ok && j != i {
				deps[i][j] = true
			}
		}
	}
	done := make([]bool, len(names))
	byName := make([]int, len(names))
	for i := range byName {
		byName[i] = i
	}
	sort.SliceStable(byName, func(a, b int) bool { return names[byName[a]] < names[byName[b]] })
	var out []int
	for len(out) < len(names) {
		progressed := false
		for _, i := range byName {
			if done[i] || !ready(deps[i], done) {
				continue
			}
			done[i] = true
			out = append(out, i)
			progressed = true
			break
		}
		if !progressed { // a cycle: take the first remaining by name
			for _, i := range byName {
				if !done[i] {
					done[i] = true
					out = append(out, i)
					break
				}
			}
		}
	}
	return out
}

func ready(deps map[int]bool, done []bool) bool {
	for j := range deps {
		if !done[j] {
			return false
		}
	}
	return true
}
