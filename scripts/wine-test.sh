#!/usr/bin/env bash
# wine-test.sh — run onboard's Windows host checks under Wine (make wine).
#
# Builds a bcryptprimitives.dll shim (Go >= 1.24 needs ProcessPrng, which
# Wine 8 lacks), makes a throwaway WINEPREFIX in .wine-test/, cross-builds
# the platform tests and the nogui onboard.exe for windows/amd64, and checks:
#   - platform detection says windows/amd64, win-64
#   - a Start Menu .lnk made through COM reads back (our MS-SHLLINK reader)
#   - the "Apps & features" registry entry reads back, and is gone after removal
#   - the whole plan/apply/check/remove cycle in the real Start Menu and HKCU
#   - a package menu's file and URL associations in HKCU and HKLM, another program's
#     left alone, and a URL of the protocol opened through the Shell runs its command;
#     end to end too: onboard.exe installs a demo whose package has them (all users), the
#     Shell opens its URL, verify is healthy, uninstall removes the keys
#   - onboard.exe info --json prints "subdir":"win-64"
#   - onboard.exe installs the embedded demo bundle (win-64) into C:\onboard-demo,
#     verify finds it healthy, its Jupyter (the demo's stand-in) launches, answers
#     with its token and stops, verify finds a deleted file, repair puts it back,
#     a newer demo bundle upgrades it; the installed maintenance app upgrades and
#     uninstalls the install it runs from, and its own moved file goes after it exits
#   - folder deletes work although Wine 8 refuses the POSIX-semantics delete
#     that os.RemoveAll uses (internal/rmtree); no "Invalid function" anywhere
# Needs: wine (wine64), gcc-mingw-w64-x86-64, go. Exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.wine-test"
export WINEPREFIX="$work/prefix"
export WINEDEBUG=-all
# No Mono/Gecko install dialogs; no winemenubuilder, which Wine starts for every new .lnk to
# extract its icon and which then holds the icon file or the .exe open ("Sharing violation"
# on icon.ico; the maintenance app's folder not deletable) for a while on a loaded machine.
# winebrowser off: `onboard launch` opens no browser on the machine running the tests.
# winedbg off: a program that crashes (the GUI at exit, when the test's Xvfb goes away first)
# would start `winedbg --auto`, which can wait for good, and `wineserver -w` with it.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;winebrowser.exe=d;winedbg.exe=d"
export WINEARCH=win64
unset DISPLAY                                # CI has none; console programs need none
# Wine names the profile folder after $USER: CI runs as root, and C:\users\root in the
# screenshots is no user's Windows. A person's name, as the Linux screenshots' /home/ann.
export USER=ann LOGNAME=ann

fail=0
pass() { echo "wine-test: ok   $*"; }
bad()  { echo "wine-test: FAIL $*"; fail=1; }

need() {
	command -v "$1" >/dev/null 2>&1 || { echo "wine-test: $1 not found; install: ${2:-$1} (make deps-wine)"; exit 1; }
}
need wine wine
need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
need go golang
need curl curl

cleanup() { wineserver -k >/dev/null 2>&1 || true; }
# wineserver_wait waits for this prefix's Wine programs to end, at most 2 minutes, then ends
# them: a hung one must not hang the test run.
wineserver_wait() { timeout 120 wineserver -w || { echo "wine-test: Wine programs still ran after 2 minutes; ended them"; wineserver -k || true; }; }
export -f wineserver_wait
trap cleanup EXIT

mkdir -p "$work"

# 1. The shim: ProcessPrng(buf, len) filled by RtlGenRandom (SystemFunction036).
cat >"$work/shim.c" <<'EOF'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
		if (!SystemFunction036(data, n)) return FALSE;
		data += n; len -= n;
	}
	return TRUE;
}
EOF
printf 'LIBRARY bcryptprimitives\nEXPORTS\n    ProcessPrng\n' >"$work/shim.def"
x86_64-w64-mingw32-gcc -O2 -shared -o "$work/bcryptprimitives.dll" "$work/shim.c" "$work/shim.def" -ladvapi32
pass "built the bcryptprimitives.dll shim"

