package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// finishFails is a photo store whose Finish cannot reach the object store
// while down is set: the point of the test is what the server says then.
type finishFails struct {
	blobs.Store
	down *atomic.Bool
}

func (f finishFails) Finish(ctx context.Context, u blobs.Upload, k blobs.Key) error {
	if f.down.Load() {
		return fmt.Errorf("put %s: connection refused: %w", k, blobs.ErrUnavailable)
	}
	return f.Store.Finish(ctx, u, k)
}

// Every byte of a photo arrived, but it could not become its object (the
// object store was down, the instance stopped): the last chunk is answered
// 503 with a time to come back, and from then on the status never says
// "all here" without "complete" (which a device takes for done); once the
// store answers, asking is enough to finish it.
func TestAWholeUploadThatDidNotFinishIsFinishedWhenAsked(t *testing.T) {
	e := newEnv(t)
	var down atomic.Bool
	api := New(e.db, finishFails{e.photos, &down}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(api)
	defer srv.Close()
	e.url = srv.URL
	lr := e.login("lethib")
	photo := noiseJPEG(t, 320, 240, 5)
	h := sum(photo)
	r := rev(fielddesk.NewID(), "", "Ảnh chưa xong")
	r.Article.Body = fmt.Sprintf("![Ảnh](photo:%s \"(Ảnh: Nguyễn Văn A)\")", h)
	r.Article.Photos = []fielddesk.Photo{{Hash: h, Name: "a.jpg", Type: "image/jpeg", Width: 320, Height: 240, Size: int64(len(photo))}}
	var pr wire.PushResponse
	e.call("/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: r}}}, &pr)
	size := int64(len(photo))
	half := size / 2
	var st wire.PhotoState
	if code := e.put(lr.Token, h, 0, size, photo[:half], "", &st); code != http.StatusOK || st.Have != half {
		t.Fatalf("first half: %d %+v", code, st)
	}
	down.Store(true)
	var er wire.Error
	if code := e.put(lr.Token, h, half, size, photo[half:], "", &er); code != http.StatusServiceUnavailable || er.Code != wire.CodeUnavailable {
		t.Fatalf("the last chunk with the object store down: %d %+v", code, er)
	}
	status := func() (int, wire.PhotoStatusResponse) {
		var resp wire.PhotoStatusResponse
		code := e.call("/v1/photos/status", lr.Token, wire.PhotoStatusRequest{Hashes: []string{h}}, &resp)
		return code, resp
	}
	if code, resp := status(); code == http.StatusOK && len(resp.Photos) == 1 && resp.Photos[0].Have == size && !resp.Photos[0].Complete {
		t.Fatalf("the status says every byte is here but the photo is not complete: %+v", resp.Photos[0])
	} else if code != http.StatusServiceUnavailable {
		t.Errorf("the status while the store is down: %d %+v", code, resp)
	}
	down.Store(false)
	code, resp := status()
	if code != http.StatusOK || len(resp.Photos) != 1 || !resp.Photos[0].Complete || resp.Photos[0].Have != size {
		t.Fatalf("the status once the store is back: %d %+v", code, resp)
	}
	o, err := e.photos.Open(context.Background(), blobs.Original(h))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	got, _ := io.ReadAll(o)
	if sum(got) != h {
		t.Error("the finished photo's bytes differ")
	}
}

// An editor who pulled while an article's photo was still on its way (the
// article is not shown to others until its photos are there) gets the
// article from the same cursor once the photo arrives: its arrival is a
// change.
func TestAnArticleWhosePhotoArrivesLaterReachesTheEditor(t *testing.T) {
	e := newEnv(t)
	lr := e.login("lethib")
	ed := e.login("bientap")
	photo := noiseJPEG(t, 320, 240, 9)
	h := sum(photo)
	r := rev(fielddesk.NewID(), "", "Ảnh đến sau")
	r.Article.Body = fmt.Sprintf("![Ảnh](photo:%s \"(Ảnh: Nguyễn Văn A)\")", h)
	r.Article.Photos = []fielddesk.Photo{{Hash: h, Name: "a.jpg", Type: "image/jpeg", Width: 320, Height: 240, Size: int64(len(photo))}}
	var pr wire.PushResponse
	e.call("/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: r}}}, &pr)
	var pull wire.PullResponse
	e.call("/v1/pull", ed.Token, wire.PullRequest{}, &pull)
	if len(pull.Changes) != 0 {
		t.Fatalf("the editor sees an article whose photo has not arrived: %+v", pull.Changes)
	}
	cursor := pull.Cursor
	if code := e.upload(lr.Token, photo, ""); code != 200 {
		t.Fatalf("photo: %d", code)
	}
	e.call("/v1/pull", ed.Token, wire.PullRequest{Cursor: cursor}, &pull)
	if len(pull.Changes) != 1 || pull.Changes[0].Revision.Article.ID != r.Article.ID {
		t.Fatalf("from the same cursor after the photo arrived the editor gets %d articles, want the one", len(pull.Changes))
	}
}
