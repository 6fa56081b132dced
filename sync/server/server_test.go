package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/internal/servertest"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/sync/wire"
)

type env struct {
	t      *testing.T
	db     newsroom.Backend
	photos blobs.Store
	// backend is what db and photos came from (servertest).
	backend servertest.Backend
	url     string
	ops     string // the operators' listener: /metrics, /healthz
	mut     uint64 // the last mutation of the server's own hand (decide)
}

func newEnv(t *testing.T) *env {
	b := servertest.Open(t)
	db := b.Records
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role fielddesk.Role
		desk string
	}{{"lethib", fielddesk.RoleCorrespondent, "laocai"}, {"tranvanc", fielddesk.RoleCorrespondent, "yenbai"}, {"bientap", fielddesk.RoleEditor, "laocai"}} {
		if _, err := newsroom.New(db).AddUser(ctx, u.name, u.role, u.desk, "mật khẩu đủ dài"); err != nil {
			t.Fatal(err)
		}
	}
	api := New(db, b.Photos, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(api)
	api.SetPublicURL(srv.URL)
	t.Cleanup(srv.Close)
	ops := httptest.NewServer(api.Ops())
	t.Cleanup(ops.Close)
	return &env{t: t, db: db, photos: b.Photos, backend: b, url: srv.URL, ops: ops.URL}
}

// call posts v as JSON and decodes the answer into out; it returns the status.
func (e *env) call(path, token string, v any, out any, headers ...string) int {
	e.t.Helper()
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	default:
		b, _ = json.Marshal(v)
	}
	req, _ := http.NewRequest("POST", e.url+path, bytes.NewReader(b))
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get(wire.VersionHeader) != strconv.Itoa(wire.ProtocolVersion) {
		e.t.Errorf("%s: no protocol version header", path)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			e.t.Fatalf("%s: decode answer: %v", path, err)
		}
	}
	return resp.StatusCode
}

func (e *env) login(user string) wire.LoginResponse {
	e.t.Helper()
	var lr wire.LoginResponse
	if code := e.call("/v1/login", "", wire.LoginRequest{User: user, Password: "mật khẩu đủ dài", DeviceName: "laptop"}, &lr); code != 200 {
		e.t.Fatalf("login %s: %d", user, code)
	}
	return lr
}

func rev(article, base fielddesk.ID, headline string) fielddesk.Revision {
	return fielddesk.Revision{ID: fielddesk.NewID(), Base: base, Saved: time.Now().UTC().Truncate(time.Millisecond),
		Article: fielddesk.Article{ID: article, Headline: headline, Language: "vi", Status: fielddesk.StatusDraft}}
}

func TestPushPullOverLoopback(t *testing.T) {
	e := newEnv(t)
	b := e.login("lethib")
	art := fielddesk.NewID()
	r1 := rev(art, "", "Mưa lũ ở Bát Xát")
	batch := wire.PushRequest{DeviceID: b.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: r1}}}
	var pr wire.PushResponse
	if code := e.call("/v1/push", b.Token, batch, &pr); code != 200 || len(pr.Results) != 1 || pr.Results[0].Result != wire.Applied {
		t.Fatalf("push: %d %+v", code, pr)
	}
	// The answer got lost; the same batch again changes nothing.
	if e.call("/v1/push", b.Token, batch, &pr); pr.Results[0].Result != wire.Duplicate {
		t.Fatalf("re-sent push: %+v", pr)
	}
	// zstd-compressed batches work too.
	body, _ := json.Marshal(wire.PushRequest{DeviceID: b.DeviceID, Mutations: []wire.Mutation{{ID: 2, Revision: rev(art, r1.ID, "Mưa lũ ở Bát Xát (sửa)")}}})
	if code := e.call("/v1/push", b.Token, wire.Compress(body), &pr, "Content-Encoding", "zstd"); code != 200 || pr.Results[0].Result != wire.Applied {
		t.Fatalf("zstd push: %d %+v", code, pr)
	}
	// Another correspondent cannot see it, nor write to it.
	c := e.login("tranvanc")
	var pull wire.PullResponse
	if e.call("/v1/pull", c.Token, wire.PullRequest{}, &pull); len(pull.Changes) != 0 {
		t.Errorf("another correspondent sees %d articles", len(pull.Changes))
	}
	steal := wire.PushRequest{DeviceID: c.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: rev(art, r1.ID, "trộm")}}}
	if e.call("/v1/push", c.Token, steal, &pr); pr.Results[0].Result != wire.Rejected || pr.Results[0].Code != wire.CodeNotFound {
		t.Errorf("writing another's article: %+v", pr)
	}
	// The owner and the editor of the desk see the newest revision.
	for _, tok := range []string{b.Token, e.login("bientap").Token} {
		if e.call("/v1/pull", tok, wire.PullRequest{}, &pull); len(pull.Changes) != 1 || pull.Changes[0].Revision.Article.Headline != "Mưa lũ ở Bát Xát (sửa)" {
			t.Fatalf("pull: %+v", pull)
		}
		cursor := pull.Cursor
		if e.call("/v1/pull", tok, wire.PullRequest{Cursor: cursor}, &pull); len(pull.Changes) != 0 {
			t.Errorf("nothing new since %s, got %d", cursor, len(pull.Changes))
		}
	}
}