# 2. A fresh prefix (first start ~6 s), with the shim in system32.
rm -rf "$WINEPREFIX"
wineboot -i >/dev/null 2>&1 || wine wineboot -i >/dev/null 2>&1 || true
wineserver_wait
sys32="$WINEPREFIX/drive_c/windows/system32"
[ -d "$sys32" ] || { echo "wine-test: Wine did not create $sys32"; exit 1; }
cp "$work/bcryptprimitives.dll" "$sys32/"
pass "created WINEPREFIX $WINEPREFIX"

# 3. Cross-build.
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/platform.test.exe" ./platform
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/rmtree.test.exe" ./internal/rmtree
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/selfexe.test.exe" ./internal/selfexe
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/filelock.test.exe" ./internal/filelock
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/engine.test.exe" ./installer/engine
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags nogui -o "$work/onboard.exe" .
pass "cross-built platform.test.exe, rmtree.test.exe, selfexe.test.exe, filelock.test.exe, engine.test.exe and onboard.exe (windows/amd64)"

# 4. Host tests under Wine. ONBOARD_WINE makes tests avoid t.TempDir (Wine's
# os.RemoveAll fails); ONBOARD_HOST_TESTS lets them touch the Start Menu and HKCU.
export WINEPATH=
out="$work/platform-test.log"
set +e
(cd "$root/platform" && ONBOARD_WINE=1 ONBOARD_HOST_TESTS=1 ONBOARD_EXPECT_SUBDIR=win-64 \
	wine "$work/platform.test.exe" -test.v -test.run 'Host|ReadLnk|Detect' >"$out" 2>&1)
rc=$?
set -e
grep -aE '^\s*--- |detected:|read back|default prefix' "$out" | grep -av -- '--- PASS: TestDetect[A-Z]' | sed 's/^/    /' || true
[ $rc -eq 0 ] || { echo "    --- last lines of $out:"; tail -n 40 "$out" | sed 's/^/    /'; }
for t in TestHostDetect TestHostWindowsShortcut TestHostWindowsRegistry TestHostWindowsLaunchers TestHostWindowsMenus TestHostWindowsAssociations TestHostWindowsPaths TestHostWindowsAllUsersPrefixAndMayModify TestHostCheckPrefix TestReadLnk; do
	if grep -aq -- "--- PASS: $t " "$out"; then pass "$t"; else bad "$t (see $out)"; fi
done
[ $rc -eq 0 ] || bad "platform.test.exe exited with $rc"

# 4b. Folder deletes where Wine refuses os.RemoveAll's delete: the classic
# walk must remove a tree with read-only files and folders.
out="$work/rmtree-test.log"
rc=0
(cd "$work" && ONBOARD_WINE=1 wine "$work/rmtree.test.exe" -test.v >"$out" 2>&1) || rc=$?
grep -a 'os.RemoveAll w' "$out" | tr -d '\r' | sed 's/^/    /' || true
for t in TestRemoveAllRealOS TestFallbackWhenFastDeleteRefused TestFallbackReportsWhatItCouldNotRemove; do
	if grep -aq -- "--- PASS: $t " "$out"; then pass "rmtree $t"; else bad "rmtree $t (see $out)"; fi
done
[ $rc -eq 0 ] || { bad "rmtree.test.exe exited with $rc"; tail -n 20 "$out" | tr -d '\r' | sed 's/^/    /'; }

# 4b2. Two editors of one file (environments.txt, a PowerShell profile) take turns: the named
# mutex of internal/filelock keeps every writer's line.
out="$work/filelock-test.log"
rc=0
(cd "$work" && ONBOARD_WINE=1 wine "$work/filelock.test.exe" -test.v >"$out" 2>&1) || rc=$?
if [ $rc -eq 0 ] && grep -aq -- "--- PASS: TestReplacedKeepsEveryWritersChange " "$out" && grep -aq -- "--- PASS: TestOneMutexForEverySpelling " "$out"; then pass "filelock TestReplacedKeepsEveryWritersChange, TestOneMutexForEverySpelling"
else bad "filelock TestReplacedKeepsEveryWritersChange, TestOneMutexForEverySpelling (exit $rc)"; tail -n 20 "$out" | tr -d '\r' | sed 's/^/    /'; fi

