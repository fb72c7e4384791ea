//go:build !unix

package platform

func umask(m int) int { return 0 }
