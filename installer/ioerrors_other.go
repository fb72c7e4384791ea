//go:build !unix && !windows

package installer

func isDiskFull(error) bool   { return false }
func isReadOnlyFS(error) bool { return false }
