package bundle

import (
	"fmt"
	neturl "net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"onboard/installer/pkg"
	"onboard/internal/condaver"
	"onboard/internal/humanize"
	"onboard/internal/launchname"
	"onboard/internal/pathfold"
	"onboard/internal/winname"
)

var (
	hex64RE  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	hex32RE  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	subdirRE = regexp.MustCompile(`^[a-z0-9_]+-[a-z0-9_]+$|^noarch$`)
	envRE    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
	// packageNameRE is a conda package name (conda's own are lower case;
	// onboard compares them ignoring case, as conda does)
	packageNameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
)

// Validate checks that m is a well-formed bundle.json of this schema: the
// required fields, a CalVer version, and for every package a file name, a
// subdir, a lowercase sha256 and a size. Package names are unique per env.
func (m *Manifest) Validate() error {
	if m.Schema != SchemaVersion {
		return fmt.Errorf("schema is %d; this onboard reads schema %d (use a newer onboard)", m.Schema, SchemaVersion)
	}
	for k, v := range map[string]string{"name": m.Name, "id": m.ID, "version": m.Version, "created": m.Created} {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("required field %q is empty", k)
		}
		// Shown by bundle inspect and the windows, and made part of file
		// names (launchers, the default folder): a name holding escape
		// sequences repainted inspect's "signature:" line (audit W2).
		if !plainText(v, maxNameBytes) {
			return fmt.Errorf("%s %s is longer than %d bytes or holds control characters", k, humanize.Excerpt(fmt.Sprintf("%q", v), 80), maxNameBytes)
		}
	}
	if _, err := ParseCalVer(m.Version); err != nil {
		return err
	}
	if err := validatePublisher(m.Publisher, m.URL); err != nil {
		return err
	}
	if _, err := time.Parse(time.RFC3339, m.Created); err != nil {
		return fmt.Errorf("created %q is not an RFC 3339 time", m.Created)
	}
	if len(m.Platforms) == 0 {
		return fmt.Errorf("no platforms: the bundle carries no packages")
	}
	for _, sd := range m.Subdirs() {
		if err := validatePlatform(sd, m.Platforms[sd]); err != nil {
			return err
		}
	}
	if err := m.validateFrozen(); err != nil {
		return err
	}
	if err := validateAssets(m.Assets); err != nil {
		return err
	}
	if err := m.Condarc.Validate(); err != nil {
		return err
	}
	if m.MenuPackages != nil {
		have := map[string]bool{}
		for _, sd := range m.Subdirs() {
			for _, p := range m.Platforms[sd].All() {
				have[strings.ToLower(p.Name)] = true
			}
		}
		for _, n := range *m.MenuPackages {
			if !packageNameRE.MatchString(n) {
				return fmt.Errorf("menu_packages: %q is not a conda package name", n)
			}
			if !have[strings.ToLower(n)] {
				return fmt.Errorf("menu_packages: %q is not a package of the bundle (a typo would make no shortcuts at all)", n)
			}
		}
	}
	return m.validateLaunchers()
}

// validatePublisher checks the bundle's publisher (plain text, as its
// name) and URL (an http or https address, without spaces): both go into
// the registry and the installer's version info, and are shown.
func validatePublisher(publisher, url string) error {
	if publisher != "" && (strings.TrimSpace(publisher) == "" || !plainText(publisher, maxNameBytes)) {
		return fmt.Errorf("publisher %s is blank, longer than %d bytes or holds control characters", humanize.Excerpt(fmt.Sprintf("%q", publisher), 80), maxNameBytes)
	}
	if url == "" {
		return nil
	}
	u, err := neturl.Parse(url)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(url) > maxURLBytes || strings.ContainsAny(url, " \"<>") || !plainText(url, maxURLBytes) {
		return fmt.Errorf("url %s is not an http or https address of at most %d bytes", humanize.Excerpt(fmt.Sprintf("%q", url), 80), maxURLBytes)
	}
	return nil
}

// maxURLBytes caps the bundle's URL.
const maxURLBytes = 2048

// maxNameBytes caps the bundle's name and id, its launchers' names and its
// envs' names: each becomes part of a file or folder name (a launcher's
// .desktop file, a shortcut, the default folder, PREFIX/envs/NAME), which
// takes 255 bytes at most, with room for what is added to it. A longer
// one made the install exit 0 without its launchers, or fail with the
// target blamed (audit W2).
const maxNameBytes = 100

