package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
)

// timedSaves is the real desk, noting when each save became durable and
// how long the body it saved was.
type timedSaves struct {
	*desk.Desk
	mu    sync.Mutex
	saves []timedSave
}

type timedSave struct {
	at   time.Time
	size int
}

func (s *timedSaves) Save(ctx context.Context, a fielddesk.Article, base fielddesk.ID) (fielddesk.Revision, error) {
	rev, err := s.Desk.Save(ctx, a, base)
	if err == nil {
		s.mu.Lock()
		s.saves = append(s.saves, timedSave{time.Now(), len([]rune(a.Body))})
		s.mu.Unlock()
	}
	return rev, err
}

// BenchmarkTypingToDurable types into the body without a pause (a key
// every 100 ms for 6 s, the app's own autosave delays) and reports the
// longest time from a keystroke to a durable save that holds it, and the
// time from the last keystroke to its save.
func BenchmarkTypingToDurable(b *testing.B) {
	a := test.NewTempApp(b)
	d, err := desk.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	back := &timedSaves{Desk: d}
	l := &loop{ch: make(chan func(), 1024)}
	u := newUI(a, back, l.do)
	u.win.Resize(fyne.NewSize(1200, 800))
	u.Show()
	pump := func(dur time.Duration) {
		end := time.After(dur)
		for {
			select {
			case fn := <-l.ch:
				fn()
			case <-end:
				return
			}
		}
	}
	pump(300 * time.Millisecond)
	p := u.ed.body.FirstText()
	u.win.Canvas().Focus(p)
	var worst, last time.Duration
	for b.Loop() {
		back.mu.Lock()
		back.saves = nil
		back.mu.Unlock()
		type key struct {
			at   time.Time
			size int
		}
		var keys []key
		start := time.Now()
		for time.Since(start) < 6*time.Second {
			p.TypedRune('a')
			keys = append(keys, key{time.Now(), len([]rune(u.ed.body.Text()))})
			pump(100 * time.Millisecond)
		}
		pump(3 * time.Second) // the pause after the last key
		back.mu.Lock()
		saves := append([]timedSave(nil), back.saves...)
		back.mu.Unlock()
		for i, k := range keys {
			lag := time.Duration(-1)
			for _, s := range saves {
				if s.size >= k.size && !s.at.Before(k.at) {
					lag = s.at.Sub(k.at)
					break
				}
			}
			if lag < 0 {
				b.Fatalf("keystroke %d was never saved", i)
			}
			worst = max(worst, lag)
			if i == len(keys)-1 {
				last = lag
			}
		}
	}
	b.ReportMetric(float64(worst.Milliseconds()), "ms-worst-key-to-durable")
	b.ReportMetric(float64(last.Milliseconds()), "ms-last-key-to-durable")
}
