//go:build !unix

package engine

const modesMatter = false

// InstallUmask does nothing where there is no umask (Windows: ACLs are
// inherited from the parent folder).
func InstallUmask() func() { return func() {} }
