package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
	Notes       []string `json:"notes,omitempty"`
	Bundle      any      `json:"bundle"`
}

// bundleInfo describes the bundle that discovery found; nil when none.
// The bundle package fills it in (see findBundleInfo).
var findBundleInfo = func() any { return nil }

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
		Bundle: findBundleInfo(),
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
	for _, n := range r.Notes {
		fmt.Fprintf(env.Stdout, "note:         %s\n", n)
	}
	if r.Bundle == nil {
		fmt.Fprintln(env.Stdout, "bundle:       none found")
	} else {
		b, _ := json.Marshal(r.Bundle)
		fmt.Fprintf(env.Stdout, "bundle:       %s\n", b)
	}
	return nil
}
