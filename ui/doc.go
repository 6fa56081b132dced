// Package ui is FieldDesk's desktop interface, built with Fyne: the article
// list, the editor with its per-paragraph body and photo cards, the live
// preview drawn from the same parse as the published HTML, the revision
// history and the settings.
//
// It declares the Backend it needs and never touches storage or the network
// itself. Work that may block (saving, photos, filtering) runs through one
// helper that returns to the UI goroutine with fyne.Do. It does not import
// fyne.io/fyne/v2/app, so its tests run on Fyne's test driver without cgo.
package ui
