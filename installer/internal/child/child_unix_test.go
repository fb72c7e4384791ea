//go:build unix

package child

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// alive tells whether pid runs (a zombie does not).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}

// A cancel kills what the program started as well as the program: a
// script's background sleep held the install as long as it slept.
func TestCancelKillsTheGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", `sleep 300 & echo $! > "$0"; sleep 300`, pidFile)
	var out strings.Builder
	cmd.Stdout = &out
	Prepare(cmd)
	done := make(chan error, 1)
	go func() { done <- Result(cmd.Run()) }()
	var pid int
	for i := 0; pid == 0 && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
		b, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if pid == 0 {
		t.Fatal("the program did not start its background child")
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cancelled program reported success")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Run did not return after the cancel: it waited for the background child")
	}
	for i := 0; alive(pid) && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("the background child %d outlived the cancel", pid)
	}
}

// A program that ends well while something it started keeps its output
// open is done, not failed, and Run does not wait for that.
func TestLeftoverHoldingPipesIsNotAFailure(t *testing.T) {
	cmd := exec.CommandContext(context.Background(), "sh", "-c", `sleep 300 & echo started`)
	var out strings.Builder
	cmd.Stdout = &out
	Prepare(cmd)
	done := make(chan error, 1)
	go func() { done <- cmd.Run() }()
	select {
	case err := <-done:
		if !errors.Is(err, exec.ErrWaitDelay) || Result(err) != nil {
			t.Fatalf("Run: %v, Result %v; want exec.ErrWaitDelay, which Result takes for success", err, Result(err))
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Run waited for the leftover that holds its output")
	}
	if !strings.Contains(out.String(), "started") {
		t.Fatalf("output %q", out.String())
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the test's leftover
	if err := Result(errors.New("exit status 1")); err == nil {
		t.Fatal("Result hid a real failure")
	}
}
