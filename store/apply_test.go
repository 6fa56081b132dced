package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
)

func remoteRevision(article, base fielddesk.ID, headline string) fielddesk.Revision {
	return fielddesk.Revision{ID: fielddesk.NewID(), Base: base, Saved: time.Now().UTC().Truncate(time.Millisecond),
		Article: fielddesk.Article{ID: article, Headline: headline, Language: "vi", Status: fielddesk.StatusDraft}}
}

func TestApplyAtMostOnce(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	art := fielddesk.NewID()
	r1 := remoteRevision(art, "", "Bản một")
	out, err := db.Apply(ctx, "dev-A", "", 1, r1)
	if err != nil || out.Result != Applied || out.Head != r1.ID {
		t.Fatalf("first apply: %+v %v", out, err)
	}
	latest, err := db.Latest(ctx, art)
	if err != nil || latest.ID != r1.ID || latest.Article.Headline != "Bản một" {
		t.Fatalf("latest = %+v %v; want the client's own revision ID", latest, err)
	}
	// The answer was lost; the device sends mutation 1 again.
	out, err = db.Apply(ctx, "dev-A", "", 1, r1)
	if err != nil || out.Result != Duplicate || out.Reason != string(Applied) {
		t.Fatalf("re-sent: %+v %v", out, err)
	}
	if hist, _ := db.History(ctx, art); len(hist) != 1 {
		t.Fatalf("a re-sent mutation made %d revisions", len(hist))
	}
	// A gap: mutation 3 before 2 is refused and not recorded.
	r2 := remoteRevision(art, r1.ID, "Bản hai")
	if _, err := db.Apply(ctx, "dev-A", "", 3, r2); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("gap: %v, want ErrOutOfOrder", err)
	}
	if out, err = db.Apply(ctx, "dev-A", "", 2, r2); err != nil || out.Result != Applied {
		t.Fatalf("mutation 2: %+v %v", out, err)
	}
	// Another device edited from the old head: merged with what came since;
	// both changed the headline, so the merge keeps a conflict and both texts.
	stale := remoteRevision(art, r1.ID, "Sửa từ bản một")
	out, err = db.Apply(ctx, "dev-B", "", 1, stale)
	if err != nil || out.Result != Merged || out.Head == r2.ID {
		t.Fatalf("stale base: %+v %v", out, err)
	}
	latest, _ = db.Latest(ctx, art)
	if latest.ID != out.Head || latest.Base != r2.ID || latest.Article.Headline != "Bản hai" ||
		len(latest.Article.Conflicts) != 1 || latest.Article.Conflicts[0].Theirs != "Sửa từ bản một" {
		t.Fatalf("merge: %+v", latest)
	}
	if kept, err := db.Revision(ctx, art, stale.ID); err != nil || kept.Article.Headline != "Sửa từ bản một" {
		t.Fatalf("the stale revision is not in the history: %v", err)
	}
	if out2, _ := db.Apply(ctx, "dev-B", "", 1, stale); out2.Result != Duplicate || out2.Reason != string(Merged) || out2.Head != out.Head {
		t.Errorf("re-sent merge: %+v", out2)
	}
	// Based on a revision the server never saw: a conflict, never an overwrite.
	unknown := remoteRevision(art, fielddesk.NewID(), "Từ đâu")
	if out, _ = db.Apply(ctx, "dev-C", "", 1, unknown); out.Result != Conflict {
		t.Errorf("unknown base: %+v", out)
	}
	r2 = latest
	// Invalid input is rejected with the reason, and that too is remembered.
	bad := remoteRevision(art, r2.ID, "x")
	bad.Article.Language = "???"
	if out, _ = db.Apply(ctx, "dev-B", "", 2, bad); out.Result != Rejected || out.Reason == "" {
		t.Errorf("invalid revision: %+v", out)
	}
}

