package main

// needParentConsole decides whether onboard should borrow its parent's
// console (Windows GUI build only; see console_windows.go): with no
// arguments it is a double-click and shows the wizard without a console;
// with arguments it wants one unless every standard stream is already
// connected (redirected, or the console build).
func needParentConsole(args []string, stdin, stdout, stderr bool) bool {
	return len(args) > 0 && !(stdin && stdout && stderr)
}
