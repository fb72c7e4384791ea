package installer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"onboard/installer/bundle"
	"onboard/installer/engine"
	"onboard/internal/humanize"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"onboard/installer/pkg"
	"onboard/installer/state"
	"onboard/internal/atomicfile"
	"onboard/internal/selfexe"
)

// maintenanceSource is the binary copied as the maintenance app: this
// program, where it is now (an upgrade by the maintenance app moves it out
// of the prefix on Windows); tests replace it.
var maintenanceSource = selfexe.Executable

// envOutcome gathers what InstallEnv reported for all envs.
type envOutcome struct {
	clashes []Clash
	notes   []string
}

// install does the writing: packages, envs, maintenance app, manifest,
// (launchers come after, in swapInstall). The caller rolls back on error.
func (in *installRun) install(ctx context.Context) (*Result, error) {
	p := in.o.Prefix
	if err := os.MkdirAll(state.Dir(p), 0o755); err != nil {
		return nil, &TargetError{Path: p, Reason: "cannot create the folder", Err: err}
	}
	if in.aside != "" {
		copyFileIfExists(state.LogPath(in.aside), state.LogPath(p))
	}
	if err := in.log.Open(state.LogPath(p)); err != nil {
		return nil, &TargetError{Path: p, Reason: "cannot write the install log", Err: err}
	}
	var files map[string]string
	if in.o.KeepPackageCache {
		var err error
		if files, err = in.copyPackages(ctx); err != nil {
			return nil, err
		}
	}
	envs, err := in.installEnvs(ctx, files)
	if err != nil {
		return nil, err
	}
	if err := in.writeState(); err != nil {
		return nil, err
	}
	if err := in.markNonAdmin(); err != nil {
		return nil, err
	}
	if err := in.markFrozen(); err != nil {
		return nil, err
	}
	if in.o.AllUsers {
		if err := engine.NormaliseModes(p); err != nil {
			return nil, err
		}
		in.log.Printf("set the modes for all users: folders 0755, files 0644 or 0755")
	}
	return in.result(true, envs), nil
}

// markNonAdmin writes the empty .nonadmin file into the base and every env
// of an install for one user, as conda's installers do for a "just me"
// install (and conda into each env it creates where the base has one):
// conda and menuinst then make later shortcuts for this user, without
// asking to elevate, even when this user is an administrator.
func (in *installRun) markNonAdmin() error {
	if in.o.AllUsers {
		return nil
	}
	for _, d := range in.manifest().OneUserDirs(in.o.Prefix) {
		if err := state.MarkOneUser(d, true); err != nil {
			return &TargetError{Path: d, Reason: "cannot write " + NonAdminName, Err: err}
		}
	}
	return nil
}

// manifest is the installed manifest this install writes.
func (in *installRun) manifest() *state.Manifest {
	m := state.NewManifest(in.o.Bundle.Manifest, in.subdir, in.o.AllUsers, in.o.KeepPackageCache)
	m.Made = in.made()
	return m
}

// made is what launchers() is about to make beside the prefix, for the
// manifest (state.Made): nil when it makes no launcher and no shell
// set-up, as with --no-shortcuts and both --no-*-launcher flags.
func (in *installRun) made() *state.Made {
	if in.plan == nil || len(in.plan.specs) == 0 && !in.o.ShellSetup {
		return nil
	}
	made := &state.Made{Shell: in.o.ShellSetup, Menus: !in.o.NoShortcuts}
	for _, s := range in.plan.specs {
		made.Launchers = append(made.Launchers, s.Name)
	}
	return made
}

// markFrozen writes conda-meta/frozen (CEP 22) into each env the bundle
// freezes, with its message: conda then refuses to change the env
// (EnvironmentIsFrozenError, showing the message) unless told
// --override-frozen. onboard's own repairs and upgrades are not conda's
// changes and go on. It comes after everything onboard writes into the
// envs.
func (in *installRun) markFrozen() error {
	envs := make([]string, 0, len(in.o.Bundle.Manifest.Frozen))
	for env := range in.o.Bundle.Manifest.Frozen {
		envs = append(envs, env)
	}
	sort.Strings(envs)
	for _, env := range envs {
		msg := in.o.Bundle.Manifest.Frozen[env]
		dir := in.o.Prefix
		if env != "base" {
			dir = filepath.Join(in.o.Prefix, "envs", env)
		}
		var data []byte
		if msg != "" {
			data, _ = json.Marshal(struct {
				Message string `json:"message"`
			}{msg})
			data = append(data, '\n')
		}
		p := filepath.Join(dir, FrozenName)
		if err := atomicfile.WriteFile(p, data, 0o644); err != nil {
			return &TargetError{Path: p, Reason: "cannot write the frozen marker", Err: err}
		}
		in.log.Printf("froze env %s (%s): conda will not change it", env, FrozenName)
	}
	return nil
}

