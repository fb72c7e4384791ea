#!/usr/bin/env bash
# Saves PNGs of what a person sees into docs/screenshots/: every wizard
# step, the error dialog, the maintenance window and a repair in progress,
# at 100% and 200% scale, in the light and the dark theme:
#   <picture>-<light|dark>-<100|200>.png
# It builds onboard with the `screenshots` tag (app/gui/screenshot.go: open
# the wizard at a step, pause an install or a repair half way, fail an
# install) and runs it under Xvfb with a HOME of its own, so nothing of the
# real user is touched. The product binary has none of that mode.
# THEMES="light" SCALES="1" limit the set while trying things out.
# Needs xvfb, xauth, imagemagick, xdotool (make screenshots installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
# The folders in the pictures are a person's (/home/ann/onboard-demo), not
# a scratch folder's (/tmp/tmp.Orr1Ak3ToV/home/…, audit Y2): where the
# system lets it, the script runs again in a mount namespace of its own
# with an empty /home, seen by nothing else; elsewhere the scratch HOME.
if [ -z "${ONBOARD_SHOTS_NS:-}" ] && unshare --mount --map-root-user true 2>/dev/null; then
	exec unshare --mount --map-root-user bash -c 'mount -t tmpfs -o size=2g tmpfs /home && ONBOARD_SHOTS_NS=1 exec "$0" "$@"' "$0" "$@"
fi
OUT=docs/screenshots
mkdir -p "$OUT"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
HOMEDIR="$SCRATCH/home"
[ -n "${ONBOARD_SHOTS_NS:-}" ] && HOMEDIR=/home/ann
BIN="$SCRATCH/onboard"
go build -tags migrated_fynedo,screenshots -o "$BIN" .

# shot NAME TITLE CMD...: runs CMD on a fresh Xvfb with HOME=$HOMEDIR,
# waits for a window whose title matches TITLE, and saves $OUT/NAME.png.
# THEME and SCALE (Fyne's FYNE_THEME and FYNE_SCALE) come from the caller.
shot() {
	local name=$1 title=$2; shift 2
	# The pointer sits at the screen's centre, and xdotool cannot move it
	# on this Xvfb (mousemove returns 0 and getmouselocation still says
	# the centre): a button under it is drawn hovered, as Verify all was
	# in every maintenance shot at 100% (audit Y2, AU 10). The windows
	# open at the top left, so the screen is made large enough that its
	# centre is off every window (820x640 and 920x480 at 100%, twice that
	# at 200%).
	local screen="-screen 0 2000x1400x24"
	[ "$SCALE" = 2 ] && screen="-screen 0 4000x2800x24"
	if ! HOME="$HOMEDIR" PNG="$OUT/$name.png" TITLE="$title" LOG="$SCRATCH/$name.log" \
		FYNE_THEME="$THEME" FYNE_SCALE="$SCALE" LANG=C.UTF-8 \
		xvfb-run -a -s "$screen" bash -c '
			"$@" >"$LOG" 2>&1 &
			app=$!
			win=$(timeout 60 xdotool search --sync --onlyvisible --name "$TITLE" | head -1)
			sleep 4  # let the first frames render and the dialogs open
			status=1
			[ -n "$win" ] && import -window "$win" "$PNG" && status=0
			kill "$app" 2>/dev/null
			# Fyne 2.7 under Xvfb now and then never leaves its event
			# loop after the quit SIGTERM asks for (about 1 start in 6,
			# with or without onboard theme): the picture is taken, so
			# it is killed.
			for _ in $(seq 20); do kill -0 "$app" 2>/dev/null || break; sleep 0.5; done
			kill -9 "$app" 2>/dev/null
			wait "$app" 2>/dev/null
			exit $status
		' shot "$@"; then
		echo "screenshots: $name failed; the app said:" >&2
		cat "$SCRATCH/$name.log" >&2
		return 1
	fi
	echo "saved $OUT/$name.png"
}

fresh_home() { rm -rf "$HOMEDIR"; mkdir -p "$HOMEDIR"; }

for THEME in ${THEMES:-light dark}; do
	for SCALE in ${SCALES:-1 2}; do
		tag="$THEME-$((SCALE * 100))"
		n=1
		for step in welcome licence location options install finish; do
			fresh_home # the Install step really installs; the next step starts clean
			ONBOARD_SCREENSHOT_STEP=$step shot "wizard-$n-$step-$tag" "^Install " "$BIN"
			n=$((n + 1))
		done
		fresh_home
		ONBOARD_SCREENSHOT_STEP=install ONBOARD_SCREENSHOT_FAIL=1 shot "wizard-error-$tag" "^Install " "$BIN"

		# The maintenance window: the app copied into PREFIX/.onboard of a
		# real install of the demo bundle.
		fresh_home
		PREFIX="$HOMEDIR/onboard-demo"
		HOME="$HOMEDIR" "$BIN" install --silent --no-launcher --no-maintenance-launcher --prefix "$PREFIX"
		cp "$BIN" "$PREFIX/.onboard/onboard"
		NAME=$(sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' "$PREFIX/.onboard/manifest.json" | head -1)
		shot "maintenance-$tag" "^$NAME Maintenance\$" "$PREFIX/.onboard/onboard"
		# A repair in progress: one installed file deleted, the repair
		# paused half way through its check.
		rm -f "$(find "$PREFIX/envs" -type f -path '*/bin/*' | head -1)"
		ONBOARD_SCREENSHOT_REPAIR=1 shot "maintenance-repair-$tag" "^$NAME Maintenance\$" "$PREFIX/.onboard/onboard"
	done
done
