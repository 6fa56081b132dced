//go:build linux

package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/servertest"
	"github.com/fielddesk/fielddesk/internal/smallfs"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// The server's disk fills (a real small file system): pushes and uploads
// are answered 507 with a time to come back, nothing already kept is lost,
// reads go on, and writes are taken again once there is room.
func TestServerOnAFullDisk(t *testing.T) {
	servertest.NeedsStore(t)
	fs := smallfs.Mount(t, 96<<20)
	db, err := store.Open(filepath.Join(fs, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role fielddesk.Role
	}{{"lethib", fielddesk.RoleCorrespondent}, {"bientap", fielddesk.RoleEditor}} {
		if _, err := newsroom.New(db).AddUser(ctx, u.name, u.role, "laocai", "mật khẩu đủ dài"); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(New(db, db.Blobs(), slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	e := &env{t: t, db: db, url: srv.URL}
	c, ed := e.login("lethib"), e.login("bientap")
	photo := noiseJPEG(t, 400, 300, 1)
	e.pushWithPhotos(c, 1, photo)
	filler := smallfs.Fill(t, fs, 32<<20) // a few articles from the reserve

	rng := rand.New(rand.NewPCG(1, 1))
	var kept []fielddesk.ID
	full := false
	for m := uint64(2); m < 200 && !full; m++ {
		r := rev(fielddesk.NewID(), "", fmt.Sprintf("Bảng %d", m))
		var b strings.Builder
		for b.Len() < 1<<20 {
			fmt.Fprintf(&b, "mã %08x ", rng.Uint32())
		}
		r.Article.Body = b.String()
		resp := e.rawPush(c, wire.PushRequest{DeviceID: c.DeviceID, Mutations: []wire.Mutation{{ID: m, Revision: r}}})
		switch resp.StatusCode {
		case http.StatusOK:
			kept = append(kept, r.Article.ID)
		case http.StatusInsufficientStorage:
			full = true
			if resp.Header.Get("Retry-After") == "" {
				t.Error("507 without Retry-After")
			}
		default:
			t.Fatalf("push %d: %d", m, resp.StatusCode)
		}
	}
	if !full || len(kept) == 0 {
		t.Fatalf("the disk never filled: %d pushes kept", len(kept))
	}
	// Badger may give some back meanwhile (a flushed memtable's file):
	// keep the disk full for what follows (Fill adds to the same file).
	smallfs.Fill(t, fs, 12<<20) // under the reserve, with room for what Badger writes on its own
	// Reads go on.
	got, cursor := 0, ""
	for {
		var pr wire.PullResponse
		if code := e.call("/v1/pull", ed.Token, wire.PullRequest{Cursor: cursor, Limit: 500}, &pr); code != 200 {
			t.Fatalf("pull on the full disk: %d", code)
		}
		got += len(pr.Changes)
		if !pr.More {
			break
		}
		cursor = pr.Cursor
	}
	if got != len(kept) { // the first waits for its photo
		t.Errorf("pulls on the full disk brought %d articles, want %d", got, len(kept))
	}
	var st wire.PhotoStatusResponse
	if code := e.call("/v1/photos/status", c.Token, wire.PhotoStatusRequest{Hashes: []string{sum(photo)}}, &st); code != 200 {
		t.Errorf("photo status on the full disk: %d", code)
	}
	if code := e.upload(c.Token, photo, ""); code != http.StatusInsufficientStorage {
		t.Errorf("a photo upload on the full disk: %d, want 507", code)
	}
	// Room again: the same push goes.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if code := e.upload(c.Token, photo, ""); code != 200 {
		t.Errorf("a photo upload once there is room: %d", code)
	}
	r := rev(fielddesk.NewID(), "", "Sau khi có chỗ")
	if resp := e.rawPush(c, wire.PushRequest{DeviceID: c.DeviceID, Mutations: []wire.Mutation{{ID: uint64(len(kept) + 2), Revision: r}}}); resp.StatusCode != 200 {
		t.Errorf("a push once there is room: %d", resp.StatusCode)
	}
}

// rawPush sends a push and returns the response with its body read.
func (e *env) rawPush(lr wire.LoginResponse, req wire.PushRequest) *http.Response {
	e.t.Helper()
	b, _ := json.Marshal(req)
	hr, _ := http.NewRequest("POST", e.url+"/v1/push", strings.NewReader(string(b)))
	hr.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	hr.Header.Set("Authorization", "Bearer "+lr.Token)
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp
}
