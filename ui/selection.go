package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
)

// The body's selection may run across paragraphs and the photos between
// them, as in one text: Shift+arrows past a paragraph's edge, Shift+click
// in another paragraph, a mouse drag out of one, or Ctrl+A start it. It is
// kept here as two places in the body and shown by selecting, in each
// paragraph, the part of it that is inside. Copy, cut, typing, Backspace,
// Delete and paste act on all of it; a deletion is one undo step.
// A selection inside one paragraph is the paragraph's own (Fyne's Entry).

// bodyPos is a place in the body: a block and an offset in runes into its
// Markdown (a photo counts as one character: 0 before it, 1 after it).
type bodyPos struct{ block, off int }

func (p bodyPos) before(q bodyPos) bool {
	return p.block < q.block || p.block == q.block && p.off < q.off
}

// bodySpan is a selection from anchor (where it began) to head (where the
// cursor is).
type bodySpan struct{ anchor, head bodyPos }

// ordered is the span's start and end.
func (s bodySpan) ordered() (bodyPos, bodyPos) {
	if s.head.before(s.anchor) {
		return s.head, s.anchor
	}
	return s.anchor, s.head
}

// blockLen is a block's length in places: its runes, or 1 for a photo.
func blockLen(b bodyBlock) int {
	if t, ok := b.(*textBlock); ok {
		return len([]rune(t.Text))
	}
	return 1
}

func isShiftKey(n fyne.KeyName) bool { return n == desktop.KeyShiftLeft || n == desktop.KeyShiftRight }

func isModifierKey(n fyne.KeyName) bool {
	switch n {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight, desktop.KeyControlLeft, desktop.KeyControlRight,
		desktop.KeyAltLeft, desktop.KeyAltRight, desktop.KeySuperLeft, desktop.KeySuperRight:
		return true
	}
	return false
}

func isMoveKey(n fyne.KeyName) bool {
	switch n {
	case fyne.KeyLeft, fyne.KeyRight, fyne.KeyUp, fyne.KeyDown, fyne.KeyHome, fyne.KeyEnd, fyne.KeyPageUp, fyne.KeyPageDown:
		return true
	}
	return false
}

// forward reports whether a movement key goes towards the end.
func forward(n fyne.KeyName) bool {
	return n == fyne.KeyRight || n == fyne.KeyDown || n == fyne.KeyEnd || n == fyne.KeyPageDown
}

// anchorOffset is where t's own selection began (the cursor, when nothing
// is selected): the selection is the text between it and the cursor.
func (t *textBlock) anchorOffset() int {
	c := t.CursorTextOffset()
	sel := []rune(t.SelectedText())
	if len(sel) == 0 {
		return c
	}
	r := []rune(t.Text)
	if c-len(sel) >= 0 && string(r[c-len(sel):c]) == string(sel) {
		return c - len(sel)
	}
	return c + len(sel)
}

// dropSelection takes t's own selection away, leaving the cursor.
func (t *textBlock) dropSelection() {
	t.Entry.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	if t.SelectedText() == "" {
		return
	}
	row, col := t.CursorRow, t.CursorColumn
	t.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd}) // a move without Shift ends it
	t.CursorRow, t.CursorColumn = row, col
	t.Refresh()
}

// selectRange selects t's text from anchor to head, with the cursor at head.
func (t *textBlock) selectRange(anchor, head int) {
	n := len([]rune(t.Text))
	if anchor == 0 && head == n && n > 0 && len([]rune(t.SelectedText())) == n && t.CursorTextOffset() == n {
		return // already so (the paragraphs inside a long selection)
	}
	t.MinSize() // the Entry's selection exists once it has been drawn
	t.dropSelection()
	setCursorOffset(&t.Entry, anchor)
	if anchor != head {
		t.Entry.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft}) // the selection starts at the cursor
		step := fyne.KeyRight
		if anchor == n {
			step = fyne.KeyLeft
		}
		t.Entry.TypedKey(&fyne.KeyEvent{Name: step})
		t.Entry.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
	setCursorOffset(&t.Entry, head)
	t.Refresh()
}

