package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// get fetches a photo and returns the status.
func (e *env) get(token, hash, query string) int {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+"/v1/photos/"+hash+query, nil)
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Every endpoint with no token, a revoked token, another correspondent's
// token and an editor of another desk: refused, and never told what exists.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := newsroom.New(e.db).AddUser(ctx, "bientapyb", fielddesk.RoleEditor, "yenbai", "mật khẩu đủ dài"); err != nil {
		t.Fatal(err)
	}
	owner := e.login("lethib")
	photo := noiseJPEG(t, 64, 48, 3)
	h := sum(photo)
	r := e.pushWithPhotos(owner, 1, photo)
	var st wire.PhotoState
	if code := e.put(owner.Token, h, 0, int64(len(photo)), photo, sum(photo), &st); code != 200 || !st.Complete {
		t.Fatalf("owner's upload: %d %+v", code, st)
	}

	revoked := e.login("lethib")
	if err := newsroom.New(e.db).RevokeDevice(ctx, revoked.DeviceID); err != nil {
		t.Fatal(err)
	}
	other := e.login("tranvanc")
	otherEditor := e.login("bientapyb")
	deskEditor := e.login("bientap")

	for _, who := range []struct {
		name  string
		token string
	}{{"no token", ""}, {"a revoked token", revoked.Token}, {"a wrong token", "fd_not_a_token"}} {
		t.Run(who.name, func(t *testing.T) {
			for _, c := range []struct {
				path string
				body any
			}{
				{"/v1/push", wire.PushRequest{DeviceID: revoked.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: rev(r.Article.ID, r.ID, "Chiếm")}}}},
				{"/v1/pull", wire.PullRequest{}},
				{"/v1/photos/status", wire.PhotoStatusRequest{Hashes: []string{h}}},
				{"/v1/photos/want", wire.PhotoWantRequest{Hashes: []string{h}}},
			} {
				var er wire.Error
				if code := e.call(c.path, who.token, c.body, &er); code != http.StatusUnauthorized || er.Code != wire.CodeUnauthorized {
					t.Errorf("%s: %d %+v", c.path, code, er)
				}
			}
			var er wire.Error
			if code := e.put(who.token, h, 0, int64(len(photo)), photo, "", &er); code != http.StatusUnauthorized {
				t.Errorf("PUT photo: %d", code)
			}
			if code := e.get(who.token, h, ""); code != http.StatusUnauthorized {
				t.Errorf("GET photo: %d", code)
			}
		})
	}

	for _, who := range []struct {
		name string
		lr   wire.LoginResponse
	}{{"another correspondent", other}, {"an editor of another desk", otherEditor}} {
		t.Run(who.name, func(t *testing.T) {
			var pr wire.PushResponse
			e.call("/v1/push", who.lr.Token, wire.PushRequest{DeviceID: who.lr.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: rev(r.Article.ID, r.ID, "Chiếm")}}}, &pr)
			if len(pr.Results) != 1 || pr.Results[0].Result != wire.Rejected || pr.Results[0].Code != wire.CodeNotFound {
				t.Errorf("push over someone else's article: %+v", pr)
			}
			var pull wire.PullResponse
			if e.call("/v1/pull", who.lr.Token, wire.PullRequest{}, &pull); len(pull.Changes) != 0 {
				t.Errorf("pull shows someone else's article: %+v", pull.Changes)
			}
			var ps wire.PhotoStatusResponse
			if e.call("/v1/photos/status", who.lr.Token, wire.PhotoStatusRequest{Hashes: []string{h}}, &ps); ps.Photos[0].Have != 0 || ps.Photos[0].Complete {
				t.Errorf("status tells of someone else's photo: %+v", ps)
			}
			var er wire.Error
			if code := e.put(who.lr.Token, h, 0, int64(len(photo)), photo, "", &er); code != http.StatusNotFound {
				t.Errorf("PUT someone else's photo: %d", code)
			}
			if code := e.get(who.lr.Token, h, ""); code != http.StatusNotFound {
				t.Errorf("GET someone else's photo: %d", code)
			}
			if code := e.call("/v1/photos/want", who.lr.Token, wire.PhotoWantRequest{Hashes: []string{h}}, &er); code != http.StatusNotFound && code != http.StatusForbidden {
				t.Errorf("want someone else's photo: %d", code)
			}
		})
	}

	t.Run("the desk's editor", func(t *testing.T) {
		var pull wire.PullResponse
		if e.call("/v1/pull", deskEditor.Token, wire.PullRequest{}, &pull); len(pull.Changes) != 1 {
			t.Errorf("the desk's editor sees %d articles", len(pull.Changes))
		}
		if code := e.get(deskEditor.Token, h, ""); code != http.StatusOK {
			t.Errorf("GET the desk's photo: %d", code)
		}
		var er wire.Error
		if code := e.call("/v1/photos/want", deskEditor.Token, wire.PhotoWantRequest{Hashes: []string{h}}, &er); code != http.StatusOK {
			t.Errorf("want: %d %+v", code, er)
		}
		if code := e.call("/v1/photos/want", owner.Token, wire.PhotoWantRequest{Hashes: []string{h}}, &er); code != http.StatusForbidden {
			t.Errorf("a correspondent asks for originals: %d", code)
		}
	})
}

