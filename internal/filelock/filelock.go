// Package filelock locks a file that is edited by reading it whole and
// replacing it atomically (write a temp file, rename it over): a user's
// shell start-up file, mimeapps.list, conda's environments.txt. Two
// onboards editing one such file at once (two installs, an install and an
// uninstall) each read it, change it and replace it, and the second
// replace drops the first one's change; with the lock the second reads
// what the first wrote.
package filelock
