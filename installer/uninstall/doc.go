// Package uninstall removes an install that onboard made ([Run]): the
// pre-unlink scripts, Jupyter servers and programs still running from the
// prefix, launchers and shell set-up, its lines of environments.txt, then
// the prefix itself (around the running maintenance app when it lives
// there), journaled beside the prefix so that a killed uninstall is
// finished by the next run. [StopJupyterRecord] stops one Jupyter server
// from its record (app/launch uses it too).
//
// It imports installer/engine and the installer/ leaves, never the install
// (package installer) or installer/maintain.
package uninstall
