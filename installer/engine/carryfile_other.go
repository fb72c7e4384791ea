//go:build !unix && !windows

package engine

// MayShare: elsewhere (Plan 9, wasm) a per-user install is the user's, as is the file
// they run (a hard link shares its access rules); an install for all
// users never shares it (CarryFile).
func MayShare(path string) bool { return true }
