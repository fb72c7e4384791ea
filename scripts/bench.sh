#!/usr/bin/env bash
# make bench: builds internal/bench and runs it (see docs/performance.md).
# Without arguments it runs the environment of issue #15 (-shape dense), the
# real Debian Python + Jupyter bundle (-real only), the 10k/100k/200k-file
# packages and the scale series (BENCH_SCALE=1,4,8 by default; none skips
# it; BENCH_SCALE_STEPS picks its steps); with arguments, one run as given.
# Generated environments are cached in .bench/ (keyed by shape and seed; a
# dot folder, so Go's ./... patterns skip it); results are appended to
# .bench/results.jsonl. The runs' trees are deleted at the very end, in the
# background, never between timed runs (build-and-test-facts.md §6).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tar zstd bzip2 unzip sha256sum xargs openssl; do
	command -v "$tool" >/dev/null || { echo "bench: needs $tool for the baseline (apt-get install $tool)"; exit 1; }
done
mkdir -p .bench
go build -o .bench/bench ./internal/bench
# the onboard program itself, timed beside the engine (BENCH_ONBOARD)
CGO_ENABLED=0 go build -tags nogui -o .bench/onboard .
export BENCH_ONBOARD="$PWD/.bench/onboard"
if [ $# -gt 0 ]; then
	exec .bench/bench "$@"
fi
.bench/bench -shape dense -keep
.bench/bench -real only -keep
for n in 10000 100000 200000; do
	.bench/bench -shape files-$n -rounds 1 -keep
done
if [ "${BENCH_SCALE:-1,4,8}" != none ]; then
	.bench/bench -scale "${BENCH_SCALE:-1,4,8}" -scale-steps "${BENCH_SCALE_STEPS:-install,verify,repair}"
fi
date -u +%Y-%m-%dT%H:%M:%SZ > .bench/last-delete
(rm -rf .bench/runs &)
echo "deleting .bench/runs in the background"
