package server

import (
	"context"
	"net/http"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// get fetches a photo and returns the status.
func (e *env) get(token, hash, query string) int {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+"/v1/photos/"+hash+query, nil)
	req.Header.Set(wire.VersionHeader, "1")
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
	if _, err := e.db.AddUser(ctx, "bientapyb", fielddesk.RoleEditor, "yenbai", "mật khẩu đủ dài"); err != nil {
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
	if err := e.db.RevokeDevice(ctx, revoked.DeviceID); err != nil {
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
