//go:build !unix

package bundle

func diskUsage(string) (int64, bool) { return 0, false }
