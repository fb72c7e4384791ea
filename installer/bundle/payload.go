package bundle

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"onboard/installer/pkg"
	"onboard/internal/rmtree"
)

// payloadChecks runs each package's payload check once per build, however
// many environments and platforms list it.
type payloadChecks struct {
	dir  string // scratch folders go here (the build's package cache)
	mu   sync.Mutex
	done map[string]*payloadCheck // sha256 → its check
}

type payloadCheck struct {
	once sync.Once
	err  error
}

// check unpacks the package r into a scratch folder and deletes it, so that
// every check the install makes of each member (its name, type and link
// target, and its bytes against the size and sha256 paths.json records, and
// paths.json against the size the manifest will say) runs when the bundle
// is built: a package the install would refuse (a hardlink or symlink
// leaving the package, a device, a bomb) never reaches a bundle, where only
// the people installing it would find out. unpacked is what its paths.json
// records (the manifest's unpacked_size).
func (c *payloadChecks) check(ctx context.Context, r *resolved, unpacked int64) error {
	c.mu.Lock()
	pc := c.done[r.SHA256]
	if pc == nil {
		pc = &payloadCheck{}
		c.done[r.SHA256] = pc
	}
	c.mu.Unlock()
	pc.once.Do(func() { pc.err = c.run(ctx, r, unpacked) })
	return pc.err
}

func (c *payloadChecks) run(ctx context.Context, r *resolved, unpacked int64) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("failed to create the folder %q to check packages in: %w", c.dir, err)
	}
	scratch, err := os.MkdirTemp(c.dir, ".payload-check-")
	if err != nil {
		return fmt.Errorf("failed to create a folder in %q to check a package in: %w", c.dir, err)
	}
	defer rmtree.RemoveAll(scratch)
	_, err = pkg.Extract(ctx, pkg.Request{Archive: r.Path, Dest: filepath.Join(scratch, "x"),
		Expect: pkg.Expect{SHA256: r.SHA256, Size: r.Size, Unpacked: unpacked}}, nil)
	if err != nil {
		return fmt.Errorf("an install would refuse it: %w", err)
	}
	return nil
}
