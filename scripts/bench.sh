#!/usr/bin/env bash
# make bench: builds internal/bench and runs it (see docs/performance.md).
# The generated environment is cached in .bench/ (keyed by seed; a dot
# folder, so Go's ./... patterns skip it); results are appended to
# .bench/results.jsonl. Then the scale series (BENCH_SCALE, default 1,4,8).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tar zstd bzip2 unzip; do
	command -v "$tool" >/dev/null || { echo "bench: needs $tool for the baseline (apt-get install $tool)"; exit 1; }
done
mkdir -p .bench
go build -o .bench/bench ./internal/bench
.bench/bench "$@"  # -real=only: just the real Debian Python + Jupyter case
# The scale series (docs/performance.md, "Scale series"): BENCH_SCALE=1,4,8 by
# default; BENCH_SCALE=none skips it; BENCH_SCALE_STEPS picks the steps.
if [ "${BENCH_SCALE:-1,4,8}" != none ]; then
	.bench/bench -scale "${BENCH_SCALE:-1,4,8}" -scale-steps "${BENCH_SCALE_STEPS:-install,verify,repair}"
fi
