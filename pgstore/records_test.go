package pgstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/backendtest"

	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/newsroom/newsroomtest"
)

// PostgreSQL obeys the suite every newsroom backend obeys; Second is
// another server instance on the same database.
func TestNewsroomConformance(t *testing.T) {
	newsroomtest.Run(t, func(t *testing.T) newsroomtest.Backend {
		db, open := openTest(t)
		return newsroomtest.Backend{Backend: db, Second: func(t *testing.T) newsroom.Backend { return open(t) }}
	})
}

// The procedure docs/SERVER.md gives for backups (pg_dump while the
// servers run, pg_restore into a new database, the same bucket) restores
// a working newsroom: its articles, reviews and publications as they were,
// and the change log's positions, so a device's cursor goes on.
func TestAPostgresBackupRestores(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	n := newsroom.New(db)
	for _, u := range []struct {
		name string
		role fielddesk.Role
	}{{"lethib", fielddesk.RoleCorrespondent}, {"bientap", fielddesk.RoleEditor}} {
		if _, err := n.AddUser(ctx, u.name, u.role, "laocai", "mật khẩu đủ dài"); err != nil {
			t.Fatal(err)
		}
	}
	var ids []fielddesk.ID
	for i := range 5 {
		r := newsroomtest.Remote(fielddesk.NewID(), "", fmt.Sprintf("Tin %d", i))
		if out, err := n.ApplyMutation(ctx, "phone", "lethib", fielddesk.Mutation{ID: uint64(i + 1), Revision: r}); err != nil || out.Result != fielddesk.ResultApplied {
			t.Fatalf("%+v %v", out, err)
		}
		ids = append(ids, r.Article.ID)
	}
	for i, a := range []fielddesk.Action{fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionPublish} {
		e := fielddesk.Event{ID: fielddesk.NewID(), Article: ids[0], Kind: fielddesk.EventTransition, Action: a}
		if out, err := n.ApplyMutation(ctx, "desk", "bientap", fielddesk.Mutation{ID: uint64(i + 1), Event: &e}); err != nil || out.Result != fielddesk.ResultApplied {
			t.Fatalf("%s: %+v %v", a, out, err)
		}
	}
	token, _, _, err := n.Login(ctx, "lethib", "mật khẩu đủ dài", "phone")
	if err != nil {
		t.Fatal(err)
	}
	_, cursor, err := n.Changes(ctx, 0, 3, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	copied := backendtest.PostgresCopy(t, db.pool.Config().ConnString())
	bucket := backendtest.S3(t)
	restored, err := Open(ctx, copied, bucket.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	m := newsroom.New(restored)
	for _, id := range ids {
		want, _ := n.Review(ctx, id, true)
		got, err := m.Review(ctx, id, true)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("article %s restored: %+v %v", id, got, err)
		}
	}
	if items, err := m.Published(ctx, time.Time{}, 10, nil); err != nil || len(items) != 1 || items[0].Article != ids[0] {
		t.Errorf("publications restored: %+v %v", items, err)
	}
	if _, _, err := m.Authenticate(ctx, token); err != nil {
		t.Errorf("the device's token on the restored database: %v", err)
	}
	want, _, _ := n.Changes(ctx, cursor, 100, nil, false)
	rest, _, err := m.Changes(ctx, cursor, 100, nil, false)
	if err != nil || len(rest) != len(want) || len(rest) == 0 {
		t.Errorf("from the device's cursor the restored log has %d articles (%v), the original %d", len(rest), err, len(want))
	}
	// The restored newsroom takes new work, and the next position is after the old.
	r := newsroomtest.Remote(fielddesk.NewID(), "", "Sau khi khôi phục")
	if out, err := m.ApplyMutation(ctx, "phone", "lethib", fielddesk.Mutation{ID: 6, Revision: r}); err != nil || out.Result != fielddesk.ResultApplied {
		t.Errorf("after the restore: %+v %v", out, err)
	}
	if got, _, _ := m.Changes(ctx, cursor, 100, nil, false); len(got) != len(want)+1 || got[len(got)-1].Revision.ID != r.ID {
		t.Errorf("from the cursor after new work: %d articles, want %d, the new one last", len(got), len(want)+1)
	}
}
