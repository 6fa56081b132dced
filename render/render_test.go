package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark/text"

	"github.com/fielddesk/fielddesk"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testTime is 19:37 on Friday 26 August 2016 in Hanoi.
var testTime = time.Date(2016, 8, 26, 12, 37, 0, 0, time.UTC)

func loadCase(t *testing.T, path string) fielddesk.Article {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a fielddesk.Article
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return a
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func cases(t *testing.T) []string {
	files, err := filepath.Glob("testdata/cases/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, path := range cases(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			doc := Parse(loadCase(t, path), testTime)
			var page bytes.Buffer
			if err := doc.ArticleHTML(&page, HTMLOptions{}); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", name+".html"), page.Bytes())
			golden(t, filepath.Join("testdata", name+".blocks"), []byte(Markup(doc.Blocks())))
		})
	}
}

var (
	tagRe   = regexp.MustCompile(`<[^>]*>`)
	figImg  = regexp.MustCompile(`<figure>\s*<img[^>]*>`)
	inlImg  = regexp.MustCompile(`<img[^>]*alt="([^"]*)"[^>]*>`)
	inlTag  = regexp.MustCompile(`</?(a|em|strong|code|del|span|time)\b[^>]*>`)
	spaceRe = regexp.MustCompile(`\s+`)
)

// TestPreviewTextEqualsHTMLText is the guard against drift: the words a reader
// sees in the published HTML are exactly the words the preview shows.
func TestPreviewTextEqualsHTMLText(t *testing.T) {
	for _, path := range cases(t) {
		doc := Parse(loadCase(t, path), testTime)
		var page bytes.Buffer
		doc.ArticleHTML(&page, HTMLOptions{})
		if got, want := normText(blockText(doc)), normText(pageText(page.String())); got != want {
			t.Errorf("%s: preview text and HTML text differ:\npreview: %s\nhtml:    %s", path, got, want)
		}
	}
}

// pageText is what a reader sees of a page: a figure's image shows as its
// caption, an inline image as its alt text.
func pageText(page string) string {
	h := strings.ReplaceAll(page, "<!-- raw HTML omitted -->", "")
	h = figImg.ReplaceAllString(h, " ")
	h = inlImg.ReplaceAllString(h, "$1")
	h = inlTag.ReplaceAllString(h, "")
	return html.UnescapeString(tagRe.ReplaceAllString(h, " "))
}

func blockText(doc *Document) string {
	var b strings.Builder
	writeText(&b, doc.Blocks(), doc.Article.Language)
	return b.String()
}

func normText(s string) string { return strings.TrimSpace(spaceRe.ReplaceAllString(s, " ")) }

func writeText(b *strings.Builder, blocks []Block, lang string) {
	for _, bl := range blocks {
		for _, s := range bl.Spans {
			b.WriteString(s.Text)
			if bl.Kind == BlockTags {
				b.WriteString(" ")
			}
		}
		b.WriteString(" ")
		if f := bl.Figure; f != nil {
			b.WriteString(f.Caption + " " + CreditLine(f.Credit, lang) + " ")
		}
		for _, it := range bl.Items {
			writeText(b, it, lang)
		}
		writeText(b, bl.Children, lang)
		for _, row := range bl.Rows {
			for _, cell := range row {
				for _, s := range cell {
					b.WriteString(s.Text)
				}
				b.WriteString(" ")
			}
		}
	}
}

func TestNoScriptReachesPage(t *testing.T) {
	doc := Parse(loadCase(t, "testdata/cases/script.json"), testTime)
	var page bytes.Buffer
	if err := doc.Page(&page, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	out := strings.ToLower(page.String())
	// The text around the hostile parts is there, shown as text: an empty
	// or cut page is no proof of anything.
	for _, want := range []string{"trước.", "giữa dòng", "bấm", "&lt;script&gt;alert(&#39;headline&#39;)&lt;/script&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"<script", "onerror", "javascript:"} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains %q:\n%s", bad, out)
		}
	}
	for _, bl := range doc.Blocks() {
		for _, s := range bl.Spans {
			if strings.Contains(s.Link, "javascript") {
				t.Errorf("preview keeps link %q", s.Link)
			}
		}
	}
}

func TestNestedEmphasis(t *testing.T) {
	doc := Parse(fielddesk.Article{Language: "vi", Body: "*a **b** c*"}, testTime)
	var para *Block
	for _, b := range doc.Blocks() {
		if b.Kind == BlockParagraph {
			para = &b
		}
	}
	want := []Span{{Text: "a ", Italic: true}, {Text: "b", Italic: true, Bold: true}, {Text: " c", Italic: true}}
	if para == nil || len(para.Spans) != len(want) {
		t.Fatalf("spans = %+v, want %+v", para, want)
	}
	for i := range want {
		if para.Spans[i] != want[i] {
			t.Errorf("span %d = %+v, want %+v", i, para.Spans[i], want[i])
		}
	}
}

