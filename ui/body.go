package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// bodyEditor edits the Markdown body as a column of blocks: one small
// word-wrapped Entry per paragraph and a card per photo. A keystroke only
// re-lays out its own paragraph, so long articles stay responsive (a single
// wrapped Entry costs ~100 ms per key at 6,000 words).
//
// The body text is the blocks joined by blank lines. Typing a blank line
// splits a paragraph; Backspace at the start of one joins it to the one before.
type bodyEditor struct {
	box      *fyne.Container
	blocks   []bodyBlock
	onChange func()
	// focus moves keyboard focus to an object (the window canvas's Focus).
	focus func(fyne.Focusable)
	// photoCard builds the card for a figure block.
	photoCard func(f fielddesk.Figure, b *figureBlock) fyne.CanvasObject
	// focused is the text block that last had focus, where photos are inserted.
	focused *textBlock
	// grown lays out the document again when a paragraph's height changed.
	grown func()
	// scroll is the view the body scrolls in, when attachScroll was called.
	scroll *container.Scroll
	// method is the Vietnamese typing method of the paragraphs (nil: off).
	method func() vietnamese.Method
	// legacy asks whether to convert pasted legacy text (nil: paste as is).
	legacy func(d vietnamese.Detection, text string, paste func(string))
	// history is the body's undo and redo (undo.go).
	history bodyHistory
	// span is a selection across paragraphs (selection.go), or nil.
	span *bodySpan
	// spanMoving: the selection itself is moving the focus (it goes on).
	spanMoving bool
	// shift: a Shift key is held down.
	shift bool
}

type bodyBlock interface {
	markdown() string
	object() fyne.CanvasObject
}

// textBlock is one paragraph (or list, quote, code block…) of Markdown.
type textBlock struct {
	growEntry
	ed *bodyEditor
	// view is the entry with the wheel passed on to the document's scroll.
	view fyne.CanvasObject
	// last is the text (and lastOff the cursor) after the last change,
	// which the undo history keeps when a new step starts.
	last    string
	lastOff int
	// pasting: the change under way is a paste (a step of its own).
	pasting bool
	// note shows the review's comments on this paragraph, under it.
	note *widget.Label
	// marks shows the part of a selection across paragraphs that is in
	// this one while another has the focus (an Entry draws its own
	// selection only while focused).
	marks *fyne.Container
	// pass takes the paragraph's drags and wheel.
	pass *dragPass
}

// remember notes the text and cursor as they are now for the undo history.
func (t *textBlock) remember() { t.last, t.lastOff = t.Text, t.CursorTextOffset() }

// noteCursor keeps where the cursor is before a change, when it moved
// since the last one: undoing the change puts it back there.
func (t *textBlock) noteCursor() {
	if t.Text == t.last {
		t.lastOff = t.CursorTextOffset()
	}
}

// TypedShortcut gives the body's undo and redo (across paragraphs, splits
// and joins, by word), Ctrl+A over the whole body, copy, cut and paste of
// a selection across paragraphs, and marks pastes.
func (t *textBlock) TypedShortcut(s fyne.Shortcut) {
	e := t.ed
	if isRedo(s) {
		e.unselectAll()
		e.Redo()
		return
	}
	switch s.(type) {
	case *fyne.ShortcutUndo:
		e.unselectAll()
		e.Undo()
		return
	case *fyne.ShortcutSelectAll:
		e.selectAll()
		return
	case *fyne.ShortcutCopy, *fyne.ShortcutCut:
		if e.hasSpan() {
			e.copySpan(s)
			return
		}
	case *fyne.ShortcutPaste:
		if into := e.typeOverSpan(t); into != t {
			into.TypedShortcut(s)
			return
		}
		t.pasting = true
		defer func() { t.pasting = false }()
	}
	t.noteCursor()
	t.growEntry.TypedShortcut(s)
}

// MouseDown places the cursor, ending a selection across paragraphs; with
// Shift it selects from the cursor in another paragraph to here.
func (t *textBlock) MouseDown(m *desktop.MouseEvent) {
	if m.Modifier&fyne.KeyModifierShift != 0 && m.Button == desktop.MouseButtonPrimary && t.ed.clickSpan(t, m) {
		return
	}
	t.ed.unselectAll()
	t.growEntry.MouseDown(m)
}

// dragPass lies over a paragraph and takes its mouse drags (the Entry's
// inner content would take them and never tell the paragraph) and the
// wheel (for the document's scroll). Taps and clicks pass through to the
// Entry.
type dragPass struct {
	scrollPass
	t *textBlock
}

func newDragPass(t *textBlock) *dragPass {
	p := &dragPass{scrollPass: scrollPass{target: func() *container.Scroll { return t.ed.scroll }}, t: t}
	p.ExtendBaseWidget(p)
	return p
}

