package desk

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/photo"
	"github.com/fielddesk/fielddesk/vietnamese"
)

func openDesk(t *testing.T) *Desk {
	t.Helper()
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func writeJPEG(t *testing.T, path string, w, h int, shade uint8) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = shade + uint8(i%7)
	}
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

const bundleText = `---
headline: "Xã vùng cao hoàn thành đường liên thôn"
sapo: "Sau hai năm vận động, người dân đã hiến đất làm đường."
agency: "TTXVN"
byline: "Lê Thị B"
category: "Nông thôn mới"
location: "Mường Khương, Lào Cai"
language: vi
tags: [giao thông, nông thôn mới]
---
Đoạn thân bài thứ nhất.

![Người dân góp công làm đường bê tông.](photos/duong.jpg "Nguyễn Văn A")

Đoạn tiếp theo.

![Cây cầu mới.](photos/cau.jpg "Trần Văn C")
`

func writeBundle(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "photos", "duong.jpg"), 64, 48, 10)
	writeJPEG(t, filepath.Join(dir, "photos", "cau.jpg"), 48, 64, 90)
	path := filepath.Join(dir, "bai.md")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportExportImportRoundTrip(t *testing.T) {
	d := openDesk(t)
	ctx := context.Background()
	r1, err := d.Import(ctx, writeBundle(t, bundleText), LegacyAsk)
	if err != nil {
		t.Fatal(err)
	}
	a := r1.Article
	if len(a.Photos) != 2 || a.Photos[0].Name != "duong.jpg" || a.Photos[0].Width != 64 {
		t.Fatalf("photos = %+v", a.Photos)
	}
	for _, p := range a.Photos {
		if _, err := os.Stat(d.PhotoPath(p.Hash)); err != nil {
			t.Errorf("photo %s not stored", p.Name)
		}
		thumb, err := d.Thumbnail(ctx, p.Hash)
		if err != nil {
			t.Errorf("thumbnail: %v", err)
		} else if _, err := os.Stat(thumb); err != nil {
			t.Errorf("thumbnail not cached: %v", err)
		}
	}
	out := filepath.Join(t.TempDir(), "xuat", "bai.md")
	if err := d.Export(ctx, a.ID, ExportOptions{Format: FormatMarkdown, Out: out}, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"duong.jpg", "cau.jpg"} {
		if _, err := os.Stat(filepath.Join(filepath.Dir(out), "photos", name)); err != nil {
			t.Errorf("exported bundle lacks photos/%s", name)
		}
	}
	r2, err := d.Import(ctx, out, LegacyAsk)
	if err != nil {
		t.Fatal(err)
	}
	if r2.ID != r1.ID {
		t.Errorf("re-importing an unchanged export made a new revision %s (was %s)", r2.ID, r1.ID)
	}
	if !reflect.DeepEqual(r2.Article, r1.Article) {
		t.Errorf("round trip changed the article:\n got %+v\nwant %+v", r2.Article, r1.Article)
	}
	// A fresh desk importing the export gets the very same article.
	d2 := openDesk(t)
	r3, err := d2.Import(ctx, out, LegacyAsk)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r3.Article, r1.Article) {
		t.Errorf("import into another desk differs:\n got %+v\nwant %+v", r3.Article, r1.Article)
	}
}

func TestImportWithIDAddsRevision(t *testing.T) {
	d := openDesk(t)
	ctx := context.Background()
	r1, err := d.Import(ctx, writeBundle(t, bundleText), LegacyAsk)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(bundleText, "---\nheadline:", "---\nid: "+string(r1.Article.ID)+"\nheadline:", 1)
	edited = strings.Replace(edited, "Đoạn tiếp theo.", "Đoạn tiếp theo, đã sửa.", 1)
	r2, err := d.Import(ctx, writeBundle(t, edited), LegacyAsk)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Article.ID != r1.Article.ID || r2.Base != r1.ID {
		t.Fatalf("second import = article %s base %s; want a revision of %s on %s", r2.Article.ID, r2.Base, r1.Article.ID, r1.ID)
	}
	if !r2.Article.Created.Equal(r1.Article.Created) {
		t.Errorf("created changed from %v to %v", r1.Article.Created, r2.Article.Created)
	}
	list, _ := d.List(ctx)
	if len(list) != 1 || list[0].Revisions != 2 {
		t.Errorf("list = %+v, want one article with two revisions", list)
	}
}