// FrozenName is conda's marker of an env that conda may not change (CEP 22).
const FrozenName = "conda-meta/frozen"

// NonAdminName is conda's marker of an install for one user.
const NonAdminName = pkg.NonAdminFile

// copyPackages copies every package of the subdir to PREFIX/pkgs, hashes
// checked, and returns their paths by zip path.
func (in *installRun) copyPackages(ctx context.Context) (map[string]string, error) {
	pkgsDir := filepath.Join(in.o.Prefix, "pkgs")
	if err := os.MkdirAll(pkgsDir, 0o755); err != nil {
		return nil, &TargetError{Path: in.o.Prefix, Reason: "cannot create pkgs", Err: err}
	}
	pkgs, err := in.o.Bundle.Packages(in.subdir)
	if err != nil {
		return nil, WrapBundleError(err)
	}
	var total int64
	for _, pk := range pkgs {
		total += pk.Size
	}
	in.o.Reporter.Stage(StageExtract, total)
	out := map[string]string{}
	for _, pk := range pkgs {
		in.o.Reporter.Item(pk.Fn)
		path, err := in.o.Bundle.CopyPackage(ctx, pk, pkgsDir, in.o.Reporter.Advance)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, WrapBundleError(err)
		}
		out[pk.ZipPath()] = path
	}
	in.log.Printf("copied %d package files into %q", len(pkgs), pkgsDir)
	return out, nil
}

