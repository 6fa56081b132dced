package ui

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/render"
)

var update = flag.Bool("update", false, "rewrite golden files")

// richMarkup writes segments in a compact text form for golden files.
func richMarkup(b *strings.Builder, segs []widget.RichTextSegment, indent string) {
	for _, s := range segs {
		switch s := s.(type) {
		case *widget.TextSegment:
			st := s.Style
			fmt.Fprintf(b, "%stext inline=%v size=%s color=%s bold=%v italic=%v %q\n", indent, st.Inline, st.SizeName, st.ColorName, st.TextStyle.Bold, st.TextStyle.Italic, s.Text)
		case *widget.HyperlinkSegment:
			fmt.Fprintf(b, "%slink %s %q\n", indent, s.URL, s.Text)
		case *widget.ListSegment:
			fmt.Fprintf(b, "%slist ordered=%v\n", indent, s.Ordered)
			richMarkup(b, s.Items, indent+"  ")
		case *widget.ParagraphSegment:
			fmt.Fprintf(b, "%sparagraph\n", indent)
			richMarkup(b, s.Texts, indent+"  ")
		case *widget.SeparatorSegment:
			fmt.Fprintf(b, "%sseparator\n", indent)
		case *figureSegment:
			fmt.Fprintf(b, "%sfigure file=%q %dx%d caption=%q credit=%q\n", indent, s.file, s.width, s.height, s.caption, s.credit)
		case *tableSegment:
			fmt.Fprintf(b, "%stable %q\n", indent, s.Textual())
		default:
			fmt.Fprintf(b, "%s%T %q\n", indent, s, s.Textual())
		}
	}
}

// TestPreviewGolden renders the renderer's own test cases (the ones its HTML
// golden files come from) into Fyne rich text, so preview and page are
// checked from the same inputs.
func TestPreviewGolden(t *testing.T) {
	test.NewTempApp(t)
	files, _ := filepath.Glob("../render/testdata/cases/*.json")
	if len(files) == 0 {
		t.Fatal("no render cases")
	}
	at := time.Date(2016, 8, 26, 12, 37, 0, 0, time.UTC)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var a fielddesk.Article
		if err := json.Unmarshal(data, &a); err != nil {
			t.Fatal(err)
		}
		doc := render.Parse(a, at)
		segs := segments(doc.Blocks(), a.Language, func(h string) string { return "thumbs/" + h[:8] + ".jpg" })
		var b strings.Builder
		richMarkup(&b, segs, "")
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		golden := filepath.Join("testdata", name+".richtext")
		if *update {
			os.MkdirAll("testdata", 0o755)
			os.WriteFile(golden, []byte(b.String()), 0o644)
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./ui -run PreviewGolden -update)", err)
		}
		if !bytes.Equal([]byte(b.String()), want) {
			t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", golden, b.String(), want)
		}
		// Drawing every segment must not fail.
		rt := widget.NewRichText(segs...)
		test.NewTempWindow(t, rt)
	}
}