func TestChangesCursor(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	a, b := fielddesk.NewID(), fielddesk.NewID()
	ra := remoteRevision(a, "", "A1")
	db.Apply(ctx, "d", "", 1, ra)
	db.Apply(ctx, "d", "", 2, remoteRevision(b, "", "B1"))
	db.Apply(ctx, "d", "", 3, remoteRevision(a, ra.ID, "A2"))
	revs, cur, err := db.Changes(ctx, 0, 10, nil)
	if err != nil || len(revs) != 2 || revs[0].Article.Headline != "A2" || revs[1].Article.Headline != "B1" {
		t.Fatalf("changes from 0: %v %d %v", headlines(revs), cur, err)
	}
	if revs, _, _ := db.Changes(ctx, cur, 10, nil); len(revs) != 0 {
		t.Errorf("nothing changed since %d, got %v", cur, headlines(revs))
	}
	db.Apply(ctx, "d", "", 4, remoteRevision(b, revs2head(t, db, b), "B2"))
	revs, cur2, _ := db.Changes(ctx, cur, 10, nil)
	if len(revs) != 1 || revs[0].Article.Headline != "B2" || cur2 <= cur {
		t.Errorf("changes since %d: %v (cursor %d)", cur, headlines(revs), cur2)
	}
	onlyA := func(_ string, r fielddesk.Revision) bool { return r.Article.ID == a }
	if revs, _, _ := db.Changes(ctx, 0, 10, onlyA); len(revs) != 1 {
		t.Errorf("filtered: %v", headlines(revs))
	}
	if revs, c, _ := db.Changes(ctx, 0, 1, nil); len(revs) != 1 || c == 0 {
		t.Errorf("limit 1: %v cursor %d", headlines(revs), c)
	}
}

