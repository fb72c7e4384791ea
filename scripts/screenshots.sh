#!/usr/bin/env bash
# Saves a PNG of each wizard step and of the maintenance window into
# docs/screenshots/, by running the real ./onboard (built by `make onboard`
# with the demo bundle) under Xvfb. The hidden ONBOARD_SCREENSHOT_STEP opens
# the wizard at a step; HOME is a scratch folder, so nothing of the real
# user is touched. Needs xvfb, xauth, imagemagick and xdotool.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${ONBOARD_BIN:-./onboard}")
OUT=docs/screenshots
[ -x "$BIN" ] || { echo "screenshots: $BIN not built (run 'make onboard')" >&2; exit 1; }
mkdir -p "$OUT"
export LANG=${LANG:-en_US.UTF-8}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

# shot NAME TITLE CMD...: runs CMD on a fresh Xvfb with HOME=$SCRATCH/home,
# waits for a window whose title matches TITLE, and saves $OUT/NAME.png.
shot() {
	local name=$1 title=$2; shift 2
	if ! HOME="$SCRATCH/home" PNG="$OUT/$name.png" TITLE="$title" LOG="$SCRATCH/$name.log" \
		xvfb-run -a -s "-screen 0 1024x768x24" bash -c '
			"$@" >"$LOG" 2>&1 &
			app=$!
			win=$(timeout 60 xdotool search --sync --onlyvisible --name "$TITLE" | head -1)
			sleep 3  # let the first frames render
			status=1
			[ -n "$win" ] && import -window "$win" "$PNG" && status=0
			kill "$app" 2>/dev/null; wait "$app" 2>/dev/null
			exit $status
		' shot "$@"; then
		echo "screenshots: $name failed; the app said:" >&2
		cat "$SCRATCH/$name.log" >&2
		return 1
	fi
	echo "saved $OUT/$name.png"
}

fresh_home() { rm -rf "$SCRATCH/home"; mkdir -p "$SCRATCH/home"; }

n=1
for step in welcome licence location options install finish; do
	fresh_home # the Install step really installs; the next step starts clean
	ONBOARD_SCREENSHOT_STEP=$step shot "wizard-$n-$step" "^Install " "$BIN"
	n=$((n + 1))
done

# The maintenance window: the app copied into PREFIX/.onboard of an install.
fresh_home
PREFIX="$SCRATCH/home/demo-install"
if ! HOME="$SCRATCH/home" "$BIN" install --silent --no-launcher --prefix "$PREFIX" >"$SCRATCH/install.log" 2>&1; then
	echo "screenshots: 'onboard install' failed; the maintenance window is shown on a prefix holding only .onboard/manifest.json:" >&2
	tail -3 "$SCRATCH/install.log" >&2
	mkdir -p "$PREFIX/.onboard"
	unzip -p assets/demo/bundle.zip bundle.json | sed '0,/{/s//{"subdir":"linux-64",/' >"$PREFIX/.onboard/manifest.json"
fi
cp "$BIN" "$PREFIX/.onboard/onboard"
NAME=$(sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' "$PREFIX/.onboard/manifest.json" | head -1)
shot maintenance "^$NAME\$" "$PREFIX/.onboard/onboard"