func TestRefusals(t *testing.T) {
	e := newEnv(t)
	b := e.login("lethib")
	var er wire.Error
	check := func(name string, code, want int, wantCode string) {
		t.Helper()
		if code != want || er.Code != wantCode || er.Error == "" {
			t.Errorf("%s: %d %+v, want %d %s", name, code, er, want, wantCode)
		}
		er = wire.Error{}
	}
	check("no token", e.call("/v1/pull", "", wire.PullRequest{}, &er), 401, wire.CodeUnauthorized)
	check("bad token", e.call("/v1/pull", "nope", wire.PullRequest{}, &er), 401, wire.CodeUnauthorized)
	check("unknown field", e.call("/v1/pull", b.Token, []byte(`{"cursor":"","evil":1}`), &er), 400, wire.CodeBadRequest)
	check("too large", e.call("/v1/push", b.Token, []byte(`{"device_id":"`+strings.Repeat("x", wire.MaxBatchBytes)+`"}`), &er), 413, wire.CodeTooLarge)
	check("bad cursor", e.call("/v1/pull", b.Token, wire.PullRequest{Cursor: "!!"}, &er), 400, wire.CodeBadRequest)
	check("other device", e.call("/v1/push", b.Token, wire.PushRequest{DeviceID: "someone-else", Mutations: []wire.Mutation{{ID: 1, Revision: rev(fielddesk.NewID(), "", "x")}}}, &er), 400, wire.CodeBadRequest)
	check("wrong password", e.call("/v1/login", "", wire.LoginRequest{User: "lethib", Password: "sai mật khẩu dài"}, &er), 401, wire.CodeUnauthorized)

	// Old app: a clear answer, not a misunderstanding.
	req, _ := http.NewRequest("POST", e.url+"/v1/pull", strings.NewReader(`{}`))
	req.Header.Set(wire.VersionHeader, "1") // the app before the editorial loop
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&er)
	resp.Body.Close()
	check("old protocol", resp.StatusCode, http.StatusUpgradeRequired, wire.CodeProtocolVersion)

	// Revoked devices are out at once.
	if err := newsroom.New(e.db).RevokeDevice(context.Background(), b.DeviceID); err != nil {
		t.Fatal(err)
	}
	check("revoked", e.call("/v1/pull", b.Token, wire.PullRequest{}, &er), 401, wire.CodeUnauthorized)
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	var er wire.Error
	for range 5 {
		e.call("/v1/login", "", wire.LoginRequest{User: "lethib", Password: "đoán mò đoán mò"}, &er)
	}
	if code := e.call("/v1/login", "", wire.LoginRequest{User: "lethib", Password: "mật khẩu đủ dài"}, &er); code != http.StatusTooManyRequests || er.Code != wire.CodeRateLimited {
		t.Errorf("sixth try: %d %+v, want 429 even with the right password", code, er)
	}
}

