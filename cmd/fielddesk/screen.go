//go:build !ci

package main

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/fielddesk/fielddesk/ui"
)

// screen is ui.Screen over GLFW's monitors (the library Fyne's desktop
// driver opens windows with) and the system's own window calls. Every
// method runs on the UI thread, as GLFW requires.
type screen struct{}

var _ ui.Screen = screen{}

// WorkAreas lists the monitors' work areas, the primary first, in the
// window's units.
func (screen) WorkAreas(w fyne.Window) []ui.Rect {
	scale := w.Canvas().Scale()
	if scale <= 0 {
		scale = 1
	}
	primary := glfw.GetPrimaryMonitor()
	monitors := glfw.GetMonitors()
	var out []ui.Rect
	for _, m := range append([]*glfw.Monitor{primary}, monitors...) {
		if m == nil || (len(out) > 0 && m == primary) {
			continue
		}
		x, y, wd, ht := m.GetWorkarea()
		if wd <= 0 || ht <= 0 {
			continue
		}
		out = append(out, ui.Rect{
			Pos:  fyne.NewPos(float32(x)/scale, float32(y)/scale),
			Size: fyne.NewSize(float32(wd)/scale, float32(ht)/scale),
		})
	}
	return out
}

// Position is where the window's content is on the screens.
func (screen) Position(w fyne.Window) (fyne.Position, bool) {
	x, y, ok := nativePosition(w)
	if !ok {
		return fyne.Position{}, false
	}
	scale := max(w.Canvas().Scale(), 0.1)
	return fyne.NewPos(float32(x)/scale, float32(y)/scale), true
}

// Move puts the window's content at p.
func (screen) Move(w fyne.Window, p fyne.Position) {
	scale := max(w.Canvas().Scale(), 0.1)
	nativeMove(w, int(p.X*scale+0.5), int(p.Y*scale+0.5))
}
