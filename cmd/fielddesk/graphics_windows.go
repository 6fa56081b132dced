//go:build windows

package main

import (
	"fyne.io/fyne/v2"
	"golang.org/x/sys/windows"
)

// tellGraphicsFailed shows msg in a Windows message box: FieldDesk.exe is
// built without a console, so nothing printed would be seen.
func tellGraphicsFailed(_ fyne.App, msg string) {
	text, err := windows.UTF16PtrFromString(msg)
	if err != nil {
		return
	}
	title, _ := windows.UTF16PtrFromString("FieldDesk")
	windows.MessageBox(0, text, title, windows.MB_OK|windows.MB_ICONERROR)
}
