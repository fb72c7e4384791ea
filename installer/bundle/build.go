package bundle

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"onboard/installer/pkg"
)

// BuildOptions configures Build.
type BuildOptions struct {
	Spec     string             // the TOML spec file
	Output   string             // the bundle zip to write
	SignKey  ed25519.PrivateKey // when set, bundle.json.sig is written
	CacheDir string             // where fetched packages are kept; "" = <user cache>/onboard/pkgs
	Client   *http.Client       // for http(s) URLs; nil = http.DefaultClient
	Logf     func(format string, args ...any)
}

// BuildResult reports what Build wrote.
type BuildResult struct {
	Output   string
	Manifest *Manifest
	Files    int   // packages stored (each zip member once)
	Bytes    int64 // their total size
	Fetched  int   // packages that came from a URL rather than package_dirs
}

// builder carries the state of one Build.
type builder struct {
	spec  *Spec
	fetch *fetcher
	files map[string]*resolved // zip path → source
	pkgs  map[string]Package   // zip path → manifest entry
	// payload unpacks each package once, as an install would (checks).
	payload *payloadChecks
	// The licence as the bundle carries it (LicenceText) and the icon
	// (CheckIcon; nil without one), read before any package.
	licence, icon []byte
}

// Build makes a bundle from a spec: it parses every lock, finds or fetches
// every package and checks its hash, reads each package's info/index.json,
// and writes the bundle zip deterministically (same inputs, same bytes).
// Nothing is left at Output when it fails.
func Build(ctx context.Context, opts BuildOptions) (*BuildResult, error) {
	spec, err := LoadSpec(opts.Spec)
	if err != nil {
		return nil, err
	}
	b, err := newBuilder(spec, opts)
	if err != nil {
		return nil, err
	}
	if err := b.readAssets(); err != nil {
		return nil, err
	}
	m, err := b.manifest(ctx)
	if err != nil {
		return nil, err
	}
	members, err := b.members(m, opts.SignKey)
	if err != nil {
		return nil, err
	}
	created, _ := time.Parse(time.RFC3339, m.Created)
	if err := writeZip(opts.Output, members, created); err != nil {
		return nil, err
	}
	res := &BuildResult{Output: opts.Output, Manifest: m, Files: len(b.files)}
	for _, r := range b.files {
		res.Bytes += r.Size
		if r.FromURL {
			res.Fetched++
		}
	}
	return res, nil
}

func newBuilder(spec *Spec, opts BuildOptions) (*builder, error) {
	cache := opts.CacheDir
	if cache == "" {
		uc, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("failed to find a download cache (pass --cache DIR): %w", err)
		}
		cache = filepath.Join(uc, "onboard", "pkgs")
	}
	client := opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	logf := func(string, ...any) {}
	if opts.Logf != nil {
		var mu sync.Mutex // the entries are read several at once (readAll)
		logf = func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			opts.Logf(format, args...)
		}
	}
	dirs := make([]string, len(spec.PackageDirs))
	for i, d := range spec.PackageDirs {
		dirs[i] = spec.path(d)
	}
	return &builder{
		spec:  spec,
		fetch: &fetcher{dirs: dirs, cacheDir: cache, client: client, logf: logf},
		files: map[string]*resolved{}, pkgs: map[string]Package{},
		payload: &payloadChecks{dir: cache, done: map[string]*payloadCheck{}},
	}, nil
}

func (b *builder) manifest(ctx context.Context) (*Manifest, error) {
	created, err := b.spec.createdTime()
	if err != nil {
		return nil, err
	}
	m := &Manifest{
		Schema: SchemaVersion, Name: b.spec.Name, ID: b.spec.ID, Version: b.spec.Version, Publisher: b.spec.Publisher, URL: b.spec.URL,
		Created: created.Format(time.RFC3339), Demo: b.spec.Demo,
		Platforms: map[string]*Platform{}, Launchers: b.spec.Launchers, Condarc: b.spec.Condarc, Frozen: b.spec.Frozen,
		MenuPackages: b.spec.MenuPackages, Assets: map[string]Asset{LicenseName: assetOf(b.licence)},
	}
	if b.icon != nil {
		m.Assets[IconName] = assetOf(b.icon)
	}
	for _, sd := range b.spec.subdirs() {
		sp := b.spec.Platforms[sd]
		p := &Platform{VirtualSpecs: sp.VirtualSpecs}
		if p.Base, err = b.env(ctx, sd, sp.Base); err != nil {
			return nil, err
		}
		names := make([]string, 0, len(sp.Envs))
		for name := range sp.Envs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if p.Envs == nil {
				p.Envs = map[string][]Package{}
			}
			if p.Envs[name], err = b.env(ctx, sd, sp.Envs[name]); err != nil {
				return nil, err
			}
		}
		m.Platforms[sd] = p
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("the bundle would be invalid: %w", err)
	}
	return m, nil
}

