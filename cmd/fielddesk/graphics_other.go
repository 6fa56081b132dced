//go:build !windows

package main

import "fyne.io/fyne/v2"

// tellGraphicsFailed tells a person who started the app from the menu (and
// sees no terminal) that the window cannot open: a desktop notification,
// which needs no graphics of the app's own. The error also goes to the
// terminal, as every startup error does.
func tellGraphicsFailed(a fyne.App, msg string) {
	a.SendNotification(fyne.NewNotification("FieldDesk", msg))
}