// installEnvs installs the base into the prefix and each env into
// PREFIX/envs/NAME.
func (in *installRun) installEnvs(ctx context.Context, files map[string]string) (*envOutcome, error) {
	pl := in.o.Bundle.Platform(in.subdir)
	out := &envOutcome{}
	base := in.envRequest(ctx, in.o.Prefix, pl.Base, files)
	base.NewPrefix = true          // swapInstall made it (the old install, if any, is moved aside) and removes it on failure
	base.Condarc = in.newCondarc() // in the base's transaction, as its journal records it
	if err := in.runEnv(ctx, "base", base, out); err != nil {
		return nil, err
	}
	for _, n := range pl.EnvNames() {
		req := in.envRequest(ctx, filepath.Join(in.o.Prefix, "envs", n), pl.Envs[n], files)
		if err := in.runEnv(ctx, n, req, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (in *installRun) envRequest(ctx context.Context, dir string, pkgs []bundle.Package, files map[string]string) EnvRequest {
	req := EnvRequest{
		Prefix: dir, PkgsDir: filepath.Join(in.o.Prefix, "pkgs"), Subdir: in.subdir,
		RootPrefix: in.o.Prefix, Command: installCommand(), Reporter: in.o.Reporter, Logf: in.log.Printf,
		LockHeld:        true, // Install holds PREFIX/.onboard/lock for the whole run
		WindowsLauncher: in.o.WindowsLauncher,
	}
	req.NoPackageCache = files == nil
	for _, p := range pkgs {
		f := PackageFile{Path: files[p.ZipPath()], SHA256: p.SHA256, MD5: p.MD5, Size: p.Size, URL: p.URL, Depends: p.Depends,
			Files: p.Files, Unpacked: p.UnpackedSize}
		if files == nil {
			f.Path, f.Open = filepath.Join(in.o.Prefix, "pkgs", p.Fn), in.opener(ctx, p)
		}
		req.Packages = append(req.Packages, f)
	}
	return req
}

// opener reads package p in place in the bundle; a package stored
// compressed there is first copied out (hash checked) into a scratch file
// that is removed when it is closed. ctx (the install's) cancels the copy.
func (in *installRun) opener(ctx context.Context, p bundle.Package) pkg.Opener {
	return func() (io.ReaderAt, int64, io.Closer, error) {
		if ra, n, err := in.o.Bundle.OpenPackage(p); err == nil {
			return ra, n, nil, nil
		}
		dir := state.UnpackingDir(in.o.Prefix)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, 0, nil, err
		}
		path, err := in.o.Bundle.CopyPackage(ctx, p, dir, nil)
		if err != nil {
			return nil, 0, nil, WrapBundleError(err)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, nil, err
		}
		return f, p.Size, engine.RemoveOnClose{F: f}, nil
	}
}

func (in *installRun) runEnv(ctx context.Context, name string, req EnvRequest, out *envOutcome) error {
	in.log.Printf("installing env %s (%s) into %q", name, humanize.Count(len(req.Packages), "package"), req.Prefix)
	res, err := installEnv(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// a damaged package is the bundle's: name its file, as the dry
		// run does (audit AH)
		var be *BundleError
		if errors.As(err, &be) && be.Path == "" {
			be.Path = in.o.Bundle.Path
		}
		return fmt.Errorf("failed to install env %s: %w", name, err)
	}
	out.clashes = append(out.clashes, res.Clashes...)
	for _, n := range res.Notes {
		out.notes = append(out.notes, name+": "+n)
		in.log.Printf("note: %s: %s", name, n)
	}
	return nil
}

func installCommand() string {
	return strings.Join(os.Args, " ")
}

// writeState writes the maintenance app and .onboard/manifest.json.
func (in *installRun) writeState() error {
	p := in.o.Prefix
	src, err := maintenanceSource()
	if err != nil {
		return fmt.Errorf("failed to find this program to copy it as the maintenance app: %w", err)
	}
	if err := in.writeMaintenance(src); err != nil {
		return err
	}
	// synced, then renamed into place: a crash leaves the old manifest or the new one
	return state.WriteManifest(p, in.manifest())
}

// writeMaintenance writes the maintenance app so that it carries the
// bundle, for an offline repair: an installer that carries its bundle
// (appended) becomes the maintenance app itself; otherwise the app is this
// program without a bundle and a bundle file (--bundle, or bundle.zip
// beside the installer) goes beside it as .onboard/bundle.zip, where
// bundle.Discover finds it. Both are a hard link where the file is the
// installing user's alone and the install is theirs (see engine.CarryFile), a
// reflink where the file system allows, a copy otherwise. The embedded demo bundle is in the
// program itself.
func (in *installRun) writeMaintenance(src string) error {
	dst := state.AppPath(in.o.Prefix)
	b := in.o.Bundle
	if b.Path != "" && sameFile(b.Path, src) {
		how, err := engine.CarryFile(src, dst, in.o.AllUsers)
		if err != nil {
			return fmt.Errorf("failed to write the maintenance app: %w", err)
		}
		if err := in.checkMaintenance(src, dst, true); err != nil {
			return err
		}
		in.log.Printf("maintenance app: %s of the installer %q, with its bundle", how, src)
		return nil
	}
	if b.Path != "" && bundle.SplitInstallerOf(src, b) {
		// a split installer whole: its Authenticode signature stays valid
		// (a stripped copy is unsigned, and policies that allow signed
		// programs only would block the Maintenance shortcut and Apps &
		// features' Uninstall); its footer pins the bundle kept beside it
		how, err := engine.CarryFile(src, dst, in.o.AllUsers)
		if err != nil {
			return fmt.Errorf("failed to write the maintenance app: %w", err)
		}
		in.log.Printf("maintenance app: %s of the split installer %q", how, src)
	} else if err := bundle.WriteStripped(src, dst); err != nil {
		return fmt.Errorf("failed to write the maintenance app: %w", err)
	}
	if err := in.checkMaintenance(src, dst, false); err != nil {
		return err
	}
	// the bundle file, or the demo's zip from the program's own bytes,
	// beside the maintenance app, where a repair finds it offline
	how, err := engine.KeepBundle(b, state.BundlePath(in.o.Prefix), in.o.AllUsers)
	if err != nil {
		return err
	}
	in.log.Printf("bundle for repairs: %s", how)
	return nil
}

func (in *installRun) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	in.notes = append(in.notes, s)
	in.log.Printf("note: %s", s)
}

func copyFileIfExists(src, dst string) {
	if data, err := os.ReadFile(src); err == nil {
		_ = os.WriteFile(dst, data, 0o644)
	}
}