// env resolves every package of one lock file for subdir sd.
func (b *builder) env(ctx context.Context, sd, lockPath string) ([]Package, error) {
	lockFile := b.spec.path(lockPath)
	l, err := ParseLockFile(lockFile)
	if err != nil {
		return nil, err
	}
	if l.Platform != "" && l.Platform != sd {
		return nil, fmt.Errorf("lock file %q says \"# platform: %s\" but the spec uses it for %s", lockFile, l.Platform, sd)
	}
	got := b.readAll(ctx, lockFile, l.Entries, sd)
	byName := map[string]int{}
	var out []Package
	for i, e := range l.Entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := b.pkg(lockFile, e, sd, got[i])
		if err != nil {
			return nil, err
		}
		// Names ignore case, as conda's do.
		if prev, dup := byName[strings.ToLower(p.Name)]; dup {
			return nil, &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: fmt.Errorf("package %q is already in this env (line %d); an env holds one version of each package, whatever the case of its name", p.Name, prev)}
		}
		byName[strings.ToLower(p.Name)] = e.Line
		if len(p.PrelinkMessages) > 0 {
			files := make([]string, len(p.PrelinkMessages))
			for i, m := range p.PrelinkMessages {
				files[i] = m.File
			}
			b.fetch.logf("%s:%d: %s has prelink messages (%s): the installer shows them with the licence, and installing accepts them, as conda asks", lockFile, e.Line, p.Fn, strings.Join(files, ", "))
		}
		out = append(out, p)
	}
	if err := b.folderLinks(lockFile, l.Entries, got, sd); err != nil {
		return nil, err
	}
	// a noarch: python package needs the env's python to link (its
	// site-packages, its entry points): an env without one installs
	// nothing of it (audit AB: the install failed at the end, exit 1,
	// telling the person to add python)
	if _, py := byName["python"]; !py {
		for i, e := range l.Entries {
			if got[i].bad.noarchPython {
				return nil, &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: fmt.Errorf(
					"it is a noarch: python package, and this environment has no python package to install it for; add python to the lock file, or take the package out")}
			}
		}
	}
	return out, nil
}

// entryRead is what finding, hashing and reading one lock entry's archive
// gave: the slow part of a build (a download, a hash of every byte, a
// .tar.bz2 decompressed up to its info/), done for many entries at once.
type entryRead struct {
	r     *resolved
	ix    *pkg.Index
	facts Package
	bad   hostBad
	err   error
}

// readAll finds, hashes and reads every entry's archive, buildWorkers at a
// time. Each entry's error is kept in its place, so that the build
// reports the first failing line of the lock, whatever finished first.
func (b *builder) readAll(ctx context.Context, lockFile string, entries []LockEntry, sd string) []entryRead {
	out := make([]entryRead, len(entries))
	var g errgroup.Group
	g.SetLimit(buildWorkers)
	for i, e := range entries {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				out[i].err = err
				return nil
			}
			r, err := b.fetch.resolve(ctx, lockFile, e, sd)
			if err != nil {
				out[i].err = err
				return nil
			}
			ix, facts, bad, err := readInfo(r.Path)
			if err == nil && ix.Dist() == pkg.StemOf(e.Fn) { // pkg() reports a renamed one
				err = b.payload.check(ctx, r, facts.UnpackedSize)
			}
			if err != nil {
				err = &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: err}
			}
			out[i] = entryRead{r: r, ix: ix, facts: facts, bad: bad, err: err}
			return nil
		})
	}
	g.Wait()
	return out
}

// buildWorkers is how many lock entries a build reads at once: downloads
// wait on the network, hashing and decompressing on the cores.
var buildWorkers = max(4, runtime.NumCPU())

