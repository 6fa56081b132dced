package ui

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/yuin/goldmark"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/render"
)

// articleText makes a body of about n words in paragraphs of 100.
func articleText(n int) string {
	words := strings.Fields("người dân xã vùng cao góp công làm đường bê tông liên thôn năm nay huyện Mường Khương tỉnh Lào Cai mưa lũ sạt lở")
	var paras []string
	for i := 0; i < n; i += 100 {
		var p []string
		for k := 0; k < 100 && i+k < n; k++ {
			p = append(p, words[(i+k)%len(words)])
		}
		paras = append(paras, strings.Join(p, " ")+".")
	}
	return strings.Join(paras, "\n\n")
}

// benchKeystroke types one letter into the body editor, with the block
// editor (stock=false) or one word-wrapped multi-line Entry (stock=true), in
// an 800×600 test window. With paint, the window is then drawn by the test
// driver's software painter, as in the second measurement in notes/fyne.md.
func benchKeystroke(b *testing.B, words int, stock, paint bool) {
	test.NewTempApp(b)
	text := articleText(words)
	var target fyne.Focusable
	var content fyne.CanvasObject
	shown := func() {}
	if stock {
		e := widget.NewMultiLineEntry()
		e.Wrapping = fyne.TextWrapWord
		e.SetText(text)
		target, content = e, e
	} else {
		ed := newBodyEditor(nil, nil)
		ed.SetText(text)
		sc := container.NewVScroll(ed.box)
		ed.attachScroll(sc)
		ed.focused = ed.FirstText()
		target, content = ed.FirstText(), sc
		shown = ed.updateVisible
	}
	w := test.NewTempWindow(b, content)
	w.Resize(fyne.NewSize(800, 600))
	shown()
	c := w.Canvas()
	c.Focus(target)
	capture := c.(test.WindowlessCanvas).Capture
	capture()
	// Words and spaces, as typed: each new word is a step of the body's
	// undo history.
	typing := []rune("giá lúa tăng ")
	i := 0
	b.ResetTimer()
	for b.Loop() {
		target.TypedRune(typing[i%len(typing)])
		i++
		if paint {
			capture()
		}
	}
}

func BenchmarkKeystroke(b *testing.B) {
	for _, paint := range []bool{false, true} {
		mode := "key"
		if paint {
			mode = "key+paint"
		}
		for _, words := range []int{1000, 3000, 6000} {
			b.Run(fmt.Sprintf("%s/blocks/%d", mode, words), func(b *testing.B) { benchKeystroke(b, words, false, paint) })
			b.Run(fmt.Sprintf("%s/stock/%d", mode, words), func(b *testing.B) { benchKeystroke(b, words, true, paint) })
		}
	}
}

func longArticle(b *testing.B) fielddesk.Article {
	body, err := os.ReadFile("../render/testdata/long3000.md")
	if err != nil {
		b.Fatal(err)
	}
	return fielddesk.Article{Headline: "Bài dài", Sapo: "Sapo.", Agency: "TTXVN", Byline: "Lê Thị B", Language: "vi", Body: string(body)}
}

// BenchmarkPreviewRichText renders the 3,000-word article into the preview's
// Fyne rich text segments (parse, block tree, segments).
func BenchmarkPreviewRichText(b *testing.B) {
	a := longArticle(b)
	noThumb := func(string) string { return "" }
	for b.Loop() {
		doc := render.Parse(a, time.Now())
		segments(doc.Blocks(), a.Language, noThumb)
	}
}

// BenchmarkBareGoldmarkHTML is the same baseline as in render, for a ratio
// measured in one run.
func BenchmarkBareGoldmarkHTML(b *testing.B) {
	src := []byte(longArticle(b).Body)
	md := goldmark.New()
	for b.Loop() {
		md.Convert(src, io.Discard)
	}
}
