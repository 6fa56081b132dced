package ui

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// The body's undo history works on the whole body, not on one paragraph:
// a step is a word or a burst of typing, a split, a join, a paste or a
// photo placed, moved or removed, and Ctrl+Z, Ctrl+Y and Ctrl+Shift+Z go
// back and forth across them. A step keeps the text of every block (the
// strings are shared between steps, so a step costs a few bytes a block)
// and where the cursor was.
type bodyStep struct {
	blocks []string
	block  int // the text block with the cursor
	off    int // and the cursor's offset in it
}

type bodyHistory struct {
	undo, redo []bodyStep
	// The typing burst under way: its block, when it last changed, and
	// its count of spaces (a new word starts a new step).
	burst  *textBlock
	at     time.Time
	spaces int
	lines  int
	// newline: the last change began a new line (a second one splits the
	// paragraph: both are one step).
	newline bool
}

const (
	maxUndoSteps = 300
	// burstPause ends a typing burst: the next key starts a new step.
	burstPause = time.Second
)

// snapshot is the body as it is now, or (with t) as it was before t's
// last change: t's text then was old, with the cursor at offset off.
func (e *bodyEditor) snapshot(t *textBlock, old string, off int) bodyStep {
	s := bodyStep{blocks: make([]string, len(e.blocks)), block: -1}
	for i, b := range e.blocks {
		s.blocks[i] = b.markdown()
		if tb, ok := b.(*textBlock); ok && tb == t {
			s.blocks[i], s.block, s.off = old, i, off
		}
	}
	if s.block < 0 {
		if f := e.focused; f != nil {
			s.block, s.off = e.index(f), f.CursorTextOffset()
		}
	}
	return s
}

// push records a step to go back to, and forgets what was undone.
func (e *bodyEditor) push(s bodyStep) {
	h := &e.history
	if n := len(h.undo); n > 0 && slices.Equal(h.undo[n-1].blocks, s.blocks) {
		return // nothing changed since the last step
	}
	h.undo = append(h.undo, s)
	if len(h.undo) > maxUndoSteps {
		h.undo = append(h.undo[:0:0], h.undo[len(h.undo)-maxUndoSteps:]...)
	}
	h.redo = nil
}

// checkpoint records the body as it is now, before a change that is a
// step of its own (a join, a photo moved), and ends the typing burst.
func (e *bodyEditor) checkpoint() {
	e.push(e.snapshot(nil, "", 0))
	e.history.burst = nil
}

// typed records t's change from its previous text: the start of a new
// step when the burst changed block, paused, or began a new word.
func (e *bodyEditor) typed(t *textBlock, now string) {
	h := &e.history
	spaces, lines := strings.Count(now, " "), strings.Count(now, "\n")
	newline := h.burst == t && lines > h.lines
	if h.burst != t || time.Since(h.at) > burstPause || spaces != h.spaces || t.pasting || (newline && !h.newline) {
		e.push(e.snapshot(t, t.last, t.lastOff))
		h.burst = t
		if t.pasting {
			h.burst = nil // a paste is a step of its own
		}
	}
	h.at, h.spaces, h.lines, h.newline = time.Now(), spaces, lines, newline
}

// clearHistory forgets every step (another article is loaded).
func (e *bodyEditor) clearHistory() { e.history = bodyHistory{} }

// Undo goes back one step; Redo forward one.
func (e *bodyEditor) Undo() { e.travel(&e.history.undo, &e.history.redo) }
func (e *bodyEditor) Redo() { e.travel(&e.history.redo, &e.history.undo) }

func (e *bodyEditor) travel(from, to *[]bodyStep) {
	if len(*from) == 0 {
		return
	}
	s := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, e.snapshot(nil, "", 0))
	e.history.burst = nil
	e.restore(s)
}

// restore puts a step's blocks back, with the cursor where it was.
func (e *bodyEditor) restore(s bodyStep) {
	e.span = nil
	e.blocks = nil
	e.focused = nil
	for _, md := range s.blocks {
		e.blocks = append(e.blocks, e.newBlock(md))
	}
	if len(e.blocks) == 0 {
		e.blocks = append(e.blocks, e.newText(""))
	}
	e.relayout()
	i := min(max(s.block, 0), len(e.blocks)-1)
	for ; i < len(e.blocks); i++ {
		if t, ok := e.blocks[i].(*textBlock); ok {
			setCursorOffset(&t.Entry, s.off)
			t.remember()
			if e.focus != nil {
				e.focus(t)
			}
			break
		}
	}
	if e.onChange != nil {
		e.onChange()
	}
}

// isRedo reports whether a shortcut is redo: Ctrl+Y (Fyne's) or Ctrl+Shift+Z.
func isRedo(s fyne.Shortcut) bool {
	if _, ok := s.(*fyne.ShortcutRedo); ok {
		return true
	}
	c, ok := s.(*desktop.CustomShortcut)
	return ok && c.KeyName == fyne.KeyZ && c.Modifier == fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift
}

// joinText joins two paragraphs, with a space between them unless one
// side already has one: "giảm" + "Ông" reads "giảm Ông", not "giảmÔng".
func joinText(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	last := []rune(a)[len([]rune(a))-1]
	first := []rune(b)[0]
	if unicode.IsSpace(last) || unicode.IsSpace(first) {
		return a + b
	}
	return a + " " + b
}