# 4b3. A downloaded installer (the mark of the web, a Zone.Identifier stream) is copied into the
# install, not hard-linked: its maintenance app would carry the mark.
out="$work/installer-test.log"
rc=0
(cd "$work" && ONBOARD_WINE=1 wine "$work/engine.test.exe" -test.v -test.run 'TestMarkOfTheWebIsNotShared' >"$out" 2>&1) || rc=$?
if [ $rc -eq 0 ] && grep -aq -- "--- PASS: TestMarkOfTheWebIsNotShared " "$out"; then pass "engine TestMarkOfTheWebIsNotShared"
else bad "engine TestMarkOfTheWebIsNotShared (exit $rc)"; tail -n 20 "$out" | tr -d '\r' | sed 's/^/    /'; fi

# 4c. A running program's file (issue #11): a copy of selfexe.test.exe runs from a folder,
# cannot delete it, moves itself out, deletes the folder while it runs, and its moved file
# is deleted by the hidden cmd.exe once it has exited; that script takes hostile names.
out="$work/selfexe-test.log"
rc=0
(cd "$work" && ONBOARD_WINE=1 wine "$work/selfexe.test.exe" -test.v >"$out" 2>&1) || rc=$?
for t in TestRunningProgramLeavesAndIsDeletedAfterExit TestAtExitRemoves TestLeaveMovesTheProgramOutOfTheFolder TestReturn TestNameIn; do
	if grep -aq -- "--- PASS: $t " "$out"; then pass "selfexe $t"; else bad "selfexe $t (see $out)"; fi
done
[ $rc -eq 0 ] || { bad "selfexe.test.exe exited with $rc"; tail -n 20 "$out" | tr -d '\r' | sed 's/^/    /'; }

# 5. Nothing left behind in the registry by the launcher tests.
if wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall' 2>/dev/null | tr -d '\r' | grep -q 'org\.onboard\.test'; then
	bad "an org.onboard.test uninstall entry was left in HKCU"
else
	pass "no test uninstall entries left in HKCU (wine reg query)"
fi

# 6. onboard.exe info --json.
info=$(wine "$work/onboard.exe" info --json 2>&1 | tr -d '\r' || true)
echo "    onboard.exe info --json: $info"
if grep -q '"subdir":"win-64"' <<<"$info" && grep -q '"arch":"amd64"' <<<"$info"; then
	pass 'onboard.exe info --json says windows/amd64, win-64'
else
	bad 'onboard.exe info --json did not say "subdir":"win-64"'
fi
# conda's __win virtual package, which the install checks packages against
if grep -Eq '"virtual_packages":\{"__win":"[0-9]+\.[0-9]+' <<<"$info"; then
	pass 'onboard.exe info --json gives the __win virtual package'
else
	bad 'onboard.exe info --json gives no "__win" virtual package'
fi

# 7. A real Windows install of the embedded demo bundle (win-64), then
# verify, damage, verify, repair, verify, upgrade, uninstall. Every log is
# checked for the refused delete ("Invalid function"): it must not show.
# want CODE DESC CMD...: runs onboard.exe CMD under Wine and checks its exit code.
want() {
	local code=$1 desc=$2; shift 2
	local rc=0
	local log="$work/onboard-$((++nrun)).log"
	wine "$work/onboard.exe" "$@" >"$log" 2>&1 || rc=$?
	if [ $rc -ne "$code" ] && { grep -aq '^wine client error' "$log" || { [ "$code" -eq 0 ] && [ ! -s "$log" ]; }; }; then
		# Wine's, not onboard's: the program lost its wineserver as that
		# one shut down idle, or it ended before it ran at all (exit 1
		# with no word: onboard says what failed whenever it fails; seen
		# once in CI for launch run --precommand); once more
		echo "    (Wine: $( [ -s "$log" ] && echo 'wine client error' || echo 'exit '$rc' with no output'); running it again)"
		rc=0
		wine "$work/onboard.exe" "$@" >"$log" 2>&1 || rc=$?
	fi
	if [ $rc -eq "$code" ]; then pass "$desc (exit $rc)"; else
		bad "$desc: exit $rc, want $code"; tail -n 15 "$log" | tr -d '\r' | sed 's/^/    /'
	fi
	if grep -aqi 'invalid function' "$log"; then
		bad "$desc: the output says 'Invalid function' (a refused delete):"
		grep -ai 'invalid function' "$log" | tr -d '\r' | sed 's/^/    /'
	fi
}
nrun=0
demo='C:\onboard-demo'
demo_unix="$WINEPREFIX/drive_c/onboard-demo"
rm -rf "$demo_unix" 2>/dev/null || true
want 0 'onboard.exe install --silent of the demo bundle (win-64)' install --silent --no-launcher --no-maintenance-launcher --prefix "$demo"
if [ -f "$demo_unix/conda-meta/history" ] && ls "$demo_unix"/envs/team/conda-meta/*.json >/dev/null 2>&1; then
	pass 'the install made a conda prefix with conda-meta/history and envs/team'
else
	bad 'no conda-meta/history or envs/team records after the install'
fi
want 0 'onboard.exe verify: healthy' verify --prefix "$demo"

# The demo's Jupyter (Scripts\jupyter.exe, the jupyterstub program): launch prints the
# server's URL with its token (no browser here), the page answers with the token only, and
# --stop ends it. The output goes to a file: the detached server keeps a pipe open.
want 0 'onboard.exe launch jupyter on the demo install' launch jupyter --prefix "$demo"
url=$(tr -d '\r' <"$work/onboard-$nrun.log" | grep -o 'http://127\.0\.0\.1:[0-9]*/[^ ]*token=[0-9a-f]*' | head -1)
if [ -n "$url" ] && curl -fsS "$url" 2>/dev/null | grep -q 'This is the onboard demo'; then
	pass "the demo Jupyter answers at the printed URL ($url)"
