//go:build ci

package main

import (
	"fyne.io/fyne/v2"

	"github.com/fielddesk/fielddesk/ui"
)

// screen is unknown under Fyne's software driver (-tags ci): the window
// keeps its default size.
type screen struct{}

var _ ui.Screen = screen{}

func (screen) WorkAreas(fyne.Window) []ui.Rect            { return nil }
func (screen) Position(fyne.Window) (fyne.Position, bool) { return fyne.Position{}, false }
func (screen) Move(fyne.Window, fyne.Position)            {}
