//go:build !windows

package platform

// removeHostCondaAutoRun: cmd.exe's AutoRun value is Windows' only.
func removeHostCondaAutoRun(string) ([]string, error) { return nil, nil }
