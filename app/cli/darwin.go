package cli

import "runtime"

var isDarwin = runtime.GOOS == "darwin"
