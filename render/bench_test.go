package render

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/yuin/goldmark"

	"github.com/fielddesk/fielddesk"
)

// longArticle is a 3,000-word article (testdata/long3000.md) with headings,
// nested emphasis, links, lists and tables.
func longArticle(tb testing.TB) fielddesk.Article {
	body, err := os.ReadFile("testdata/long3000.md")
	if err != nil {
		tb.Fatal(err)
	}
	a := fielddesk.Article{Headline: "Bài dài", Sapo: "Sapo.", Agency: "TTXVN", Byline: "Lê Thị B", Language: "vi", Body: string(body)}
	if n := a.Words(); n < 3000 {
		tb.Fatalf("long article has %d words, want at least 3000", n)
	}
	return a
}

// BenchmarkBareGoldmarkHTML is the baseline: goldmark's defaults, body only.
func BenchmarkBareGoldmarkHTML(b *testing.B) {
	src := []byte(longArticle(b).Body)
	md := goldmark.New()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if err := md.Convert(src, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArticleHTML parses the article and writes its <article> HTML.
func BenchmarkArticleHTML(b *testing.B) {
	a := longArticle(b)
	b.SetBytes(int64(len(a.Body)))
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Parse(a, time.Now()).ArticleHTML(&buf, HTMLOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBlocks parses the article and builds the preview's block tree.
func BenchmarkBlocks(b *testing.B) {
	a := longArticle(b)
	b.SetBytes(int64(len(a.Body)))
	for b.Loop() {
		Parse(a, time.Now()).Blocks()
	}
}
