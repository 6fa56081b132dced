package ui

import (
	"regexp"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/fielddesk/fielddesk"
)

// The diffs a person reads compare the body as it reads, not its
// Markdown: a photo is its caption and credit (not a hash), a heading,
// list or quote loses its marks, bold and italics their asterisks, a link
// shows its words and address. A change of formatting alone is said in a
// line of its own.

var (
	linkMarks     = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)\)`)
	emphasisMarks = regexp.MustCompile(`\*\*|__|\*|_`)
	lineMarks     = regexp.MustCompile(`^(#{1,6} |> ?|[-*+] )`)
)

// readableBody is a body's Markdown as it reads.
func readableBody(md string) string {
	paras := strings.Split(md, "\n\n")
	for i, p := range paras {
		if f, ok := fielddesk.ParseFigure(strings.TrimSpace(p)); ok {
			paras[i] = "[" + strings.TrimSpace(lang.L("Photo")+": "+f.Caption+" "+f.Credit) + "]"
			continue
		}
		lines := strings.Split(p, "\n")
		for j, l := range lines {
			mark := lineMarks.FindString(l)
			l = linkMarks.ReplaceAllString(l[len(mark):], "$1 ($2)")
			l = emphasisMarks.ReplaceAllString(l, "")
			if len(mark) == 2 && strings.ContainsAny(mark[:1], "-*+") {
				l = "• " + l // a list item keeps its bullet
			}
			lines[j] = l
		}
		paras[i] = strings.Join(lines, "\n")
	}
	return strings.Join(paras, "\n\n")
}

// readableDiff is DiffArticles over the bodies as they read, and whether
// the body's formatting changed where its reading did not.
func readableDiff(older, newer fielddesk.Article) (fields []fielddesk.FieldDiff, formatting bool) {
	a, b := older, newer
	a.Body, b.Body = readableBody(older.Body), readableBody(newer.Body)
	fields = fielddesk.DiffArticles(a, b)
	return fields, older.Body != newer.Body && a.Body == b.Body
}