// Dragged selects as the Entry does, and on into the paragraphs the
// pointer reaches above or below this one.
func (p *dragPass) Dragged(d *fyne.DragEvent) {
	t := p.t
	if t.ed.dragSpan(t, d.Position) {
		return
	}
	inner := *d // the Entry takes positions in its text's place, under its border
	inner.Position = d.Position.SubtractXY(0, theme.InputBorderSize())
	t.Entry.Dragged(&inner)
}

// DragEnd ends the Entry's drag.
func (p *dragPass) DragEnd() { p.t.Entry.DragEnd() }

// KeyDown and KeyUp follow the Shift keys for selections across paragraphs.
func (t *textBlock) KeyDown(k *fyne.KeyEvent) {
	if isShiftKey(k.Name) {
		t.ed.shift = true
	}
	t.growEntry.KeyDown(k)
}

func (t *textBlock) KeyUp(k *fyne.KeyEvent) {
	if isShiftKey(k.Name) {
		t.ed.shift = false
	}
	t.growEntry.KeyUp(k)
}

// FocusLost ends a selection across paragraphs (unless it moved the focus).
func (t *textBlock) FocusLost() {
	t.ed.unselectAll()
	if !t.ed.spanMoving {
		t.ed.shift = false
	}
	t.growEntry.FocusLost()
}

// TypedRune replaces a selection across paragraphs with what is typed.
func (t *textBlock) TypedRune(r rune) {
	if into := t.ed.typeOverSpan(t); into != t {
		into.TypedRune(r)
		return
	}
	t.noteCursor()
	t.growEntry.TypedRune(r)
}

// Resize fits the paragraph's height to its text at the new width.
func (t *textBlock) Resize(s fyne.Size) {
	t.Entry.Resize(s)
	t.fit()
}

func (t *textBlock) markdown() string          { return t.Text }
func (t *textBlock) object() fyne.CanvasObject { return t.view }

// FocusGained remembers where photos go.
func (t *textBlock) FocusGained() {
	t.ed.focused = t
	t.Entry.FocusGained()
}

// TypedKey joins this paragraph to the previous one on Backspace at its
// start, and carries a selection made with Shift on past its edges.
func (t *textBlock) TypedKey(k *fyne.KeyEvent) {
	e := t.ed
	if e.hasSpan() {
		if e.spanKey(k) {
			return
		}
		if f := e.focused; f != nil && f != t {
			f.TypedKey(k) // the selection ended in another paragraph
			return
		}
	}
	if e.shift && isMoveKey(k.Name) {
		before, anchor := t.CursorTextOffset(), t.anchorOffset()
		t.growEntry.TypedKey(k)
		if t.CursorTextOffset() == before {
			e.extendPast(t, anchor, k.Name)
		}
		return
	}
	if k.Name == fyne.KeyBackspace && t.CursorRow == 0 && t.CursorColumn == 0 && t.SelectedText() == "" {
		if t.ed.joinWithPrevious(t) {
			return
		}
	}
	t.noteCursor()
	t.growEntry.TypedKey(k)
}

// figureBlock is a photo placed alone in its paragraph.
type figureBlock struct {
	fig  fielddesk.Figure
	card fyne.CanvasObject
	// caption is the card's caption field (the spell check reads it).
	caption *growEntry
}

func (f *figureBlock) markdown() string          { return f.fig.Markdown() }
func (f *figureBlock) object() fyne.CanvasObject { return f.card }

func newBodyEditor(onChange func(), focus func(fyne.Focusable)) *bodyEditor {
	return &bodyEditor{box: container.New(columnLayout{}), onChange: onChange, focus: focus}
}

