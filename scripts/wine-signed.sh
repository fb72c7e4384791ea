#!/usr/bin/env bash
# wine-signed.sh WORK — the signed Windows installer, under Wine (called by
# scripts/wine-test.sh, which has made WORK/onboard.exe and a WINEPREFIX
# with the bcryptprimitives shim).
#
# Makes a throw-away code-signing certificate with openssl, attaches the demo
# bundle to onboard.exe with 'onboard bundle attach --sign-authenticode',
# checks the signature with 'osslsigncode verify', then under Wine:
#   - the signed installer's 'info --json' finds its appended bundle
#   - its silent install of win-64 succeeds, and verify finds it healthy
#   - a signed '--split' installer finds the bundle.zip beside it, and its
#     install's maintenance app is the signed installer (osslsigncode verify)
# Needs: wine, osslsigncode, openssl, go. Exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work=${1:?usage: scripts/wine-signed.sh WORK (run by scripts/wine-test.sh)}
[ -f "$work/onboard.exe" ] || { echo "wine-signed: $work/onboard.exe missing (run scripts/wine-test.sh)"; exit 1; }
[ -n "${WINEPREFIX:-}" ] || { echo "wine-signed: WINEPREFIX is not set (run scripts/wine-test.sh)"; exit 1; }
scripts/need-debs.sh osslsigncode openssl

fail=0
pass() { echo "wine-signed: ok   $*"; }
bad()  { echo "wine-signed: FAIL $*"; fail=1; }

s="$work/signed"
rm -rf "$s"
mkdir -p "$s"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$s/key.pem" -out "$s/cert.pem" -days 2 \
	-subj "/CN=Onboard Wine Test Signer" -addext "extendedKeyUsage=codeSigning" >/dev/null 2>&1
go build -tags nogui -o "$s/onboard" .
pass "made a throw-away code-signing certificate and the Linux onboard"

# Attach and sign in one step; -o names a folder that does not exist yet.
inst=$("$s/onboard" bundle attach --bundle assets/demo/bundle.zip --installer "$work/onboard.exe" \
	-o "$s/dist" --sign-authenticode --cert "$s/cert.pem" --key "$s/key.pem")
if osslsigncode verify -CAfile "$s/cert.pem" -in "$inst" >"$s/verify.log" 2>&1; then
	pass "osslsigncode verify: $(basename "$inst") is signed"
else
	bad "osslsigncode verify failed:"; tail -n 10 "$s/verify.log" | sed 's/^/    /'
fi
if "$s/onboard" bundle inspect "$inst" >"$s/inspect.log" 2>&1; then
	pass "bundle inspect finds the bundle in the signed installer"
else
	bad "bundle inspect of the signed installer:"; sed 's/^/    /' "$s/inspect.log"
fi

# wantw CODE DESC EXE ARGS...: runs EXE under Wine and checks its exit code.
wantw() {
	local code=$1 desc=$2 exe=$3; shift 3
	local rc=0
	wine "$exe" "$@" >"$s/last.log" 2>&1 || rc=$?
	if [ $rc -eq "$code" ]; then pass "$desc (exit $rc)"; else
		bad "$desc: exit $rc, want $code"; tail -n 15 "$s/last.log" | tr -d '\r' | sed 's/^/    /'
	fi
}
info=$(wine "$inst" info --json 2>&1 | tr -d '\r' || true)
if grep -q '"kind":"appended"' <<<"$info"; then
	pass 'the signed installer finds its appended bundle under Wine (info: "kind":"appended")'
else
	bad "the signed installer did not find its appended bundle: $info"
fi
prefix='C:\onboard-signed'
prefix_unix="$WINEPREFIX/drive_c/onboard-signed"
rm -rf "$prefix_unix"
wantw 0 'signed installer: install --silent (win-64)' "$inst" install --silent --no-launcher --no-maintenance-launcher --prefix "$prefix"
if [ -f "$prefix_unix/conda-meta/history" ] && ls "$prefix_unix"/envs/team/conda-meta/*.json >/dev/null 2>&1; then
	pass 'the signed install made a conda prefix with conda-meta/history and envs/team'
else
	bad 'no conda-meta/history or envs/team records after the signed install'
fi
wantw 0 'signed installer: verify is healthy' "$inst" verify --prefix "$prefix"

# The split form, signed: the .exe carries no bundle, bundle.zip is beside it.
"$s/onboard" bundle attach --bundle assets/demo/bundle.zip --installer "$work/onboard.exe" \
	-o "$s/split" --split --sign-authenticode --cert "$s/cert.pem" --key "$s/key.pem" >"$s/split.out"
split=$(head -n 1 "$s/split.out")
osslsigncode verify -CAfile "$s/cert.pem" -in "$split" >/dev/null 2>&1 && pass "osslsigncode verify: the split installer is signed" || bad "the split installer's signature does not verify"
info=$(wine "$split" info --json 2>&1 | tr -d '\r' || true)
if grep -q '"kind":"beside"' <<<"$info"; then
	pass 'the signed split installer finds bundle.zip beside it under Wine'
else
	bad "the signed split installer did not find bundle.zip beside it: $info"
fi
# Its install's maintenance app (what the Maintenance shortcut and Apps &
# features run) is the signed installer whole: a stripped copy was unsigned.
split_prefix='C:\onboard-split'
split_unix="$WINEPREFIX/drive_c/onboard-split"
rm -rf "$split_unix"
wantw 0 'signed split installer: install --silent (win-64)' "$split" install --silent --no-launcher --no-maintenance-launcher --prefix "$split_prefix"
osslsigncode verify -CAfile "$s/cert.pem" -in "$split_unix/.onboard/onboard.exe" >/dev/null 2>&1 &&
	pass "osslsigncode verify: the split install's maintenance app is signed" || bad "the split install's maintenance app is not signed"
wantw 0 "signed split install: its maintenance app's verify is healthy" "$split_unix/.onboard/onboard.exe" verify --prefix "$split_prefix"
rm -rf "$split_unix" 2>/dev/null || true

timeout 120 wineserver -w || wineserver -k || true
rm -rf "$prefix_unix" 2>/dev/null || true
[ $fail -eq 0 ] || { echo "wine-signed: FAILED"; exit 1; }
echo "wine-signed: all checks passed"