func TestCreditLine(t *testing.T) {
	for _, tt := range []struct{ credit, lang, want string }{
		{"Nguyễn Văn A", "vi", "(Ảnh: Nguyễn Văn A)"},
		{"(Ảnh: Nguyễn Văn A)", "vi", "(Ảnh: Nguyễn Văn A)"},
		{"Ảnh: Nguyễn Văn A", "vi", "(Ảnh: Nguyễn Văn A)"},
		{"Reuters", "en", "(Photo: Reuters)"},
		{"Photo: AP", "en", "(Photo: AP)"},
		{"", "vi", ""},
	} {
		if got := CreditLine(tt.credit, tt.lang); got != tt.want {
			t.Errorf("CreditLine(%q, %s) = %q, want %q", tt.credit, tt.lang, got, tt.want)
		}
	}
}

// FuzzRender feeds arbitrary bodies through both outputs: no panic, no raw
// script in the page, and the preview's text always equals the page's.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"*a **b** c*", "<script>x</script>", "![a](photo:zz \"c\")", "| a |\n|---|\n| b |", "> q\n\n- l\n  1. n", "[x](javascript:y)"} {
		f.Add(s)
	}
	f.Add("0<A>0")
	f.Add("0[0]()0")
	f.Add("0*0*")
	f.Add(`\\! &amp; &#x41;`)
	f.Fuzz(func(t *testing.T, body string) {
		doc := Parse(fielddesk.Article{Language: "vi", Headline: "H", Body: body}, testTime)
		var page bytes.Buffer
		if err := doc.ArticleHTML(&page, HTMLOptions{}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(page.String()), "<script") {
			t.Fatalf("script reached the page:\n%s", page.String())
		}
		if src := []byte(body); !needsAutolinks(src) {
			var with bytes.Buffer
			newHTMLRenderer(&htmlRenderer{}).Render(&with, src, markdown.Parser().Parse(text.NewReader(src)))
			var without bytes.Buffer
			newHTMLRenderer(&htmlRenderer{}).Render(&without, src, markdownNoAutolinks.Parser().Parse(text.NewReader(src)))
			if with.String() != without.String() {
				t.Fatalf("autolinks change %q, but needsAutolinks said no", body)
			}
		}
		if got, want := normText(blockText(doc)), normText(pageText(page.String())); got != want {
			t.Fatalf("preview and page differ for %q:\npreview: %s\npage:    %s", body, got, want)
		}
	})
}

// TestAutolinkShortcutChangesNothing checks that parsing without the
// autolink extension, when needsAutolinks says so, gives the same page as
// parsing with it.
func TestAutolinkShortcutChangesNothing(t *testing.T) {
	bodies := []string{
		"Xem [Báo](https://baolaocai.vn) và [EVN](http://evn.com.vn).",
		"Không có địa chỉ nào ở đây.",
		"Địa chỉ trần https://example.org ở giữa câu.",
		"(www.example.org) và thư gửi toa.soan@example.org",
		"![ảnh](https://example.org/a.jpg)",
	}
	files, _ := filepath.Glob("testdata/cases/*.json")
	for _, f := range files {
		bodies = append(bodies, loadCase(t, f).Body)
	}
	long, _ := os.ReadFile("testdata/long3000.md")
	bodies = append(bodies, string(long))
	for _, body := range bodies {
		src := []byte(body)
		var with, without bytes.Buffer
		r := newHTMLRenderer(&htmlRenderer{})
		r.Render(&with, src, markdown.Parser().Parse(text.NewReader(src)))
		r = newHTMLRenderer(&htmlRenderer{})
		r.Render(&without, src, markdownNoAutolinks.Parser().Parse(text.NewReader(src)))
		if !needsAutolinks(src) && with.String() != without.String() {
			t.Errorf("needsAutolinks(%.40q) = false, but autolinks change the page:\n%s\n%s", body, with.String(), without.String())
		}
	}
	if needsAutolinks([]byte("Xem [Báo](https://baolaocai.vn).")) {
		t.Error("a link destination alone should not need autolinks")
	}
	if !needsAutolinks([]byte("Xem https://baolaocai.vn.")) {
		t.Error("a bare address needs autolinks")
	}
}

func TestAgencyTagNotDoubled(t *testing.T) {
	for _, tt := range []struct{ sapo, want string }{
		{"Nước sông Hồng dâng cao.", "(TTXVN) – "},
		{"(TTXVN) – Nước sông Hồng dâng cao.", ""},
	} {
		doc := Parse(fielddesk.Article{Agency: "TTXVN", Sapo: tt.sapo, Language: "vi"}, testTime)
		if got := doc.AgencyTag(); got != tt.want {
			t.Errorf("AgencyTag with sapo %q = %q, want %q", tt.sapo, got, tt.want)
		}
	}
}