// Every review action by every kind of person: the workflow table decides
// for those who may see the article; everyone else is told it does not
// exist. Only editors and admins receive the audit log.
func TestReviewAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role fielddesk.Role
		desk string
	}{{"bientapyb", fielddesk.RoleEditor, "yenbai"}, {"quantri", fielddesk.RoleAdmin, ""}, {"bientap2", fielddesk.RoleEditor, "laocai"}} {
		if _, err := newsroom.New(e.db).AddUser(ctx, u.name, u.role, u.desk, "mật khẩu đủ dài"); err != nil {
			t.Fatal(err)
		}
	}
	owner := e.login("lethib")
	actors := map[string]wire.LoginResponse{
		"owner": owner, "another correspondent": e.login("tranvanc"), "an editor of another desk": e.login("bientapyb"),
		"the desk's editor": e.login("bientap"), "an admin": e.login("quantri"),
	}
	next := map[string]uint64{}
	push := func(lr wire.LoginResponse, m wire.Mutation) wire.MutationResult {
		t.Helper()
		next[lr.DeviceID]++
		m.ID = next[lr.DeviceID]
		var pr wire.PushResponse
		if code := e.call("/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{m}}, &pr); code != 200 || len(pr.Results) != 1 {
			t.Fatalf("push: %d %+v", code, pr)
		}
		return pr.Results[0]
	}
	event := func(article fielddesk.ID, a fielddesk.Action) *fielddesk.Event {
		e := &fielddesk.Event{ID: fielddesk.NewID(), Article: article, Kind: fielddesk.EventTransition, Action: a, Text: "Lý do cụ thể.", At: time.Now()}
		if a == fielddesk.ActionAssign {
			e.Assignee = "bientap2" // the other editor of the owner's desk
		}
		if a == fielddesk.ActionSchedule {
			e.Due = time.Now().Add(time.Hour)
		}
		return e
	}
	// setup brings a new article of the owner to a state by the server's
	// own hand (a trusted caller).
	setupMut := uint64(0)
	setup := func(path ...fielddesk.Action) fielddesk.ID {
		r := rev(fielddesk.NewID(), "", "Bài")
		if res := push(owner, wire.Mutation{Revision: r}); res.Result != wire.Applied {
			t.Fatalf("send: %+v", res)
		}
		for _, a := range path {
			setupMut++
			out, err := newsroom.New(e.db).ApplyMutation(ctx, "setup", "", fielddesk.Mutation{ID: setupMut, Event: event(r.Article.ID, a)})
			if err != nil || out.Result != store.Applied {
				t.Fatalf("setup %s: %+v %v", a, out, err)
			}
		}
		return r.Article.ID
	}
	paths := map[fielddesk.Action][]fielddesk.Action{
		fielddesk.ActionSend:           {fielddesk.ActionTake, fielddesk.ActionRequestChanges},
		fielddesk.ActionWithdraw:       nil,
		fielddesk.ActionTake:           nil,
		fielddesk.ActionRequestChanges: {fielddesk.ActionTake},
		fielddesk.ActionApprove:        {fielddesk.ActionTake},
		fielddesk.ActionPublish:        {fielddesk.ActionTake, fielddesk.ActionApprove},
		fielddesk.ActionSpike:          nil,
		fielddesk.ActionKill:           {fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionPublish},
		fielddesk.ActionRestore:        {fielddesk.ActionTake, fielddesk.ActionSpike},
		fielddesk.ActionAssign:         {fielddesk.ActionTake},
		fielddesk.ActionCorrect:        {fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionPublish},
		fielddesk.ActionUpdate:         {fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionPublish},
		fielddesk.ActionSchedule:       {fielddesk.ActionTake, fielddesk.ActionApprove},
		fielddesk.ActionUnschedule:     {fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionSchedule},
		fielddesk.ActionRelease:        {fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionSchedule},
	}
	allowed := map[string][]fielddesk.Action{
		"owner":                     {fielddesk.ActionSend, fielddesk.ActionWithdraw},
		"another correspondent":     nil,
		"an editor of another desk": nil,
		"the desk's editor": {fielddesk.ActionTake, fielddesk.ActionRequestChanges, fielddesk.ActionApprove,
			fielddesk.ActionPublish, fielddesk.ActionSpike, fielddesk.ActionKill, fielddesk.ActionRestore, fielddesk.ActionAssign,
			fielddesk.ActionCorrect, fielddesk.ActionUpdate, fielddesk.ActionSchedule, fielddesk.ActionUnschedule},
		"an admin": fielddesk.Actions(),
	}
	hidden := map[string]bool{"another correspondent": true, "an editor of another desk": true}
	for name, lr := range actors {
		for _, action := range fielddesk.Actions() {
			id := setup(paths[action]...)
			before, _ := newsroom.New(e.db).Review(ctx, id, true)
			res := push(lr, wire.Mutation{Event: event(id, action)})
			after, _ := newsroom.New(e.db).Review(ctx, id, true)
			switch {
			case slices.Contains(allowed[name], action):
				moved := after.Status != before.Status
				if action == fielddesk.ActionAssign {
					moved = after.Holder == "bientap2" && after.Status == before.Status
				}
				if res.Result != wire.Applied || !moved {
					t.Errorf("%s %s: %+v, state %s → %s, held by %q", name, action, res, before.Status, after.Status, after.Holder)
				}
				last := after.Audit[len(after.Audit)-1]
				if last.Kind != "transition" || last.User != lr.User || last.Device != lr.DeviceID || last.Action != action {
					t.Errorf("%s %s: audit %+v", name, action, last)
				}
			case hidden[name]:
				if res.Result != wire.Rejected || res.Code != wire.CodeNotFound || after.Status != before.Status {
					t.Errorf("%s %s: %+v (must look like no such article)", name, action, res)
				}
			default:
				if res.Result != wire.Rejected || after.Status != before.Status || after.Holder != before.Holder || res.Reason == "" {
					t.Errorf("%s %s: %+v, state %s → %s, held by %q → %q", name, action, res, before.Status, after.Status, before.Holder, after.Holder)
				}
			}
		}
		// Comments: whoever may see the article.
		id := setup()
		res := push(lr, wire.Mutation{Event: &fielddesk.Event{ID: fielddesk.NewID(), Article: id, Kind: fielddesk.EventComment, Text: "Ý kiến", Paragraph: 0, At: time.Now()}})
		if hidden[name] != (res.Result == wire.Rejected && res.Code == wire.CodeNotFound) || !hidden[name] && res.Result != wire.Applied {
			t.Errorf("%s comments: %+v", name, res)
		}
		// The audit log goes to editors and admins only.
		var pull wire.PullResponse
		e.call("/v1/pull", lr.Token, wire.PullRequest{}, &pull)
		for _, ch := range pull.Changes {
			if hasAudit := len(ch.Audit) > 0; hasAudit != (name == "the desk's editor" || name == "an admin") {
				t.Errorf("%s pulls an audit log: %v", name, hasAudit)
				break
			}
		}
		if hidden[name] && len(pull.Changes) != 0 {
			t.Errorf("%s pulls %d of the owner's articles", name, len(pull.Changes))
		}
	}
}