// paintMarks draws t's selection from one offset to another (in either
// order) the way the Entry draws its own, for a paragraph without the
// focus; with from == to it takes the marks away.
func (t *textBlock) paintMarks(from, to int) {
	if from > to {
		from, to = to, from
	}
	if from == to {
		if len(t.marks.Objects) > 0 {
			t.marks.Objects = nil
			t.marks.Refresh()
		}
		return
	}
	e := &t.Entry
	row, col := e.CursorRow, e.CursorColumn
	defer func() { e.CursorRow, e.CursorColumn = row, col }()
	starts := rowStarts(e)
	n := len([]rune(t.Text))
	at := func(r, c int) fyne.Position { e.CursorRow, e.CursorColumn = r, c; return e.CursorPosition() }
	lineH := at(1, 0).Y - at(0, 0).Y
	fill := t.Theme().Color(theme.ColorNameSelection, fyne.CurrentApp().Settings().ThemeVariant())
	var objs []fyne.CanvasObject
	for r, b := range starts {
		end := n
		if r+1 < len(starts) {
			end = starts[r+1]
		}
		lo, hi := max(from, b), min(to, end)
		if lo >= hi && !(lo == hi && lo < to && lo > from) {
			continue
		}
		x0 := at(r, lo-b)
		x1 := at(r, hi-b).X
		if hi == end && r+1 < len(starts) {
			x1 = at(r, hi-b-1).X + theme.InnerPadding()/2 // through the space the row breaks at
		}
		rect := canvas.NewRectangle(fill)
		rect.Move(fyne.NewPos(x0.X, x0.Y+theme.InputBorderSize())) // the text sits under the Entry's border
		rect.Resize(fyne.NewSize(max(x1-x0.X, 2), lineH))
		objs = append(objs, rect)
	}
	t.marks.Objects = objs
	t.marks.Refresh()
}

// showSpan shows the selection in every paragraph it covers and takes
// it away from the others.
func (e *bodyEditor) showSpan() {
	var s, en bodyPos
	if e.span != nil {
		s, en = e.span.ordered()
	}
	for i, b := range e.blocks {
		t, ok := b.(*textBlock)
		if !ok {
			continue
		}
		if e.span == nil || i < s.block || i > en.block {
			t.dropSelection()
			t.paintMarks(0, 0)
			continue
		}
		from, to := 0, len([]rune(t.Text))
		if i == s.block {
			from = s.off
		}
		if i == en.block {
			to = en.off
		}
		if e.span.head == s && i == s.block {
			from, to = to, from // the cursor is at the head
		}
		t.selectRange(from, to)
		if e.focused == t && e.focusedNow(t) {
			t.paintMarks(0, 0)
		} else {
			t.paintMarks(from, to)
		}
	}
}

