package installer

import (
	"context"
	"errors"
)

// installEnv installs one environment. It is engineer B's InstallEnv once
// that lands (installer/env*.go); until then installs fail with a clear
// error. Tests may replace it.
var installEnv = func(ctx context.Context, req EnvRequest) (*EnvResult, error) {
	return nil, errors.New("failed to link packages: the linking engine (installer.InstallEnv) is not in this build yet")
}