// plainText tells whether s is text a terminal shows as written, on one
// line, in at most max bytes.
func plainText(s string, max int) bool {
	return len(s) <= max && pkg.IsDisplayText(s) && !strings.ContainsAny(s, "\n\r\t")
}

// maxEnvNameBytes caps an env's name, a folder's name (255 bytes at most
// on every file system): a longer one passed the bundle's checks and
// failed the install, with the target blamed (audit W2).
const maxEnvNameBytes = 200

// ValidEnvName tells whether n may name an environment of a bundle (a
// folder PREFIX/envs/n): letters, digits, '_', '.' and '-', not starting
// with '.' or '-', at most maxEnvNameBytes, and not "base". conda's names
// of envs made later pass too, but for those with characters conda allows
// and a bundle does not. Installed manifests are read with this rule; a
// bundle for Windows or macOS has more (validatePlatform).
func ValidEnvName(n string) bool {
	return envRE.MatchString(n) && len(n) <= maxEnvNameBytes && n != "base"
}

func validatePlatform(sd string, p *Platform) error {
	if !subdirRE.MatchString(sd) || sd == "noarch" {
		return fmt.Errorf("platform %q is not a conda subdir such as linux-64", sd)
	}
	if p == nil || len(p.Base) == 0 {
		return fmt.Errorf("platform %q has no base packages", sd)
	}
	if err := validateEnv(sd, "base", p.Base); err != nil {
		return err
	}
	for _, v := range p.VirtualSpecs {
		if why := condaver.ValidSpec(v); why != "" {
			return fmt.Errorf("platform %q: virtual_specs: %s", sd, why)
		}
	}
	folded := map[string]string{}
	win, foldingHost := strings.HasPrefix(sd, "win-"), strings.HasPrefix(sd, "win-") || strings.HasPrefix(sd, "osx-")
	for _, n := range p.EnvNames() {
		if !ValidEnvName(n) {
			return fmt.Errorf("platform %q: env name %q is not allowed (letters, digits, '_', '.' and '-', at most %d bytes, not \"base\")", sd, n, maxEnvNameBytes)
		}
		// a name Windows would not keep as written: a device (CON,
		// nul.x), a trailing dot it drops
		if why := winname.Unsafe(n); win && why != "" {
			return fmt.Errorf("platform %q: env name %q is not allowed: %s", sd, n, why)
		}
		// one folder where names ignore case (Windows, macOS): two envs
		// would be installed into it
		if other, ok := folded[pathfold.Fold(n)]; ok && foldingHost {
			return fmt.Errorf("platform %q: env names %q and %q are one folder where names ignore case (Windows, macOS)", sd, other, n)
		}
		folded[pathfold.Fold(n)] = n
		if err := validateEnv(sd, n, p.Envs[n]); err != nil {
			return err
		}
	}
	return sameArchives(sd, p)
}

// sameArchives refuses a platform whose envs list one archive of the
// bundle with other hashes or another size: the install checked each
// env's entry as it extracted it and failed on the second env after the
// first was made, where the dry run checked only the first and said it
// would succeed (audit BE 2). bundle build never writes that.
func sameArchives(sd string, p *Platform) error {
	type first struct {
		env string
		pkg Package
	}
	seen := map[string]first{}
	for _, env := range append([]string{"base"}, p.EnvNames()...) {
		pkgs := p.Base
		if env != "base" {
			pkgs = p.Envs[env]
		}
		for _, q := range pkgs {
			f, ok := seen[q.ZipPath()]
			if !ok {
				seen[q.ZipPath()] = first{env, q}
				continue
			}
			var what string
			switch {
			case f.pkg.SHA256 != q.SHA256:
				what = "sha256"
			case f.pkg.MD5 != q.MD5:
				what = "md5"
			case f.pkg.Size != q.Size:
				what = "size"
			default:
				continue
			}
			return fmt.Errorf("platform %q: %s is listed in env %q and in env %q with another %s; one file cannot have both", sd, q.ZipPath(), f.env, env, what)
		}
	}
	return nil
}