else
	bad "the demo Jupyter did not answer at the printed URL '$url':"; tr -d '\r' <"$work/onboard-$nrun.log" | sed 's/^/    /'
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "${url%%\?*}api/status" || true)
if [ "$code" = 403 ]; then pass 'the demo Jupyter refuses a request without its token (403)'; else bad "a request without the token got $code, want 403"; fi
want 0 'onboard.exe launch jupyter --stop' launch jupyter --stop --prefix "$demo"
if grep -aq 'Stopped Jupyter' "$work/onboard-$nrun.log" && ! curl -s -o /dev/null "$url"; then
	pass 'launch jupyter --stop ended the demo Jupyter'
else bad 'the demo Jupyter still answers after launch jupyter --stop'; fi

# What a package's menu shortcut runs: a command in the env activated. It is
# started without a window and left running, so the file it writes is
# waited for.
ran="$WINEPREFIX/drive_c/onboard-run.txt"
rm -f "$ran"
want 0 'onboard.exe launch run (a menu shortcut command)' launch run --prefix "$demo" --env team -- cmd /c 'echo %CONDA_DEFAULT_ENV% %CONDA_PREFIX%>C:\onboard-run.txt'
for _ in $(seq 1 40); do [ -s "$ran" ] && break; sleep 0.25; done
got=$(tr -d '\r' <"$ran" 2>/dev/null | sed 's/ *$//')
if [ "$got" = 'team C:\onboard-demo\envs\team' ]; then pass "launch run ran the command in the team env activated ($got)"; else bad "launch run wrote '$got', want 'team C:\onboard-demo\envs\team'"; fi
# With a menu item's precommand: run by cmd.exe before the activation,
# what it sets reaches the command, and the activation still wins.
rm -f "$ran"
want 0 'onboard.exe launch run --precommand' launch run --prefix "$demo" --env team --precommand 'set "TEST_VAR=rhododendron and bees" && set "CONDA_PREFIX=wrong"' -- cmd /c 'echo %TEST_VAR%/%CONDA_PREFIX%>C:\onboard-run.txt'
for _ in $(seq 1 40); do [ -s "$ran" ] && break; sleep 0.25; done
got=$(tr -d '\r' <"$ran" 2>/dev/null | sed 's/ *$//')
if [ "$got" = 'rhododendron and bees/C:\onboard-demo\envs\team' ]; then pass "launch run ran the precommand first ($got)"; else bad "launch run --precommand wrote '$got', want 'rhododendron and bees/C:\onboard-demo\envs\team'"; fi

