// Package seam holds the engine's test seams: variables that tests under
// installer/ replace and the product leaves as they are. Being internal, no
// package outside installer/ can reach them.
package seam

import "onboard/platform"

// Crash, when set (only by tests, in a re-executed test binary), is called
// at each named point of an install or uninstall so that a test can kill
// the process exactly there. It is nil in the product.
var Crash func(point string)

// MayModify tells whether this process may change the install at a prefix
// (platform.HostMayModify); tests replace it to act as another user.
var MayModify = platform.HostMayModify
