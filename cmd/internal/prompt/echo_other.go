//go:build !linux

package prompt

import "io"

// quietTerminal cannot turn echo off on this system.
func quietTerminal(io.Reader) (restore func()) { return func() {} }
