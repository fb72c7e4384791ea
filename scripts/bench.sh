#!/usr/bin/env bash
# make bench: builds internal/bench and runs it (see docs/performance.md).
# The generated environment is cached in .bench/ (keyed by seed; a dot
# folder, so Go's ./... patterns skip it); results are appended to
# .bench/results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tar zstd bzip2 unzip; do
	command -v "$tool" >/dev/null || { echo "bench: needs $tool for the baseline (apt-get install $tool)"; exit 1; }
done
mkdir -p .bench
go build -o .bench/bench ./internal/bench
exec .bench/bench "$@"  # -real=only: just the real Debian Python + Jupyter case
