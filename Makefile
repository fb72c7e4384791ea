# onboard — two commands on a fresh machine: `make run` and `make test`.
SHELL   := /bin/bash
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X onboard/app/cli.Version=$(VERSION)
# Every UI change from a goroutine goes through fyne.Do (FyneApp.toml [Migrations]).
GUITAGS := migrated_fynedo
export LANG ?= en_US.UTF-8

# Debian packages, as ../shared/docs/build-and-test-facts.md lists them.
GUI_DEBS  := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
             libxinerama-dev libxi-dev libxxf86vm-dev
TEST_DEBS := desktop-file-utils libplist-utils osslsigncode openssl shared-mime-info libglib2.0-bin
WINE_DEBS := wine wine64 gcc-mingw-w64-x86-64 xvfb xauth xdotool imagemagick curl
MINGW_DEBS := gcc-mingw-w64-x86-64
SHOT_DEBS := xvfb xauth imagemagick xdotool unzip
# The real test bundle (internal/realbundle): Debian's Python 3.11, Jupyter Notebook 6, and
# what conda (../shared/fixtures/conda-source) imports from Debian.
REAL_DEBS := python3.11 python3.11-minimal libpython3.11-minimal libpython3.11-stdlib \
             jupyter-notebook python3-notebook python3-ipykernel python3-nbconvert jupyter-core \
             python3-ruamel.yaml python3-ruamel.yaml.clib python3-requests python3-urllib3 python3-idna \
             python3-certifi python3-chardet python3-charset-normalizer python3-pycosat python3-tqdm \
             python3-packaging python3-boltons python3-platformdirs python3-distro python3-zstandard python3-setuptools \
             python3-msgpack
REAL_BUNDLE := build/realbundle.zip

# The Windows GUI installer: Fyne cross-built with cgo and mingw-w64, a GUI-subsystem
# program (no console window on a double-click; console_windows.go attaches to the parent
# console for subcommands). The first build takes ~6.5 min on 2 cores, then seconds (GOCACHE).
WINGUI_EXE := dist/onboard-windows-amd64.exe
WINGUI_ENV := CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
# Windows resources (manifest, icon, version info), linked into every Windows build.
WINRES := rsrc_windows_amd64.syso rsrc_windows_386.syso rsrc_windows_arm64.syso

# The nogui cross-compile matrix: every target Go has for these systems.
NOGUI_TARGETS := linux/amd64 linux/386 linux/arm64 windows/amd64 windows/386 windows/arm64 \
                 darwin/amd64 darwin/arm64 solaris/amd64

.PHONY: all run build winlaunchers winres wingui macos demo realbundle test vet unit cross wine bench fuzz fuzz-short screenshots deps-gui deps-test deps-wine deps-mingw clean

all: build

deps-gui:
	@scripts/need-debs.sh $(GUI_DEBS)
deps-test:
	@scripts/need-debs.sh $(TEST_DEBS)
deps-wine:
	@scripts/need-debs.sh $(WINE_DEBS)
deps-mingw:
	@scripts/need-debs.sh $(MINGW_DEBS)

# rsrc_windows_<arch>.syso from assets/icon.png and $(VERSION) (internal/winresgen, which
# uses github.com/tc-hib/winres: no tool to install). Remade when the version changes.
winres: $(WINRES)
$(WINRES) &: internal/winresgen/winresgen.go assets/icon.png .winres-version
	$(GO) run ./internal/winresgen -version '$(VERSION)' -icon assets/icon.png -o .
.winres-version: FORCE
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@
FORCE:

# macOS: Fyne needs cgo with the macOS SDK, so the GUI .app is built only on a Mac:
# dist/onboard-darwin-<arch>.app (internal/macapp: Info.plist, icon.icns, the demo bundle
# in Contents/Resources). Elsewhere the darwin builds are the nogui ones (see `build`).
macos: demo
	@if [ "$(HOST_OS)" = Darwin ]; then \
		set -e; mkdir -p dist; for arch in amd64 arm64; do \
			echo "build darwin/$$arch (gui) -> dist/onboard-darwin-$$arch.app"; \
			CGO_ENABLED=1 GOOS=darwin GOARCH=$$arch $(GO) build -tags $(GUITAGS) -ldflags '$(LDFLAGS)' -o dist/onboard-darwin-$$arch-gui . ; \
			$(GO) run ./internal/macapp -exe dist/onboard-darwin-$$arch-gui -bundle assets/demo/bundle.zip \
				-version '$(VERSION)' -o dist/onboard-darwin-$$arch.app; \
		done; \
	else \
		echo "macos: no macOS SDK here ($(HOST_OS)): the GUI .app needs a Mac (Xcode command line tools);"; \
		echo "macos: building the nogui darwin binaries instead (dist/onboard-darwin-{amd64,arm64}: the console wizard)"; \
	fi

wingui: $(WINGUI_EXE)
$(WINGUI_EXE): $(WINRES) assets/demo/bundle.zip $(shell find . -name '*.go' -not -path './.*' 2>/dev/null) go.mod | deps-mingw demo
	@mkdir -p dist
	$(WINGUI_ENV) $(GO) build -tags $(GUITAGS) -ldflags '$(LDFLAGS) -H windowsgui' -o $@ .

# Windows entry-point launchers (conda's cli-64.exe), embedded by assets.
WINLAUNCHERS := assets/winlauncher/launcher-win-64.exe assets/winlauncher/launcher-win-32.exe \
                assets/winlauncher/launcher-win-arm64.exe
