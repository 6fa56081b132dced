//go:build !windows

package main

// tellGraphicsFailed: on Linux the error goes to the terminal (or the
// session's log when started from the menu) like every startup error.
func tellGraphicsFailed(string) {}