func TestImportRefusesAndWritesNothing(t *testing.T) {
	notImage := func(t *testing.T, dir string) {
		os.WriteFile(filepath.Join(dir, "photos", "duong.jpg"), []byte("GIF? no, text"), 0o644)
	}
	tests := []struct {
		name  string
		text  string
		setup func(t *testing.T, dir string)
		is    error
		want  string
	}{
		{"missing photo", strings.Replace(bundleText, "photos/cau.jpg", "photos/khong-co.jpg", 1), nil, nil, "khong-co.jpg"},
		{"not an image", bundleText, notImage, photo.ErrNotImage, "duong.jpg"},
		{"unknown key", strings.Replace(bundleText, "language: vi", "language: vi\nslug: x", 1), nil, nil, `"slug"`},
		{"bad language", strings.Replace(bundleText, "language: vi", "language: \"??\"", 1), nil, fielddesk.ErrInvalid, "language"},
		{"not utf8", strings.Replace(bundleText, "Đoạn tiếp theo.", "\xff\xfe", 1), nil, nil, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openDesk(t)
			path := writeBundle(t, tt.text)
			if tt.setup != nil {
				tt.setup(t, filepath.Dir(path))
			}
			_, err := d.Import(context.Background(), path, LegacyAsk)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %s", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.is)
			}
			if list, _ := d.List(context.Background()); len(list) != 0 {
				t.Errorf("a failed import left %d articles", len(list))
			}
		})
	}
}

func TestExportHTMLAndNinJS(t *testing.T) {
	d := openDesk(t)
	ctx := context.Background()
	r, err := d.Import(ctx, writeBundle(t, bundleText), LegacyAsk)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "bai.html")
	if err := d.Export(ctx, r.Article.ID, ExportOptions{Format: FormatHTML, Out: page}, nil); err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(page)
	for _, want := range []string{`<img src="photos/duong.jpg"`, `<span class="credit">(Ảnh: Nguyễn Văn A)</span>`, `class="sapo"`, `class="byline"`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "photos", "duong.jpg")); err != nil {
		t.Errorf("photo not beside the page")
	}
	var embedded bytes.Buffer
	if err := d.Export(ctx, r.Article.ID, ExportOptions{Format: FormatHTML}, &embedded); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(embedded.String(), `<img src="data:image/jpeg;base64,`) {
		t.Errorf("a page on stdout must embed its photos")
	}
	var nj bytes.Buffer
	if err := d.Export(ctx, r.Article.ID, ExportOptions{Format: FormatNinJS}, &nj); err != nil {
		t.Fatal(err)
	}
	var item map[string]any
	if err := json.Unmarshal(nj.Bytes(), &item); err != nil {
		t.Fatal(err)
	}
	if item["uri"] != "urn:fielddesk:article:"+string(r.Article.ID) || len(item["associations"].([]any)) != 2 {
		t.Errorf("ninjs = %s", nj.String())
	}
	if err := d.Export(ctx, r.Article.ID, ExportOptions{Format: FormatMarkdown}, &nj); err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("md with photos to stdout: %v, want a hint about --out", err)
	}
	if err := d.Export(ctx, r.Article.ID, ExportOptions{Format: "pdf"}, &nj); err == nil || !strings.Contains(err.Error(), "pdf") {
		t.Errorf("unknown format: %v", err)
	}
}

func TestImportLegacyText(t *testing.T) {
	want := "Người dân đã hiến đất làm đường liên thôn."
	text := strings.Replace(bundleText, "Đoạn tiếp theo.", vietnamese.Encode(want, vietnamese.TCVN3), 1)
	ctx := context.Background()

	d := openDesk(t)
	_, err := d.Import(ctx, writeBundle(t, text), LegacyAsk)
	if !errors.Is(err, ErrLegacyText) || !strings.Contains(err.Error(), "tcvn3") || !strings.Contains(err.Error(), "--legacy convert") {
		t.Fatalf("ask: %v", err)
	}
	if list, _ := d.List(ctx); len(list) != 0 {
		t.Fatal("a refused import wrote an article")
	}
	r, err := d.Import(ctx, writeBundle(t, text), LegacyConvert)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Article.Body, want) || len(r.Article.Photos) != 2 {
		t.Errorf("converted body = %q (%d photos)", r.Article.Body, len(r.Article.Photos))
	}
	kept, err := openDesk(t).Import(ctx, writeBundle(t, text), LegacyKeep)
	if err != nil || !strings.Contains(kept.Article.Body, vietnamese.Encode(want, vietnamese.TCVN3)) {
		t.Errorf("keep: %v", err)
	}
}

