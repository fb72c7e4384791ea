// Package maintain checks and mends an install that onboard made: [Verify]
// compares every path of every conda-meta record, the launchers, history
// and environments.txt with what they should be, and [Repair] is verify
// plus fixing what it found (re-linking damaged paths from a healthy
// extracted copy, restoring records, history and launchers). Repair is
// built on the verifier's own state, so the two live together.
//
// It imports installer/engine (errors, progress, the lock, recovery) and
// the installer/ leaves (bundle, pkg, link, prefix, state), never the
// install (package installer), so that installer's tests may drive it.
package maintain
