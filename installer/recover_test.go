package installer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"onboard/installer/engine"
	"onboard/installer/internal/testkit"
	"onboard/installer/maintain"
	"onboard/installer/state"
	"onboard/internal/fixtures"
)

// stopReporter counts engine events; at the stop-th it prints STOP on
// stdout and blocks for good, so that the parent test kills the process
// at a known point of the install (no timing involved).
type stopReporter struct {
	n, stop atomic.Int64
	stages  []int64 // event number of each Stage call (counting runs only)
}

func (r *stopReporter) tick() {
	if n := r.n.Add(1); n == r.stop.Load() {
		fmt.Println("STOP")
		select {}
	} else if s := r.stop.Load(); s > 0 && n > s {
		select {}
	}
}

func (r *stopReporter) Stage(Stage, int64) {
	if r.stop.Load() == 0 {
		r.stages = append(r.stages, r.n.Load())
	}
	r.tick()
}
func (r *stopReporter) Advance(int64) { r.tick() }
func (r *stopReporter) Item(string)   { r.tick() }

// crashRequest is what the helper process installs.
type crashRequest struct {
	Prefix string
	Files  []PackageFile
	EnvTxt string
	Stop   int64
}

func crashEnvRequest(cr crashRequest, rep Reporter) EnvRequest {
	return EnvRequest{Prefix: cr.Prefix, PkgsDir: filepath.Join(cr.Prefix, "pkgs"), Subdir: "linux-64",
		Packages: cr.Files, EnvironmentsTxt: cr.EnvTxt, Command: "onboard test", Reporter: rep}
}

// TestHelperInstall is not a test: the fault-injection test runs the test
// binary again in this mode, as a child it can kill -9.
func TestHelperInstall(t *testing.T) {
	raw := os.Getenv("ONBOARD_CRASH_REQUEST")
	if raw == "" {
		t.Skip("helper process for TestKilledInstallRecovers")
	}
	var cr crashRequest
	if err := json.Unmarshal([]byte(raw), &cr); err != nil {
		t.Fatal(err)
	}
	rep := &stopReporter{}
	rep.stop.Store(cr.Stop)
	_, err := InstallEnv(context.Background(), crashEnvRequest(cr, rep))
	fmt.Printf("DONE %v\n", err)
}

// crashFixture copies the base packages of testkit.TestEnvs into a new prefix's
// pkgs and returns the request.
func crashFixture(t *testing.T) crashRequest {
	fx := fixtures.Dir(t)
	root := t.TempDir()
	cr := crashRequest{Prefix: filepath.Join(root, "prefix"), EnvTxt: filepath.Join(root, "environments.txt")}
	for _, rel := range testkit.TestEnvs[state.BaseEnv] {
		dst := filepath.Join(root, "archives", filepath.Base(rel))
		testkit.CopyFile(t, filepath.Join(fx, filepath.FromSlash(rel)), dst)
		cr.Files = append(cr.Files, PackageFile{Path: dst})
	}
	return cr
}

// TestKilledInstallRecovers kills an install with SIGKILL at 20 evenly
// spread points; each time the next run (Recover, then the install again)
// must end in a prefix that verifies clean and equals an uninterrupted
// install, and a prefix left after Recover is never reported healthy
// unless it is exactly the finished install.
func TestKilledInstallRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	cr := crashFixture(t)
	count := &stopReporter{}
	if _, err := InstallEnv(context.Background(), crashEnvRequest(cr, count)); err != nil {
		t.Fatalf("reference install: %v", err)
	}
	ref := testkit.Snapshot(t, cr.Prefix)
	events := count.n.Load()
	if events < 21 {
		t.Fatalf("got %d progress events from an install; want at least 21 to spread the kills", events)
	}
	for k := int64(1); k <= 20; k++ {
		stop := k * events / 21
		t.Run(strconv.FormatInt(stop, 10), func(t *testing.T) {
			os.RemoveAll(cr.Prefix)
			os.Remove(cr.EnvTxt)
			killAt(t, cr, stop)
			checkAfterCrash(t, cr, ref)
		})
	}
}

// killAt runs the helper install and kills it -9 at its stop-th event.
func killAt(t *testing.T, cr crashRequest, stop int64) {
	t.Helper()
	cr.Stop = stop
	raw, _ := json.Marshal(cr)
	killHelper(t, "^TestHelperInstall$", "ONBOARD_CRASH_REQUEST="+string(raw))
}

// killHelper runs the test binary in a helper mode and kills it -9 when it
// prints STOP.
func killHelper(t *testing.T, run, env string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.count=1")
	cmd.Env = append(os.Environ(), env)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	stopped := false
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "STOP" {
			stopped = true
			break
		}
	}
	cmd.Process.Kill() // SIGKILL: no deferred clean-up runs
	cmd.Wait()
	if !stopped {
		t.Fatalf("the helper %s finished before it was stopped", run)
	}
}

