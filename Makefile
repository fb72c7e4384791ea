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
TEST_DEBS := desktop-file-utils libplist-utils
WINE_DEBS := wine wine64 gcc-mingw-w64-x86-64
SHOT_DEBS := xvfb xauth imagemagick xdotool unzip

# The nogui cross-compile matrix: every target Go has for these systems.
NOGUI_TARGETS := linux/amd64 linux/386 linux/arm64 windows/amd64 windows/386 windows/arm64 \
                 darwin/amd64 darwin/arm64 solaris/amd64

.PHONY: all run build winlaunchers demo test vet unit cross wine bench fuzz fuzz-short screenshots deps-gui deps-test deps-wine clean

all: build

deps-gui:
	@scripts/need-debs.sh $(GUI_DEBS)
deps-test:
	@scripts/need-debs.sh $(TEST_DEBS)
deps-wine:
	@scripts/need-debs.sh $(WINE_DEBS)

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

# The demo bundle is built from packages that onboard's own builder makes.
demo: winlaunchers assets/demo/bundle.zip
assets/demo/bundle.zip: $(shell find installer internal -name '*.go' 2>/dev/null)
	@if [ -d internal/demo ]; then $(GO) run ./internal/demo -o $@; fi

onboard: deps-gui demo
	$(GO) build -tags $(GUITAGS) -ldflags '$(LDFLAGS)' -o onboard .

run: onboard
	./onboard

# dist/onboard-<os>-<arch>[.exe]: the GUI build for linux/amd64, the nogui build elsewhere
# (and dist/onboard-linux-amd64-nogui for servers).
build: deps-gui demo
	@mkdir -p dist
	$(GO) build -tags $(GUITAGS) -ldflags '$(LDFLAGS)' -o dist/onboard-linux-amd64 .
	@set -e; for t in $(NOGUI_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		out=dist/onboard-$$os-$$arch$$ext; [ $$t = linux/amd64 ] && out=dist/onboard-linux-amd64-nogui; \
		echo "build $$t (nogui) -> $$out"; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build -tags nogui -ldflags '$(LDFLAGS)' -o $$out . ; \
	done

vet: deps-gui demo
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) vet -tags nogui ./...

unit: deps-gui deps-test demo
	$(GO) test -race -count=1 ./...

cross: demo
	@set -e; for t in $(NOGUI_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; \
		echo "cross $$t (nogui)"; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build -tags nogui -o /dev/null . ; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) vet -tags nogui ./installer/... ./platform/... ./internal/... ; \
	done
	@echo "cross linux/amd64 (gui, cgo)"; $(GO) build -tags $(GUITAGS) -o /dev/null .

wine: deps-wine demo
	@if [ -x scripts/wine-test.sh ]; then scripts/wine-test.sh; else echo "wine: no Windows checks yet"; fi

test: vet unit cross wine fuzz-short

# Every Go fuzz test of outside input (scripts/fuzz.sh): a few seconds each in
# `make test`, FUZZTIME each in `make fuzz`.
FUZZTIME ?= 2m
fuzz-short: demo
	@scripts/fuzz.sh 3s
fuzz: demo
	@scripts/fuzz.sh $(FUZZTIME)

bench:
	@scripts/need-debs.sh tar zstd bzip2 unzip
	@if [ -x scripts/bench.sh ]; then scripts/bench.sh; else echo "bench: not built yet"; exit 1; fi

screenshots: onboard
	@scripts/need-debs.sh $(SHOT_DEBS)
	@if [ -x scripts/screenshots.sh ]; then scripts/screenshots.sh; else echo "screenshots: not built yet"; exit 1; fi

clean:
	rm -rf dist onboard assets/demo/bundle.zip
