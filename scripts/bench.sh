#!/usr/bin/env bash
# make bench: builds internal/bench and runs it (see docs/performance.md).
# The generated environment is cached in bench-out/ (keyed by seed);
# results are appended to bench-out/results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tar zstd bzip2 unzip; do
	command -v "$tool" >/dev/null || { echo "bench: needs $tool for the baseline (apt-get install $tool)"; exit 1; }
done
tags=()
# Once installer.InstallEnv exists, measure the whole install, not only extraction.
if grep -qs '^func InstallEnv(' installer/env*.go; then tags=(-tags installenv); fi
mkdir -p bench-out
go build "${tags[@]}" -o bench-out/bench ./internal/bench
exec bench-out/bench "$@"