// splitBlocks cuts Markdown at blank lines, keeping fenced code blocks whole.
func splitBlocks(md string) []string {
	var out []string
	var cur []string
	fence := ""
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for _, line := range strings.Split(md, "\n") {
		trim := strings.TrimSpace(line)
		if fence == "" && (strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~")) {
			fence = trim[:3]
		} else if fence != "" && strings.HasPrefix(trim, fence) {
			fence = ""
		} else if fence == "" && trim == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// SetText replaces every block with the blocks of md.
func (e *bodyEditor) SetText(md string) {
	e.blocks = nil
	e.focused = nil
	e.clearHistory()
	e.span = nil
	for _, part := range splitBlocks(md) {
		e.blocks = append(e.blocks, e.newBlock(part))
	}
	if len(e.blocks) == 0 {
		e.blocks = append(e.blocks, e.newBlock(""))
	}
	e.relayout()
}

// Text is the body as Markdown.
func (e *bodyEditor) Text() string {
	parts := make([]string, 0, len(e.blocks))
	for _, b := range e.blocks {
		if md := b.markdown(); strings.TrimSpace(md) != "" {
			parts = append(parts, md)
		}
	}
	return strings.Join(parts, "\n\n")
}

func (e *bodyEditor) newBlock(md string) bodyBlock {
	if f, ok := fielddesk.ParseFigure(md); ok {
		fb := &figureBlock{fig: f}
		fb.card = e.photoCardFor(fb)
		return fb
	}
	return e.newText(md)
}

func (e *bodyEditor) photoCardFor(fb *figureBlock) fyne.CanvasObject {
	if e.photoCard == nil {
		return widget.NewLabel(fb.fig.Caption)
	}
	return e.photoCard(fb.fig, fb)
}

func (e *bodyEditor) newText(md string) *textBlock {
	t := &textBlock{ed: e}
	t.vn.method, t.vn.legacy, t.vn.markdown = e.method, e.legacy, true
	t.initGrow(1, func() {
		if e.grown != nil {
			e.grown()
		} else {
			e.box.Refresh()
		}
	})
	t.ExtendBaseWidget(t)
	t.SetText(md)
	t.styleParagraph()
	t.remember()
	t.OnChanged = func(s string) { e.changed(t, s) }
	t.note = widget.NewLabel("")
	t.note.Wrapping = fyne.TextWrapWord
	t.note.Importance = widget.WarningImportance
	t.note.TextStyle.Italic = true
	t.note.Hide()
	t.marks = container.NewWithoutLayout()
	t.pass = newDragPass(t)
	t.view = container.NewVBox(container.NewStack(t, t.marks, t.spellLayer(), t.pass), t.note)
	return t
}

func (e *bodyEditor) relayout() {
	objs := make([]fyne.CanvasObject, len(e.blocks))
	for i, b := range e.blocks {
		objs[i] = b.object()
	}
	e.box.Objects = objs
	e.box.Refresh()
	if e.grown != nil {
		e.grown()
	}
	e.updateVisible()
}

func (e *bodyEditor) index(b bodyBlock) int {
	for i, x := range e.blocks {
		if x == b {
			return i
		}
	}
	return -1
}

// changed splits a paragraph the user has typed or pasted a blank line into.
func (e *bodyEditor) changed(t *textBlock, s string) {
	t.styleParagraph()
	t.fit()
	e.typed(t, s)
	t.remember()
	if hasBlankLine(s) {
		parts := splitBlocks(s)
		if len(parts) > 1 || strings.Join(parts, "\n\n") != s {
			trailing := strings.HasSuffix(strings.TrimRight(s, " \t"), "\n\n") && len(parts) > 0
			e.replace(t, parts, trailing)
		}
	}
	if e.onChange != nil {
		e.onChange()
	}
}

// hasBlankLine reports whether s has a blank line between two others: a
// paragraph break, not just the new line the cursor is on.
func hasBlankLine(s string) bool {
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines)-1; i++ {
		if strings.TrimSpace(lines[i]) == "" {
			return true
		}
	}
	return false
}

// replace puts the blocks made from parts in place of t. With newParagraph
// it adds an empty paragraph after them. Focus goes to the new empty
// paragraph, or else to the start of the last text block added.
func (e *bodyEditor) replace(t *textBlock, parts []string, newParagraph bool) {
	i := e.index(t)
	if i < 0 {
		return
	}
	if len(parts) == 0 {
		parts = []string{""}
	}
	t.OnChanged = nil
	t.SetText(parts[0])
	t.fit()
	t.remember()
	t.OnChanged = func(s string) { e.changed(t, s) }
	var added []bodyBlock
	for _, p := range parts[1:] {
		added = append(added, e.newBlock(p))
	}
	if newParagraph {
		added = append(added, e.newText(""))
	}
	if len(added) == 0 {
		return
	}
	e.blocks = append(e.blocks[:i+1], append(added, e.blocks[i+1:]...)...)
	e.relayout()
	for k := len(added) - 1; k >= 0; k-- {
		if tb, ok := added[k].(*textBlock); ok {
			tb.CursorRow, tb.CursorColumn = 0, 0
			if e.focus != nil {
				e.focus(tb)
			}
			break
		}
	}
}

// joinWithPrevious appends t's text to the text block before it. It reports
// false when there is none (t is first, or a photo comes before it).
func (e *bodyEditor) joinWithPrevious(t *textBlock) bool {
	i := e.index(t)
	if i <= 0 {
		return false
	}
	prev, ok := e.blocks[i-1].(*textBlock)
	if !ok {
		return false
	}
	e.checkpoint()
	joined := joinText(prev.Text, t.Text)
	at := len([]rune(joined)) - len([]rune(t.Text))
	prev.OnChanged = nil
	prev.SetText(joined)
	prev.OnChanged = func(s string) { e.changed(prev, s) }
	prev.fit()
	e.blocks = append(e.blocks[:i], e.blocks[i+1:]...)
	e.relayout()
	setCursorOffset(&prev.Entry, at)
	prev.remember()
	if e.focus != nil {
		e.focus(prev)
	}
	if e.onChange != nil {
		e.onChange()
	}
	return true
}

// SetNotes shows comments beside the paragraphs they are about: notes[k]
// are the lines for the k-th paragraph (1-based, as fielddesk.Paragraphs
// counts them: the blocks with text, photos included).
func (e *bodyEditor) SetNotes(notes map[int][]string) {
	k := 0
	for _, b := range e.blocks {
		if strings.TrimSpace(b.markdown()) == "" {
			continue
		}
		k++
		t, ok := b.(*textBlock)
		if !ok {
			continue
		}
		if lines := notes[k]; len(lines) > 0 {
			t.note.SetText(strings.Join(lines, "\n"))
			t.note.Show()
		} else if t.note.Visible() {
			t.note.Hide()
		}
	}
	e.relayout()
}

// InsertFigure places a photo after the focused paragraph (or at the end).
func (e *bodyEditor) InsertFigure(f fielddesk.Figure) {
	e.checkpoint()
	fb := &figureBlock{fig: f}
	fb.card = e.photoCardFor(fb)
	at := len(e.blocks)
	if e.focused != nil {
		if i := e.index(e.focused); i >= 0 {
			at = i + 1
		}
	}
	e.blocks = append(e.blocks[:at], append([]bodyBlock{fb}, e.blocks[at:]...)...)
	if at == len(e.blocks)-1 {
		e.blocks = append(e.blocks, e.newText(""))
	}
	e.relayout()
	if e.onChange != nil {
		e.onChange()
	}
}

// UpdateFigure stores an edited caption or credit.
func (e *bodyEditor) UpdateFigure(b *figureBlock, caption, credit string) {
	b.fig.Caption, b.fig.Credit = caption, credit
	if e.onChange != nil {
		e.onChange()
	}
}

// MoveFigure moves a photo up (-1) or down (+1) past one block.
func (e *bodyEditor) MoveFigure(b *figureBlock, delta int) {
	i := e.index(b)
	j := i + delta
	if i < 0 || j < 0 || j >= len(e.blocks) {
		return
	}
	e.checkpoint()
	e.blocks[i], e.blocks[j] = e.blocks[j], e.blocks[i]
	e.relayout()
	if e.onChange != nil {
		e.onChange()
	}
}

// RemoveFigure takes a photo out of the body (earlier revisions keep it).
func (e *bodyEditor) RemoveFigure(b *figureBlock) {
	i := e.index(b)
	if i < 0 {
		return
	}
	e.checkpoint()
	e.blocks = append(e.blocks[:i], e.blocks[i+1:]...)
	if len(e.blocks) == 0 {
		e.blocks = append(e.blocks, e.newText(""))
	}
	e.relayout()
	if e.onChange != nil {
		e.onChange()
	}
}

// FirstText is the first paragraph, to focus when the body is entered.
func (e *bodyEditor) FirstText() *textBlock {
	for _, b := range e.blocks {
		if t, ok := b.(*textBlock); ok {
			return t
		}
	}
	return nil
}

// tail is the empty space under the last paragraph: clicking it puts the
// cursor at the end of the body, as in a word processor.
type tail struct {
	widget.BaseWidget
	ed *bodyEditor
}

func newTail(ed *bodyEditor) *tail {
	t := &tail{ed: ed}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tail) CreateRenderer() fyne.WidgetRenderer {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(10, 160))
	return widget.NewSimpleRenderer(r)
}

// Tapped focuses the end of the last paragraph, adding one after a photo.
func (t *tail) Tapped(*fyne.PointEvent) {
	e := t.ed
	var last *textBlock
	if n := len(e.blocks); n > 0 {
		last, _ = e.blocks[n-1].(*textBlock)
	}
	if last == nil {
		last = e.newText("")
		e.blocks = append(e.blocks, last)
		e.relayout()
	}
	setCursorOffset(&last.Entry, len([]rune(last.Text)))
	if e.focus != nil {
		e.focus(last)
	}
}

// Scrolled passes the mouse wheel to the document.
func (t *tail) Scrolled(ev *fyne.ScrollEvent) {
	if t.ed.scroll != nil {
		t.ed.scroll.Scrolled(ev)
	}
}