// Who holds an article decides on it: with the article taken by one
// editor of the desk, another editor of the same desk is refused every
// decision the holder makes (and told who holds it), the holder and an
// admin are not; an assign goes only to an editor of the article's desk;
// the hold follows take, request-changes, send, assign and publish; a
// holder whose account was disabled holds nothing.
func TestOnlyTheHolderDecidesOnTheServer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role fielddesk.Role
		desk string
	}{{"bientap2", fielddesk.RoleEditor, "laocai"}, {"bientapyb", fielddesk.RoleEditor, "yenbai"}, {"quantri", fielddesk.RoleAdmin, ""}} {
		if _, err := newsroom.New(e.db).AddUser(ctx, u.name, u.role, u.desk, "mật khẩu đủ dài"); err != nil {
			t.Fatal(err)
		}
	}
	owner, holder, other, admin := e.login("lethib"), e.login("bientap"), e.login("bientap2"), e.login("quantri")
	next := map[string]uint64{}
	decide := func(lr wire.LoginResponse, id fielddesk.ID, a fielddesk.Action, assignee string) wire.MutationResult {
		t.Helper()
		next[lr.DeviceID]++
		ev := &fielddesk.Event{ID: fielddesk.NewID(), Article: id, Kind: fielddesk.EventTransition, Action: a, Text: "Bổ sung số liệu của huyện.", Assignee: assignee, At: time.Now()}
		var pr wire.PushResponse
		if code := e.call("/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{{ID: next[lr.DeviceID], Event: ev}}}, &pr); code != 200 || len(pr.Results) != 1 {
			t.Fatalf("push: %d %+v", code, pr)
		}
		return pr.Results[0]
	}
	held := func(id fielddesk.ID, status fielddesk.Status, by string) {
		t.Helper()
		r, err := newsroom.New(e.db).Review(ctx, id, true)
		if err != nil || r.Status != status || r.Holder != by || (by == "") != r.Held.IsZero() {
			t.Fatalf("%s, held by %q since %v (%v); want %s, held by %q", r.Status, r.Holder, r.Held, err, status, by)
		}
	}
	next[owner.DeviceID]++
	r := rev(fielddesk.NewID(), "", "Lũ quét ở Bát Xát")
	var pr wire.PushResponse
	e.call("/v1/push", owner.Token, wire.PushRequest{DeviceID: owner.DeviceID, Mutations: []wire.Mutation{{ID: next[owner.DeviceID], Revision: r}}}, &pr)
	id := r.Article.ID
	held(id, fielddesk.StatusSubmitted, "")

	if res := decide(holder, id, fielddesk.ActionTake, ""); res.Result != wire.Applied {
		t.Fatalf("take: %+v", res)
	}
	held(id, fielddesk.StatusInReview, "bientap")
	for _, a := range []fielddesk.Action{fielddesk.ActionRequestChanges, fielddesk.ActionApprove, fielddesk.ActionSpike} {
		if res := decide(other, id, a, ""); res.Result != wire.Rejected || !strings.Contains(res.Reason, "bientap holds") {
			t.Errorf("another editor of the desk %s an article bientap holds: %+v", a, res)
		}
	}
	if res := decide(other, id, fielddesk.ActionAssign, "bientap2"); res.Result != wire.Rejected {
		t.Errorf("another editor takes the article by assigning it to themselves: %+v", res)
	}
	held(id, fielddesk.StatusInReview, "bientap")

	// Changes requested, sent again: back to the editor who asked.
	if res := decide(holder, id, fielddesk.ActionRequestChanges, ""); res.Result != wire.Applied {
		t.Fatalf("request changes: %+v", res)
	}
	if res := decide(owner, id, fielddesk.ActionSend, ""); res.Result != wire.Applied {
		t.Fatalf("send again: %+v", res)
	}
	held(id, fielddesk.StatusSubmitted, "bientap")
	if res := decide(other, id, fielddesk.ActionTake, ""); res.Result != wire.Rejected {
		t.Errorf("another editor takes the article sent back to bientap: %+v", res)
	}
	if res := decide(holder, id, fielddesk.ActionTake, ""); res.Result != wire.Applied {
		t.Fatalf("the holder takes it again: %+v", res)
	}

	// Assign: only to an editor of the article's desk.
	for _, who := range []string{"bientapyb", "lethib", "khongco"} {
		if res := decide(holder, id, fielddesk.ActionAssign, who); res.Result != wire.Rejected || !strings.Contains(res.Reason, who) {
			t.Errorf("assign to %s: %+v", who, res)
		}
	}
	if res := decide(holder, id, fielddesk.ActionAssign, "bientap2"); res.Result != wire.Applied {
		t.Fatalf("assign: %+v", res)
	}
	held(id, fielddesk.StatusInReview, "bientap2")
	rv, _ := newsroom.New(e.db).Review(ctx, id, true)
	if last := rv.Audit[len(rv.Audit)-1]; last.Action != fielddesk.ActionAssign || last.User != "bientap" || last.Holder != "bientap2" || last.Note == "" {
		t.Errorf("the audit log of the assign: %+v", last)
	}
	if res := decide(holder, id, fielddesk.ActionApprove, ""); res.Result != wire.Rejected {
		t.Errorf("the former holder approves: %+v", res)
	}
	// The new holder's device pulls who holds it and the assign.
	var pull wire.PullResponse
	e.call("/v1/pull", other.Token, wire.PullRequest{}, &pull)
	if len(pull.Changes) != 1 || pull.Changes[0].Holder != "bientap2" || pull.Changes[0].Held.IsZero() {
		t.Fatalf("the new holder pulls %+v", pull.Changes)
	}
	if ev := pull.Changes[0].Events[len(pull.Changes[0].Events)-1]; ev.Action != fielddesk.ActionAssign || ev.Assignee != "bientap2" || ev.Author != "bientap" {
		t.Errorf("the assign as pulled: %+v", ev)
	}
	// An admin decides whoever holds it.
	if res := decide(admin, id, fielddesk.ActionApprove, ""); res.Result != wire.Applied {
		t.Fatalf("an admin approves: %+v", res)
	}
	held(id, fielddesk.StatusApproved, "bientap2")
	if res := decide(other, id, fielddesk.ActionPublish, ""); res.Result != wire.Applied {
		t.Fatalf("publish: %+v", res)
	}
	held(id, fielddesk.StatusPublished, "")

	// A holder whose account was disabled holds nothing.
	r2 := rev(fielddesk.NewID(), "", "Sạt lở ở Sa Pa")
	next[owner.DeviceID]++
	e.call("/v1/push", owner.Token, wire.PushRequest{DeviceID: owner.DeviceID, Mutations: []wire.Mutation{{ID: next[owner.DeviceID], Revision: r2}}}, &pr)
	if res := decide(other, r2.Article.ID, fielddesk.ActionTake, ""); res.Result != wire.Applied {
		t.Fatalf("take: %+v", res)
	}
	if res := decide(holder, r2.Article.ID, fielddesk.ActionApprove, ""); res.Result != wire.Rejected {
		t.Errorf("approve an article bientap2 holds: %+v", res)
	}
	if err := newsroom.New(e.db).DisableUser(ctx, "bientap2"); err != nil {
		t.Fatal(err)
	}
	if res := decide(holder, r2.Article.ID, fielddesk.ActionApprove, ""); res.Result != wire.Applied {
		t.Errorf("approve an article held by an editor whose account was disabled: %+v", res)
	}
}
