//go:build !unix

package installer

const modesMatter = false

// installUmask does nothing where there is no umask (Windows: ACLs are
// inherited from the parent folder).
func installUmask() func() { return func() {} }
