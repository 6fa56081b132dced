package client_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/store"
)

// Breaking news first: twenty ordinary articles with their photos wait on
// a laptop with no network (its sync tried, and failed, meanwhile); the
// correspondent writes an urgent one last. When a slow link that cuts
// comes, the urgent article's text is the first thing the newsroom
// receives (its push carries nothing else), and its photo is the first
// photo to arrive; the editors' queue puts it on top.
func TestBreakingNewsGoesFirst(t *testing.T) {
	n := startNewsroom(t)
	ctx := context.Background()
	reporter := newDevice(t, n, "lethib", store.OriginalsAlways)
	if err := n.proxy.SetDown(true); err != nil {
		t.Fatal(err)
	}
	var ordinary []fielddesk.ID
	for i := range 20 {
		rev := reporter.write(fmt.Sprintf("Mùa lúa ở Mường Hum, kỳ %d", i+1), 480)
		reporter.send(rev.Article.ID)
		ordinary = append(ordinary, rev.Article.ID)
		if i%7 == 0 {
			if _, err := reporter.c.Sync(ctx); err == nil {
				t.Fatal("a sync went through with no network")
			}
		}
	}
	rev := reporter.write("Vỡ đập thủy điện ở Bát Xát", 480)
	a := rev.Article
	a.Urgency = 1
	rev, err := reporter.desk.Save(ctx, a, rev.ID)
	if err != nil {
		t.Fatal(err)
	}
	urgent, urgentPhoto := rev.Article.ID, rev.Article.Photos[0].Hash
	reporter.send(urgent)
	if _, err := reporter.c.Sync(ctx); err == nil {
		t.Fatal("a sync went through with no network")
	}

	n.proxy.SetRate(48 << 10)
	n.proxy.SetLatency(150 * time.Millisecond)
	n.proxy.SetCutEvery(96 << 10)
	if err := n.proxy.SetDown(false); err != nil {
		t.Fatal(err)
	}
	syncCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for syncCtx.Err() == nil {
			reporter.c.Sync(syncCtx)
		}
	}()
	waitFor(t, 3*time.Minute, "the urgent article's photo", func() bool {
		st, err := n.photoState(urgentPhoto)
		return err == nil && st.Complete
	})
	cancel()
	wg.Wait()

	// The server's first change is the urgent article, and what it
	// applied of the device's first push was that article alone.
	changes, err := n.changes(ctx, 100)
	if err != nil || len(changes) == 0 || changes[0].Article.ID != urgent {
		t.Fatalf("the newsroom's first change is %v (%v), not the urgent article", firstID(changes), err)
	}
	srv, err := n.review(ctx, urgent)
	if err != nil {
		t.Fatal(err)
	}
	arrived := srv.Audit[0].At
	for _, id := range ordinary {
		r, err := n.review(ctx, id)
		if errors.Is(err, fielddesk.ErrNotFound) {
			continue // still on its way
		}
		if err != nil || !r.Audit[0].At.After(arrived) {
			t.Errorf("ordinary article %s arrived at %v, the urgent one at %v", id, r.Audit[0].At, arrived)
		}
	}
	n.mu.Lock()
	puts := slices.Clone(n.puts)
	n.mu.Unlock()
	if len(puts) == 0 || puts[0] != urgentPhoto {
		t.Errorf("the first photo to go was %v, not the urgent article's", puts[:min(len(puts), 1)])
	}
	if n.proxy.Cuts.Load() == 0 {
		t.Log("the link was not cut before the urgent article's photo arrived")
	}
	// The editors' queue on the server's store: on top, with its waiting time.
	if db := n.b.Store; db != nil {
		q, err := db.Queue(ctx, nil)
		if err != nil || len(q) == 0 || q[0].ID != urgent || q[0].Urgency != 1 || q[0].Submitted.IsZero() {
			t.Errorf("the newsroom's queue starts with %+v (%v)", q[:min(len(q), 1)], err)
		}
	}
}

func firstID(revs []fielddesk.Revision) fielddesk.ID {
	if len(revs) == 0 {
		return ""
	}
	return revs[0].Article.ID
}
