package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tips is a layer over the whole window where a toolbar icon's name is
// shown. It is a plain container: it takes no clicks, so the window
// under it works as before (a pop-up would take the pointer away from the
// icon, which would hide the tip at once).
type tips struct {
	layer *fyne.Container
	// delay is how long the pointer rests on an icon before it is named.
	delay time.Duration
	do    func(func())
	timer *time.Timer
	shown fyne.CanvasObject
}

func newTips(do func(func())) *tips {
	return &tips{layer: container.NewWithoutLayout(), do: do, delay: 600 * time.Millisecond}
}

// show names obj with text under it, once the pointer rested there.
func (t *tips) show(obj fyne.CanvasObject, text string) {
	t.hide()
	t.timer = time.AfterFunc(t.delay, func() {
		t.do(func() { t.place(obj, text) })
	})
}

func (t *tips) place(obj fyne.CanvasObject, text string) {
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(obj) == nil || d.CanvasForObject(t.layer) == nil {
		return
	}
	label := widget.NewLabel(text)
	label.SizeName = theme.SizeNameCaptionText
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	bg.CornerRadius = theme.InputRadiusSize()
	tip := container.NewStack(bg, label)
	size := tip.MinSize()
	at := d.AbsolutePositionForObject(obj).Subtract(d.AbsolutePositionForObject(t.layer))
	at.Y += obj.Size().Height + 2
	// Keep it inside the window.
	if w := t.layer.Size().Width; w > 0 && at.X+size.Width > w {
		at.X = max(0, w-size.Width)
	}
	tip.Move(at)
	tip.Resize(size)
	t.layer.Objects = []fyne.CanvasObject{tip}
	t.layer.Refresh()
	t.shown = tip
}

// hide takes the tip away (and one about to show).
func (t *tips) hide() {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	if t.shown != nil {
		t.layer.Objects = nil
		t.layer.Refresh()
		t.shown = nil
	}
}

// tipButton is a toolbar icon that names what it does, and its shortcut,
// when the pointer rests on it.
type tipButton struct {
	widget.Button
	tips *tips
	tip  func() string // in the language of the moment
}

func newTipButton(t *tips, icon fyne.Resource, tip func() string, action func()) *tipButton {
	b := &tipButton{tips: t, tip: tip}
	b.Icon, b.OnTapped, b.Importance = icon, action, widget.LowImportance
	b.ExtendBaseWidget(b)
	return b
}

// MouseIn starts the wait before the tip.
func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.tips.show(b, b.tip())
}

// MouseOut takes the tip away.
func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	b.tips.hide()
}

// Tapped takes the tip away and does the button's action.
func (b *tipButton) Tapped(e *fyne.PointEvent) {
	b.tips.hide()
	b.Button.Tapped(e)
}

// ToolbarObject makes the button a toolbar item.
func (b *tipButton) ToolbarObject() fyne.CanvasObject { return b }
