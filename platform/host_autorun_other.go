//go:build !windows

package platform

// removeHostCondaAutoRun: cmd.exe's AutoRun value is Windows' only.
func removeHostCondaAutoRun(string) (bool, error) { return false, nil }
