package console

import "os"

var userHome = os.UserHomeDir
