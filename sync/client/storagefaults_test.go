package client_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/backendtest"
	"github.com/fielddesk/fielddesk/internal/servertest"
	"github.com/fielddesk/fielddesk/store"
)

// appliedOnce checks that the newsroom holds each of the revisions, each
// applied once (its audit log says so).
func appliedOnce(t *testing.T, n *newsroom, revs []fielddesk.Revision) {
	t.Helper()
	ctx := context.Background()
	for _, r := range revs {
		head, err := n.rules().Head(ctx, r.Article.ID)
		if err != nil || head.Article.Body != r.Article.Body {
			t.Errorf("%s on the server: %v", r.Article.Headline, err)
			continue
		}
		review, err := n.review(ctx, r.Article.ID)
		if err != nil {
			t.Fatal(err)
		}
		times := map[fielddesk.ID]int{}
		for _, e := range review.Audit {
			if e.Kind == "revision" {
				times[e.Revision]++
			}
		}
		for rev, k := range times {
			if k != 1 {
				t.Errorf("%s: revision %s applied %d times", r.Article.Headline, rev, k)
			}
		}
	}
}

// PostgreSQL restarted while devices push: the server answers 503 with a
// time to come back, the devices try again, and afterwards every article
// is there, each revision applied once.
func TestPostgresRestartsUnderLoad(t *testing.T) {
	if !servertest.Shared() {
		t.Skip("runs on PostgreSQL and S3 (FIELDDESK_TEST_BACKEND=postgres, as make test's second pass)")
	}
	ctx := context.Background()
	n := startNewsroom(t)
	var devices []*device
	var sent []fielddesk.Revision
	for i := range 6 {
		d := newDevice(t, n, []string{"lethib", "tranvanc"}[i%2], store.OriginalsAlways)
		devices = append(devices, d)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var failures, kinds sync.Map
	for i, d := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				r := d.write(fmt.Sprintf("Tin %d của máy %d", k, i))
				d.send(r.Article.ID)
				mu.Lock()
				sent = append(sent, r)
				mu.Unlock()
				if _, err := d.c.Sync(ctx); err != nil {
					failures.Store(err.Error(), true)
					kinds.Store(d.c.Status().ErrorKind, true)
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	backendtest.RestartPostgres(t, time.Second)
	time.Sleep(700 * time.Millisecond)
	close(stop)
	wg.Wait()
	for _, d := range devices {
		d.syncUntilDone(20)
	}
	n.mu.Lock()
	requests := len(n.log)
	n.mu.Unlock()
	shown := 0
	failures.Range(func(k, _ any) bool { shown++; t.Logf("while it restarted: %s", k); return shown < 3 })
	if shown == 0 {
		t.Error("no sync failed while the database restarted: the restart did not happen under load")
	}
	// The window says so in the person's words (server_unavailable), not
	// in the server's English.
	if _, ok := kinds.Load(fielddesk.SyncServerUnavailable); !ok {
		t.Error("no failure while the database restarted was told as server_unavailable")
	}
	t.Logf("%d articles written, %d requests", len(sent), requests)
	appliedOnce(t, n, sent)
}

// The object store unreachable: text keeps flowing (every article reaches
// the newsroom, and one without photos reaches the editor at once; those
// with photos reach others when their photos do, as always), photos wait;
// once the store is back they finish, each whole and matching its hash,
// and the editor has every article.
func TestTextFlowsWhileTheObjectStoreIsDown(t *testing.T) {
	if !servertest.Shared() {
		t.Skip("runs on PostgreSQL and S3 (FIELDDESK_TEST_BACKEND=postgres, as make test's second pass)")
	}
	ctx := context.Background()
	n := startNewsroom(t)
	c := newDevice(t, n, "lethib", store.OriginalsAlways)
	ed := newDevice(t, n, "bientap", "")
	up := backendtest.S3(t).Down(t) // the test binary's one object store
	defer func() {
		if up != nil {
			up()
		}
	}()
	var sent []fielddesk.Revision
	for i := range 3 {
		r := c.write(fmt.Sprintf("Tin %d khi kho ảnh hỏng", i), 500)
		c.send(r.Article.ID)
		sent = append(sent, r)
	}
	text := c.write("Tin không ảnh")
	c.send(text.Article.ID)
	for range 5 {
		c.c.Sync(ctx) // the photos fail; the text must not
	}
	appliedOnce(t, n, append(sent, text))
	_, err := ed.c.Sync(ctx)
	if list, _ := ed.desk.List(ctx); len(list) != 1 || list[0].ID != text.Article.ID {
		t.Errorf("the editor has %d articles while the photos wait, want the one without photos (%v)", len(list), err)
	}
	for _, r := range sent {
		if st, _ := n.photoState(r.Article.Photos[0].Hash); st.Complete {
			t.Errorf("a photo of %s is complete with the object store down", r.Article.Headline)
		}
	}
	up()
	up = nil
	c.syncUntilDone(20)
	for _, r := range sent {
		h := r.Article.Photos[0].Hash
		if st, err := n.photoState(h); err != nil || !st.Complete {
			t.Errorf("the photo of %s after the store came back: %+v %v", r.Article.Headline, st, err)
		} else if got := n.photoSHA(h); got != h {
			t.Errorf("the photo of %s hashes to %s", r.Article.Headline, got)
		}
	}
	ed.syncUntilDone(10)
	if list, _ := ed.desk.List(ctx); len(list) != len(sent)+1 {
		t.Errorf("the editor has %d articles once the photos arrived, want %d", len(list), len(sent)+1)
	}
}
