package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// columnLayout stacks blocks like a VBox but keeps room for hidden ones, so
// paragraphs far outside the scrolled view can be hidden (and so neither
// laid out nor painted) without the document changing height.
type columnLayout struct{}

func (columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var w, h float32
	for i, o := range objs {
		m := o.MinSize()
		w = max(w, m.Width)
		h += m.Height
		if i > 0 {
			h += pad
		}
	}
	return fyne.NewSize(w, h)
}

func (columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	var y float32
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

// attachScroll makes the editor show only the blocks within one screen of
// the part of scroll in view; box must be inside scroll's content.
func (e *bodyEditor) attachScroll(scroll *container.Scroll) {
	e.scroll = scroll
	prev := scroll.OnScrolled
	scroll.OnScrolled = func(p fyne.Position) {
		if prev != nil {
			prev(p)
		}
		e.updateVisible()
	}
}

// updateVisible shows the blocks near the view and hides the others. The
// block with the keyboard focus always stays.
func (e *bodyEditor) updateVisible() {
	if e.scroll == nil || fyne.CurrentApp() == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(e.box) == nil {
		return // not on screen yet
	}
	viewH := e.scroll.Size().Height
	top := d.AbsolutePositionForObject(e.scroll).Y - d.AbsolutePositionForObject(e.box).Y
	lo, hi := top-viewH, top+2*viewH
	for _, b := range e.blocks {
		o := b.object()
		y, h := o.Position().Y, o.Size().Height
		near := viewH <= 0 || (y+h >= lo && y <= hi)
		if t, ok := b.(*textBlock); ok && t == e.focused {
			near = true
		}
		if near && !o.Visible() {
			o.Show()
		} else if !near && o.Visible() {
			o.Hide()
		}
	}
}

// scrollPass lies over a word-wrapped Entry and hands mouse-wheel scrolling
// to the document's scroll. A wrapped Entry always has a scroller of its own,
// which would otherwise take the wheel even when it has nothing to scroll.
// It takes nothing else: taps, drags and hovering still reach the Entry.
type scrollPass struct {
	widget.BaseWidget
	target func() *container.Scroll
}

func newScrollPass(target func() *container.Scroll) *scrollPass {
	p := &scrollPass{target: target}
	p.ExtendBaseWidget(p)
	return p
}

func (p *scrollPass) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(layout.NewSpacer())
}

// Scrolled scrolls the document.
func (p *scrollPass) Scrolled(ev *fyne.ScrollEvent) {
	if s := p.target(); s != nil {
		s.Scrolled(ev)
	}
}

// withScrollPass stacks a scrollPass over obj.
func withScrollPass(obj fyne.CanvasObject, target func() *container.Scroll) fyne.CanvasObject {
	return container.NewStack(obj, newScrollPass(target))
}

// reveal scrolls the form so that obj is in view, a little below the top
// (nothing moves when it is in view already).
func (e *bodyEditor) reveal(obj fyne.CanvasObject) {
	if e.scroll == nil || fyne.CurrentApp() == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(obj) == nil || d.CanvasForObject(e.scroll) == nil {
		return
	}
	y := d.AbsolutePositionForObject(obj).Y - d.AbsolutePositionForObject(e.scroll.Content).Y
	view := e.scroll.Size().Height
	if y >= e.scroll.Offset.Y && y+min(obj.Size().Height, view/2) <= e.scroll.Offset.Y+view {
		return
	}
	e.scrollToY(y - view/4)
}

// followPointer scrolls the form when a drag in t reaches above or below
// the part in view (p in t's coordinates), so a selection can go on.
func (e *bodyEditor) followPointer(t *textBlock, p fyne.Position) {
	if e.scroll == nil || fyne.CurrentApp() == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(t) == nil {
		return
	}
	y := d.AbsolutePositionForObject(t).Y + p.Y - d.AbsolutePositionForObject(e.scroll).Y
	if view := e.scroll.Size().Height; y < 0 {
		e.scrollToY(e.scroll.Offset.Y + y)
	} else if y > view {
		e.scrollToY(e.scroll.Offset.Y + y - view)
	}
}

func (e *bodyEditor) scrollToY(y float32) {
	e.scroll.Offset.Y = max(0, min(y, e.scroll.Content.MinSize().Height-e.scroll.Size().Height))
	e.scroll.Refresh()
	e.updateVisible()
}
