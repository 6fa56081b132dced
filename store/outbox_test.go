package store

import (
	"context"
	"testing"

	"github.com/fielddesk/fielddesk"
)

// The device logs in again (a new device ID) while a push's answer was
// lost: the same mutation goes again under the new device, the server
// takes the revision it already holds, and the edit made since goes on top
// of it — no duplicate, no false conflict.
func TestOutboxSurvivesANewLogin(t *testing.T) {
	laptop, _ := openTemp(t)
	server, _ := openTemp(t)
	ctx := context.Background()
	if err := laptop.SetAccount(ctx, Account{Server: "https://toasoan", User: "lethib", DeviceID: "dev-A"}); err != nil {
		t.Fatal(err)
	}
	r, err := laptop.Save(ctx, fielddesk.Article{Headline: "Lũ quét", Language: "vi"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := laptop.Send(ctx, r.Article.ID); err != nil {
		t.Fatal(err)
	}
	batch, err := laptop.NextBatch(ctx, 10)
	if err != nil || len(batch) != 1 || batch[0].ID != 1 {
		t.Fatalf("first batch: %+v %v", batch, err)
	}
	// It arrives; the answer is lost.
	if out, err := server.Apply(ctx, "dev-A", "lethib", batch[0].ID, batch[0].Revision); err != nil || out.Result != Applied {
		t.Fatalf("server: %+v %v", out, err)
	}
	// An edit meanwhile, then a new login.
	a := batch[0].Revision.Article
	a.Body = "Nước đã rút."
	if _, err := laptop.Save(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	if err := laptop.SetAccount(ctx, Account{Server: "https://toasoan", User: "lethib", DeviceID: "dev-B"}); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		batch, err := laptop.NextBatch(ctx, 10)
		if err != nil || len(batch) != 1 || batch[0].ID != uint64(round+1) {
			t.Fatalf("round %d: %+v %v", round, batch, err)
		}
		out, err := server.Apply(ctx, "dev-B", "lethib", batch[0].ID, batch[0].Revision)
		if err != nil || out.Result != Applied {
			t.Fatalf("round %d on the server: %+v %v", round, out, err)
		}
		if err := laptop.Acknowledge(ctx, []Ack{{ID: batch[0].ID, Result: out.Result, Reason: out.Reason}}); err != nil {
			t.Fatal(err)
		}
	}
	if box, _ := laptop.Outbox(ctx); len(box.Articles) != 0 || len(box.Problems) != 0 {
		t.Errorf("outbox: %+v", box)
	}
	got, _ := server.Latest(ctx, a.ID)
	if got.Article.Body != "Nước đã rút." {
		t.Errorf("the server's newest: %q", got.Article.Body)
	}
	if hist, _ := server.History(ctx, a.ID); len(hist) != 2 {
		t.Errorf("the server holds %d revisions, want 2", len(hist))
	}
}
