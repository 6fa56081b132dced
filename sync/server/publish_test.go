package server

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/ninjstest"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// hostileBody is article text that tries to run script in a reader's browser.
const hostileBody = "Người dân <script>document.title='owned'</script> cho biết nước rút chậm.\n\n" +
	"[Xem thêm](javascript:document.title='owned') <img src=x onerror=\"document.title='owned'\">"

// published is an article the server published: a correspondent sent it
// with a photo, an editor took, approved and published it.
type published struct {
	id    fielddesk.ID
	slug  string
	photo []byte
	hash  string
}

func (e *env) publish(headline, category string) published {
	e.t.Helper()
	return e.publishWith(headline, category, noiseJPEG(e.t, 320, 240, int64(len(headline))))
}

func (e *env) publishWith(headline, category string, photo []byte) published {
	e.t.Helper()
	ctx := context.Background()
	lr := e.login("lethib")
	h := sum(photo)
	r := rev(fielddesk.NewID(), "", headline)
	r.Article.Sapo = "(TTXVN) – Mưa lớn gây lũ quét ở vùng cao."
	r.Article.Category, r.Article.Byline, r.Article.Location = category, "Nguyễn Văn A", "Lào Cai"
	r.Article.Body = "Đoạn mở đầu của bài.\n\n" +
		fmt.Sprintf("![Cầu treo bị cuốn trôi](photo:%s \"(Ảnh: Nguyễn Văn A)\")", h) + "\n\n" + hostileBody
	r.Article.Photos = []fielddesk.Photo{{Hash: h, Name: "cau.jpg", Type: "image/jpeg", Width: 320, Height: 240, Size: int64(len(photo))}}
	var pr wire.PushResponse
	e.call("/v1/push", lr.Token, wire.PushRequest{DeviceID: lr.DeviceID, Mutations: []wire.Mutation{{ID: 1, Revision: r}}}, &pr)
	if len(pr.Results) != 1 || pr.Results[0].Result != wire.Applied {
		e.t.Fatalf("push: %+v", pr)
	}
	if code := e.upload(lr.Token, photo, ""); code != 200 {
		e.t.Fatalf("photo: %d", code)
	}
	for _, a := range []fielddesk.Action{fielddesk.ActionTake, fielddesk.ActionApprove, fielddesk.ActionPublish} {
		e.decide(r.Article.ID, a, "")
	}
	pubs, err := newsroom.New(e.db).Published(ctx, time.Time{}, 100, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range pubs {
		if p.Article == r.Article.ID {
			return published{id: p.Article, slug: p.Slug, photo: photo, hash: h}
		}
	}
	e.t.Fatalf("the article is not among the published")
	return published{}
}

// decide applies a decision as the server's own hand (a trusted caller).
func (e *env) decide(id fielddesk.ID, a fielddesk.Action, text string) store.Outcome {
	e.t.Helper()
	e.mut++
	out, err := newsroom.New(e.db).ApplyMutation(context.Background(), "desk", "", fielddesk.Mutation{ID: e.mut,
		Event: &fielddesk.Event{ID: fielddesk.NewID(), Article: id, Kind: fielddesk.EventTransition, Action: a, Text: text, At: time.Now()}})
	if err != nil || out.Result != store.Applied {
		e.t.Fatalf("%s: %+v %v", a, out, err)
	}
	return out
}

func (e *env) fetch(path string) (int, http.Header, string) {
	e.t.Helper()
	resp, err := http.Get(e.url + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestPublishedPageIndexFeedAndNinJS(t *testing.T) {
	e := newEnv(t)
	p := e.publish("Lũ quét ở Bát Xát", "Thời sự")
	if !strings.HasPrefix(p.slug, "lu-quet-o-bat-xat-") {
		t.Errorf("slug %q", p.slug)
	}
	code, h, page := e.fetch("/articles/" + p.slug)
	if code != 200 || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("page: %d %v", code, h)
	}
	for _, want := range []string{
		"<h1>Lũ quét ở Bát Xát</h1>", `<figcaption>Cầu treo bị cuốn trôi <span class="credit">(Ảnh: Nguyễn Văn A)</span></figcaption>`,
		`<p class="byline">Nguyễn Văn A</p>`, `src="/media/` + p.hash + `"`, `<a href="/categories/thoi-su">Thời sự</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s\n%s", want, page)
		}
	}
	for _, bad := range []string{"<script", "javascript:", "onerror="} {
		if strings.Contains(page, bad) {
			t.Errorf("the page carries %q from the article's text", bad)
		}
	}
	code, h, img := e.fetch("/media/" + p.hash)
	if code != 200 || img != string(p.photo) || h.Get("Content-Type") != "image/jpeg" {
		t.Errorf("media: %d %s (%d bytes)", code, h.Get("Content-Type"), len(img))
	}
	if code, _, _ := e.fetch("/media/" + strings.Repeat("0", 64)); code != 404 {
		t.Errorf("media of an unpublished photo: %d", code)
	}
	if code, _, idx := e.fetch("/articles"); code != 200 || !strings.Contains(idx, `href="/articles/`+p.slug+`"`) {
		t.Errorf("index: %d\n%s", code, idx)
	}
	if code, _, idx := e.fetch("/categories/thoi-su"); code != 200 || !strings.Contains(idx, "<h1>Thời sự</h1>") || !strings.Contains(idx, p.slug) {
		t.Errorf("category index: %d\n%s", code, idx)
	}
	if code, _, _ := e.fetch("/categories/the-thao"); code != 404 {
		t.Errorf("an empty category: %d", code)
	}
	if code, _, _ := e.fetch("/articles/khong-co-bai-nay"); code != 404 {
		t.Errorf("an unknown page: %d", code)
	}

	// The Atom feed is well-formed XML with the article, its links absolute.
	_, h, feed := e.fetch("/feed.atom")
	var f atomFeed
	if err := xml.Unmarshal([]byte(feed), &f); err != nil || len(f.Entries) != 1 || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %v %d\n%s", err, len(f.Entries), feed)
	}
	if en := f.Entries[0]; en.Title != "Lũ quét ở Bát Xát" || en.Links[0].Href != e.url+"/articles/"+p.slug || !strings.Contains(en.Content.Body, e.url+"/media/"+p.hash) {
		t.Errorf("feed entry %+v", en)
	}

	// ninjs validates, with the photo and an absolute rendition address.
	sch := ninjstest.Schema(t)
	items := e.published(t, sch, "")
	if len(items) != 1 || items[0]["pubStatus"] != "usable" || !strings.Contains(fmt.Sprint(items[0]["associations"]), e.url+"/media/"+p.hash) {
		t.Fatalf("published: %+v", items)
	}

	// A second article, then a kill: newest first; since= brings only the
	// change; the killed one is canceled and gone from pages and media.
	q := e.publish("Đường lên Y Tý thông xe", "Giao thông")
	all := e.published(t, sch, "")
	if len(all) != 2 || all[0]["uri"] != "urn:fielddesk:article:"+string(q.id) {
		t.Fatalf("newest first: %v", uris(all))
	}
	var resp PublishedResponse
	_, _, body := e.fetch("/v1/published")
	json.Unmarshal([]byte(body), &resp)
	time.Sleep(2 * time.Millisecond)
	e.decide(p.id, fielddesk.ActionKill, "Sai số liệu thương vong.")
	changed := e.published(t, sch, resp.Next)
	if len(changed) != 1 || changed[0]["uri"] != "urn:fielddesk:article:"+string(p.id) || changed[0]["pubStatus"] != "canceled" {
		t.Fatalf("since %s: %+v", resp.Next, changed)
	}
	if code, _, gone := e.fetch("/articles/" + p.slug); code != http.StatusGone || !strings.Contains(gone, "Sai số liệu thương vong.") {
		t.Errorf("killed page: %d\n%s", code, gone)
	}
	if code, _, _ := e.fetch("/media/" + p.hash); code != 404 {
		t.Errorf("media of a killed article: %d", code)
	}
	if _, _, idx := e.fetch("/articles"); strings.Contains(idx, p.slug) || !strings.Contains(idx, q.slug) {
		t.Errorf("index after the kill:\n%s", idx)
	}
	if code, _, msg := e.fetch("/v1/published?since=yesterday"); code != 400 || !strings.Contains(msg, "since") {
		t.Errorf("a bad since: %d %s", code, msg)
	}
}

// published fetches /v1/published?since= and validates every item.
func (e *env) published(t *testing.T, sch *jsonschema.Schema, since string) []map[string]any {
	t.Helper()
	path := "/v1/published"
	if since != "" {
		path += "?since=" + since
	}
	code, _, body := e.fetch(path)
	var resp struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || code != 200 {
		t.Fatalf("%s: %d %v", path, code, err)
	}
	var out []map[string]any
	for _, raw := range resp.Items {
		if err := ninjstest.Validate(sch, raw); err != nil {
			t.Errorf("ninjs does not validate: %v\n%s", err, raw)
		}
		var m map[string]any
		json.Unmarshal(raw, &m)
		out = append(out, m)
	}
	return out
}

func uris(items []map[string]any) []any {
	var out []any
	for _, it := range items {
		out = append(out, it["uri"])
	}
	return out
}

// A photo larger than its rendition is offered both ways: the rendition
// (1600 px) and the original at its width, for the browser to choose.
func TestResponsiveImages(t *testing.T) {
	e := newEnv(t)
	s := New(e.db, e.photos, nil)
	lr := e.login("lethib")
	original := noiseJPEG(t, 2400, 1800, 1)
	small := noiseJPEG(t, 1600, 1200, 2)
	h := sum(original)
	r := e.pushWithPhotos(lr, 1, original)
	p := fielddesk.Photo{Hash: h, Width: 2400, Height: 1800}
	srcset := s.srcsetOf(r.Article.ID)
	if set := srcset(p); set != "" {
		t.Errorf("nothing here yet, srcset %q", set)
	}
	if code := e.putRendition(lr.Token, h, small); code != 200 {
		t.Fatalf("rendition: %d", code)
	}
	if set := srcset(p); set != "" {
		t.Errorf("only the rendition: srcset %q (src alone says it)", set)
	}
	if code := e.upload(lr.Token, original, ""); code != 200 {
		t.Fatalf("original: %d", code)
	}
	want := "/media/" + h + " 1600w, /media/" + h + "?size=original 2400w"
	if set := srcset(p); set != want {
		t.Errorf("srcset %q, want %q", set, want)
	}
	portrait := fielddesk.Photo{Width: 1800, Height: 2400}
	if w := renditionWidth(portrait); w != 1200 {
		t.Errorf("a portrait photo's rendition is %d wide, want 1200", w)
	}
}

// putRendition files rendition as the rendition of the photo original.
func (e *env) putRendition(token, original string, rendition []byte) int {
	return e.upload(token, rendition, "&rendition_of="+original)
}

// upload sends a photo whole, in single chunks, with more query
// parameters; it returns the last status.
func (e *env) upload(token string, data []byte, query string) int {
	e.t.Helper()
	h := sum(data)
	code := 0
	for off := 0; off < len(data); off += wire.MaxChunkBytes {
		chunk := data[off:min(off+wire.MaxChunkBytes, len(data))]
		req, _ := http.NewRequest("PUT", e.url+"/v1/photos/"+h+"?offset="+strconv.Itoa(off)+"&size="+strconv.Itoa(len(data))+query, bytes.NewReader(chunk))
		req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Chunk-SHA256", sum(chunk))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		resp.Body.Close()
		if code = resp.StatusCode; code != 200 {
			break
		}
	}
	return code
}

// A published photo never tells where the correspondent stood: its EXIF
// (GPS), XMP and comments are left out of what the site serves.
func TestPublishedPhotosCarryNoLocation(t *testing.T) {
	e := newEnv(t)
	plain := noiseJPEG(t, 320, 240, 9)
	exif := append([]byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"), "GPS 22.6107N 103.6183E"...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
	com := append([]byte{0xFF, 0xFE, 0, 14}, "taken at Y Ty"[:12]...)
	withGPS := append(append(append([]byte{0xFF, 0xD8}, app1...), com...), plain[2:]...)
	p := e.publishWith("Ảnh có toạ độ", "Thời sự", withGPS)
	for _, q := range []string{"", "?size=original"} {
		code, _, body := e.fetch("/media/" + p.hash + q)
		if code != 200 || strings.Contains(body, "GPS") || strings.Contains(body, "taken at") {
			t.Errorf("/media%s: %d, metadata served (%d bytes)", q, code, len(body))
		}
		if !strings.HasSuffix(body, string(plain[len(plain)-1000:])) {
			t.Errorf("/media%s: the picture itself changed", q)
		}
	}
}
