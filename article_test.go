package fielddesk

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestWordCount(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"Xã vùng cao hoàn thành đường liên thôn", 8},
		{"(TTXVN) – Sau hai năm", 4}, // the dash is not a word
		{"  nhiều   khoảng\ttrắng\n", 3},
		{"Năm 2024, 12,5% hộ dân…", 5},
		{"- * • —", 0},
		{norm.NFD.String("Đảng bộ"), 2},
	} {
		if got := WordCount(tt.in); got != tt.want {
			t.Errorf("WordCount(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestArticleWordsSkipsPhotoMarkup(t *testing.T) {
	h := strings.Repeat("a", 64)
	a := Article{Sapo: "Hai từ.", Body: "Ba từ đây.\n\n![Chú thích dài không tính](photo:" + h + " \"Tác giả\")\n\nMột."}
	if got := a.Words(); got != 6 {
		t.Errorf("Words = %d, want 6 (sapo 2 + body 4, captions not counted)", got)
	}
}

func TestNormalized(t *testing.T) {
	h1, h2, h3 := strings.Repeat("1", 64), strings.Repeat("2", 64), strings.Repeat("3", 64)
	a := Article{
		Headline: "  Tít \n  nhiều   dòng ",
		Body:     "Thân\r\nbài\x07 ![b](photo:" + h2 + ") ![a](photo:" + h1 + ")\n\n\n",
		Tags:     []string{" a ", "", "a", norm.NFD.String("Việt"), "Việt"},
		Photos:   []Photo{{Hash: h1, Name: "1"}, {Hash: h2, Name: "2"}, {Hash: h3, Name: "unused"}},
	}.Normalized()
	if a.Headline != "Tít nhiều dòng" {
		t.Errorf("headline = %q", a.Headline)
	}
	if a.Body != "Thân\nbài ![b](photo:"+h2+") ![a](photo:"+h1+")" {
		t.Errorf("body = %q: want LF line ends, no control characters, no trailing space", a.Body)
	}
	if strings.Join(a.Tags, "|") != "a|Việt" {
		t.Errorf("tags = %q", a.Tags)
	}
	if a.Language != "vi" || a.Status != StatusDraft {
		t.Errorf("defaults: language %q status %q", a.Language, a.Status)
	}
	if len(a.Photos) != 2 || a.Photos[0].Hash != h2 || a.Photos[1].Hash != h1 {
		t.Errorf("photos = %+v, want the two the body uses, in body order", a.Photos)
	}
}

func TestValidate(t *testing.T) {
	ok := Article{Headline: "Tốt", Language: "vi", Status: StatusDraft}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid article: %v", err)
	}
	h := strings.Repeat("f", 64)
	bad := Article{
		Headline: strings.Repeat("x", MaxHeadlineRunes+1),
		Agency:   "TT\x01XVN",
		Language: "???",
		Status:   "published-ish",
		Body:     "![x](photo:" + h + ")",
	}
	err := bad.Validate()
	var verr *ValidationError
	if !errors.As(err, &verr) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want a ValidationError wrapping ErrInvalid", err)
	}
	fields := map[string]bool{}
	for _, p := range verr.Problems {
		fields[p.Field] = true
	}
	for _, f := range []string{"headline", "agency", "language", "status", "body"} {
		if !fields[f] {
			t.Errorf("no problem reported for %s in %v", f, err)
		}
	}
}

func TestIDs(t *testing.T) {
	a, b := NewID(), NewID()
	if a >= b {
		t.Errorf("IDs not increasing: %s then %s", a, b)
	}
	if _, err := ParseID(string(a)); err != nil {
		t.Error(err)
	}
	if _, err := ParseID("not-an-id"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseID(garbage) = %v", err)
	}
	if a.Time().IsZero() {
		t.Error("ID carries no time")
	}
}

func TestPhotoRefs(t *testing.T) {
	h1, h2 := strings.Repeat("a", 64), strings.Repeat("b", 64)
	got := PhotoRefs("![](photo:" + h2 + ") x ![](photo:" + h1 + ") ![](photo:" + h2 + ")")
	if len(got) != 2 || got[0] != h2 || got[1] != h1 {
		t.Errorf("PhotoRefs = %v", got)
	}
}

func TestSplitFigures(t *testing.T) {
	h := strings.Repeat("c", 64)
	body := "Một.\n\n![Chú thích \\] có ngoặc](photo:" + h + " \"Tác giả\")\n\nHai."
	text, captions := SplitFigures(body)
	if strings.Contains(text, h) || !strings.Contains(text, "Một.") || !strings.Contains(text, "Hai.") {
		t.Errorf("text = %q", text)
	}
	if len(captions) != 1 || captions[0] != "Chú thích ] có ngoặc" {
		t.Errorf("captions = %q", captions)
	}
}

func TestFigureMarkdownRoundTrip(t *testing.T) {
	f := Figure{Hash: strings.Repeat("d", 64), Caption: `Cầu [treo] "mới"\ qua suối`, Credit: `Nguyễn "A"`}
	got, ok := ParseFigure(f.Markdown())
	if !ok || got != f {
		t.Errorf("round trip: %+v %v from %q", got, ok, f.Markdown())
	}
	if _, ok := ParseFigure("Chữ thường, không phải ảnh."); ok {
		t.Error("a paragraph of text parsed as a figure")
	}
}

// No tab character is stored in prose: a tab inside a sentence or a
// caption becomes a space, one that indents a Markdown line (a nested
// list) four spaces, and a fenced code block keeps its tabs.
func TestNormalizedTakesTabsOut(t *testing.T) {
	a := Article{
		Headline: "Giá\tlúa",
		Sapo:     "(TTXVN) –\tGiá lúa tăng.",
		Body: "Đoạn\tmột.\n\n- Thu nhập\n\t- tăng\tnhanh\n\n![Cầu\ttreo](photo:" + strings.Repeat("a", 64) + ` "Ảnh:` + "\t" + `Nguyễn Văn A")` +
			"\n\n```\nif x {\n\treturn\n}\n```",
	}.Normalized()
	if a.Headline != "Giá lúa" || a.Sapo != "(TTXVN) – Giá lúa tăng." {
		t.Errorf("headline %q, sapo %q", a.Headline, a.Sapo)
	}
	want := "Đoạn một.\n\n- Thu nhập\n    - tăng nhanh\n\n![Cầu treo](photo:" + strings.Repeat("a", 64) + ` "Ảnh: Nguyễn Văn A")` +
		"\n\n```\nif x {\n\treturn\n}\n```"
	if a.Body != want {
		t.Errorf("body\n%q\nwant\n%q", a.Body, want)
	}
}
