package platform

import (
	"encoding/json"
	"fmt"
	"strings"

	"howett.net/plist"

	"onboard/internal/launchname"
)

// LaunchConfigName is the file in a macOS launcher's Contents/Resources
// that tells the copied maintenance app what to do; see [LaunchConfig].
const LaunchConfigName = "onboard-launch.json"

// LaunchConfig is the contract between a macOS .app launcher and the
// maintenance app copied into it as Contents/MacOS/<exe>. Started with no
// arguments (as Finder does; ignore a "-psn_..." argument), the app reads
// ../Resources/onboard-launch.json beside its executable (see
// [ReadLaunchConfig]) and runs as if given Args; Args is empty for the
// maintenance window, which then works on Prefix.
type LaunchConfig struct {
	Schema int      `json:"schema"` // 1
	Prefix string   `json:"prefix"`
	Args   []string `json:"args"`
}

// infoPlist is the Info.plist of a launcher bundle.
type infoPlist struct {
	Executable       string            `plist:"CFBundleExecutable"`
	Identifier       string            `plist:"CFBundleIdentifier"`
	Name             string            `plist:"CFBundleName"`
	DisplayName      string            `plist:"CFBundleDisplayName"`
	PackageType      string            `plist:"CFBundlePackageType"`
	Version          string            `plist:"CFBundleVersion"`
	ShortVersion     string            `plist:"CFBundleShortVersionString"`
	IconFile         string            `plist:"CFBundleIconFile,omitempty"`
	InfoDictVersion  string            `plist:"CFBundleInfoDictionaryVersion"`
	MinSystemVersion string            `plist:"LSMinimumSystemVersion"`
	HighResCapable   bool              `plist:"NSHighResolutionCapable"`
	OnboardPrefix    string            `plist:"OnboardPrefix"`
	Environment      map[string]string `plist:"LSEnvironment,omitempty"`
}

// darwinLaunchers plans one <Name>.app per launcher in ~/Applications
// (/Applications for all users). Its executable is a copy of the
// maintenance app (a real Mach-O binary, so macOS privacy prompts work),
// told what to do by Contents/Resources/onboard-launch.json.
func darwinLaunchers(p *Plan, env Env, app AppInfo, items []LauncherSpec, allUsers bool) error {
	t := p.Target
	dir, err := applicationsDir(t, env, allUsers)
	if err != nil {
		return err
	}
	for _, it := range items {
		if !it.Launchable(t) {
			continue // the caller says so (installer: a note)
		}
		if err := darwinBundle(p, t.Join(dir, bundleFileName(it.Name)+".app"), app, it, it.args(app.Prefix)); err != nil {
			return err
		}
	}
	return nil
}

// applicationsDir is where .app launchers go: ~/Applications, or
// /Applications for all users.
func applicationsDir(t Target, env Env, allUsers bool) (string, error) {
	if allUsers {
		return "/Applications", nil
	}
	if env.Home == "" {
		return "", env.noHome("set HOME, or install with --no-launcher --no-maintenance-launcher")
	}
	return t.Join(env.Home, "Applications"), nil
}

// darwinBundle plans one .app whose copy of the maintenance app runs as if
// given args. An icon that cannot become an .icns (not a square PNG of a
// size macOS knows) is left out rather than failing the install.
func darwinBundle(p *Plan, root string, app AppInfo, it LauncherSpec, args []string) error {
	t := p.Target
	exe := Slug(it.Name)
	icns, iconErr := ICNS(app.Icon)
	info, err := InfoPlist(app, it, exe, iconErr == nil)
	if err != nil {
		return err
	}
	if args == nil {
		args = []string{}
	}
	cfg, _ := json.MarshalIndent(LaunchConfig{Schema: 1, Prefix: app.Prefix, Args: args}, "", "  ")
	p.Bundles = append(p.Bundles, root)
	p.Files = append(p.Files,
		File{Path: t.Join(root, "Contents", "Info.plist"), Kind: KindPlist, Mode: 0o644, Data: info},
		File{Path: t.Join(root, "Contents", "PkgInfo"), Kind: KindOther, Mode: 0o644, Data: []byte("APPL????")},
		File{Path: t.Join(root, "Contents", "MacOS", exe), Kind: KindCopy, Mode: 0o755, CopyFrom: MaintenanceApp(t, app.Prefix)},
		File{Path: t.Join(root, "Contents", "Resources", LaunchConfigName), Kind: KindEntry, Mode: 0o644, Data: append(cfg, '\n')})
	if iconErr == nil {
		p.Files = append(p.Files, File{Path: t.Join(root, "Contents", "Resources", "icon.icns"), Kind: KindIcon, Mode: 0o644, Data: icns})
	}
	return nil
}

// InfoPlist returns the XML Info.plist of a launcher bundle whose
// executable is Contents/MacOS/exe.
func InfoPlist(app AppInfo, it LauncherSpec, exe string, icon bool) ([]byte, error) {
	v := firstNonEmpty(app.Version, "1.0")
	ip := infoPlist{
		Executable: exe, Identifier: strings.ReplaceAll(launcherID(app, it), "_", "-"),
		Name: truncateRunes(it.Name, 15), DisplayName: it.Name, PackageType: "APPL",
		Version: v, ShortVersion: v, InfoDictVersion: "6.0", MinSystemVersion: "12.0",
		HighResCapable: true, OnboardPrefix: app.Prefix, Environment: app.Environment,
	}
	if icon {
		ip.IconFile = "icon.icns"
	}
	b, err := plist.MarshalIndent(ip, plist.XMLFormat, "\t")
	if err != nil {
		return nil, fmt.Errorf("failed to write Info.plist: %w", err)
	}
	return append(b, '\n'), nil
}

// bundleFileName makes a launcher name safe as a macOS file name.
func bundleFileName(name string) string { return launchname.MacFile(name) }

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}
