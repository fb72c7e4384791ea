package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/internal/humanize"
)

const attachUsage = "usage: onboard bundle attach --bundle B [--installer BIN] -o DIR [--trust-key FILE] [--split] [--sign-authenticode --cert CERT --key KEY [--timestamp URL]]"

func runBundleAttach(ctx context.Context, args []string, env Env) error {
	fs := newFlags("bundle attach", env)
	b := fs.String("bundle", "", "the bundle zip to append")
	bin := fs.String("installer", "", "the onboard binary to append it to (default: this program)")
	out := fs.String("o", "", "the folder to write the installer to (created when missing)")
	trust := fs.String("trust-key", "", "bake this ed25519 public key (PEM) into the installer: it then refuses bundles not signed by it")
	split := fs.Bool("split", false, "write the bundle as DIR/bundle.zip beside the installer instead of appending it (for bundles too big for one executable)")
	sign := fs.Bool("sign-authenticode", false, "sign the Windows installer with osslsigncode (needs --cert and --key)")
	cert := fs.String("cert", "", "with --sign-authenticode: the code-signing certificate (chain), PEM or DER")
	key := fs.String("key", "", "with --sign-authenticode: its private key, PEM or DER, unencrypted (no passphrase)")
	ts := fs.String("timestamp", "", "with --sign-authenticode: an RFC 3161 time-stamp server URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *b == "" || *out == "" {
		return &installer.UsageError{Msg: attachUsage}
	}
	opts := bundle.AttachOptions{Bundle: *b, Installer: *bin, OutDir: *out, Split: *split}
	if *trust != "" {
		k, err := bundle.ReadPublicKeyFile(*trust)
		if err != nil {
			return &installer.UsageError{Msg: err.Error()}
		}
		opts.TrustedKey = k
	}
	switch {
	case *sign && (*cert == "" || *key == ""):
		return &installer.UsageError{Msg: "--sign-authenticode needs --cert CERT and --key KEY (" + attachUsage + ")"}
	case !*sign && (*cert != "" || *key != "" || *ts != ""):
		return &installer.UsageError{Msg: "--cert, --key and --timestamp go with --sign-authenticode"}
	case *sign:
		opts.Authenticode = &bundle.AuthenticodeOptions{Cert: *cert, Key: *key, Timestamp: *ts}
	}
	src := installerOf(opts)
	wasSigned := !*sign && bundle.AuthenticodeSigned(src)
	path, err := bundle.Attach(ctx, opts)
	if errors.Is(err, bundle.ErrNotPE) || errors.Is(err, bundle.ErrNeedsSplit) || errors.Is(err, bundle.ErrSplitTaken) || errors.Is(err, bundle.ErrOlderInstaller) || errors.Is(err, bundle.ErrSigning) {
		return &installer.UsageError{Msg: err.Error()}
	}
	if err != nil {
		werr := installer.WrapBundleError(err)
		var be *installer.BundleError
		if errors.Is(err, bundle.ErrAttachUntrusted) && errors.As(werr, &be) {
			if *trust != "" {
				be.Reason = "an installer that trusts " + *trust + " would refuse it: " + be.Reason
				be.Advice = "sign the bundle with that key's private half (onboard bundle build --sign-key), or attach it without --trust-key"
			} else {
				be.Reason = "the installer binary trusts a key (baked in by an earlier 'bundle attach --trust-key'), which it keeps, and would refuse it: " + be.Reason
				be.Advice = "sign the bundle with that key's private half (onboard bundle build --sign-key), or pass --trust-key with the key that signed it"
			}
		}
		return werr
	}
	fmt.Fprintln(env.Stdout, path)
	if *split {
		fmt.Fprintln(env.Stdout, filepath.Join(filepath.Dir(path), bundle.SplitBundleName))
	}
	if *sign && *ts == "" {
		// a signature without a time-stamp stops being valid when the
		// certificate expires; IT pushes the same file for years (audit AF)
		fmt.Fprintf(env.Stderr, "onboard: note: %s is signed without a time-stamp: its signature stops being valid when the certificate expires; add --timestamp URL (your certificate authority's RFC 3161 server) to keep it valid after that\n", path)
	}
	if wasSigned {
		// its signature covered the old file, not the bundle: it is gone
		fmt.Fprintf(env.Stderr, "onboard: note: %s was Authenticode-signed; a signature does not survive a new bundle, so %s is unsigned: sign it (--sign-authenticode, or osslsigncode or signtool)\n", src, path)
	}
	return nil
}

