package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"onboard/installer"
	"onboard/installer/bundle"
	"onboard/platform"
)

// infoReport is what `onboard info` prints; its JSON form is a contract.
type infoReport struct {
	OS          string   `json:"os"`
	Arch        string   `json:"arch"`
	ProcessArch string   `json:"process_arch"`
	OSVersion   string   `json:"os_version,omitempty"`
	Libc        string   `json:"libc,omitempty"`
	Subdir      string   `json:"subdir"`
	Fallbacks   []string `json:"fallbacks"`
	// Virtual are conda's virtual packages of the machine for Subdir, as
	// the install checks the packages' dependencies on them ("" = there,
	// version not found).
	Virtual map[string]string `json:"virtual_packages,omitempty"`
	Notes   []string          `json:"notes,omitempty"`
	Bundle  any               `json:"bundle"`
}

// bundleInfo is the "bundle" object of `onboard info`: the summary of the
// bundle that discovery found (its "kind" says where: flag, appended,
// beside, demo), or {"error": "..."} when none was found or it is unusable.
type bundleInfo struct {
	*bundle.Summary
	Error string `json:"error,omitempty"`
	// Chosen is the subdir an install of it takes on this machine ("" =
	// none: the machine's is not in it), and ChosenNote why, when it is a
	// fallback (Rosetta: osx-64 on Apple Silicon). "subdir" above is the
	// machine's first choice, whatever the bundle holds (audit AL 4).
	Chosen     string `json:"chosen_subdir,omitempty"`
	ChosenNote string `json:"chosen_note,omitempty"`
}

// findBundleInfo discovers the bundle as 'onboard install' would.
var findBundleInfo = func() any {
	f, err := discoverBundle("", "")
	if err != nil {
		return bundleInfo{Error: installer.Message(err)}
	}
	defer f.Close()
	s := f.Summary()
	bi := bundleInfo{Summary: &s}
	bi.Chosen, bi.ChosenNote, _ = platform.Detect().Choose(f.Manifest.Subdirs())
	return bi
}

func runInfo(ctx context.Context, args []string, env Env) error {
	fs := newFlags("info", env)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(fs, args); err != nil {
		return err
	}
	h := platform.Detect()
	r := infoReport{
		OS: h.Native.OS, Arch: h.Native.Arch, ProcessArch: h.ProcessArch,
		OSVersion: h.OSVersion, Libc: h.Libc, Subdir: h.Subdir,
		Fallbacks: append([]string{}, h.Fallbacks...), Notes: h.Notes,
		Virtual: platform.VirtualPackages(h, h.Subdir, os.LookupEnv),
		Bundle:  findBundleInfo(),
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		return enc.Encode(r)
	}
	fmt.Fprintf(env.Stdout, "platform:     %s/%s (this program: %s)\n", r.OS, r.Arch, r.ProcessArch)
	if r.OSVersion != "" {
		fmt.Fprintf(env.Stdout, "os version:   %s\n", r.OSVersion)
	}
	if r.Libc != "" {
		fmt.Fprintf(env.Stdout, "libc:         %s\n", r.Libc)
	}
	fmt.Fprintf(env.Stdout, "conda subdir: %s\n", r.Subdir)
	if len(r.Fallbacks) > 0 {
		fmt.Fprintf(env.Stdout, "fallbacks:    %s\n", strings.Join(r.Fallbacks, ", "))
	}
	if len(r.Virtual) > 0 {
		names := make([]string, 0, len(r.Virtual))
		for n, v := range r.Virtual {
			if v == "" {
				v = "?" // there, version not found
			}
			names = append(names, n+"="+v)
		}
		sort.Strings(names)
		fmt.Fprintf(env.Stdout, "virtual:      %s\n", strings.Join(names, " "))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(env.Stdout, "note:         %s\n", n)
	}
	printBundleInfo(env, r.Bundle)
	return nil
}

func printBundleInfo(env Env, v any) {
	bi, ok := v.(bundleInfo)
	switch {
	case !ok || bi.Summary == nil && bi.Error == "":
		fmt.Fprintln(env.Stdout, "bundle:       none found")
	case bi.Summary == nil:
		fmt.Fprintf(env.Stdout, "bundle:       none usable: %s\n", bi.Error)
	default:
		s := bi.Summary
		demo := ""
		if s.Demo {
			demo = " — a DEMO bundle (stand-in packages, not a real Python)"
		}
		fmt.Fprintf(env.Stdout, "bundle:       %s %s%s\n", s.Name, s.Version, demo)
		fmt.Fprintf(env.Stdout, "  found:      %s (%s)\n", s.Kind, s.Source)
		subs := make([]string, len(s.Subdirs))
		for i, sd := range s.Subdirs {
			subs[i] = sd.Subdir
		}
		fmt.Fprintf(env.Stdout, "  subdirs:    %s\n", strings.Join(subs, ", "))
		switch {
		case bi.Chosen == "":
			fmt.Fprintln(env.Stdout, "  installs:   nothing here: it has no subdir this machine can use")
		case bi.ChosenNote != "":
			fmt.Fprintf(env.Stdout, "  installs:   %s (%s)\n", bi.Chosen, bi.ChosenNote)
		default:
			fmt.Fprintf(env.Stdout, "  installs:   %s\n", bi.Chosen)
		}
		fmt.Fprintf(env.Stdout, "  signature:  %s\n", s.Signature)
	}
}
