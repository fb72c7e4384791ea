package bundle

// The disk space estimate, as `du` counts an install: blocks, not bytes.
const (
	blockWaste  = 2048 // on average half a 4 KiB block is unused at the end of each file
	dirBlock    = 4096 // a folder takes a block
	recordBytes = 480  // a path in conda-meta/<pkg>.json (files and paths_data): 448–515 measured
	// pycPerPy is how much bytecode a .py becomes (Python 3.11: 28 MB of
	// .pyc from 23 MB of .py in the Jupyter stack).
	pycPerPyNum, pycPerPyDen = 6, 5
	// oldFactor is the estimate for a package whose manifest entry has no
	// size facts (a bundle built before they were recorded): archive,
	// extracted copy and linked files, roughly.
	oldFactor = 4
)

// known tells whether the package's size facts were recorded.
func (p Package) known() bool { return p.Files > 0 }

// DiskEstimate is the space an install of the platform takes, as du
// counts it, counting what onboard puts there. Each package is written
// once into every env that has it (one pass from the bundle): its files,
// folders, conda-meta record and, for a noarch: python package, the .pyc
// files and __pycache__ folders compiled at install. The install carries
// its bundle for offline repairs (the maintenance app is the installer,
// or the bundle file sits beside it): the archives once, plus
// maintenanceApp, the size of the maintenance app without a bundle. With
// keepCache (--keep-package-cache) PREFIX/pkgs also holds each archive and
// its extracted copy once, and the envs' files are hard links to it. Each
// entry point is a script (a block) and a record line, and on Windows
// also a launcher .exe of entryPointExe bytes and its record line.
func (pl *Platform) DiskEstimate(maintenanceApp, entryPointExe int64, keepCache bool) int64 {
	if pl == nil {
		return maintenanceApp
	}
	total := maintenanceApp
	seen := map[string]bool{}
	for _, pkgs := range append([][]Package{pl.Base}, envsOf(pl)...) {
		for _, p := range pkgs {
			first := p.Fn == "" || !seen[p.ZipPath()]
			seen[p.ZipPath()] = true
			if !p.known() {
				if first {
					total += p.Size * oldFactor
				}
				continue
			}
			files := p.UnpackedSize + int64(p.Files)*blockWaste + int64(p.Dirs)*dirBlock
			switch {
			case first && keepCache: // the bundle's copy, the archive and its extracted copy in pkgs/
				total += 2*p.Size + files
			case first: // the bundle's copy
				total += p.Size
			}
			if !keepCache {
				total += files // written into the env
			}
			total += int64(p.Dirs)*dirBlock + int64(p.Files)*recordBytes
			if p.EntryPoints > 0 {
				each := int64(dirBlock + recordBytes)
				if entryPointExe > 0 {
					each += (entryPointExe+dirBlock-1)/dirBlock*dirBlock + recordBytes
				}
				total += int64(p.EntryPoints) * each
			}
			if p.PyFiles > 0 {
				total += p.PySize*pycPerPyNum/pycPerPyDen + int64(p.PyFiles)*blockWaste + int64(p.Dirs)*dirBlock
			}
		}
	}
	return total
}

// FileEstimate is how many files and folders (inodes) an install of the
// platform makes, counted as DiskEstimate counts bytes: each package's
// files, folders and record in every env that has it (with keepCache, its
// files are hard links to the extracted copy in pkgs/, made once, with
// the archive), its entry points, and the .pyc files and __pycache__
// folders of a noarch: python package. 0 when a package's facts were not
// recorded (a bundle built before they were): unknown.
func (pl *Platform) FileEstimate(keepCache bool) int64 {
	if pl == nil {
		return 0
	}
	n := int64(32) // onboard's own: state, maintenance app, history, condarc.d/onboard.yml
	seen := map[string]bool{}
	for _, pkgs := range append([][]Package{pl.Base}, envsOf(pl)...) {
		for _, p := range pkgs {
			if !p.known() {
				return 0
			}
			first := p.Fn == "" || !seen[p.ZipPath()]
			seen[p.ZipPath()] = true
			n += int64(p.Dirs) + 1 + int64(p.EntryPoints) + int64(p.PyFiles)
			if p.PyFiles > 0 {
				n += int64(p.Dirs) // __pycache__
			}
			switch {
			case !keepCache:
				n += int64(p.Files)
			case first:
				n += int64(p.Files) + int64(p.Dirs) + 1
			}
		}
	}
	return n
}

// CarriedBytes is the part of DiskEstimate that is the bundle's archives,
// each once: what the install's copy of the bundle (for offline repairs)
// takes, and what it does not take from the disk when it is a hard link.
func (pl *Platform) CarriedBytes() int64 {
	if pl == nil {
		return 0
	}
	var total int64
	seen := map[string]bool{}
	for _, pkgs := range append([][]Package{pl.Base}, envsOf(pl)...) {
		for _, p := range pkgs {
			if p.known() && (p.Fn == "" || !seen[p.ZipPath()]) {
				total += p.Size
			}
			seen[p.ZipPath()] = true
		}
	}
	return total
}

func envsOf(pl *Platform) [][]Package {
	var out [][]Package
	for _, pkgs := range pl.Envs {
		out = append(out, pkgs)
	}
	return out
}
