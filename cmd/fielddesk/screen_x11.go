//go:build linux && !ci && !wayland

package main

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>

static int contentPosition(void *dpy, unsigned long win, int *x, int *y) {
	Window child;
	return XTranslateCoordinates((Display *)dpy, (Window)win, DefaultRootWindow((Display *)dpy), 0, 0, x, y, &child);
}

static void moveContent(void *dpy, unsigned long win, int x, int y) {
	// GLFW gives its windows StaticGravity: the content goes to x, y.
	XMoveWindow((Display *)dpy, (Window)win, x, y);
	XFlush((Display *)dpy);
}
*/
import "C"

import (
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// x11Window is the window's X11 handle (0 before it is shown).
func x11Window(w fyne.Window) C.ulong {
	var handle uintptr
	if nw, ok := w.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if x, ok := ctx.(driver.X11WindowContext); ok {
				handle = x.WindowHandle
			}
		})
	}
	return C.ulong(handle)
}

func nativePosition(w fyne.Window) (int, int, bool) {
	win, dpy := x11Window(w), unsafe.Pointer(glfw.GetX11Display())
	if win == 0 || dpy == nil {
		return 0, 0, false
	}
	var x, y C.int
	if C.contentPosition(dpy, win, &x, &y) == 0 {
		return 0, 0, false
	}
	return int(x), int(y), true
}

func nativeMove(w fyne.Window, x, y int) {
	win, dpy := x11Window(w), unsafe.Pointer(glfw.GetX11Display())
	if win == 0 || dpy == nil {
		return
	}
	C.moveContent(dpy, win, C.int(x), C.int(y))
}
