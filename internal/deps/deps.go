//go:build tools

// Package deps pins modules that the project uses, so that parallel work on
// different packages does not race on go.mod. It is never built.
package deps

import (
	_ "fyne.io/fyne/v2"
	_ "github.com/BurntSushi/toml"
	_ "github.com/dsnet/compress/bzip2"
	_ "github.com/go-ole/go-ole"
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/mholt/archives"
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/term"
	_ "howett.net/plist"
)