func revs2head(t *testing.T, db *DB, id fielddesk.ID) fielddesk.ID {
	r, err := db.Latest(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func headlines(revs []fielddesk.Revision) []string {
	var out []string
	for _, r := range revs {
		out = append(out, r.Article.Headline)
	}
	return out
}

// TestApplyRandomResends sends every mutation of several devices many times,
// in random batches, as a flaky link would, and checks the store holds each
// revision exactly once.
func TestApplyRandomResends(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	type dev struct {
		name  string
		revs  []fielddesk.Revision
		acked int // mutations acknowledged so far
	}
	var devs []*dev
	for d := range 3 {
		dv := &dev{name: "dev-" + string(rune('A'+d))}
		art := fielddesk.NewID()
		base := fielddesk.ID("")
		for i := range 20 {
			r := remoteRevision(art, base, dv.name+" "+string(rune('a'+i)))
			dv.revs = append(dv.revs, r)
			base = r.ID
		}
		devs = append(devs, dv)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 400; round++ {
		dv := devs[rng.IntN(len(devs))]
		if dv.acked == len(dv.revs) {
			continue
		}
		// Re-send from somewhere at or before the first unacknowledged one.
		from := rng.IntN(dv.acked + 1)
		to := min(len(dv.revs), from+1+rng.IntN(4))
		for i := from; i < to; i++ {
			out, err := db.Apply(ctx, dv.name, "", uint64(i+1), dv.revs[i])
			if err != nil {
				t.Fatal(err)
			}
			if out.Result == Conflict || out.Result == Rejected {
				t.Fatalf("mutation %d of %s: %+v", i+1, dv.name, out)
			}
			if rng.IntN(3) > 0 { // the answer arrives two times out of three
				dv.acked = max(dv.acked, i+1)
			}
		}
	}
	for _, dv := range devs {
		for i := dv.acked; i < len(dv.revs); i++ { // finish on a good link
			if _, err := db.Apply(ctx, dv.name, "", uint64(i+1), dv.revs[i]); err != nil {
				t.Fatal(err)
			}
		}
		hist, err := db.History(ctx, dv.revs[0].Article.ID)
		if err != nil || len(hist) != len(dv.revs) {
			t.Fatalf("%s: %d revisions stored, want %d (%v)", dv.name, len(hist), len(dv.revs), err)
		}
		for i, h := range hist {
			if want := dv.revs[len(dv.revs)-1-i].ID; h.ID != want {
				t.Fatalf("%s: revision %d is %s, want %s", dv.name, i, h.ID, want)
			}
		}
	}
}

func TestApplyKeepsOwners(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	art := fielddesk.NewID()
	r1 := remoteRevision(art, "", "Của B")
	if out, _ := db.Apply(ctx, "dev-B", "lethib", 1, r1); out.Result != Applied {
		t.Fatalf("owner's first revision: %+v", out)
	}
	out, _ := db.Apply(ctx, "dev-C", "tranvanc", 1, remoteRevision(art, r1.ID, "Sửa trộm"))
	if out.Result != Rejected || !strings.Contains(out.Reason, "not found") {
		t.Errorf("another user's article: %+v, want rejected as not found", out)
	}
	mine := func(owner string, _ fielddesk.Revision) bool { return owner == "tranvanc" }
	if revs, _, _ := db.Changes(ctx, 0, 10, mine); len(revs) != 0 {
		t.Errorf("C sees %v", headlines(revs))
	}
}

// A push in one transaction: edits of one article chain inside it, a
// re-sent prefix answers duplicate, and a gap keeps what came before it.
func TestApplyBatch(t *testing.T) {
	db, dir := openTemp(t)
	ctx := context.Background()
	art := fielddesk.NewID()
	r1 := remoteRevision(art, "", "Bản một")
	r2 := remoteRevision(art, r1.ID, "Bản hai")
	r3 := remoteRevision(art, r2.ID, "Bản ba")
	outs, err := db.ApplyBatch(ctx, "dev-B", "lethib", []Mutation{{ID: 1, Revision: r1}, {ID: 2, Revision: r2}})
	if err != nil || len(outs) != 2 || outs[0].Result != Applied || outs[1].Result != Applied {
		t.Fatalf("batch: %+v %v", outs, err)
	}
	// Sent again with one more; then a gap (5 after 3).
	outs, err = db.ApplyBatch(ctx, "dev-B", "lethib", []Mutation{{ID: 1, Revision: r1}, {ID: 2, Revision: r2}, {ID: 3, Revision: r3}, {ID: 5, Revision: remoteRevision(art, r3.ID, "Bản năm")}})
	if !errors.Is(err, ErrOutOfOrder) || len(outs) != 3 || outs[0].Result != Duplicate || outs[2].Result != Applied {
		t.Fatalf("re-sent batch with a gap: %+v %v", outs, err)
	}
	db.Close()
	db2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if latest, _ := db2.Latest(ctx, art); latest.ID != r3.ID {
		t.Errorf("after reopening the head is %s, want mutation 3's revision", latest.Article.Headline)
	}
	if hist, _ := db2.History(ctx, art); len(hist) != 3 {
		t.Errorf("%d revisions, want 3", len(hist))
	}
}

// Pushes from many devices at once are committed together and each is
// answered as if alone; a device with a gap gets its own error only.
func TestApplyBatchConcurrentDevices(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	const devices = 24
	type result struct {
		outs []Outcome
		err  error
	}
	results := make([]result, devices)
	var wg sync.WaitGroup
	for d := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var muts []Mutation
			for i := range 5 {
				id := uint64(i + 1)
				if d == 7 && i == 3 {
					id = 9 // a gap
				}
				muts = append(muts, Mutation{ID: id, Revision: remoteRevision(fielddesk.NewID(), "", fmt.Sprintf("Tin %d-%d", d, i))})
			}
			outs, err := db.ApplyBatch(ctx, fmt.Sprintf("dev-%d", d), fmt.Sprintf("pv%d", d), muts)
			results[d] = result{outs, err}
		}()
	}
	wg.Wait()
	for d, r := range results {
		want := 5
		if d == 7 {
			want = 3
			if !errors.Is(r.err, ErrOutOfOrder) {
				t.Errorf("device 7: %v", r.err)
			}
		} else if r.err != nil {
			t.Errorf("device %d: %v", d, r.err)
		}
		if len(r.outs) != want {
			t.Errorf("device %d: %d outcomes, want %d", d, len(r.outs), want)
		}
		for _, o := range r.outs {
			if o.Result != Applied {
				t.Errorf("device %d: %+v", d, o)
			}
		}
	}
	list, _ := db.List(ctx)
	if len(list) != devices*5-2 {
		t.Errorf("%d articles stored, want %d", len(list), devices*5-2)
	}
}