func validateEnv(sd, env string, pkgs []Package) error {
	seen := map[string]bool{}
	for i, p := range pkgs {
		where := fmt.Sprintf("platform %q env %q package %d (%s)", sd, env, i+1, p.Fn)
		if err := p.validate(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if p.Subdir != sd && p.Subdir != "noarch" {
			return fmt.Errorf("%s: is for subdir %q", where, p.Subdir)
		}
		if seen[p.Name] {
			return fmt.Errorf("%s: package name %q appears twice", where, p.Name)
		}
		seen[p.Name] = true
	}
	return nil
}

// The bounds of a package's size facts (16 TiB, 2^32 paths): far beyond
// any package, and low enough that the disk space estimate's sums of
// them cannot overflow.
const (
	maxPackageBytes = 1 << 44
	maxPackageCount = 1 << 32
)

func badCount(n int) bool { return n < 0 || int64(n) > maxPackageCount }

func (p Package) validate() error {
	switch {
	case !strings.HasSuffix(p.Fn, ".conda") && !strings.HasSuffix(p.Fn, ".tar.bz2"):
		return fmt.Errorf("fn %q is not a .conda or .tar.bz2 file", p.Fn)
	case strings.ContainsAny(p.Fn, `/\`) || strings.HasPrefix(p.Fn, "."):
		return fmt.Errorf("fn %q is not a plain file name", p.Fn)
	case p.Name == "" || p.Version == "" || p.Build == "":
		return fmt.Errorf("name, version and build are required")
	case strings.TrimSuffix(strings.TrimSuffix(p.Fn, ".conda"), ".tar.bz2") != p.Name+"-"+p.Version+"-"+p.Build:
		// The install checks the archive's index.json against its file
		// name; this binds both to the name the env's checks use.
		return fmt.Errorf("fn %q is not <name>-<version>-<build> of %s %s %s", p.Fn, p.Name, p.Version, p.Build)
	case !subdirRE.MatchString(p.Subdir):
		return fmt.Errorf("subdir %q is not a conda subdir", p.Subdir)
	case !hex64RE.MatchString(p.SHA256):
		return fmt.Errorf("sha256 %q is not 64 lowercase hex digits", p.SHA256)
	case p.MD5 != "" && !hex32RE.MatchString(p.MD5):
		return fmt.Errorf("md5 %q is not 32 lowercase hex digits", p.MD5)
	case p.Size <= 0 || p.Size > maxPackageBytes:
		return fmt.Errorf("size %d is not a package's size", p.Size)
	case p.UnpackedSize < 0 || p.UnpackedSize > maxPackageBytes || p.PySize < 0 || p.PySize > maxPackageBytes:
		return fmt.Errorf("unpacked_size %d or py_size %d is not a package's size", p.UnpackedSize, p.PySize)
	case badCount(p.Files) || badCount(p.Dirs) || badCount(p.PyFiles) || badCount(p.EntryPoints):
		return fmt.Errorf("files %d, dirs %d, py_files %d or entry_points %d is not a package's count", p.Files, p.Dirs, p.PyFiles, p.EntryPoints)
	case p.LongestPath < 0 || p.LongestPath > 1<<16:
		return fmt.Errorf("longest_path %d is not a path's length", p.LongestPath)
	}
	for _, d := range p.Depends {
		// written into the package's conda-meta record, which conda reads
		if strings.TrimSpace(d) == "" || strings.ContainsFunc(d, func(r rune) bool { return r < 0x20 || r == 0x7f }) || !utf8.ValidString(d) {
			return fmt.Errorf("depends %q is empty or holds a control character, which conda cannot read in a record", d)
		}
	}
	return validateMessages(p.PrelinkMessages)
}

// validateMessages checks what bundle build writes of a package's prelink
// messages: text a terminal may show as it is, within the cap.
func validateMessages(ms []pkg.Message) error {
	n := 0
	for _, m := range ms {
		n += len(m.Text)
		switch {
		case m.File == "" || !pkg.IsDisplayText(m.File) || strings.Contains(m.File, "\n"):
			return fmt.Errorf("prelink message file name %q is not a plain name", m.File)
		case !pkg.IsDisplayText(m.Text):
			return fmt.Errorf("prelink message %q holds control characters", m.File)
		case n > pkg.MaxPrelinkMessages:
			return fmt.Errorf("prelink messages are longer than %d bytes", pkg.MaxPrelinkMessages)
		}
	}
	return nil
}

// MaxFrozenMessage caps the message of a frozen env (conda prints it).
const MaxFrozenMessage = 4 << 10

// validateFrozen checks that every frozen env is in every platform and
// that its message is text a terminal shows as written.
func (m *Manifest) validateFrozen() error {
	for env, msg := range m.Frozen {
		if len(msg) > MaxFrozenMessage || !pkg.IsDisplayText(msg) {
			return fmt.Errorf("the message of frozen env %q is longer than %d bytes or holds control characters", env, MaxFrozenMessage)
		}
		if env == "base" {
			continue
		}
		for _, sd := range m.Subdirs() {
			if _, ok := m.Platforms[sd].Envs[env]; !ok {
				return fmt.Errorf("frozen env %q is not an env of platform %q (\"base\" or an env's name)", env, sd)
			}
		}
	}
	return nil
}

// launcherFile is, per the systems a bundle's subdirs are for, the name a
// launcher's file gets there, folded as that system compares names.
var launcherFile = []struct {
	os, prefix string
	key        func(string) string
}{
	{"Windows", "win-", func(n string) string { return pathfold.Fold(launchname.WindowsFile(n)) }},
	{"macOS", "osx-", func(n string) string { return pathfold.Fold(launchname.MacFile(n)) }},
	// the launcher id (Linux' .desktop file, and what the install tells
	// launchers apart by on every system: audit AM 2)
	{"any system (their ids are one)", "", launchname.ID},
	{"Solaris", "solaris-", launchname.Slug},
}

func (m *Manifest) validateLaunchers() error {
	// Launchers whose names become one file on a system the bundle is
	// for (the case, a character Windows forbids, the maintenance
	// launcher's name): one replaced the other, or the install made none
	// (audit AL 7).
	names := []string{launchname.Maintenance(m.Name)}
	for _, l := range m.Launchers {
		names = append(names, l.Name)
	}
	for _, f := range launcherFile {
		if !slices.ContainsFunc(m.Subdirs(), func(sd string) bool { return strings.HasPrefix(sd, f.prefix) }) {
			continue
		}
		seen := map[string]string{}
		for i, n := range names {
			if f.os == "Windows" {
				if why := winname.Unsafe(launchname.WindowsFile(n)); why != "" && i > 0 {
					return fmt.Errorf("launcher name %q is not allowed on Windows: %s", n, why)
				}
			}
			k := f.key(n)
			if other, ok := seen[k]; ok {
				what := fmt.Sprintf("launchers %q and %q", other, n)
				if other == names[0] {
					what = fmt.Sprintf("launcher %q and the maintenance app's %q", n, other)
				}
				return fmt.Errorf("%s would be the same launcher file on %s: give them names that differ in their letters or digits from A to Z and 0 to 9: file names and ids keep those alone", what, f.os)
			}
			seen[k] = n
		}
	}
	for _, l := range m.Launchers {
		if l.Name == "" || len(l.Command) == 0 {
			return fmt.Errorf("launcher %q needs a name and a command", l.Name)
		}
		if !plainText(l.Name, maxNameBytes) {
			return fmt.Errorf("launcher name %s is longer than %d bytes or holds control characters", humanize.Excerpt(fmt.Sprintf("%q", l.Name), 80), maxNameBytes)
		}
		for _, a := range append(append(slices.Clone(l.Command), l.Arguments...), l.Icon) {
			if !plainText(a, 4096) {
				return fmt.Errorf("launcher %q: %s is longer than 4096 bytes or holds control characters", l.Name, humanize.Excerpt(fmt.Sprintf("%q", a), 80))
			}
		}
		if l.Env == "" || l.Env == "base" {
			continue
		}
		for _, sd := range m.Subdirs() {
			if _, ok := m.Platforms[sd].Envs[l.Env]; !ok {
				return fmt.Errorf("launcher %q runs in env %q, which platform %q lacks", l.Name, l.Env, sd)
			}
		}
	}
	return nil
}

var solverRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// Validate checks the settings written into conda's settings file
// (CondarcYAML): a channel is one line of text (one holding a line break
// added settings of its own there; CondarcYAML quotes what YAML would not
// read as written), the solver a plain name.
func (c *Condarc) Validate() error {
	if c == nil {
		return nil
	}
	for _, ch := range c.Channels {
		if strings.TrimSpace(ch) == "" || !plainText(ch, 4096) {
			return fmt.Errorf("condarc: channel %s is not a channel name, path or URL on one line", humanize.Excerpt(fmt.Sprintf("%q", ch), 80))
		}
	}
	if c.Solver != "" && (len(c.Solver) > 64 || !solverRE.MatchString(c.Solver)) {
		return fmt.Errorf("condarc: solver %s is not a solver's name", humanize.Excerpt(fmt.Sprintf("%q", c.Solver), 80))
	}
	return nil
}
