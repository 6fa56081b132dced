package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// fuzzTemplate is a server's data folder with three accounts logged in
// (made once per process: password checks are slow on purpose), copied
// for every input.
var fuzzTemplate struct {
	once   sync.Once
	dir    string
	tokens map[string]wire.LoginResponse
	photos map[string][][]byte // each user's own photos (nobody else has the bytes)
	err    error
}

var fuzzUsers = []string{"lethib", "tranvanc", "bientap"} // laocai, yenbai, laocai's editor

func makeFuzzTemplate(t testing.TB) {
	fuzzTemplate.once.Do(func() {
		dir, err := os.MkdirTemp("", "fielddesk-fuzz-")
		if err != nil {
			fuzzTemplate.err = err
			return
		}
		db, err := store.Open(dir)
		if err != nil {
			fuzzTemplate.err = err
			return
		}
		defer db.Close()
		ctx := context.Background()
		fuzzTemplate.dir, fuzzTemplate.tokens, fuzzTemplate.photos = dir, map[string]wire.LoginResponse{}, map[string][][]byte{}
		for i, u := range []struct {
			name string
			role fielddesk.Role
			desk string
		}{{"lethib", fielddesk.RoleCorrespondent, "laocai"}, {"tranvanc", fielddesk.RoleCorrespondent, "yenbai"}, {"bientap", fielddesk.RoleEditor, "laocai"}} {
			if _, err := newsroom.New(db).AddUser(ctx, u.name, u.role, u.desk, "mật khẩu đủ dài"); err != nil {
				fuzzTemplate.err = err
				return
			}
			token, dev, _, err := newsroom.New(db).Login(ctx, u.name, "mật khẩu đủ dài", "máy "+u.name)
			if err != nil {
				fuzzTemplate.err = err
				return
			}
			fuzzTemplate.tokens[u.name] = wire.LoginResponse{Token: token, DeviceID: dev.ID, User: u.name}
			for k := range 2 {
				fuzzTemplate.photos[u.name] = append(fuzzTemplate.photos[u.name], noiseJPEG(t, 24, 16, int64(10*i+k)))
			}
		}
	})
	if fuzzTemplate.err != nil {
		t.Fatal(fuzzTemplate.err)
	}
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzServer drives the real handler with a random sequence of requests
// from three accounts of two desks (pushes of articles, edits and
// decisions on any article, including others', pulls, photo statuses,
// uploads of right and wrong bytes for any hash, downloads, requests for
// originals, the public site, garbage bodies, logins) and checks after
// each sequence: nothing panicked, no answer was a server error but 503
// or 507, no article or photo crossed from one desk to the other, and the
// data folder opens again.
func FuzzServer(f *testing.F) {
	f.Add([]byte{0, 0, 2, 0, 5, 0, 0, 0, 4, 1, 0, 0, 6, 1, 0, 0, 3, 1, 0, 0})
	f.Add([]byte{0, 1, 1, 0, 1, 0, 0, 0, 2, 2, 0, 1, 5, 1, 0, 1, 6, 0, 2, 1, 8, 0, 3, 0, 9, 0, 1, 7})
	f.Add([]byte{0, 0, 1, 0, 5, 0, 0, 0, 2, 2, 0, 0, 2, 2, 0, 2, 2, 2, 0, 3, 8, 0, 3, 0, 0, 1, 2, 1, 5, 1, 1, 1, 6, 1, 0, 0, 8, 0, 3, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			return
		}
		makeFuzzTemplate(t)
		dir := t.TempDir()
		copyDir(t, fuzzTemplate.dir, dir)
		db, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		api := New(db, db.Blobs(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		api.checks = &passwordChecks{slots: make(chan struct{}, 2)}
		srv := httptest.NewServer(api)
		defer srv.Close()
		h := &fuzzHarness{t: t, url: srv.URL, mut: map[string]uint64{}, owner: map[fielddesk.ID]string{}}
		for i := 0; i+4 <= len(ops); i += 4 {
			h.op(ops[i], fuzzUsers[int(ops[i+1])%3], ops[i+2], ops[i+3])
		}
		// Nothing crossed between the desks.
		for _, u := range []string{"lethib", "tranvanc"} {
			other := map[string]string{"lethib": "tranvanc", "tranvanc": "lethib"}[u]
			for _, ch := range h.pullAll(u) {
				if o := h.owner[ch.Revision.Article.ID]; o != "" && o != u {
					t.Fatalf("%s received an article of %s", u, o)
				}
			}
			// Naming another's photo gives at most one's own bytes back
			// (a "rendition" one filed for one's own article), never theirs.
			for _, p := range fuzzTemplate.photos[other] {
				for _, q := range []string{"", "?rendition=1"} {
					code, got := h.do("GET", "/v1/photos/"+sum(p)+q, u, nil, "")
					if code != http.StatusOK {
						continue
					}
					for _, theirs := range fuzzTemplate.photos[other] {
						if bytes.Equal(got, theirs) {
							t.Fatalf("%s downloaded a photo of %s (%s)", u, other, q)
						}
					}
				}
			}
		}
		if n := api.panics.Load(); n > 0 {
			t.Fatalf("%d requests panicked", n)
		}
		srv.Close()
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		again, err := store.Open(dir)
		if err != nil {
			t.Fatalf("the data folder does not open after the sequence: %v", err)
		}
		if _, err := again.List(context.Background()); err != nil {
			t.Fatal(err)
		}
		again.Close()
	})
}

type fuzzHarness struct {
	t        *testing.T
	url      string
	mut      map[string]uint64
	articles []fielddesk.Revision
	owner    map[fielddesk.ID]string
}

var fuzzActions = []fielddesk.Action{fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionPublish, fielddesk.ActionSpike,
	fielddesk.ActionKill, fielddesk.ActionWithdraw, fielddesk.ActionSend, fielddesk.ActionRequestChanges}

// do sends a request as user ("" none) and checks the status.
func (h *fuzzHarness) do(method, path, user string, body []byte, contentType string) (int, []byte) {
	req, _ := http.NewRequest(method, h.url+path, bytes.NewReader(body))
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+fuzzTemplate.tokens[user].Token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 && resp.StatusCode != 503 && resp.StatusCode != 507 {
		h.t.Fatalf("%s %s as %q: %d %s", method, path, user, resp.StatusCode, out)
	}
	return resp.StatusCode, out
}

func (h *fuzzHarness) push(user string, m wire.Mutation) {
	h.mut[user]++
	m.ID = h.mut[user]
	b, _ := json.Marshal(wire.PushRequest{DeviceID: fuzzTemplate.tokens[user].DeviceID, Mutations: []wire.Mutation{m}})
	if code, out := h.do("POST", "/v1/push", user, b, ""); code != 200 {
		h.mut[user]-- // not taken: the next one reuses the number
		_ = out
	}
}

func (h *fuzzHarness) op(kind byte, user string, a, b byte) {
	photos := fuzzTemplate.photos
	anyPhoto := func(x byte) []byte { // a photo of anyone's
		all := append(append(append([][]byte{}, photos["lethib"]...), photos["tranvanc"]...), photos["bientap"]...)
		return all[int(x)%len(all)]
	}
	pick := func(x byte) (fielddesk.Revision, bool) {
		if len(h.articles) == 0 {
			return fielddesk.Revision{}, false
		}
		return h.articles[int(x)%len(h.articles)], true
	}
	switch kind % 11 {
	case 0: // a new article, naming some photos (anyone's hashes)
		r := fielddesk.Revision{ID: fielddesk.NewID(), Saved: time.Now().UTC(), Article: fielddesk.Article{ID: fielddesk.NewID(),
			Headline: fmt.Sprintf("Tin %d của %s", len(h.articles), user), Body: "Nội dung.", Language: "vi"}}
		for k := range int(a) % 3 {
			p := anyPhoto(b + byte(k))
			r.Article.Body += fmt.Sprintf("\n\n![Ảnh](photo:%s \"A\")", sum(p))
			r.Article.Photos = append(r.Article.Photos, fielddesk.Photo{Hash: sum(p), Name: "a.jpg", Size: int64(len(p))})
		}
		h.push(user, wire.Mutation{Revision: r})
		h.articles = append(h.articles, r)
		if h.owner[r.Article.ID] == "" {
			h.owner[r.Article.ID] = user
		}
	case 1: // an edit of any article, by anyone, on any base
		if r, ok := pick(a); ok {
			e := r
			e.ID, e.Base = fielddesk.NewID(), r.ID
			if b%2 == 1 {
				e.Base = ""
			}
			e.Article.Body += " Thêm."
			h.push(user, wire.Mutation{Revision: e})
		}
	case 2: // a decision or a comment on any article
		if r, ok := pick(a); ok {
			ev := fielddesk.Event{ID: fielddesk.NewID(), Article: r.Article.ID, Kind: fielddesk.EventTransition, Action: fuzzActions[int(b)%len(fuzzActions)], Text: "Lý do."}
			if b%5 == 4 {
				ev = fielddesk.Event{ID: fielddesk.NewID(), Article: r.Article.ID, Kind: fielddesk.EventComment, Text: "Nhận xét.", Paragraph: int(b) % 3}
			}
			h.push(user, wire.Mutation{Event: &ev})
		}
	case 3:
		h.pullAll(user)
	case 4:
		body, _ := json.Marshal(wire.PhotoStatusRequest{Hashes: []string{sum(anyPhoto(a))}})
		h.do("POST", "/v1/photos/status", user, body, "")
	case 5: // an upload of anyone's hash: the bytes only of one's own photos (nobody has another's), else garbage
		p := anyPhoto(a)
		data := p
		if b%3 == 1 || !slices.ContainsFunc(photos[user], func(q []byte) bool { return bytes.Equal(q, p) }) {
			data = bytes.Repeat([]byte{b}, len(p))
		}
		q := "?offset=0&size=" + strconv.Itoa(len(p))
		if b%3 == 2 {
			q += "&rendition_of=" + sum(anyPhoto(a+1))
			data, p = photos[user][int(a)%2], photos[user][int(a)%2]
			q = "?offset=0&size=" + strconv.Itoa(len(p)) + "&rendition_of=" + sum(anyPhoto(a+1))
		}
		req, _ := http.NewRequest("PUT", h.url+"/v1/photos/"+sum(p)+q, bytes.NewReader(data))
		req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		req.Header.Set("Authorization", "Bearer "+fuzzTemplate.tokens[user].Token)
		req.Header.Set("Chunk-SHA256", sum(data))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 && resp.StatusCode != 503 && resp.StatusCode != 507 {
				h.t.Fatalf("upload: %d", resp.StatusCode)
			}
		}
	case 6:
		q := ""
		if b%2 == 1 {
			q = "?rendition=1"
		}
		h.do("GET", "/v1/photos/"+sum(anyPhoto(a))+q, user, nil, "")
	case 7:
		body, _ := json.Marshal(wire.PhotoWantRequest{Hashes: []string{sum(anyPhoto(a))}})
		h.do("POST", "/v1/photos/want", user, body, "")
	case 8:
		path := []string{"/articles", "/feed.atom", "/v1/published", "/media/" + sum(anyPhoto(a)), "/media/" + sum(anyPhoto(a)) + "?size=original", "/categories/x"}[int(b)%6]
		h.do("GET", path, "", nil, "")
	case 9: // garbage to an endpoint
		path := []string{"/v1/push", "/v1/pull", "/v1/photos/status", "/v1/login", "/v1/photos/want"}[int(a)%5]
		h.do("POST", path, user, bytes.Repeat([]byte{b, '{', '"'}, int(a)), "")
	case 10:
		body, _ := json.Marshal(wire.LoginRequest{User: fuzzUsers[int(a)%3], Password: string(rune('a' + b)), DeviceName: "máy\x1b[31m"})
		h.do("POST", "/v1/login", "", body, "")
	}
}

// pullAll pulls everything user may see.
func (h *fuzzHarness) pullAll(user string) []wire.Change {
	var out []wire.Change
	cursor := ""
	for range 50 {
		b, _ := json.Marshal(wire.PullRequest{Cursor: cursor, Limit: 500})
		code, body := h.do("POST", "/v1/pull", user, b, "")
		if code != 200 {
			return out
		}
		var pr wire.PullResponse
		if err := json.Unmarshal(body, &pr); err != nil {
			h.t.Fatalf("a pull answer: %v", err)
		}
		out = append(out, pr.Changes...)
		if !pr.More {
			break
		}
		cursor = pr.Cursor
	}
	return out
}
