package store

import (
	"context"
	"errors"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom/newsroomtest"
)

// remoteRevision is a revision made on a device, based on base.
var remoteRevision = newsroomtest.Remote

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
