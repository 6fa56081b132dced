//go:build windows && !ci

package main

import (
	"syscall"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

var (
	user32             = syscall.NewLazyDLL("user32.dll")
	procGetWindowRect  = user32.NewProc("GetWindowRect")
	procClientToScreen = user32.NewProc("ClientToScreen")
	procSetWindowPos   = user32.NewProc("SetWindowPos")
)

const (
	swpNoSize     = 0x0001
	swpNoZOrder   = 0x0004
	swpNoActivate = 0x0010
)

type point struct{ x, y int32 }
type rect struct{ left, top, right, bottom int32 }

func hwnd(w fyne.Window) uintptr {
	var h uintptr
	if nw, ok := w.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if c, ok := ctx.(driver.WindowsWindowContext); ok {
				h = c.HWND
			}
		})
	}
	return h
}

// contentOrigin is where the window's client area begins, and where its
// frame (title bar, borders) begins.
func contentOrigin(h uintptr) (content point, frame rect, ok bool) {
	if r, _, _ := procClientToScreen.Call(h, uintptr(unsafe.Pointer(&content))); r == 0 {
		return content, frame, false
	}
	if r, _, _ := procGetWindowRect.Call(h, uintptr(unsafe.Pointer(&frame))); r == 0 {
		return content, frame, false
	}
	return content, frame, true
}

func nativePosition(w fyne.Window) (int, int, bool) {
	h := hwnd(w)
	if h == 0 {
		return 0, 0, false
	}
	c, _, ok := contentOrigin(h)
	return int(c.x), int(c.y), ok
}

func nativeMove(w fyne.Window, x, y int) {
	h := hwnd(w)
	if h == 0 {
		return
	}
	c, f, ok := contentOrigin(h)
	if !ok {
		return
	}
	// SetWindowPos places the frame: keep the content at x, y.
	fx, fy := int32(x)-(c.x-f.left), int32(y)-(c.y-f.top)
	procSetWindowPos.Call(h, 0, uintptr(fx), uintptr(fy), 0, 0, swpNoSize|swpNoZOrder|swpNoActivate)
}
