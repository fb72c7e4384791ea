package installer

import "context"

// installEnv installs one environment with the linking engine. Tests
// replace it to force failures at a chosen env.
var installEnv func(ctx context.Context, req EnvRequest) (*EnvResult, error) = InstallEnv