func (e *env) put(token, hash string, offset, size int64, chunk []byte, chunkHash string, out any) int {
	e.t.Helper()
	req, _ := http.NewRequest("PUT", e.url+"/v1/photos/"+hash+"?offset="+strconv.FormatInt(offset, 10)+"&size="+strconv.FormatInt(size, 10), bytes.NewReader(chunk))
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+token)
	if chunkHash != "" {
		req.Header.Set("Chunk-SHA256", chunkHash)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(out)
	return resp.StatusCode
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// noiseJPEG is a real JPEG of random pixels (so it does not compress).
func noiseJPEG(t testing.TB, w, h int, seed int64) []byte {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng.Read(img.Pix)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pushWithPhotos sends a new article that refers to the photos.
func (e *env) pushWithPhotos(lr wire.LoginResponse, mutation uint64, photos ...[]byte) fielddesk.Revision {
	e.t.Helper()
	r := rev(fielddesk.NewID(), "", "Đường mới")
	for i, p := range photos {
		h := sum(p)
		r.Article.Body += fmt.Sprintf("![Ảnh %d](photo:%s \"A\")\n\n", i, h)
		r.Article.Photos = append(r.Article.Photos, fielddesk.Photo{Hash: h, Name: fmt.Sprintf("%d.jpg", i), Type: "image/jpeg", Size: int64(len(p))})
	}
	var pr wire.PushResponse
	e.call("/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{{ID: mutation, Revision: r}}}, &pr)
	if len(pr.Results) != 1 || pr.Results[0].Result != wire.Applied {
		e.t.Fatalf("push: %+v", pr)
	}
	return r
}

func TestPhotoRangesOverLoopback(t *testing.T) {
	e := newEnv(t)
	lr := e.login("lethib")
	tok := lr.Token
	photo := noiseJPEG(t, 640, 400, 1) // between one and two chunks
	h, size := sum(photo), int64(len(photo))
	var er wire.Error
	if code := e.put(tok, h, 0, size, photo[:1000], "", &er); code != http.StatusNotFound {
		t.Errorf("a photo no article refers to: %d %+v", code, er)
	}
	e.pushWithPhotos(lr, 1, photo)
	var status wire.PhotoStatusResponse
	if e.call("/v1/photos/status", tok, wire.PhotoStatusRequest{Hashes: []string{h}}, &status); len(status.Photos) != 1 || status.Photos[0].Have != 0 {
		t.Fatalf("status before: %+v", status)
	}
	first := photo[:wire.MaxChunkBytes]
	var st wire.PhotoState
	if code := e.put(tok, h, 0, size, first, sum(first), &st); code != 200 || st.Have != int64(len(first)) {
		t.Fatalf("first chunk: %d %+v", code, st)
	}
	// The link cut the next chunk short: its hash does not match, nothing is kept of it.
	second := photo[wire.MaxChunkBytes:]
	if code := e.put(tok, h, int64(len(first)), size, second[:1000], sum(second), &er); code != http.StatusUnprocessableEntity || er.Code != wire.CodeHashMismatch {
		t.Fatalf("cut chunk: %d %+v", code, er)
	}
	// The client thought it had sent more; the server says where to resume.
	if code := e.put(tok, h, size-10, size, photo[size-10:], "", &st); code != http.StatusConflict || st.Have != int64(len(first)) {
		t.Fatalf("wrong offset: %d %+v", code, st)
	}
	if code := e.put(tok, h, st.Have, size, second, sum(second), &st); code != 200 || !st.Complete {
		t.Fatalf("last chunk: %d %+v", code, st)
	}
	if e.call("/v1/photos/status", tok, wire.PhotoStatusRequest{Hashes: []string{h}}, &status); !status.Photos[0].Complete {
		t.Errorf("status after: %+v", status)
	}
	if code := e.put(tok, "..%2f..%2fetc", 0, 1, []byte("x"), "", &er); code != http.StatusBadRequest && code != http.StatusNotFound {
		t.Errorf("a path for a hash: %d", code)
	}
	if code := e.put("", h, 0, size, first, "", &er); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	big := int64(wire.MaxPhotoBytes + 1)
	if code := e.put(tok, sum([]byte("x")), 0, big, []byte("x"), "", &er); code != http.StatusRequestEntityTooLarge {
		t.Errorf("a photo over the limit: %d", code)
	}
}

func TestEditorsSeeArticlesOnceTheirPhotosArrived(t *testing.T) {
	e := newEnv(t)
	b := e.login("lethib")
	editor := e.login("bientap").Token
	photo := noiseJPEG(t, 40, 30, 2)
	h := sum(photo)
	e.pushWithPhotos(b, 1, photo)
	var pull wire.PullResponse
	if e.call("/v1/pull", editor, wire.PullRequest{}, &pull); len(pull.Changes) != 0 {
		t.Errorf("the editor sees the article before its photo arrived")
	}
	if e.call("/v1/pull", b.Token, wire.PullRequest{}, &pull); len(pull.Changes) != 1 || len(pull.Changes[0].MissingPhotos) != 1 {
		t.Errorf("the author should see it with the photo pending: %+v", pull)
	}
	var st wire.PhotoState
	if code := e.put(b.Token, h, 0, int64(len(photo)), photo, sum(photo), &st); code != 200 || !st.Complete {
		t.Fatalf("photo: %d %+v", code, st)
	}
	var after wire.PullResponse // a fresh value: decoding into a used one keeps old fields
	if e.call("/v1/pull", editor, wire.PullRequest{}, &after); len(after.Changes) != 1 || len(after.Changes[0].MissingPhotos) != 0 {
		t.Errorf("after the photo the editor sees: %+v", after)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	b := e.login("lethib")
	var pr wire.PushResponse
	e.call("/v1/push", b.Token, wire.PushRequest{DeviceID: b.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: rev(fielddesk.NewID(), "", "Tin")}}}, &pr)
	e.call("/v1/pull", "", wire.PullRequest{}, &wire.Error{})
	resp, err := http.Get(e.ops + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`fielddesk_requests_total{route="push",status="200"} 1`,
		`fielddesk_requests_total{route="pull",status="401"} 1`,
		`fielddesk_mutations_total{result="applied"} 1`,
		"fielddesk_request_bytes_total ",
		"fielddesk_seconds_since_last_applied_mutation ",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

// Large answers go compressed to devices that say they take zstd, and
// plain to others.
func TestPullAnswersCompressed(t *testing.T) {
	e := newEnv(t)
	b := e.login("lethib")
	var muts []wire.Mutation
	for i := range 20 {
		r := rev(fielddesk.NewID(), "", fmt.Sprintf("Tin số %d về mưa lũ", i))
		r.Article.Body = strings.Repeat("Nước sông dâng cao, nhiều hộ dân phải sơ tán. ", 30)
		muts = append(muts, wire.Mutation{ID: uint64(i + 1), Revision: r})
	}
	var pr wire.PushResponse
	e.call("/v1/push", b.Token, wire.PushRequest{DeviceID: b.DeviceID, Mutations: muts}, &pr)
	for _, enc := range []string{"zstd", ""} {
		req, _ := http.NewRequest("POST", e.url+"/v1/pull", strings.NewReader(`{"cursor":""}`))
		req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		req.Header.Set("Authorization", "Bearer "+b.Token)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != enc {
			t.Errorf("asked %q, got Content-Encoding %q", enc, resp.Header.Get("Content-Encoding"))
		}
		var body io.Reader = bytes.NewReader(raw)
		if enc == "zstd" {
			rd, done, err := wire.Decompress(body, wire.MaxBatchBytes)
			if err != nil {
				t.Fatal(err)
			}
			defer done()
			body = rd
		}
		var pull wire.PullResponse
		if err := json.NewDecoder(body).Decode(&pull); err != nil || len(pull.Changes) != 20 {
			t.Errorf("%q: %d changes, %v (%d bytes on the wire)", enc, len(pull.Changes), err, len(raw))
		}
	}
}

// A framed upload is acknowledged frame by frame while its body still
// arrives, so a client cut off knows where the server stands.
func TestFramedUploadAcknowledgesWhileItArrives(t *testing.T) {
	e := newEnv(t)
	lr := e.login("lethib")
	photo := noiseJPEG(t, 300, 200, 5)
	e.pushWithPhotos(lr, 1, photo)
	h, size := sum(photo), int64(len(photo))
	pr, pw := io.Pipe()
	defer pw.Close() // on failure too, so the handler ends and the server can close
	// A server that answers only after the whole body would wait forever
	// for the rest, which waits for its answer: give up after a while.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "PUT", fmt.Sprintf("%s/v1/photos/%s?offset=0&size=%d", e.url, h, size), pr)
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+lr.Token)
	req.Header.Set("Content-Type", wire.ChunksType)
	go wire.WriteFrame(pw, photo[:wire.MinFrameBytes]) // the rest waits for the acknowledgement
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("no acknowledgement while the upload arrives: %v", err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != wire.AcksType {
		t.Fatalf("answer %d %s: not acknowledged frame by frame", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	dec := json.NewDecoder(resp.Body)
	var first wire.PhotoState
	if err := dec.Decode(&first); err != nil || first.Have != wire.MinFrameBytes || first.Complete {
		t.Fatalf("first acknowledgement: %+v %v", first, err)
	}
	go func() {
		for off := wire.MinFrameBytes; off < len(photo); off += wire.MinFrameBytes {
			wire.WriteFrame(pw, photo[off:min(len(photo), off+wire.MinFrameBytes)])
		}
		pw.Close()
	}()
	var last wire.PhotoState
	for dec.More() {
		if err := dec.Decode(&last); err != nil {
			t.Fatal(err)
		}
	}
	if !last.Complete || last.Have != size {
		t.Errorf("last line: %+v", last)
	}
}
