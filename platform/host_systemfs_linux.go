package platform

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// systemFSNames are Linux's file systems that are the kernel's view of the
// machine, not storage: statfs(2)'s f_type of each. access(2) answers root
// that it may write in them (/sys/kernel, /proc), but no folder can be
// made there, and their free space is 0, which the check would otherwise
// call a full disk (audit Y3).
var systemFSNames = map[uint32]string{
	unix.SYSFS_MAGIC:         "sysfs",
	unix.PROC_SUPER_MAGIC:    "proc",
	unix.CGROUP_SUPER_MAGIC:  "cgroup",
	unix.CGROUP2_SUPER_MAGIC: "cgroup2",
	unix.DEBUGFS_MAGIC:       "debugfs",
	unix.TRACEFS_MAGIC:       "tracefs",
	unix.SECURITYFS_MAGIC:    "securityfs",
	unix.DEVPTS_SUPER_MAGIC:  "devpts",
	unix.BPF_FS_MAGIC:        "bpf",
	unix.PSTOREFS_MAGIC:      "pstore",
	unix.EFIVARFS_MAGIC:      "efivarfs",
	0x62656570:               "configfs", // not named in x/sys/unix
	0x19800202:               "mqueue",
}

// systemTrees are the folders where Linux mounts its views, whatever file
// system a folder under them is on: /sys/fs/cgroup may be a tmpfs, and
// /dev is a devtmpfs, which statfs(2) calls a tmpfs (audit AA).
var systemTrees = map[string]string{"/sys": "sysfs", "/proc": "proc", "/dev": "devtmpfs"}

// hostSystemFS names the system file system dir is on ("" for any other).
func hostSystemFS(dir string) string {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		for top, name := range systemTrees {
			if real == top || strings.HasPrefix(real, top+"/") {
				return name
			}
		}
	}
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return ""
	}
	return systemFSNames[uint32(st.Type)]
}