winlaunchers: $(WINLAUNCHERS)
assets/winlauncher/launcher-win-64.exe:   GOARCH_W := amd64
assets/winlauncher/launcher-win-32.exe:   GOARCH_W := 386
assets/winlauncher/launcher-win-arm64.exe: GOARCH_W := arm64
assets/winlauncher/launcher-%.exe: $(wildcard internal/winlauncher/*.go)
	@if [ -d internal/winlauncher ]; then \
		GOOS=windows GOARCH=$(GOARCH_W) CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w' -o $@ ./internal/winlauncher; \
	fi

# The demo bundle is built from packages that onboard's own builder makes; its
# jupyter is internal/demo/jupyterstub, cross-built for each demo subdir (under
# internal/, so a change to it remakes the bundle).
demo: winlaunchers assets/demo/bundle.zip
assets/demo/bundle.zip: $(shell find installer internal -name '*.go' 2>/dev/null)
	@if [ -d internal/demo ]; then $(GO) run ./internal/demo -go '$(GO)' -o $@; fi

onboard: deps-gui demo
	$(GO) build -tags $(GUITAGS) -ldflags '$(LDFLAGS)' -o onboard .

# The real bundle, on linux-64 Debian where its packages exist: packages cached in
# <user cache>/onboard/realbundle/<key of the Debian versions>, then `onboard bundle build`.
# Elsewhere it is skipped, and `make run` offers the demo (stand-in) bundle.
realbundle:
	@if [ "$$(uname -s)-$$(uname -m)" = Linux-x86_64 ] && command -v apt-get >/dev/null && \
	    apt-cache show python3.11 jupyter-notebook >/dev/null 2>&1; then \
		scripts/need-debs.sh $(REAL_DEBS) && mkdir -p build && \
		spec=$$($(GO) run ./internal/realbundle/cmd) && \
		CGO_ENABLED=0 $(GO) run -tags nogui . bundle build "$$spec" -o $(REAL_BUNDLE); \
	else echo "realbundle: not a Debian linux-64 machine with python3.11 and jupyter-notebook; the stand-in demo bundle is used"; rm -f $(REAL_BUNDLE); fi

run: onboard realbundle
	@if [ -f $(REAL_BUNDLE) ]; then echo "run: the real Debian Python + Jupyter bundle ($(REAL_BUNDLE))"; ./onboard --bundle $(REAL_BUNDLE); \
	else echo "run: the demo bundle (stand-in packages: a fake python and Jupyter)"; ./onboard; fi

# dist/onboard-<os>-<arch>[.exe]: the GUI build for linux/amd64 and windows/amd64, the nogui
# build elsewhere (and dist/onboard-{linux-amd64,windows-amd64}-nogui[.exe] for servers);
# on a Mac also the GUI dist/onboard-darwin-<arch>.app (see `macos`).
HOST_OS := $(shell uname -s)
ifeq ($(HOST_OS),Darwin)
BUILD_GUI := macos          # Fyne's cgo builds for Linux and Windows need a Linux host here
else
BUILD_GUI := deps-gui $(WINGUI_EXE) macos
endif
build: demo $(WINRES) $(BUILD_GUI)
	@mkdir -p dist
	@if [ "$(HOST_OS)" = Linux ]; then set -x; $(GO) build -tags $(GUITAGS) -ldflags '$(LDFLAGS)' -o dist/onboard-linux-amd64 . ; \
	else echo "build: the Linux and Windows GUI builds need a Linux host (cgo, mingw-w64); nogui only"; fi
	@set -e; for t in $(NOGUI_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		out=dist/onboard-$$os-$$arch$$ext; \
		case $$t in linux/amd64|windows/amd64) out=dist/onboard-$$os-$$arch-nogui$$ext;; esac; \
		echo "build $$t (nogui) -> $$out"; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build -tags nogui -ldflags '$(LDFLAGS)' -o $$out . ; \
	done

vet: deps-gui demo
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) vet -tags nogui ./...

# -timeout: go test's default of 10 minutes per package binary is too tight for
# installer's kill and scale tests under -race on a loaded 2-core machine.
# CI=1: this target installs what the real-program tests need (../shared, python3.11,
# conda's imports), so they fail here where a bare `go test` would skip them.
unit: deps-gui deps-test demo realbundle
	CI=$${CI:-1} $(GO) test -race -count=1 -timeout 30m ./...

cross: demo
	@set -e; for t in $(NOGUI_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; \
		echo "cross $$t (nogui)"; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build -tags nogui -o /dev/null . ; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) vet -tags nogui ./installer/... ./platform/... ./internal/... ; \
	done
	@echo "cross linux/amd64 (gui, cgo)"; $(GO) build -tags $(GUITAGS) -o /dev/null .

wine: deps-wine deps-mingw demo $(WINRES) $(WINGUI_EXE)
	@if [ -x scripts/wine-test.sh ]; then WINGUI_EXE=$(WINGUI_EXE) scripts/wine-test.sh; else echo "wine: no Windows checks yet"; fi

test: vet unit cross wine fuzz-short

# Every Go fuzz test of outside input (scripts/fuzz.sh): a few seconds each in
# `make test`, FUZZTIME each in `make fuzz`.
FUZZTIME ?= 2m
fuzz-short: demo
	@scripts/fuzz.sh 3s
fuzz: demo
	@scripts/fuzz.sh $(FUZZTIME)

bench: realbundle
	@scripts/need-debs.sh tar zstd bzip2 unzip openssl
	@if [ -x scripts/bench.sh ]; then scripts/bench.sh; else echo "bench: not built yet"; exit 1; fi

screenshots: onboard
	@scripts/need-debs.sh $(SHOT_DEBS)
	@if [ -x scripts/screenshots.sh ]; then scripts/screenshots.sh; else echo "screenshots: not built yet"; exit 1; fi

clean:
	rm -rf dist onboard assets/demo/bundle.zip build $(WINRES) .winres-version
