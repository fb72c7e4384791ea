#!/usr/bin/env bash
# Runs every Go fuzz test (func FuzzXxx(f *testing.F)) for TIME each:
# `make test` runs this with a few seconds, `make fuzz` longer (FUZZTIME).
# An input that fails is written by Go to the package's
# testdata/fuzz/<FuzzXxx>/ folder: commit it, and it runs as a test case in
# every `go test` from then on (docs/engine.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-3s}
fail=0
for dir in $(grep -l --include='*_test.go' -r '^func Fuzz' installer app platform internal 2>/dev/null | xargs -n1 dirname | sort -u); do
	for name in $(grep -h '^func Fuzz' "$dir"/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do
		echo "fuzz ./$dir $name ($time)"
		if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$time" "./$dir" >/tmp/fuzz-$$.log 2>&1; then
			if grep -q 'context deadline exceeded' /tmp/fuzz-$$.log && ! grep -q 'testdata/fuzz' /tmp/fuzz-$$.log; then
				# A loaded machine did not finish the seed corpus in time: no crash.
				echo "  (time ran out before fuzzing began: machine busy; no failure found)"
				continue
			fi
			cat /tmp/fuzz-$$.log
			fail=1
		fi
	done
done
rm -f /tmp/fuzz-$$.log
exit $fail
