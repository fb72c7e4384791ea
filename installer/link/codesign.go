package link

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os/exec"

	"onboard/installer/pkg"
)

// Codesign ad-hoc signs a Mach-O file in place. Apple Silicon refuses to
// run a binary whose signature no longer matches its bytes, and rewriting
// a prefix placeholder changes them; conda signs such files the same way
// (conda-install-spec.md §4.5). Tests replace it.
var Codesign = func(path string) error {
	out, err := exec.Command("/usr/bin/codesign", "--sign", "-", "--force", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// needsCodesign tells whether a rewritten file must be signed again: an
// osx-arm64 payload, on a macOS host (codesign exists only there), a
// binary-mode placeholder, and Mach-O content.
func needsCodesign(subdir, hostOS string, mode pkg.FileMode, data []byte) bool {
	return subdir == "osx-arm64" && hostOS == "darwin" && mode == pkg.ModeBinary && isMachO(data)
}

// isMachO tells a Mach-O file (thin 32/64-bit, either byte order, or fat)
// by its magic number.
func isMachO(data []byte) bool {
	if len(data) < 4 {
		return false
	}
	switch binary.BigEndian.Uint32(data) {
	case 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe:
		return true
	}
	return false
}
