package installer

// The vocabulary every operation shares (typed errors and exit codes,
// progress, recovery) lives in installer/engine, below installer and below
// installer/maintain (verify, repair) and installer/uninstall. What a
// caller of Plan, Install or InstallEnv meets is named here as well, by
// alias, so that it needs one import and the install's own code names it
// as before: installer.TargetError and engine.TargetError are one type,
// and errors.As matches either. Callers of verify, repair and uninstall
// name engine's types themselves (engine.DamageError).

import (
	"context"

	"onboard/installer/engine"
)

// Exit codes of the command-line contract (see engine.ExitOK).
const (
	ExitOK        = engine.ExitOK
	ExitFailed    = engine.ExitFailed
	ExitUsage     = engine.ExitUsage
	ExitBundle    = engine.ExitBundle
	ExitTarget    = engine.ExitTarget
	ExitPlatform  = engine.ExitPlatform
	ExitCancelled = engine.ExitCancelled
)

// TargetError codes of Install's refusals (see engine.TargetDowngrade).
const (
	TargetDowngrade   = engine.TargetDowngrade
	TargetOtherBundle = engine.TargetOtherBundle
	TargetDamaged     = engine.TargetDamaged
)

// Typed errors (see engine).
type (
	UsageError         = engine.UsageError
	BundleError        = engine.BundleError
	TargetError        = engine.TargetError
	NotInstalledError  = engine.NotInstalledError
	PlatformError      = engine.PlatformError
	OldSystemError     = engine.OldSystemError
	LockedError        = engine.LockedError
	AdminRequiredError = engine.AdminRequiredError
)

// Progress (see engine.Reporter).
type (
	Stage       = engine.Stage
	Reporter    = engine.Reporter
	NopReporter = engine.NopReporter
	Logf        = engine.Logf
)

// The stages of a long operation (see engine.StageCheck).
const (
	StageCheck     = engine.StageCheck
	StageExtract   = engine.StageExtract
	StageLink      = engine.StageLink
	StageScripts   = engine.StageScripts
	StageCompile   = engine.StageCompile
	StageMetadata  = engine.StageMetadata
	StageLaunchers = engine.StageLaunchers
	StageVerify    = engine.StageVerify
	StageRollback  = engine.StageRollback
)

// Recovered says what a recovery found and did (see engine.Recovered).
type Recovered = engine.Recovered

// CheckNotAClone refuses an env that conda cloned from an install's base
// (see engine.CheckNotAClone).
func CheckNotAClone(prefix string) error { return engine.CheckNotAClone(prefix) }

// ReporterOrNop returns r, or a NopReporter when r is nil.
func ReporterOrNop(r Reporter) Reporter { return engine.ReporterOrNop(r) }

// LogfOrNop returns f, or a logger that discards when f is nil.
func LogfOrNop(f Logf) Logf { return engine.LogfOrNop(f) }

// RecoverOutcome recovers what a killed run left in prefixDir (see
// engine.RecoverOutcome).
func RecoverOutcome(ctx context.Context, prefixDir string, logf Logf) (Recovered, error) {
	return engine.RecoverOutcome(ctx, prefixDir, logf)
}

// ExitCode maps an error to the exit code of the command-line contract
// (see engine.ExitCode).
func ExitCode(err error) int { return engine.ExitCode(err) }

// HintFor returns the first hint found in err's chain, or "" (see
// engine.HintFor).
func HintFor(err error) string { return engine.HintFor(err) }

// Message is what to tell a person about err (see engine.Message).
func Message(err error) string { return engine.Message(err) }

// MessageAndDetail is Message split from the system's words for the
// cause (see engine.MessageAndDetail).
func MessageAndDetail(err error) (string, string) { return engine.MessageAndDetail(err) }
