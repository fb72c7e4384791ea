package main

import (
	"strings"

	"onboard/internal/condatest"
)

func windows(sd string) bool { return strings.HasPrefix(sd, "win-") }

func pkgSpec(sd, name, version string, depends []string, files []condatest.File) condatest.Spec {
	return condatest.Spec{
		Name: name, Version: version, Build: "demo_0", Subdir: sd, Depends: depends,
		License: "Public-Domain", Timestamp: timestamp, Files: files,
	}
}

// pythonSpec is a stand-in "python": a script that says it is one.
func pythonSpec(sd string) condatest.Spec {
	const msg = "This is the onboard demo: there is no real Python in it. Ask your platform team for the real installer."
	if windows(sd) {
		bat := "@echo off\r\nif \"%1\"==\"--version\" (echo Python " + pyVer + ".0 ^(onboard demo stand-in^)& exit /b 0)\r\necho " + msg + "\r\nexit /b 1\r\n"
		return pkgSpec(sd, "python", pyVer+".0", nil, []condatest.File{{Path: "python.bat", Data: []byte(bat)}})
	}
	sh := "#!/bin/sh\ncase \"$1\" in --version|-V) echo \"Python " + pyVer + ".0 (onboard demo stand-in)\"; exit 0;; esac\necho '" + msg + "' >&2\nexit 1\n"
	return pkgSpec(sd, "python", pyVer+".0", nil, []condatest.File{
		{Path: "bin/python" + pyVer, Data: []byte(sh), Mode: 0o755},
		{Path: "bin/python3", Symlink: "python" + pyVer},
		{Path: "bin/python", Symlink: "python" + pyVer},
	})
}

// condaSpec is a conda stub: its record makes the prefix look like a
// Miniconda base; its command says that it is a demo.
func condaSpec(sd string) condatest.Spec {
	const msg = "conda is not part of the onboard demo bundle."
	deps := []string{"python >=" + pyVer + ",<" + pyVer + ".1.0a0"}
	if windows(sd) {
		return pkgSpec(sd, "conda", "24.1.0", deps, []condatest.File{{Path: "Scripts/conda.bat", Data: []byte("@echo off\r\necho " + msg + "\r\nexit /b 1\r\n")}})
	}
	return pkgSpec(sd, "conda", "24.1.0", deps, []condatest.File{{Path: "bin/conda", Data: []byte("#!/bin/sh\necho '" + msg + "' >&2\nexit 1\n"), Mode: 0o755}})
}

// jupyterSpec is a "jupyterlab" stand-in: its jupyter command is stub,
// the jupyterstub program built for sd (a small web server that speaks like
// `jupyter lab`), as bin/jupyter or Scripts\jupyter.exe. Its archive is
// compressed hard: the demo bundle is embedded in every onboard binary.
func jupyterSpec(sd string, stub []byte) condatest.Spec {
	deps := []string{"python >=" + pyVer + ",<" + pyVer + ".1.0a0"}
	f := condatest.File{Path: "bin/jupyter", Data: stub, Mode: 0o755}
	if windows(sd) {
		f = condatest.File{Path: "Scripts/jupyter.exe", Data: stub}
	}
	files := []condatest.File{f}
	if WithMenu {
		files = append(files, condatest.File{Path: "Menu/onboard-demo.json", Data: []byte(demoMenu)})
	}
	s := pkgSpec(sd, "jupyterlab", "4.2.0", deps, files)
	s.ZstdLevel = 19
	return s
}

// WithMenu gives jupyterlab demoMenu (`-menu`): the Wine test installs
// such a bundle to check a package's file and URL associations end to
// end. The demo embedded in onboard has none.
var WithMenu bool

// demoMenu is a menuinst v2 menu file whose Windows item opens
// onboard-demo: URLs and .onbdemo files by writing what it was given to
// C:\onboard-url.txt, in its env activated.
const demoMenu = `{
  "$schema": "https://schemas.conda.org/menuinst-1-1-1.schema.json",
  "menu_name": "Onboard Demo tools",
  "menu_items": [{
    "name": "Onboard Demo Opener",
    "description": "Writes the URL or file it opens to C:\\onboard-url.txt",
    "command": ["cmd", "/c", "echo", "%1", ">", "C:\\onboard-url.txt"],
    "desktop": false,
    "platforms": {"win": {"url_protocols": ["onboard-demo"], "file_extensions": [".onbdemo"]}}
  }]
}
`