// installerOf is the installer binary attach read: --installer, else this
// program.
func installerOf(o bundle.AttachOptions) string {
	if o.Installer != "" {
		return o.Installer
	}
	exe, _ := os.Executable()
	return exe
}

func runBundleInspect(ctx context.Context, args []string, env Env) error {
	file, rest := splitPositional(args, map[string]bool{"trust-key": true})
	fs := newFlags("bundle inspect", env)
	asJSON := fs.Bool("json", false, "print one JSON object")
	trust := fs.String("trust-key", "", "check the signature against this ed25519 public key (PEM)")
	if err := parse(fs, rest); err != nil {
		return err
	}
	if file == "" {
		return &installer.UsageError{Msg: "usage: onboard bundle inspect BUNDLE [--trust-key FILE] [--json]"}
	}
	f, err := inspected(file, *trust)
	if err != nil {
		return err
	}
	defer f.Close()
	s := f.Summary()
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(s)
	}
	printSummary(env, s)
	return nil
}

// inspected finds the bundle that bundle inspect describes: file itself
// (a bundle, or an installer carrying one), or, for a split installer, the
// bundle.zip beside it, checked against the installer's pin as a run of it
// would check it.
func inspected(file, trustKeyFile string) (*bundle.Found, error) {
	// An installer is checked as a run of it checks its bundle: with the
	// key baked into it (a split one's bundle is the one beside it).
	key, _ := bundle.TrustedKeyOf(file)
	if key == nil && !bundle.IsSplitInstaller(file) {
		return discoverBundle(file, trustKeyFile)
	}
	keys, err := trustedKeys(trustKeyFile)
	if err != nil {
		return nil, err
	}
	f, err := bundle.Discover(bundle.DiscoverOptions{Executable: file, TrustedKeys: keys})
	if err != nil {
		return nil, installer.WrapBundleError(err)
	}
	return f, nil
}

// printSummary writes a bundle summary for people.
func printSummary(env Env, s bundle.Summary) {
	w := env.Stdout
	demo := ""
	if s.Demo {
		demo = " (DEMO bundle: stand-in packages, not a real Python)"
	}
	fmt.Fprintf(w, "name:       %s%s\nid:         %s\nversion:    %s\ncreated:    %s\nsignature:  %s\n",
		s.Name, demo, s.ID, s.Version, s.Created, s.Signature)
	fmt.Fprintf(w, "licence:    %s\n", s.Licence)
	if s.Icon != "" {
		fmt.Fprintf(w, "icon:       %s\n", s.Icon)
	}
	if len(s.Launchers) > 0 {
		fmt.Fprintf(w, "launchers:  %s\n", strings.Join(s.Launchers, ", "))
	}
	if len(s.Frozen) > 0 {
		fmt.Fprintf(w, "frozen:     %s (conda may not change them)\n", strings.Join(s.Frozen, ", "))
	}
	for _, sd := range s.Subdirs {
		fmt.Fprintf(w, "%-11s %d package files, %s\n", sd.Subdir+":", sd.Packages, humanize.Bytes(sd.Bytes))
		for _, e := range sd.Envs {
			fmt.Fprintf(w, "  %-10s %d packages, %s\n", e.Name, e.Packages, humanize.Bytes(e.Bytes))
		}
		for _, m := range sd.Messages {
			fmt.Fprintf(w, "  prelink message: %s\n", m)
		}
	}
}
