package store

import (
	"context"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
)

// A system clock reset to 2000 (a dead CMOS battery) neither reorders the
// history nor dates a save 2000: the store's clock goes on from the newest
// time it has seen, also after a reopen, says the system clock is behind,
// and follows the newsroom's time once a sync brings it.
func TestClockResetKeepsHistoryInOrder(t *testing.T) {
	db, dir := openTemp(t)
	ctx := context.Background()
	real := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	start := time.Now()
	db.SetSystemClock(func() time.Time { return real.Add(time.Since(start)) })
	r1, err := db.Save(ctx, fielddesk.Article{Headline: "Một", Body: "a"}, "")
	if err != nil {
		t.Fatal(err)
	}
	a := r1.Article
	a.Body = "b"
	r2, err := db.Save(ctx, a, r1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if db.Clock().Behind {
		t.Fatal("a right clock called behind")
	}
	// The battery dies: the laptop boots on 1 January 2000.
	boot := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	wrong := func() time.Time { return boot.Add(time.Since(start)) }
	db.SetSystemClock(wrong)
	a.Body = "c"
	r3, err := db.Save(ctx, a, r2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r3.Saved.Before(r2.Saved) || r3.Saved.Year() != 2026 {
		t.Errorf("saved at %s after a save at %s", r3.Saved, r2.Saved)
	}
	c := db.Clock()
	if !c.Behind || c.System.Year() != 2000 || c.Trusted.Year() != 2026 {
		t.Errorf("clock state %+v", c)
	}
	db.Close()

	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetSystemClock(wrong)
	a.Body = "d"
	r4, err := db.Save(ctx, a, r3.ID)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := db.History(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []fielddesk.ID
	for _, h := range hist {
		order = append(order, h.ID)
	}
	if len(order) != 4 || order[0] != r4.ID || order[1] != r3.ID || order[2] != r2.ID || order[3] != r1.ID {
		t.Errorf("history after a reopen on the wrong clock: %v, want %v", order, []fielddesk.ID{r4.ID, r3.ID, r2.ID, r1.ID})
	}
	if !db.Clock().Behind {
		t.Error("after a reopen the wrong clock is no longer noticed")
	}
	// The newsroom's Date puts the store's clock right.
	newsroom := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	db.ObserveServerTime(newsroom)
	if got := db.Now(); got.Sub(newsroom) > time.Minute || got.Before(newsroom) {
		t.Errorf("after the newsroom's time %s the store says %s", newsroom, got)
	}
}
