package installer

import (
	"errors"

	"onboard/installer/bundle"
)

// WrapBundleError turns an error of the bundle package (a damaged, missing
// or untrusted bundle) into *BundleError, exit code 3. Other errors are
// returned unchanged.
func WrapBundleError(err error) error {
	var be *bundle.Error
	if err == nil || !errors.As(err, &be) {
		return err
	}
	var already *BundleError
	if errors.As(err, &already) {
		return err
	}
	return &BundleError{Path: be.Path, Reason: be.Reason, Err: be.Err, Advice: be.Advice}
}