victim=$(ls "$demo_unix"/envs/team/Scripts/* 2>/dev/null | head -1)
rm -f "$victim"
want 1 "onboard.exe verify after deleting $(basename "$victim"): damaged" verify --prefix "$demo"
want 0 'onboard.exe repair' repair --prefix "$demo"
if [ -n "$victim" ] && [ -f "$victim" ]; then pass 'repair put the deleted file back'; else bad 'repair did not put the deleted file back'; fi
want 0 'onboard.exe verify after repair: healthy' verify --prefix "$demo"

# Upgrade: a newer demo bundle over the old install; the old one is moved
# aside and must be deleted afterwards.
go run ./internal/demo -o "$work/demo-next.zip" -version 2099.1.0
want 0 'onboard.exe install --silent of a newer demo bundle (upgrade)' install --silent --no-launcher \
	--no-maintenance-launcher --prefix "$demo" --bundle "$(winepath -w "$work/demo-next.zip" 2>/dev/null | tr -d '\r')"
if grep -q '2099.1.0' "$demo_unix/.onboard/manifest.json" 2>/dev/null; then pass 'the upgraded install says version 2099.1.0'; else bad 'the upgrade did not record version 2099.1.0'; fi
if ls -d "$demo_unix".onboard-old-* >/dev/null 2>&1; then bad "the old install was left beside the new one: $(ls -d "$demo_unix".onboard-old-*)"; else pass 'the upgrade deleted the old install'; fi
if [ -e "$demo_unix/.onboard/backup" ] || [ -e "$demo_unix/.onboard/journal.json" ]; then bad 'the journal or its backups were left in .onboard'; else pass 'no journal or backups left after install, repair and upgrade'; fi
want 0 'onboard.exe verify after the upgrade: healthy' verify --prefix "$demo"

# The maintenance app upgrades and uninstalls the install it runs from (PREFIX\.onboard\onboard.exe,
# issues #11 and #14). It moves its own file out to %TEMP% first (Wine would rename the folder
# with the program running in it, Windows would not; neither deletes the running file), and a
# hidden cmd.exe deletes the moved file once it has exited.
temp_unix=$(winepath -u "$(wine cmd /c 'echo %TEMP%' 2>/dev/null | tr -d '\r')" 2>/dev/null | tr -d '\r')
maint="$demo\.onboard\onboard.exe"
moved_gone() { # moved_gone WHAT: the moved programs in %TEMP% are deleted within 30 s
	for _ in $(seq 30); do ls "$temp_unix"/onboard-running-*.exe >/dev/null 2>&1 || break; sleep 1; done
	if ls "$temp_unix"/onboard-running-*.exe >/dev/null 2>&1; then bad "$1: left $(ls "$temp_unix"/onboard-running-*.exe)"; else pass "$1"; fi
}
go run ./internal/demo -o "$work/demo-next2.zip" -version 2099.2.0
wantw() { # wantw CODE DESC EXE ARGS...: as want, with another program
	local code=$1 desc=$2 exe=$3 rc=0 log="$work/onboard-$((++nrun)).log"
	shift 3
	wine "$exe" "$@" >"$log" 2>&1 || rc=$?
	if [ $rc -eq "$code" ]; then pass "$desc (exit $rc)"; else bad "$desc: exit $rc, want $code"; tail -n 15 "$log" | tr -d '\r' | sed 's/^/    /'; fi
}
wantw 0 'the installed maintenance app upgrades its own install (install --bundle, 2099.2.0)' "$maint" install --silent \
	--no-launcher --no-maintenance-launcher --prefix "$demo" --bundle "$(winepath -w "$work/demo-next2.zip" 2>/dev/null | tr -d '\r')"
if grep -q '2099.2.0' "$demo_unix/.onboard/manifest.json" 2>/dev/null; then pass 'the install it ran from says version 2099.2.0'; else bad 'the upgrade from inside did not record version 2099.2.0'; fi
if ls -d "$demo_unix".onboard-old-* >/dev/null 2>&1; then bad "the upgrade from inside left the old install: $(ls -d "$demo_unix".onboard-old-*)"; else pass 'the upgrade from inside deleted the old install whole'; fi
[ -f "$demo_unix/.onboard/onboard.exe" ] && pass 'the upgraded install has its own maintenance app' || bad 'the upgraded install has no .onboard\onboard.exe'
moved_gone 'the old maintenance app, moved to %TEMP%, was deleted after it exited'
want 0 'onboard.exe verify after the upgrade from inside: healthy' verify --prefix "$demo"

# Uninstall by the maintenance app inside removes the whole folder before it even exits, and the
# hook `conda init cmd.exe` added to the user's AutoRun value for its conda (the other command stays).
# The machine's AutoRun (`conda init --system`) loses its hook too.
autorun_key='HKCU\Software\Microsoft\Command Processor'
system_key='HKLM\Software\Microsoft\Command Processor'
hook="\"$demo\\condabin\\conda_hook.bat\""
wine reg add "$autorun_key" /v AutoRun /t REG_EXPAND_SZ /d "doskey /listsize=99 & if exist $hook $hook" /f >/dev/null 2>&1
wine reg add "$system_key" /v AutoRun /t REG_SZ /d "if exist $hook $hook" /f >/dev/null 2>&1
wantw 0 'the installed maintenance app uninstalls its own install' "$maint" uninstall --silent
autorun=$(wine reg query "$autorun_key" /v AutoRun 2>/dev/null | tr -d '\r' | sed -n 's/.*REG_EXPAND_SZ *//p')
if [ "$autorun" = 'doskey /listsize=99' ]; then pass "uninstall took conda init's hook out of cmd.exe's AutoRun, the other command kept"
else bad "cmd.exe's AutoRun after the uninstall: '$autorun', want 'doskey /listsize=99'"; fi
if wine reg query "$system_key" /v AutoRun 2>/dev/null | tr -d '\r' | grep -q 'AutoRun'; then
	bad "the machine's AutoRun still holds: $(wine reg query "$system_key" /v AutoRun 2>/dev/null | tr -d '\r' | grep AutoRun)"
else pass "uninstall deleted the machine's AutoRun value, which held only the hook (conda init --system)"; fi
wine reg delete "$autorun_key" /v AutoRun /f >/dev/null 2>&1 || true
wine reg delete "$system_key" /v AutoRun /f >/dev/null 2>&1 || true  # gone with the hook, as it should be
if [ -e "$demo_unix" ]; then bad "uninstall left $demo_unix: $(find "$demo_unix" | head -5 | tr '\n' ' ')"; else pass 'uninstall removed the install folder, the running program included'; fi
moved_gone 'the maintenance app, moved to %TEMP% by the uninstall, was deleted after it exited'

# 7b. A package's file and URL associations, end to end: a demo whose jupyterlab has a menu file
# with a Windows item for onboard-demo: URLs and .onbdemo files, installed for all users (Wine's
# Shell looks classes up in HKLM only). The Shell opens a URL of the protocol with the registered
# command, which runs in the env activated; verify is healthy; uninstall removes the keys.
go run ./internal/demo -o "$work/demo-menu.zip" -version 2099.3.0 -menu -subdirs win-64
menu='C:\onboard-menu'
menu_unix="$WINEPREFIX/drive_c/onboard-menu"
rm -rf "$menu_unix" "$WINEPREFIX/drive_c/onboard-url.txt"
want 0 'onboard.exe install --all-users of a demo whose package has file and URL associations' install --silent --all-users \
	--no-launcher --no-maintenance-launcher --prefix "$menu" --bundle "$(winepath -w "$work/demo-menu.zip" 2>/dev/null | tr -d '\r')"
regq() { wine reg query "$@" 2>/dev/null | tr -d '\r'; }
cmdline=$(regq 'HKLM\Software\Classes\onboard-demo\shell\open\command' /ve)
echo "    onboard-demo: opens with:$(sed -n 's/.*REG_SZ//p' <<<"$cmdline")"
if grep -q 'launch run' <<<"$cmdline" && grep -q '"%1"' <<<"$cmdline" && regq 'HKLM\Software\Classes\onboard-demo' /v _menuinst | grep -q 'onboard-demo-opener.AssocFileonboard-demo'; then
	pass 'the URL protocol is registered with menuinst'"'"'s marker, opening through launch run with the URL'
else bad "the URL protocol is not registered as expected: $cmdline"; fi
if regq 'HKLM\Software\Classes\.onbdemo\OpenWithProgids' | grep -q 'onboard-demo-opener.AssocFile.onbdemo'; then
	pass 'the file extension offers the item in Open with (OpenWithProgids)'
else bad 'the file extension is not registered'; fi
wine start onboard-demo:hello >/dev/null 2>&1 || true
for _ in $(seq 1 60); do grep -q 'onboard-demo:hello' "$WINEPREFIX/drive_c/onboard-url.txt" 2>/dev/null && break; sleep 0.25; done
if grep -q 'onboard-demo:hello' "$WINEPREFIX/drive_c/onboard-url.txt" 2>/dev/null; then
	pass 'the Shell opened onboard-demo:hello with the registered command (it wrote C:\onboard-url.txt)'
else bad "opening onboard-demo:hello did not run the item's command: $(cat "$WINEPREFIX/drive_c/onboard-url.txt" 2>/dev/null)"; fi
want 0 'onboard.exe verify of the install with associations: healthy' verify --prefix "$menu"
want 0 'onboard.exe uninstall of the install with associations' uninstall --silent --prefix "$menu"
if regq 'HKLM\Software\Classes\onboard-demo' >/dev/null || regq 'HKLM\Software\Classes\.onbdemo' >/dev/null \
	|| regq 'HKLM\Software\Classes\onboard-demo-opener.AssocFile.onbdemo' >/dev/null; then
	bad 'uninstall left association keys in HKLM\Software\Classes'
else pass 'uninstall removed the protocol, the handler and the emptied .onbdemo key'; fi
rm -f "$WINEPREFIX/drive_c/onboard-url.txt"

# 7c. IT's uninstall command is the installer itself (README, "For IT"). A per-user install made
# by an installer carrying its bundle holds its maintenance app as a hard link of the installer,
# and Windows deletes no name of a running program's file: the uninstall renames that link out
# and deletes it after it exits; the installer stays. An all-users install records its folder by
# its 8.3 short name (C:\PROGRA~1), and its maintenance app started by the long name uninstalls it
# too (audit AF).
dl_unix="$WINEPREFIX/drive_c/users/Public/Downloads"
it='C:\onboard-it'
it_unix="$WINEPREFIX/drive_c/onboard-it"
rm -rf "$dl_unix/it" "$it_unix"
mkdir -p "$dl_unix"
want 0 'onboard.exe bundle attach writes an installer carrying the demo bundle' bundle attach \
	--bundle "$(winepath -w "$work/demo-next.zip" 2>/dev/null | tr -d '\r')" -o 'C:\users\Public\Downloads\it'
itexe=$(ls "$dl_unix"/it/*.exe 2>/dev/null | head -1)
itwin=$(winepath -w "$itexe" 2>/dev/null | tr -d '\r')
wantw 0 'the attached installer installs for this user' "$itwin" install --silent --no-launcher --prefix "$it"
if [ "$(stat -c %h "$it_unix/.onboard/onboard.exe" 2>/dev/null)" = 2 ]; then pass 'its maintenance app is a hard link of the installer'
else bad "the maintenance app is not a hard link of the installer (links: $(stat -c %h "$it_unix/.onboard/onboard.exe" 2>&1))"; fi
arp=$(wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r')
if grep -q 'Publisher *REG_SZ *The onboard project' <<<"$arp" && grep -q 'URLInfoAbout *REG_SZ *https://onboard.invalid/demo' <<<"$arp"; then
	pass 'its "Apps & features" entry names the bundle'"'"'s publisher and URL'
else bad "the \"Apps & features\" entry lacks the publisher or the URL: $(grep -E 'Publisher|URLInfo' <<<"$arp")"; fi
wantw 0 'the installer uninstalls the install whose maintenance app is its hard link' "$itwin" uninstall --silent --prefix "$it"
if [ -e "$it_unix" ]; then bad "the uninstall by the installer left $it_unix: $(find "$it_unix" | head -5 | tr '\n' ' ')"; else pass 'the uninstall by the installer removed the install folder'; fi
[ -f "$itexe" ] && pass 'the installer is still there' || bad 'the installer went with the install'
moved_gone 'the moved link of the maintenance app was deleted after the installer exited'
all_unix="$WINEPREFIX/drive_c/Program Files/onboard-demo"
rm -rf "$all_unix"
wantw 0 'the attached installer installs for all users' "$itwin" install --silent --all-users --no-launcher --no-maintenance-launcher
allp=$(wine "$itwin" install --dry-run --all-users --json 2>/dev/null | tr -d '\r' | grep -o '"prefix":"[^"]*"' | head -1 | sed 's/.*:"//; s/"$//; s/\\\\/\\/g')
case "$allp" in *'~'*) pass "the all-users install is recorded by its short name ($allp)" ;; *) echo "    (the all-users folder has no short name here: $allp)" ;; esac
wantw 0 'its maintenance app started by the long name uninstalls it' 'C:\Program Files\onboard-demo\.onboard\onboard.exe' uninstall --silent --prefix "$allp"
if [ -e "$all_unix" ]; then bad "the uninstall left $all_unix: $(find "$all_unix" | head -5 | tr '\n' ' ')"; else pass 'the uninstall by the long name removed the all-users install'; fi
moved_gone 'the maintenance app, moved out by the uninstall, was deleted after it exited'
rm -rf "$dl_unix/it"

# 8. The Windows GUI installer (make wingui: Fyne, cgo with mingw, -H windowsgui),
# when WINGUI_EXE names it (make wine does).
if [ -n "${WINGUI_EXE:-}" ]; then
	gui="$(realpath "$WINGUI_EXE")"
	[ -f "$gui" ] || { bad "WINGUI_EXE=$WINGUI_EXE does not exist (make wingui)"; gui=; }
fi
if [ -n "${gui:-}" ]; then
	pe=$(x86_64-w64-mingw32-objdump -p "$gui")
	if grep -q 'Subsystem.*(Windows GUI)' <<<"$pe"; then pass 'the GUI installer is a Windows GUI-subsystem program (no console window)'; else bad 'the GUI installer is not a GUI-subsystem program'; fi
	# The resource types at the top level of .rsrc: 0x0e group icon, 0x10 version, 0x18 manifest.
	types=$(sed -n '/The .rsrc Resource Directory/,$p' <<<"$pe" | grep -E '^[0-9a-f]+   Entry: ID: 0x0000(0e|10|18),' | wc -l)
	if [ "$types" -eq 3 ]; then
		pass 'the GUI installer carries a manifest, version info and an icon (objdump -p)'
	else bad 'the GUI installer lacks its manifest, version info or icon resources'; fi
	# grep reads to the end: with -q it could stop early and strings die of SIGPIPE (pipefail)
	strings -el "$gui" | grep 'OriginalFilename' >/dev/null && pass 'version info names onboard.exe' || bad 'no version info strings'

	# 8a. Run from a console with a subcommand: output and exit code reach the caller, with
	# and without `start /wait` (what IT scripts use). A batch file, as cmd.exe waits there.
	gout=$(wine "$gui" info --json 2>&1 | tr -d '\r' || true)
	if grep -q '"subdir":"win-64"' <<<"$gout"; then pass 'onboard-gui.exe info --json prints its JSON'; else bad "onboard-gui.exe info --json printed: $gout"; fi
	cp "$gui" "$WINEPREFIX/drive_c/onboard-gui.exe"
	sed 's/$/\r/' >"$WINEPREFIX/drive_c/exitcode.bat" <<'EOF'
@echo off
start "" /wait C:\onboard-gui.exe verify --prefix C:\no-such-install
echo start-wait-exit=%errorlevel%
C:\onboard-gui.exe verify --prefix C:\no-such-install
echo direct-exit=%errorlevel%
EOF
	bout=$(wine cmd /c 'C:\exitcode.bat' 2>&1 | tr -d '\r' || true)
	echo "$bout" | sed 's/^/    /'
	if grep -q 'start-wait-exit=4' <<<"$bout" && grep -q 'direct-exit=4' <<<"$bout"; then
		pass 'exit code 4 (no install there) reaches start /wait and a batch file'
	else bad 'the exit code did not reach start /wait or the batch file'; fi
	grep -q 'no install found' <<<"$bout" && pass 'the error message reaches the console' || bad 'the error message did not reach the console'
	rm -f "$WINEPREFIX/drive_c/onboard-gui.exe" "$WINEPREFIX/drive_c/exitcode.bat"

	# 8b. Double-click: the wizard, on Xvfb, clicked through to a finished install.
	scripts/wine-gui-test.sh "$gui" || bad 'the GUI wizard run (scripts/wine-gui-test.sh)'
fi

scripts/wine-signed.sh "$work" || bad "the signed installer under Wine (scripts/wine-signed.sh)"
wineserver_wait
if [ $fail -ne 0 ]; then
	echo "wine-test: FAILED"
	exit 1
fi
echo "wine-test: all checks passed"
