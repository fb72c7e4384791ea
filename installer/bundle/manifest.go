// Package bundle is onboard's payload format: a zip with bundle.json, an
// optional ed25519 signature, a licence, an icon and the conda packages of
// every subdir. It opens, validates, builds, signs, attaches and finds
// bundles. It never imports the installer package.
package bundle

// SchemaVersion is the bundle.json schema this build reads and writes.
const SchemaVersion = 1

// Manifest is bundle.json.
type Manifest struct {
	Schema    int                  `json:"schema"`
	Name      string               `json:"name"`    // shown to users: "Acme Python"
	ID        string               `json:"id"`      // reverse DNS: "com.acme.python"
	Version   string               `json:"version"` // CalVer YYYY.MM.MICRO
	Created   string               `json:"created"` // RFC 3339; fixed for reproducible builds
	Demo      bool                 `json:"demo,omitempty"`
	Platforms map[string]*Platform `json:"platforms"` // by conda subdir
	Launchers []Launcher           `json:"launchers,omitempty"`
	Condarc   *Condarc             `json:"condarc,omitempty"`
}

// Platform is the payload for one conda subdir.
type Platform struct {
	Base []Package            `json:"base"`
	Envs map[string][]Package `json:"envs,omitempty"`
}

// Package is one conda package file in the bundle, at pkgs/<subdir>/<fn>.
type Package struct {
	Fn      string   `json:"fn"`
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Build   string   `json:"build"`
	Subdir  string   `json:"subdir"`
	SHA256  string   `json:"sha256"`
	MD5     string   `json:"md5"`
	Size    int64    `json:"size"`
	URL     string   `json:"url,omitempty"`
	Depends []string `json:"depends"`
}

// Launcher is a shortcut that runs a command in an env.
type Launcher struct {
	Name      string   `json:"name"`
	Env       string   `json:"env"`
	Command   []string `json:"command"`
	Arguments []string `json:"arguments,omitempty"`
	Icon      string   `json:"icon,omitempty"`
}

// Condarc is what the new prefix's .condarc says.
type Condarc struct {
	Channels []string `json:"channels,omitempty"`
	Offline  bool     `json:"offline,omitempty"`
}

// Bundle is an opened, validated bundle. The bundle package fills in how it
// is read; callers use Manifest and the accessors.
type Bundle struct {
	Manifest Manifest
	Source   string // where it was found: a path, "appended to <exe>", "embedded demo"
}