// pkg makes the manifest package of one lock entry from what readAll read.
func (b *builder) pkg(lockFile string, e LockEntry, sd string, got entryRead) (Package, error) {
	if got.err != nil {
		return Package{}, got.err
	}
	r, ix, facts, bad := got.r, got.ix, got.facts, got.bad
	if stem := pkg.StemOf(e.Fn); ix.Dist() != stem {
		return Package{}, &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: fmt.Errorf(
			"its info/index.json says it is %s; a package's file is named <name>-<version>-<build>, and an install refuses one that is not (was it renamed?)", ix.Dist())}
	}
	if pc := b.payload.result(r.SHA256); pc != nil {
		// what its members, not only paths.json's, hold (audit AS 1)
		bad.windows = cmp.Or(bad.windows, pc.windows)
		bad.folds = cmp.Or(bad.folds, pc.folds)
	}
	if bad.windows != "" && strings.HasPrefix(sd, "win-") {
		return Package{}, &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: fmt.Errorf(
			"the package installs %s; a %s install would refuse it, so take it out of this lock or use a build of it made for Windows", bad.windows, sd)}
	}
	if bad.folds != "" && (strings.HasPrefix(sd, "win-") || strings.HasPrefix(sd, "osx-")) {
		return Package{}, &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: fmt.Errorf(
			"its %s; a %s install would refuse it, so take it out of this lock or use a build of it made for that platform", bad.folds, sd)}
	}
	p := Package{
		Fn: e.Fn, Name: ix.Name, Version: ix.Version, Build: ix.Build, Subdir: pkgSubdir(ix, e, sd),
		SHA256: r.SHA256, MD5: r.MD5, Size: r.Size, URL: e.URL, Depends: ix.Depends,
		LongestPath: facts.LongestPath, UnpackedSize: facts.UnpackedSize, Files: facts.Files, Dirs: facts.Dirs,
		PySize: facts.PySize, PyFiles: facts.PyFiles, EntryPoints: facts.EntryPoints,
		PrelinkMessages: facts.PrelinkMessages,
	}
	if p.Depends == nil {
		p.Depends = []string{}
	}
	if p.Subdir != sd && p.Subdir != "noarch" {
		return Package{}, &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: fmt.Errorf("package is for subdir %s, but this lock is for %s (only noarch packages fit every platform)", p.Subdir, sd)}
	}
	if prev, ok := b.pkgs[p.ZipPath()]; ok && prev.SHA256 != p.SHA256 {
		old := b.files[p.ZipPath()]
		return Package{}, &LockError{File: lockFile, Line: e.Line, Fn: e.Fn, Err: fmt.Errorf("differs from the file of the same name used at %s:%d (sha256 %s vs %s)", old.LockFile, old.LockLine, p.SHA256, prev.SHA256)}
	}
	b.pkgs[p.ZipPath()], b.files[p.ZipPath()] = p, r
	return p, nil
}

// pkgSubdir decides a package's subdir: index.json's, else noarch for a
// noarch package, else the URL's folder, else the lock's platform.
func pkgSubdir(ix *pkg.Index, e LockEntry, sd string) string {
	switch {
	case ix.Subdir != "":
		return ix.Subdir
	case ix.Noarch != "":
		return "noarch"
	case e.Subdir != "":
		return e.Subdir
	}
	return sd
}

// readAssets reads the spec's licence and icon, and refuses what the
// wizard could not show.
func (b *builder) readAssets() error {
	path := b.spec.path(b.spec.License)
	data, err := readCapped(path, 4*MaxLicence) // UTF-16 takes up to twice the bytes; the cap is checked again as UTF-8
	if err != nil {
		return fmt.Errorf("failed to read the licence: %w", err)
	}
	text, err := LicenceText(data)
	if err != nil {
		return fmt.Errorf("licence %q cannot be used: %w", path, err)
	}
	b.licence = []byte(text)
	if b.spec.Icon == "" {
		return nil
	}
	path = b.spec.path(b.spec.Icon)
	if b.icon, err = readCapped(path, MaxIcon); err != nil {
		return fmt.Errorf("failed to read the icon: %w", err)
	}
	if err := CheckIcon(b.icon); err != nil {
		return fmt.Errorf("icon %q cannot be used: %w", path, err)
	}
	return nil
}

// members lists the zip members in their fixed order.
func (b *builder) members(m *Manifest, key ed25519.PrivateKey) ([]member, error) {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("failed to encode %s: %w", ManifestName, err)
	}
	raw = append(raw, '\n')
	if len(raw) > maxSmallMember {
		return nil, fmt.Errorf("%s would be %d bytes, more than the %d an install reads: the lock lists too many packages, or their prelink messages are too long", ManifestName, len(raw), maxSmallMember)
	}
	ms := []member{{name: ManifestName, data: raw}}
	if key != nil {
		ms = append(ms, member{name: SignatureName, data: SignManifest(key, raw)})
	}
	ms = append(ms, member{name: LicenseName, data: b.licence})
	if b.icon != nil {
		ms = append(ms, member{name: IconName, data: b.icon})
	}
	names := make([]string, 0, len(b.files))
	for n := range b.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ms = append(ms, member{name: n, path: b.files[n].Path, sha256: b.files[n].SHA256})
	}
	return ms, nil
}
