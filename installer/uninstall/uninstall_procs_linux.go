//go:build linux

package uninstall

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"onboard/installer/engine"
)

// stopProgramsUnder stops what still runs a program from the prefix when
// an administrator uninstalls it: other users' Jupyter servers and
// kernels, whose records are private to them. It reads /proc/PID/exe, so
// it sees every user's processes only as root; for anyone else it stops
// that user's own, which stopJupyter has already done. SIGTERM first, then
// SIGKILL for what is left after a grace period.
func stopProgramsUnder(prefixDir string, logf engine.Logf) {
	pids := programsUnder("/proc", prefixDir)
	if len(pids) == 0 {
		return
	}
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	waitUntil(10*time.Second, func() bool { return len(programsUnder("/proc", prefixDir)) == 0 })
	for _, pid := range programsUnder("/proc", prefixDir) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	logf("uninstall: stopped %d program(s) that ran from %s", len(pids), prefixDir)
}

// RunningFrom lists the processes (other than this one) that run a
// program from prefixDir, as far as this user may see them (all of them
// as root, else the user's own): what an uninstall stops, said before it
// asks (audit AE).
func RunningFrom(prefixDir string) []Program {
	var out []Program
	for _, pid := range programsUnder("/proc", prefixDir) {
		argv, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		out = append(out, Program{PID: pid, Name: programName(strings.Split(strings.TrimRight(string(argv), "\x00"), "\x00"))})
	}
	return out
}

// programsUnder lists the processes (other than this one) whose
// executable lies under dir, as procfs at proc shows them.
func programsUnder(proc, dir string) []int {
	entries, _ := os.ReadDir(proc)
	var out []int
	self := os.Getpid()
	// the kernel names a program by its real path: a prefix reached
	// through a symlink (/home -> /var/home) is matched by that too
	// (audit AG)
	dirs := []string{dir}
	if real, err := filepath.EvalSymlinks(dir); err == nil && real != dir {
		dirs = append(dirs, real)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		exe, err := os.Readlink(filepath.Join(proc, e.Name(), "exe"))
		if err != nil {
			continue
		}
		exe = strings.TrimSuffix(exe, " (deleted)")
		for _, d := range dirs {
			if strings.HasPrefix(exe, d+string(filepath.Separator)) {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}
