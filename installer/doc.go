// Package installer is onboard's install engine: it plans and installs a
// conda prefix from a bundle, offline ([Plan], [Install], [InstallEnv]).
// Verify and repair live in installer/maintain, uninstall in
// installer/uninstall; what they all share (typed errors, progress, the
// prefix lock, recovery) lives in installer/engine, and what a caller of
// the install meets of it is named here again by alias.
//
// # Stages
//
// Long operations report through a [Reporter] in [Stage]s: check, extract,
// link, scripts, compile, metadata, launchers. Reporter calls never block.
//
// # Cancellation
//
// Every long operation takes a context.Context first. When it is cancelled
// the operation stops between files and rolls back what it did; the error
// then wraps context.Canceled (exit code 130).
//
// # Errors
//
// Errors that a user interface or an exit code must branch on are typed:
// [BundleError] (3), [TargetError] and [LockedError] (4), [PlatformError]
// (5), [UsageError] (2). [ExitCode] maps any error to the command-line
// contract, and [HintFor] finds what to tell a person to do next.
//
// Nothing under installer/ imports Fyne.
package installer
