package cli

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"strings"

	"onboard/assets"
	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/internal/humanize"
)

// TrustKey, set at build time with
// -ldflags "-X onboard/app/cli.TrustKey=<base64 of the 32-byte ed25519 public key>",
// makes this build refuse every bundle not signed by that key.
var TrustKey string

const bundleUsage = `Usage:
  onboard bundle build SPEC -o OUT [--sign-key FILE] [--cache DIR]
  onboard bundle attach --bundle B [--installer BIN] -o DIR [--trust-key FILE] [--split]
                       [--sign-authenticode --cert CERT --key KEY [--timestamp URL]]
  onboard bundle inspect B [--trust-key FILE] [--json]
  onboard bundle keygen -o NAME          writes NAME.key (private) and NAME.pub

See docs/bundle.md.
`

func init() { register("bundle", runBundle) }

func runBundle(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, bundleUsage)
		return reportedError{&installer.UsageError{Msg: "bundle needs a subcommand"}}
	}
	switch args[0] {
	case "help", "-h", "--help", "-help": // what `onboard --help` points at
		fmt.Fprint(env.Stdout, bundleUsage)
		return nil
	}
	sub := map[string]commandFunc{
		"build": runBundleBuild, "attach": runBundleAttach, "inspect": runBundleInspect, "keygen": runBundleKeygen,
	}[args[0]]
	if sub == nil {
		fmt.Fprint(env.Stderr, bundleUsage)
		return reportedError{&installer.UsageError{Msg: fmt.Sprintf("unknown bundle subcommand %q", args[0])}}
	}
	return sub(ctx, args[1:], env)
}

// splitPositional moves the first non-flag argument out of args, so that
// "build SPEC -o OUT" and "build -o OUT SPEC" both work.
func splitPositional(args []string, valueFlags map[string]bool) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" && i+1 < len(args) {
			return args[i+1], append(append([]string{}, args[:i]...), args[i+2:]...)
		}
		if strings.HasPrefix(a, "-") {
			name := strings.TrimLeft(a, "-")
			if valueFlags[name] {
				i++
			}
			continue
		}
		return a, append(append([]string{}, args[:i]...), args[i+1:]...)
	}
	return "", args
}

func runBundleBuild(ctx context.Context, args []string, env Env) error {
	spec, rest := splitPositional(args, map[string]bool{"o": true, "sign-key": true, "cache": true})
	fs := newFlags("bundle build", env)
	out := fs.String("o", "", "the bundle zip to write")
	signKey := fs.String("sign-key", "", "ed25519 private key (PEM) to sign bundle.json with")
	cache := fs.String("cache", "", "download cache for packages fetched from URLs (default: the user cache)")
	if err := parse(fs, rest); err != nil {
		return err
	}
	if spec == "" || *out == "" {
		return &installer.UsageError{Msg: "usage: onboard bundle build SPEC -o OUT [--sign-key FILE]"}
	}
	opts := bundle.BuildOptions{Spec: spec, Output: *out, CacheDir: *cache,
		Logf: func(f string, a ...any) { fmt.Fprintf(env.Stderr, "onboard: "+f+"\n", a...) }}
	if *signKey != "" {
		k, err := bundle.ReadPrivateKeyFile(*signKey)
		if err != nil {
			return &installer.UsageError{Msg: err.Error()}
		}
		opts.SignKey = k
	}
	res, err := bundle.Build(ctx, opts)
	if err != nil {
		return err
	}
	m := res.Manifest
	fmt.Fprintf(env.Stdout, "wrote %s: %s %s, %s, %d package files (%s), %d fetched\n",
		res.Output, m.Name, m.Version, strings.Join(m.Subdirs(), " "), res.Files, humanize.Bytes(res.Bytes), res.Fetched)
	return nil
}

func runBundleKeygen(ctx context.Context, args []string, env Env) error {
	fs := newFlags("bundle keygen", env)
	out := fs.String("o", "", "NAME: writes NAME.key and NAME.pub")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return &installer.UsageError{Msg: "usage: onboard bundle keygen -o NAME"}
	}
	for _, p := range []string{*out + ".key", *out + ".pub"} {
		if _, err := os.Stat(p); err == nil {
			return &installer.UsageError{Msg: fmt.Sprintf("%q exists; remove it or choose another name", p)}
		}
	}
	priv, pub, err := bundle.GenerateKey()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out+".key", priv, 0o600); err != nil {
		return fmt.Errorf("failed to write the private key: %w", err)
	}
	if err := os.WriteFile(*out+".pub", pub, 0o644); err != nil {
		return fmt.Errorf("failed to write the public key: %w", err)
	}
	k, _ := bundle.ParsePublicKey(pub)
	fmt.Fprintf(env.Stdout, "wrote %s.key (keep it secret) and %s.pub (key id %s)\n", *out, *out, bundle.KeyID(k))
	return nil
}

// trustedKeys returns the keys of --trust-key and of the TrustKey build
// setting.
func trustedKeys(file string) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	if TrustKey != "" {
		k, err := bundle.ParsePublicKey([]byte(TrustKey))
		if err != nil {
			return nil, fmt.Errorf("the trusted key built into this onboard is invalid: %w", err)
		}
		keys = append(keys, k)
	}
	if file != "" {
		k, err := bundle.ReadPublicKeyFile(file)
		if err != nil {
			return nil, &installer.UsageError{Msg: err.Error()}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// discoverBundle finds the bundle to install (see bundle.Discover), with
// the trusted keys of the command line and the build.
func discoverBundle(path, trustKeyFile string) (*bundle.Found, error) {
	keys, err := trustedKeys(trustKeyFile)
	if err != nil {
		return nil, err
	}
	f, err := bundle.Discover(bundle.DiscoverOptions{Path: path, Demo: assets.DemoBundle(), TrustedKeys: keys})
	if err != nil {
		return nil, installer.WrapBundleError(err)
	}
	return f, nil
}
