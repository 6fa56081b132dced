package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// pumpFor runs the UI's queued work for d, as the app's event loop would
// between keystrokes.
func (h *harness) pumpFor(d time.Duration) {
	end := time.After(d)
	for {
		select {
		case fn := <-h.loop.ch:
			fn()
		case <-end:
			return
		}
	}
}

// Typing steadily with no pause (a keystroke every 40 ms for 3 s) is
// saved all along, never more than the longest wait behind: the pause
// the autosave waits for never comes, the longest wait does.
func TestSteadyTypingIsSavedWithoutAPause(t *testing.T) {
	h := newHarness(t)
	h.u.AutosaveDelay, h.u.AutosaveMaxWait = 300*time.Millisecond, 400*time.Millisecond
	const every = 40 * time.Millisecond
	text := strings.Repeat("Lũ quét ở Bát Xát. ", 10)
	runes := []rune(text)
	typed := 0
	start := time.Now()
	for time.Since(start) < 3*time.Second && typed < len(runes) {
		test.Type(h.u.ed.headline, string(runes[typed]))
		typed++
		h.pumpFor(every)
	}
	// Still typing: what is stored lags at most the longest wait (400 ms,
	// 10 keystrokes) and a save's own time.
	stored := []rune(h.latest().Article.Headline)
	if lag := typed - len(stored); lag > 20 {
		t.Errorf("after %d keystrokes without a pause the store holds %d: %d behind", typed, len(stored), lag)
	}
	if !strings.HasPrefix(string(runes[:typed]), string(stored)) {
		t.Errorf("the store holds %q, not what was typed", string(stored))
	}
	hist, err := h.desk.History(h.u.ctx, h.u.ed.article.ID)
	if err != nil || len(hist) < 4 {
		t.Errorf("%d saves in 3 s of steady typing, %v; want one every 400 ms or so", len(hist), err)
	}
}
