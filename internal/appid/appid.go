// Package appid is the program's identity, spelled once: the ID the GUI
// keeps its preferences and storage under (app.NewWithID), the macOS
// bundle identifier (internal/macapp) and the assembly name of the
// Windows manifest (internal/winresgen). FyneApp.toml, which the fyne
// tool reads, says the same; a test holds it to this.
package appid

// ID is the reverse-DNS application ID.
const ID = "io.onboard.installer"