func TestDocumentedExampleImports(t *testing.T) {
	r, err := openDesk(t).Import(context.Background(), "../docs/example/bai-viet.md", LegacyAsk)
	if err != nil {
		t.Fatalf("the example in docs/ does not import: %v", err)
	}
	if len(r.Article.Photos) != 2 || r.Article.Agency != "TTXVN" {
		t.Errorf("example article = %+v", r.Article)
	}
}

// A page or ninjs made to share leaves the photos' metadata out (a phone's
// GPS position of the correspondent); a bundle keeps the originals whole.
func TestSharedExportsLeaveLocationOut(t *testing.T) {
	d := openDesk(t)
	ctx := context.Background()
	path := writeBundle(t, bundleText)
	photo := filepath.Join(filepath.Dir(path), "photos", "duong.jpg")
	plain, _ := os.ReadFile(photo)
	exif := append([]byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"), "GPS 22.6107N 103.6183E"...)
	app1 := append([]byte{0xFF, 0xE1, 0, byte(len(exif) + 2)}, exif...)
	os.WriteFile(photo, append(append([]byte{0xFF, 0xD8}, app1...), plain[2:]...), 0o644)
	r, err := d.Import(ctx, path, LegacyAsk)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		format string
		gps    bool
	}{{FormatHTML, false}, {FormatNinJS, false}, {FormatMarkdown, true}} {
		dir := t.TempDir()
		if err := d.Export(ctx, r.Article.ID, ExportOptions{Format: c.format, Out: filepath.Join(dir, "bai."+c.format)}, nil); err != nil {
			t.Fatal(err)
		}
		out, err := os.ReadFile(filepath.Join(dir, "photos", "duong.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Contains(out, []byte("GPS")); got != c.gps {
			t.Errorf("%s export: GPS in the photo = %v, want %v", c.format, got, c.gps)
		}
	}
	var page bytes.Buffer
	if err := d.Export(ctx, r.Article.ID, ExportOptions{Format: FormatHTML}, &page); err != nil {
		t.Fatal(err)
	}
	if i := strings.Index(page.String(), "data:image/jpeg;base64,"); i < 0 {
		t.Fatal("no embedded photo")
	} else {
		data := page.String()[i+len("data:image/jpeg;base64,"):]
		data = data[:strings.IndexByte(data, '"')]
		raw, _ := base64.StdEncoding.DecodeString(data)
		if bytes.Contains(raw, []byte("GPS")) || len(raw) == 0 {
			t.Errorf("the embedded photo carries its GPS (%d bytes)", len(raw))
		}
	}
}

// A bundle saved by Notepad on Windows (a BOM, CRLF line ends, photos named
// with backslashes) imports as the same article as the one written on Linux.
func TestWindowsWrittenBundleImports(t *testing.T) {
	d := openDesk(t)
	ctx := context.Background()
	windows := "\ufeff" + strings.ReplaceAll(strings.ReplaceAll(bundleText, "photos/", `photos\`), "\n", "\r\n")
	r, err := d.Import(ctx, writeBundle(t, windows), LegacyAsk)
	if err != nil {
		t.Fatalf("a Windows-written bundle: %v", err)
	}
	want, err := d.Import(ctx, writeBundle(t, bundleText), LegacyAsk)
	if err != nil {
		t.Fatal(err)
	}
	a, b := r.Article, want.Article
	if a.Headline != b.Headline || a.Sapo != b.Sapo || a.Body != b.Body || len(a.Photos) != 2 || a.Photos[0].Hash != b.Photos[0].Hash {
		t.Errorf("imported from Windows:\n%+v\nwant as from Linux:\n%+v", a, b)
	}
	if strings.Contains(a.Body, "\r") {
		t.Error("a carriage return stayed in the body")
	}
}
