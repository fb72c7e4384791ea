package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Each install owns its launchers. An install in the bundle's default
// folder (DefaultPrefix for the same users) keeps the plain names; an
// install anywhere else is an instance labelled with its folder's name:
// "Jupyter Lab (other-python)", "Acme Python (other-python)", and its ids
// and file names carry a hash of its prefix. So a second install of the
// same bundle in another folder gets launchers of its own, on every OS,
// and removing either install leaves the other's alone.

// InstanceLabel is what an install's launcher names carry after the
// name: "" in the default folder, else the folder's name.
func InstanceLabel(t Target, env Env, app AppInfo, allUsers bool) string {
	if def, err := DefaultPrefix(t, env, app.Name, allUsers); err == nil && samePrefix(t, def, app.Prefix) {
		return ""
	}
	return shortLabel(t.Base(app.Prefix))
}

// maxLabel is how many characters of the folder's name a label keeps: the
// label goes into launcher names, file names among them, which must fit
// in a folder entry (255 bytes) with the product's and launcher's names;
// the prefix's hash (idSuffix) keeps two folders of one start apart.
const maxLabel = 40

func shortLabel(name string) string {
	r := []rune(name)
	if len(r) <= maxLabel {
		return name
	}
	return string(r[:maxLabel-1]) + "…"
}

func samePrefix(t Target, a, b string) bool {
	a, b = trimRightSep(a, t.Sep()), trimRightSep(b, t.Sep())
	if t.OS == "windows" || t.OS == "darwin" { // case-insensitive file systems by default
		return strings.EqualFold(a, b)
	}
	return a == b
}

// prefixHash is 8 hex digits of sha256 of the prefix (lower-cased, as
// Windows compares paths).
func prefixHash(prefix string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(prefix)))
	return hex.EncodeToString(sum[:4])
}

// ownInstance labels app and items when the install is not in the default
// folder. The returned app's idSuffix makes its ids and icon names unique.
func ownInstance(t Target, env Env, app AppInfo, items []LauncherSpec, allUsers bool) (AppInfo, []LauncherSpec) {
	label := InstanceLabel(t, env, app, allUsers)
	if label == "" {
		return app, items
	}
	app.Name = app.Name + " (" + label + ")"
	app.idSuffix = "-" + prefixHash(app.Prefix)
	out := make([]LauncherSpec, len(items))
	for i, it := range items {
		it.Name = it.Name + " (" + label + ")"
		out[i] = it
	}
	return app, out
}