// checkAfterCrash runs what the next onboard run does and checks the result.
func checkAfterCrash(t *testing.T, cr crashRequest, ref map[string]testkit.Entry) {
	t.Helper()
	ctx := context.Background()
	if _, err := engine.Recover(ctx, cr.Prefix, t.Logf); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if _, err := os.Stat(state.JournalPath(cr.Prefix)); err == nil {
		t.Fatal("the journal is still there after Recover")
	}
	if r, err := maintain.Verify(ctx, cr.Prefix, maintain.VerifyOptions{EnvironmentsTxt: cr.EnvTxt}); err == nil && r.Packages > 0 {
		if d := testkit.DiffSnapshots(ref, testkit.Snapshot(t, cr.Prefix)); len(d) > 0 {
			t.Fatalf("a broken prefix verified healthy after the crash: %v", d)
		}
	}
	if _, err := InstallEnv(ctx, crashEnvRequest(cr, nil)); err != nil {
		var le *LockedError
		if errors.As(err, &le) {
			t.Fatalf("the lock of the killed process is still held: %v", err)
		}
		t.Fatalf("install after the crash: %v", err)
	}
	if r, err := maintain.Verify(ctx, cr.Prefix, maintain.VerifyOptions{EnvironmentsTxt: cr.EnvTxt}); err != nil {
		t.Fatalf("after the crash and a new install verify found %v: %v", kinds(r.Problems), err)
	}
	if d := testkit.DiffSnapshots(ref, testkit.Snapshot(t, cr.Prefix)); len(d) > 0 {
		t.Fatalf("after the crash and a new install the tree differs from an uninterrupted one: %v", d)
	}
}

// TestHelperRepair is not a test: the child process of TestKilledRepairRecovers.
func TestHelperRepair(t *testing.T) {
	raw := os.Getenv("ONBOARD_CRASH_REPAIR")
	if raw == "" {
		t.Skip("helper process for TestKilledRepairRecovers")
	}
	var args []string
	json.Unmarshal([]byte(raw), &args)
	rep := &stopReporter{}
	stop, _ := strconv.ParseInt(args[3], 10, 64)
	rep.stop.Store(stop)
	_, err := maintain.Repair(context.Background(), args[0], maintain.RepairOptions{BundlePath: args[1], EnvironmentsTxt: args[2], Reporter: rep})
	fmt.Printf("DONE %v\n", err)
}

// TestKilledRepairRecovers kills a repair with SIGKILL at points spread
// over its work; the next repair must always end clean and equal to the
// fresh install, and nothing in between may be reported healthy unless it is.
func TestKilledRepairRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes")
	}
	fi := installFixtures(t)
	ref := testkit.Snapshot(t, fi.Prefix)
	damage := func() {
		testkit.EditInPlace(t, filepath.Join(fi.Prefix, "include", "zlib.h"), "/* damaged */")
		os.Remove(filepath.Join(fi.Prefix, "lib", "alib"))
		os.Remove(filepath.Join(fi.Prefix, "envs", "py", "bin", "conda-index-pkg-a"))
	}
	damage()
	count := &stopReporter{}
	if _, err := maintain.Repair(context.Background(), fi.Prefix, maintain.RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt, Reporter: count}); err != nil {
		t.Fatalf("reference repair: %v", err)
	}
	// Stages: verify, link (the re-links), verify. Kill inside the re-links.
	if len(count.stages) != 3 {
		t.Fatalf("got stages at events %v; want verify, link, verify", count.stages)
	}
	from, to := count.stages[1], count.stages[2]
	for k := int64(1); k <= 5; k++ {
		stop := from + 1 + k*(to-from-1)/6
		t.Run(strconv.FormatInt(stop, 10), func(t *testing.T) {
			damage()
			raw, _ := json.Marshal([]string{fi.Prefix, fi.Bundle, fi.EnvTxt, strconv.FormatInt(stop, 10)})
			killHelper(t, "^TestHelperRepair$", "ONBOARD_CRASH_REPAIR="+string(raw))
			opts := maintain.VerifyOptions{EnvironmentsTxt: fi.EnvTxt}
			if _, err := engine.Recover(context.Background(), fi.Prefix, t.Logf); err != nil {
				t.Fatalf("Recover: %v", err)
			}
			if _, err := maintain.Verify(context.Background(), fi.Prefix, opts); err == nil {
				if d := testkit.DiffSnapshots(ref, testkit.Snapshot(t, fi.Prefix)); len(d) > 0 {
					t.Fatalf("a broken prefix verified healthy after the killed repair: %v", d)
				}
			}
			if _, err := maintain.Repair(context.Background(), fi.Prefix, maintain.RepairOptions{BundlePath: fi.Bundle, EnvironmentsTxt: fi.EnvTxt}); err != nil {
				t.Fatalf("repair after the crash: %v", err)
			}
			if d := testkit.DiffSnapshots(ref, testkit.Snapshot(t, fi.Prefix)); len(d) > 0 {
				t.Fatalf("after the crash and a new repair the tree differs from the fresh install: %v", d)
			}
		})
	}
}
