package engine

// Stage names a step of a long operation, as shown to people.
type Stage string

// The stages of an install, repair or verify, in the order they run.
const (
	StageCheck     Stage = "check"     // bundle checksums, signature, target checks
	StageExtract   Stage = "extract"   // archives into PREFIX/pkgs
	StageLink      Stage = "link"      // files into the prefix
	StageScripts   Stage = "scripts"   // post-link scripts
	StageCompile   Stage = "compile"   // .pyc compilation
	StageMetadata  Stage = "metadata"  // conda-meta, history, environments.txt
	StageLaunchers Stage = "launchers" // shortcuts, uninstall entry
	StageVerify    Stage = "verify"    // hashing installed files
	StageRollback  Stage = "rollback"  // undoing a failed or cancelled install
)

// Reporter receives progress from the engine. Its methods are called from
// the engine's goroutines, possibly several at once, and must return at
// once: implementations update atomics or bindings and never block on a UI.
type Reporter interface {
	// Stage starts a stage whose work totals total units (bytes for
	// extract, link and verify; items otherwise; 0 when unknown).
	Stage(s Stage, total int64)
	// Advance adds n units of work done in the current stage.
	Advance(n int64)
	// Item names what is being worked on, e.g. a package file name.
	Item(name string)
}

// NopReporter is a Reporter that ignores everything.
type NopReporter struct{}

func (NopReporter) Stage(Stage, int64) {}
func (NopReporter) Advance(int64)      {}
func (NopReporter) Item(string)        {}

// ReporterOrNop returns r, or a NopReporter when r is nil.
func ReporterOrNop(r Reporter) Reporter {
	if r == nil {
		return NopReporter{}
	}
	return r
}

// Logf is the engine's logger: it never writes to the global log.
type Logf func(format string, args ...any)

// LogfOrNop returns f, or a logger that discards when f is nil.
func LogfOrNop(f Logf) Logf {
	if f == nil {
		return func(string, ...any) {}
	}
	return f
}
