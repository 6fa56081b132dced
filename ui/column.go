package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// sideColumn lays out the left column: the buttons and search on top, the
// article list in the middle and the sync area at the bottom. The sync
// area has its place and never takes more than maxShare of the column (it
// scrolls beyond that), so however much it has to say (photos, problems)
// the list keeps room for several articles.
type sideColumn struct {
	maxShare float32
}

// newSideColumn puts top, list and sync (scrolled when it is too tall) in a column.
func newSideColumn(top, list, sync fyne.CanvasObject) *fyne.Container {
	return container.New(sideColumn{maxShare: 0.3}, top, list, container.NewVScroll(sync))
}

func (c sideColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	top, list, sync := objs[0].MinSize(), objs[1].MinSize(), objs[2].MinSize()
	return fyne.NewSize(max(top.Width, list.Width, sync.Width), top.Height+list.Height+sync.Height+2*theme.Padding())
}

func (c sideColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	// The top holds a wrapping label (the queue's counts, a search
	// warning): its height is known only once it has the column's width.
	objs[0].Resize(fyne.NewSize(size.Width, objs[0].MinSize().Height))
	top := objs[0].MinSize().Height
	syncScroll := objs[2].(*container.Scroll)
	want := syncScroll.Content.MinSize().Height
	syncH := min(want, max(size.Height*c.maxShare, syncScroll.MinSize().Height))
	listH := max(0, size.Height-top-syncH-2*pad)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, top))
	objs[1].Move(fyne.NewPos(0, top+pad))
	objs[1].Resize(fyne.NewSize(size.Width, listH))
	objs[2].Move(fyne.NewPos(0, top+pad+listH+pad))
	objs[2].Resize(fyne.NewSize(size.Width, syncH))
}

// tightRows stacks objects with no room between them beyond their own
// inner padding, half of which it takes back: a list line of a headline
// and its details in as little height as reads well. Its rows must not
// wrap (a wrapped label's height depends on a width MinSize cannot know).
type tightRows struct{}

func (tightRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w, h = max(w, m.Width), h+m.Height
		n++
	}
	return fyne.NewSize(w, h-float32(max(n-1, 0))*theme.InnerPadding())
}

func (tightRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - theme.InnerPadding()
	}
}

// narrowEditor holds the editor and its preview: below minPreviewWidth
// the preview steps aside by itself (the editor would be squeezed into a
// strip beside a column of single letters), and comes back when the room
// does, unless the person hid it.
type narrowEditor struct {
	u *UI
}

// minPreviewWidth is the width of the editor and preview together below
// which the preview hides itself.
const minPreviewWidth = 700

func (n narrowEditor) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

func (n narrowEditor) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	u := n.u
	switch {
	case size.Width < minPreviewWidth && u.previewShown && u.previewPane.Visible() && !u.previewForced:
		u.previewPane.Hide()
		u.previewNarrowed = true
		u.fitRight()
	case size.Width >= minPreviewWidth && (u.previewNarrowed || u.previewForced):
		u.previewNarrowed, u.previewForced = false, false
		if u.previewShown {
			u.previewPane.Show()
			u.fitRight()
		}
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}
