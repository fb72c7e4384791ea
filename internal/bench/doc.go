// Command bench measures onboard's install speed and memory against the
// system's own archive tools on a generated, realistic environment (about
// 150 packages, 600 MB unpacked, 40,000 files, 80% .conda). See
// docs/performance.md for the method and the figures. Run it through
// `make bench` (scripts/bench.sh). It builds on Linux only (rusage, /proc,
// tar, bash).
package main
