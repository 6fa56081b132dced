package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/wintest"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// serverProcess is a server run by run() in this process, on data.
type serverProcess struct {
	base   string
	cancel context.CancelFunc
	done   chan int
}

func startServe(t *testing.T, data string) *serverProcess {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var log lockedBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--data", data, "--listen", addr, "--ops-listen", "off"}, nil, &bytes.Buffer{}, &log)
	}()
	p := &serverProcess{base: "http://" + addr, cancel: cancel, done: done}
	waitUp(t, p.base+"/articles")
	return p
}

func (p *serverProcess) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop")
	}
}

func post(t *testing.T, base, path, token string, in, out any) int {
	t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(out)
	return resp.StatusCode
}

// A backup of a running server, taken while a device keeps pushing, is a
// consistent newsroom: restored into a new folder, it serves every article
// and photo the backup's moment held, the device's token still works and
// its mutation counter goes on (a mutation sent again is a duplicate, the
// next one applies).
func TestBackupOfARunningServerRestores(t *testing.T) {
	wintest.UnixSockets(t)
	data := t.TempDir()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("mật khẩu đủ dài\n"), 0o600)
	if _, e, code := cli(t, "", "user", "add", "lethib", "--role", "correspondent", "--desk", "laocai", "--password-file", pw, "--data", data); code != 0 {
		t.Fatal(e)
	}
	srv := startServe(t, data)
	var lr wire.LoginResponse
	if code := post(t, srv.base, "/v1/login", "", wire.LoginRequest{User: "lethib", Password: "mật khẩu đủ dài", DeviceName: "máy"}, &lr); code != 200 {
		t.Fatalf("login: %d", code)
	}
	// An article with a photo, sent whole.
	img := image.NewRGBA(image.Rect(0, 0, 200, 150))
	rand.New(rand.NewSource(1)).Read(img.Pix)
	var photo bytes.Buffer
	jpeg.Encode(&photo, img, nil)
	sum := sha256.Sum256(photo.Bytes())
	hash := hex.EncodeToString(sum[:])
	mutation := func(id uint64, headline string, photos ...fielddesk.Photo) wire.Mutation {
		r := fielddesk.Revision{ID: fielddesk.NewID(), Saved: time.Now().UTC(), Article: fielddesk.Article{ID: fielddesk.NewID(),
			Headline: headline, Body: "Nước sông dâng cao.", Language: "vi", Photos: photos}}
		if len(photos) > 0 {
			r.Article.Body += fmt.Sprintf("\n\n![Ảnh](photo:%s \"(Ảnh: A)\")", hash)
		}
		return wire.Mutation{ID: id, Revision: r}
	}
	first := mutation(1, "Tin có ảnh", fielddesk.Photo{Hash: hash, Name: "a.jpg", Type: "image/jpeg", Width: 200, Height: 150, Size: int64(photo.Len())})
	var pr wire.PushResponse
	if post(t, srv.base, "/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{first}}, &pr); len(pr.Results) != 1 || pr.Results[0].Result != wire.Applied {
		t.Fatalf("push: %+v", pr)
	}
	req, _ := http.NewRequest("PUT", srv.base+"/v1/photos/"+hash+"?offset=0&size="+strconv.Itoa(photo.Len()), bytes.NewReader(photo.Bytes()))
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+lr.Token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("photo: %v %v", resp, err)
	}
	// The device goes on pushing while the backup is taken.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	pushed := 1
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			var pr wire.PushResponse
			m := mutation(uint64(pushed+1), fmt.Sprintf("Tin %d", pushed+1))
			if post(t, srv.base, "/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{m}}, &pr) == 200 {
				pushed++
			}
		}
	}()
	file := filepath.Join(t.TempDir(), "newsroom.backup")
	out, e, code := cli(t, "", "backup", "--data", data, "--out", file)
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "from the running server") {
		t.Fatalf("backup: %s %s", out, e)
	}
	srv.stop(t)

	// A file that is not a backup is refused; an occupied folder too.
	junk := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(junk, []byte("not a backup"), 0o600)
	if _, e, code := cli(t, "", "restore", "--in", junk, "--data", t.TempDir()+"/x"); code == 0 || !strings.Contains(e, "not a FieldDesk backup") {
		t.Errorf("a file that is no backup: %d %s", code, e)
	}
	if _, e, code := cli(t, "", "restore", "--in", file, "--data", data); code == 0 || !strings.Contains(e, "not empty") {
		t.Errorf("restore over a data folder: %d %s", code, e)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if out, e, code := cli(t, "", "restore", "--in", file, "--data", restored); code != 0 || !strings.Contains(out, "1 photos") {
		t.Fatalf("restore: %s %s", out, e)
	}
	srv = startServe(t, restored)
	defer srv.stop(t)
	var pull wire.PullResponse
	if code := post(t, srv.base, "/v1/pull", lr.Token, wire.PullRequest{Limit: 1000}, &pull); code != 200 {
		t.Fatalf("the device's token on the restored server: %d", code)
	}
	held := map[string]bool{}
	for _, c := range pull.Changes {
		held[c.Revision.Article.Headline] = true
	}
	if !held["Tin có ảnh"] || len(pull.Changes) < 1 || len(pull.Changes) > pushed {
		t.Fatalf("the restored newsroom holds %d articles (%v); the device pushed %d", len(pull.Changes), held, pushed)
	}
	// Consistent: articles 1..k, none missing in between.
	for i := 2; i <= len(pull.Changes); i++ {
		if !held[fmt.Sprintf("Tin %d", i)] {
			t.Errorf("article %d is missing, though %d are there", i, len(pull.Changes))
		}
	}
	var st wire.PhotoStatusResponse
	if post(t, srv.base, "/v1/photos/status", lr.Token, wire.PhotoStatusRequest{Hashes: []string{hash}}, &st); len(st.Photos) != 1 || !st.Photos[0].Complete {
		t.Errorf("the photo on the restored server: %+v", st)
	}
	// The device's counter goes on from the backup's moment.
	n := uint64(len(pull.Changes))
	if post(t, srv.base, "/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{first}}, &pr); len(pr.Results) != 1 || pr.Results[0].Result != wire.Duplicate {
		t.Errorf("mutation 1 sent again: %+v", pr)
	}
	next := mutation(n+1, "Sau khi khôi phục")
	if post(t, srv.base, "/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{next}}, &pr); len(pr.Results) != 1 || pr.Results[0].Result != wire.Applied {
		t.Errorf("the next mutation (%d): %+v", n+1, pr)
	}
}
