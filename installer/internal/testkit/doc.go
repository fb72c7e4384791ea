// Package testkit holds what the tests of installer, installer/maintain and
// installer/uninstall share: the fixture install of real packages and its
// bundle, snapshots of a prefix tree, and small file helpers. It is used
// only by tests (being internal, nothing outside installer/ can reach it)
// and imports no operation, so that each of those packages' own tests may
// import it; the install a fixture needs comes in as an argument
// ([EnvInstall]).
package testkit
