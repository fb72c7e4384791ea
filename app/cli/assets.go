package cli

import (
	"onboard/assets"
	"onboard/installer/link"
)

// The engine gets the embedded Windows entry-point launchers from here, so
// that installer/link does not depend on how they are carried.
func init() { link.WindowsLauncher = assets.WindowsLauncher }
