// Package engine holds what every operation on an install shares: the
// typed errors and exit codes of the command-line contract, progress
// ([Reporter], [Stage], [Logf]), the prefix lock, the administrator check,
// and the journal of a whole install or uninstall with the one recovery
// that every entry point runs first ([RecoverOutcome]).
//
// It sits below installer (install and plan), installer/verify,
// installer/repair and installer/uninstall, which import it and never one
// another's code in a circle; installer names its types again by alias.
//
// # Errors
//
// Errors that a user interface or an exit code must branch on are typed:
// [BundleError] (3), [TargetError], [LockedError], [NotInstalledError] and
// [AdminRequiredError] (4), [PlatformError] (5), [UsageError] (2).
// [ExitCode] maps any error to the command-line contract, and [HintFor]
// finds what to tell a person to do next.
//
// Nothing here imports Fyne.
package engine
