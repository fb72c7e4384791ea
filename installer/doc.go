// Package installer is onboard's engine: it plans, installs, verifies,
// repairs and uninstalls a conda prefix from a bundle, offline.
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
