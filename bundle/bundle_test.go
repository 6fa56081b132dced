package bundle

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/fielddesk/fielddesk"
)

const example = `---
headline: "Xã vùng cao hoàn thành đường liên thôn"
sapo: "Sau hai năm vận động, người dân đã hiến đất làm đường."
agency: "TTXVN"
byline: "Lê Thị B"
category: "Nông thôn mới"
location: "Mường Khương, Lào Cai"
language: vi
tags: [giao thông, nông thôn mới]
---
Đoạn thân bài thứ nhất ...

![Người dân góp công làm đường bê tông.](photos/duong.jpg "Nguyễn Văn A")

Đoạn tiếp theo với ` + "`![không phải ảnh](x.jpg)`" + ` trong mã.
`

func TestParseExample(t *testing.T) {
	b, err := Parse([]byte(example))
	if err != nil {
		t.Fatal(err)
	}
	want := Meta{Headline: "Xã vùng cao hoàn thành đường liên thôn", Sapo: "Sau hai năm vận động, người dân đã hiến đất làm đường.",
		Agency: "TTXVN", Byline: "Lê Thị B", Category: "Nông thôn mới", Location: "Mường Khương, Lào Cai",
		Language: "vi", Tags: []string{"giao thông", "nông thôn mới"}}
	if !reflect.DeepEqual(b.Meta, want) {
		t.Errorf("meta = %+v\nwant %+v", b.Meta, want)
	}
	if !reflect.DeepEqual(b.Photos, []string{"photos/duong.jpg"}) {
		t.Errorf("photos = %q: the image inside code must not count", b.Photos)
	}
	hash := strings.Repeat("ab", 32)
	a, err := b.Article(map[string]fielddesk.Photo{"photos/duong.jpg": {Hash: hash, Name: "duong.jpg"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Body, "](photo:"+hash+` "Nguyễn Văn A")`) || !strings.Contains(a.Body, "`![không phải ảnh](x.jpg)`") {
		t.Errorf("body not rewritten as expected:\n%s", a.Body)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []string
	}{
		{"no front matter", "Chỉ có thân bài.\n", []string{"line 1", "---"}},
		{"unclosed", "---\nheadline: x\n", []string{"never closed"}},
		{"malformed", "---\nheadline: x\nsapo: [oops\n---\nBody\n", []string{"line"}},
		{"bad indentation", "---\nheadline: x\n  byline: y\n---\n", []string{"line 3"}},
		{"unknown keys", "---\nheadline: x\nauthor: y\nslug: z\n---\n", []string{`"author" (line 3)`, `"slug" (line 4)`}},
		{"not utf8", "---\nheadline: \"Vi\xeat\"\n---\n", []string{"line 2", "UTF-8"}},
		{"web photo", "---\nheadline: x\n---\n![a](https://example.org/a.jpg)\n", []string{"web address"}},
		{"bad id", "---\nid: 42\nheadline: x\n---\n", nil},
		{"tags not a list", "---\ntags: {a: b}\n---\n", []string{"line 2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse([]byte(tt.in))
			if err == nil {
				_, err = b.Article(nil)
			}
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("err = %v, want ErrFormat", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestParseNormalizesNFC(t *testing.T) {
	in := norm.NFD.String("---\nheadline: \"Đảng bộ\"\n---\nViệt Nam\n")
	b, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if b.Meta.Headline != "Đảng bộ" || b.Body != "Việt Nam\n" {
		t.Errorf("got %q / %q, want NFC", b.Meta.Headline, b.Body)
	}
}

func TestWriteThenParseRoundTrip(t *testing.T) {
	hash := strings.Repeat("cd", 32)
	a := fielddesk.Article{
		ID: fielddesk.NewID(), Created: time.Date(2024, 5, 1, 2, 3, 4, 0, time.UTC),
		Headline: `Tít có "ngoặc" và: dấu hai chấm`, Sapo: "Sapo.", Agency: "TTXVN", Byline: "Lê Thị B",
		Category: "Xã hội", Location: "Sa Pa", Language: "vi", Tags: []string{"a", "b c"}, Status: fielddesk.StatusDraft, Urgency: 2,
		Body:   "Một.\n\n![Chú thích (có ngoặc)](photo:" + hash + " \"Nguyễn Văn A\")\n\nHai.",
		Photos: []fielddesk.Photo{{Hash: hash, Name: "ảnh đẹp.jpg"}},
	}
	names := PhotoNames(a.Photos)
	data, err := Write(a, names)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if !reflect.DeepEqual(b.Photos, []string{"photos/ảnh đẹp.jpg"}) {
		t.Fatalf("photos = %q\n%s", b.Photos, data)
	}
	back, err := b.Article(map[string]fielddesk.Photo{"photos/ảnh đẹp.jpg": a.Photos[0]})
	if err != nil {
		t.Fatal(err)
	}
	back = back.Normalized()
	if !reflect.DeepEqual(back, a.Normalized()) {
		t.Errorf("round trip changed the article:\n got %+v\nwant %+v\n%s", back, a.Normalized(), data)
	}
}

func TestPhotoNamesAvoidClashes(t *testing.T) {
	got := PhotoNames([]fielddesk.Photo{{Hash: "1", Name: "a.jpg"}, {Hash: "2", Name: "dir/a.jpg"}, {Hash: "3", Name: `C:\x\a.jpg`}})
	want := map[string]string{"1": "photos/a.jpg", "2": "photos/a-2.jpg", "3": "photos/a-3.jpg"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(example))
	f.Add([]byte("---\nheadline: x\n---\n"))
	f.Add([]byte("---\n: :\n---\n![a](<b c.jpg> 'x')"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		if !norm.NFC.IsNormalString(b.Body) || !norm.NFC.IsNormalString(b.Meta.Headline) {
			t.Fatalf("parsed text is not NFC")
		}
		photos := map[string]fielddesk.Photo{}
		for i, p := range b.Photos {
			photos[p] = fielddesk.Photo{Hash: strings.Repeat(string(rune('a'+i%6)), 64), Name: "p.jpg"}
		}
		a, err := b.Article(photos)
		if err != nil {
			return
		}
		// Writing what was read and reading it again must give the same article.
		names := PhotoNames(a.Normalized().Photos)
		out, err := Write(a.Normalized(), names)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("re-reading written bundle: %v\n%s", err, out)
		}
		byName := map[string]fielddesk.Photo{}
		for _, p := range a.Normalized().Photos {
			byName[names[p.Hash]] = p
		}
		a2, err := again.Article(byName)
		if err != nil {
			t.Fatalf("the written bundle's article: %v\n%s", err, out)
		}
		want := a.Normalized()
		got := a2.Normalized()
		got.ID, got.Created, want.ID, want.Created = "", time.Time{}, "", time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("an article changed on its way through a bundle:\n%+v\n%+v\n%s", want, got, out)
		}
	})
}