// focusedNow reports whether t has the window's keyboard focus.
func (e *bodyEditor) focusedNow(t *textBlock) bool {
	if fyne.CurrentApp() == nil {
		return false
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(t)
	return c != nil && c.Focused() == fyne.Focusable(t)
}

// hasSpan reports whether a selection across the body is under way.
func (e *bodyEditor) hasSpan() bool { return e.span != nil }

// setSpan selects from anchor to head and shows it; the paragraph with the
// head takes the keyboard focus and comes into view.
func (e *bodyEditor) setSpan(anchor, head bodyPos, focusHead bool) {
	e.span = &bodySpan{anchor: anchor, head: head}
	t, ok := e.blocks[head.block].(*textBlock)
	if ok && focusHead {
		e.keepSpan(func() {
			if e.focus != nil {
				e.focus(t)
			}
		})
	}
	e.showSpan()
	if ok && focusHead {
		e.reveal(t.view)
	} else if !ok {
		e.reveal(e.blocks[head.block].object())
	}
}

// keepSpan runs f (a focus change of its own) without ending the selection.
func (e *bodyEditor) keepSpan(f func()) {
	e.spanMoving = true
	defer func() { e.spanMoving = false }()
	f()
}

// endSpan ends the selection, with the cursor at p (focused).
func (e *bodyEditor) endSpan(p bodyPos) *textBlock {
	e.span = nil
	e.showSpan()
	i := min(max(p.block, 0), len(e.blocks)-1)
	off := p.off
	t, ok := e.blocks[i].(*textBlock)
	for k := i; !ok && k < len(e.blocks); k++ { // after a photo: the next paragraph's start
		t, ok = e.blocks[k].(*textBlock)
		off = 0
	}
	for k := i; !ok && k >= 0; k-- {
		t, ok = e.blocks[k].(*textBlock)
		off = len([]rune(t.Text))
	}
	if !ok {
		return nil
	}
	setCursorOffset(&t.Entry, off)
	t.Refresh()
	e.keepSpan(func() {
		if e.focus != nil {
			e.focus(t)
		}
	})
	return t
}

// unselectAll ends a selection across the body where its cursor is.
func (e *bodyEditor) unselectAll() {
	if e.span != nil && !e.spanMoving {
		e.span = nil
		e.showSpan()
	}
}

// selectAll selects the whole body (Ctrl+A).
func (e *bodyEditor) selectAll() {
	last := len(e.blocks) - 1
	e.setSpan(bodyPos{0, 0}, bodyPos{last, blockLen(e.blocks[last])}, false)
}

// spanText is the selected part of the body as Markdown.
func (e *bodyEditor) spanText() string {
	s, en := e.span.ordered()
	var parts []string
	for i := s.block; i <= en.block; i++ {
		from, to := 0, blockLen(e.blocks[i])
		if i == s.block {
			from = s.off
		}
		if i == en.block {
			to = en.off
		}
		part := ""
		if t, ok := e.blocks[i].(*textBlock); ok {
			part = string([]rune(t.Text)[from:to])
		} else if from == 0 && to == 1 {
			part = e.blocks[i].markdown()
		}
		if part != "" || (i > s.block && i < en.block) {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, "\n\n")
}

// deleteSpan removes the selected part of the body as one undoable step
// and returns the paragraph with the cursor where it was.
func (e *bodyEditor) deleteSpan() *textBlock {
	s, en := e.span.ordered()
	e.span = nil
	e.showSpan()
	e.checkpoint()
	var prefix, suffix string
	if t, ok := e.blocks[s.block].(*textBlock); ok {
		prefix = string([]rune(t.Text)[:s.off])
	} else if s.off == 1 {
		s.block++ // the photo stays: the selection began after it
	}
	if t, ok := e.blocks[en.block].(*textBlock); ok {
		suffix = string([]rune(t.Text)[en.off:])
	} else if en.off == 0 {
		en.block-- // the photo stays: the selection ended before it
	}
	var t *textBlock
	if s.block <= en.block && s.block < len(e.blocks) {
		t, _ = e.blocks[s.block].(*textBlock)
	}
	if t == nil {
		t = e.newText("")
	}
	t.OnChanged = nil
	t.SetText(prefix + suffix)
	t.styleParagraph()
	t.OnChanged = func(x string) { e.changed(t, x) }
	rest := append([]bodyBlock{t}, e.blocks[min(en.block+1, len(e.blocks)):]...)
	e.blocks = append(e.blocks[:min(s.block, len(e.blocks))], rest...)
	e.relayout()
	t.fit()
	setCursorOffset(&t.Entry, len([]rune(prefix)))
	t.remember()
	t.Refresh()
	e.keepSpan(func() {
		if e.focus != nil {
			e.focus(t)
		}
	})
	if e.onChange != nil {
		e.onChange()
	}
	return t
}

// typeOverSpan deletes the selection before something is typed or pasted
// over it, and returns the paragraph that takes the input (t itself when
// nothing was selected across the body).
func (e *bodyEditor) typeOverSpan(t *textBlock) *textBlock {
	if e.span == nil {
		return t
	}
	return e.deleteSpan()
}

// copySpan copies (or, for a cut, cuts) the selection as Markdown.
func (e *bodyEditor) copySpan(s fyne.Shortcut) {
	switch x := s.(type) {
	case *fyne.ShortcutCopy:
		if x.Clipboard != nil {
			x.Clipboard.SetContent(e.spanText())
		}
	case *fyne.ShortcutCut:
		if x.Clipboard != nil {
			x.Clipboard.SetContent(e.spanText())
		}
		e.deleteSpan()
	}
}

// spanKey handles a key while a selection across the body is under way.
// It reports false when the key is to go on to the paragraph with the
// cursor (the selection then ended there).
func (e *bodyEditor) spanKey(k *fyne.KeyEvent) bool {
	if isModifierKey(k.Name) {
		return true
	}
	switch k.Name {
	case fyne.KeyBackspace, fyne.KeyDelete:
		e.deleteSpan()
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		e.deleteSpan()
		return false
	case fyne.KeyEscape:
		e.endSpan(e.span.head)
		return true
	}
	if !isMoveKey(k.Name) {
		return true
	}
	if e.shift {
		e.moveHead(k.Name)
		return true
	}
	s, en := e.span.ordered()
	switch k.Name {
	case fyne.KeyLeft:
		e.endSpan(s)
		return true
	case fyne.KeyRight:
		e.endSpan(en)
		return true
	}
	e.endSpan(e.span.head)
	return false
}

// extendPast starts a selection across the body when Shift and a movement
// key found t's edge: from where t's own selection began (anchor) into
// the next or previous block.
func (e *bodyEditor) extendPast(t *textBlock, anchor int, key fyne.KeyName) {
	i := e.index(t)
	head := bodyPos{i, t.CursorTextOffset()}
	next := e.stepFrom(head, key)
	if next == head {
		return // the body's very start or end
	}
	e.setSpan(bodyPos{i, anchor}, next, true)
}

// moveHead moves the selection's head by a movement key.
func (e *bodyEditor) moveHead(key fyne.KeyName) {
	next := e.stepFrom(e.span.head, key)
	e.setSpan(e.span.anchor, next, true)
}

// stepFrom is the place a movement key leads to from p: within p's paragraph
// as the paragraph moves its cursor, then on into the next block.
func (e *bodyEditor) stepFrom(p bodyPos, key fyne.KeyName) bodyPos {
	fwd := forward(key)
	t, ok := e.blocks[p.block].(*textBlock)
	col := 0
	if ok {
		setCursorOffset(&t.Entry, p.off)
		col = t.CursorColumn
		t.dropSelection()
		t.Entry.TypedKey(&fyne.KeyEvent{Name: key})
		if off := t.CursorTextOffset(); off != p.off {
			return bodyPos{p.block, off}
		}
	} else if fwd && p.off == 0 {
		return bodyPos{p.block, 1}
	} else if !fwd && p.off == 1 {
		return bodyPos{p.block, 0}
	}
	j := p.block + 1
	if !fwd {
		j = p.block - 1
	}
	if j < 0 || j >= len(e.blocks) {
		return p
	}
	n := blockLen(e.blocks[j])
	if _, text := e.blocks[j].(*textBlock); !text {
		if fwd {
			return bodyPos{j, 1}
		}
		return bodyPos{j, 0}
	}
	switch key {
	case fyne.KeyRight:
		return bodyPos{j, 0}
	case fyne.KeyLeft:
		return bodyPos{j, n}
	case fyne.KeyDown:
		return bodyPos{j, min(col, n)}
	case fyne.KeyUp:
		return bodyPos{j, n}
	case fyne.KeyHome, fyne.KeyPageUp:
		return bodyPos{j, 0}
	}
	return bodyPos{j, n}
}

// clickSpan extends the selection to a Shift+click in t, from the
// selection's anchor or from the cursor in another paragraph. It reports
// false when the click is for t alone.
func (e *bodyEditor) clickSpan(t *textBlock, m *desktop.MouseEvent) bool {
	var anchor bodyPos
	switch {
	case e.span != nil:
		anchor = e.span.anchor
	case e.focused != nil && e.focused != t && e.index(e.focused) >= 0:
		anchor = bodyPos{e.index(e.focused), e.focused.anchorOffset()}
	default:
		return false
	}
	e.keepSpan(func() { t.growEntry.MouseDown(m) })
	e.setSpan(anchor, bodyPos{e.index(t), t.CursorTextOffset()}, false)
	return true
}

// dragSpan follows a mouse drag that began in t and left it: the
// selection runs from where the drag began to the place under the pointer
// (p, in t's coordinates). It reports false while the drag is t's alone.
func (e *bodyEditor) dragSpan(t *textBlock, p fyne.Position) bool {
	i := e.index(t)
	if i < 0 {
		return false
	}
	y := t.view.Position().Y + p.Y // in the body's column
	j := i
	for j > 0 && y < e.blocks[j].object().Position().Y {
		j--
	}
	for j < len(e.blocks)-1 && y >= e.blocks[j+1].object().Position().Y {
		j++
	}
	if j == i && e.span == nil {
		return false
	}
	anchor := bodyPos{i, t.anchorOffset()}
	if e.span != nil {
		anchor = e.span.anchor
	}
	o := e.blocks[j].object()
	var head bodyPos
	if tj, ok := e.blocks[j].(*textBlock); ok {
		head = bodyPos{j, offsetAt(&tj.Entry, fyne.NewPos(p.X, y-o.Position().Y))}
	} else if y-o.Position().Y > o.Size().Height/2 {
		head = bodyPos{j, 1}
	} else {
		head = bodyPos{j, 0}
	}
	e.setSpan(anchor, head, false)
	e.followPointer(t, p)
	return true
}
