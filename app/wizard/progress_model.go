package wizard

import (
	"strings"

	"onboard/installer"
	"onboard/installer/bundle"
)

// The progress model weighs each part of an install by the time it is
// expected to take, worked out from what the manifest says the packages
// hold. An env's step is mostly creating files — unpacking them (most
// straight to their place in the env), planning and linking the rest a
// window at a time and listing them all in conda-meta — and compiling its
// .py files, not reading its archives; and parts of it report no progress
// at all: after the last conda-meta record (the first sync, which waits
// for the data written so far to reach the disk; the scratch folder
// removed; the maintenance app). The time left is the elapsed time scaled
// by the share still to do (the rest of a stage that has run by its own
// pace: Tracker.left), so only the ratios of these costs matter, not the
// machine's speed.
//
// The costs are fitted to progress traces of the benchmark's scale series
// (the generated environment at 8×: 321,573 files, 240 of its 1,200
// packages .tar.bz2) recorded on the 2-core machine of docs/performance.md
// with the engine that writes a new prefix's files in place and extracts
// the packages in a mixed order (pkg.ExtractAll), where extraction is some
// 83% of the install, linking 9% and the rest 7% (docs/performance.md,
// "The order of the packages"): the extraction's own costs from each
// package's time in its worker, its rise through a large env from the
// traces' extraction curves, linking and the records from the stages'
// times against the extraction's. TestTimeLeftOfRecordedInstalls replays
// traces of it.
const (
	costExtractFile  = installer.ExtractCostPerFile  // per file unpacked: created in place (or in the scratch folder), hashed
	costExtractMB    = installer.ExtractCostPerMB    // per MB unpacked: bound by the disk in a large env
	costExtractBz2MB = installer.ExtractCostPerBz2MB // per MB of .tar.bz2 archive: bzip2 decodes slowly
	costLinkFile     = 40                            // per file: planned, linked (placed files: only claimed) and listed in its conda-meta record
	costLinkPkg      = 1000                          // per package: its plan and its record written
	costScriptsPkg   = 100                           // per package: its post-link script looked for
	costCompilePy    = 1500                          // per .py file compiled to .pyc (noarch: python)
	costMetaMB       = 600                           // per MB unpacked: history and created_at, whose first sync waits for the data written
	costFinishFile   = 8                             // per file, after the metadata: scratch removed, syncs (no progress)
	costFinishMB     = 260                           // per MB unpacked, the same
	costCopyMB       = 5000                          // per MB of package files copied into PREFIX/pkgs (--keep-package-cache)
)

// extractGrowthPerGiB is how much the cost of unpacking a unit rises
// through an env's extraction per GiB that env unpacks: at 8× (4.7 GiB)
// the last packages cost some 45% more than the first, the same work
// (the packages go in a mixed order: pkg.ExtractAll), so the first
// quarter of the time does some 29% of the stage's work, and the whole
// extraction took 1.2× as long per file as at 1× (docs/performance.md,
// "The order of the packages"). It is the kernel's time per file and
// per byte rising as the install's writes pile up, on the machine the
// costs are fitted on.
const extractGrowthPerGiB = 0.1

// Without size facts in the manifest (a bundle built before they were
// recorded) an env's files are guessed from its package files' size, as
// in the generated environment of the benchmark.
const (
	guessBytesPerFile = 6500 // archive bytes per file
	guessUnpackedX    = 2.4  // unpacked bytes per archive byte
)

// envFacts fills e's size facts from its packages.
func envFacts(e *PlanEnv, pkgs []bundle.Package) {
	for _, pk := range pkgs {
		e.Files += pk.Files
		e.Unpacked += pk.UnpackedSize
		e.PyFiles += pk.PyFiles
		if strings.HasSuffix(pk.Fn, ".tar.bz2") {
			e.Bz2Bytes += pk.Size
		}
	}
}

// envParts are the parts of an env's step in the order they run: its
// stages, and the parts that report no progress ("").
var envParts = []installer.Stage{installer.StageExtract, installer.StageLink, installer.StageScripts,
	installer.StageCompile, installer.StageMetadata, ""}

// stageCosts is the expected cost of each of envParts.
type stageCosts [6]float64

func (c stageCosts) sum() float64 {
	var s float64
	for _, v := range c {
		s += v
	}
	return s
}

// sizes returns e's files and unpacked bytes, guessed from its package
// files' size when the manifest has no facts.
func (e PlanEnv) sizes() (files, unpacked float64) {
	files, unpacked = float64(e.Files), float64(e.Unpacked)
	if e.Files == 0 && e.Bytes > 0 {
		files = float64(e.Bytes) / guessBytesPerFile
		unpacked = float64(e.Bytes) * guessUnpackedX
	}
	return files, unpacked
}

// growth is the rise of the extraction's cost per unit from its start to
// its end (extractGrowthPerGiB).
func (e PlanEnv) growth() float64 {
	_, unpacked := e.sizes()
	return extractGrowthPerGiB * unpacked / (1 << 30)
}

// extractTimeShare is the share of an extraction's time by which the
// share done of its work, f, is done when the cost per unit rises
// linearly by g from start to end.
func extractTimeShare(f, g float64) float64 {
	return (f + g*f*f/2) / (1 + g/2)
}

// costs returns what installing e is expected to cost, part by part.
func (e PlanEnv) costs() stageCosts {
	files, unpacked := e.sizes()
	mb := unpacked / (1 << 20)
	pkgs := float64(e.Packages)
	return stageCosts{
		(costExtractFile*files + costExtractMB*mb + costExtractBz2MB*float64(e.Bz2Bytes)/(1<<20)) * (1 + e.growth()/2),
		costLinkFile*files + costLinkPkg*pkgs,
		costScriptsPkg * pkgs,
		costCompilePy * float64(e.PyFiles),
		costMetaMB * mb,
		costFinishFile*files + costFinishMB*mb,
	}
}

// planCosts is a Plan's costs: one per numbered step (the copy, when
// there is one, then each env), and the parts of each env.
type planCosts struct {
	steps []float64
	envs  []stageCosts
	total float64
}

func (p *Plan) costs() planCosts {
	var c planCosts
	if p.Copy {
		c.steps = append(c.steps, costCopyMB*float64(p.Bytes)/(1<<20))
	}
	for _, e := range p.Envs {
		ec := e.costs()
		c.envs = append(c.envs, ec)
		c.steps = append(c.steps, ec.sum())
	}
	for _, s := range c.steps {
		c.total += s
	}
	return c
}

// stageShare returns the share of an env's step done before stage s
// starts and the share of s. A stage that is not one of the env's (the
// launchers, after the last env) comes after all of it.
func (c stageCosts) stageShare(s installer.Stage) (before, share float64) {
	sum := c.sum()
	if sum <= 0 {
		return 0, 0
	}
	for i, part := range envParts {
		if part == s {
			return before / sum, c[i] / sum
		}
		before += c[i]
	}
	return 1, 0
}
