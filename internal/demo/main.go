// Command demo writes onboard's demo bundle: small stand-in packages (a
// fake python, a conda stub and a jupyterlab whose jupyter is the
// jupyterstub program, cross-built here for each subdir) for linux-64,
// osx-64, osx-arm64 and win-64, built with onboard's own bundle builder.
// The output is byte-for-byte the same on every run with the same Go.
//
//	go run ./internal/demo -o assets/demo/bundle.zip [-version V] [-go GO] [-menu] [-subdirs win-64,...]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	out := flag.String("o", "assets/demo/bundle.zip", "the bundle zip to write")
	flag.StringVar(&Version, "version", Version, "the bundle's version (a newer one tests upgrades)")
	flag.StringVar(&GoCommand, "go", GoCommand, "the go command that cross-builds the jupyter stand-in")
	flag.BoolVar(&WithMenu, "menu", false, "give the team env's jupyterlab a menu file whose Windows item registers a URL protocol and a file extension (the Wine test's)")
	subdirs := flag.String("subdirs", strings.Join(Subdirs, ","), "the subdirs to carry, comma-separated")
	flag.Parse()
	Subdirs = strings.Split(*subdirs, ",")
	if err := Make(context.Background(), *out); err != nil {
		fmt.Fprintf(os.Stderr, "demo: error: %v\n", err)
		os.Exit(1)
	}
}
