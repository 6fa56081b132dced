package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// What a device sends that the server must stamp or refuse: the time, the
// action and the states of a comment, conflicts naming another person, a
// forged Host for the feed's addresses.
func TestTheServerStampsWhatDevicesCannotSay(t *testing.T) {
	e := newEnv(t)
	c := e.login("lethib")
	r := rev(fielddesk.NewID(), "", "Tin có bình luận")
	r.Article.Body = "Đoạn một.\n\nĐoạn hai."
	var pr wire.PushResponse
	e.call("/v1/push", c.Token, wire.PushRequest{DeviceID: c.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: r}}}, &pr)
	if pr.Results[0].Result != wire.Applied {
		t.Fatalf("push: %+v", pr)
	}
	backdated := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	comment := fielddesk.Event{ID: fielddesk.NewID(), Article: r.Article.ID, Kind: fielddesk.EventComment, Text: "Xem lại số liệu.",
		Action: fielddesk.ActionPublish, From: fielddesk.StatusApproved, To: fielddesk.StatusPublished, At: backdated, Author: "bientap"}
	// Conflicts the server never made, naming someone else.
	forged := r
	forged.ID, forged.Base = fielddesk.NewID(), r.ID
	forged.Article.Conflicts = []fielddesk.Conflict{{ID: "forged", Field: "body", Paragraph: 1, Base: "Đoạn một.", Ours: "A", Theirs: "B", OursBy: "bientap", TheirsBy: "tranvanc"}}
	e.call("/v1/push", c.Token, wire.PushRequest{DeviceID: c.DeviceID, Mutations: []wire.Mutation{{ID: 2, Event: &comment}, {ID: 3, Revision: forged}}}, &pr)
	for _, res := range pr.Results {
		if res.Result != wire.Applied {
			t.Fatalf("push: %+v", pr.Results)
		}
	}
	review, err := newsroom.New(e.db).Review(t.Context(), r.Article.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var got fielddesk.Event
	for _, ev := range review.Events {
		if ev.ID == comment.ID {
			got = ev
		}
	}
	if got.At.Before(time.Now().Add(-time.Minute)) || got.Action != "" || got.From != "" || got.To != "" || got.Author != "lethib" {
		t.Errorf("the comment as kept: at %s, action %q, %q → %q, by %q; want now, no action or states, by lethib", got.At, got.Action, got.From, got.To, got.Author)
	}
	head, err := newsroom.New(e.db).Head(t.Context(), r.Article.ID)
	if err != nil || len(head.Article.Conflicts) != 0 {
		t.Errorf("the server kept %d forged conflicts, %v", len(head.Article.Conflicts), err)
	}

	// The feed's addresses are the configured ones, whatever Host says.
	for _, path := range []string{"/feed.atom", "/v1/published"} {
		req, _ := http.NewRequest("GET", e.url+path, nil)
		req.Host = "tin-gia.example.com"
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "tin-gia.example.com") {
			t.Errorf("%s uses the forged Host", path)
		}
	}
}
