//go:build !ci && !windows && !(linux && !wayland)

package main

import "fyne.io/fyne/v2"

// The window's place is the system's (Wayland places windows itself).
func nativePosition(fyne.Window) (int, int, bool) { return 0, 0, false }
func nativeMove(fyne.Window, int, int)            {}
