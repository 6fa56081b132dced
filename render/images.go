package render

import (
	"regexp"
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// imageRe matches Markdown image syntax: ![alt](dest "title").
var imageRe = regexp.MustCompile(`!\[((?:[^\[\]\\]|\\.|\[[^\]]*\])*)\]\(\s*(<[^>\n]*>|[^\s)]+)((?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*)\)`)

// codeRanges returns the byte ranges of code blocks, code spans and raw HTML
// in body, where image syntax is only text.
func codeRanges(body []byte) [][2]int {
	root := markdown.Parser().Parse(text.NewReader(body))
	var out [][2]int
	addLines := func(n ast.Node) {
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			s := lines.At(i)
			out = append(out, [2]int{s.Start, s.Stop})
		}
	}
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			addLines(n)
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					out = append(out, [2]int{t.Segment.Start, t.Segment.Stop})
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func inRanges(ranges [][2]int, pos int) bool {
	for _, r := range ranges {
		if pos >= r[0] && pos < r[1] {
			return true
		}
	}
	return false
}

// ImageDestinations lists the destinations of the images in a Markdown body,
// in order, leaving out image syntax inside code.
func ImageDestinations(body string) []string {
	var out []string
	RewriteImageDestinations(body, func(dest string) string {
		out = append(out, dest)
		return dest
	})
	return out
}

// RewriteImageDestinations replaces each image destination in a Markdown
// body with what fn returns for it, leaving everything else, including image
// syntax inside code, byte for byte as it was.
func RewriteImageDestinations(body string, fn func(dest string) string) string {
	if !strings.Contains(body, "![") {
		return body
	}
	src := []byte(body)
	code := codeRanges(src)
	var b strings.Builder
	last := 0
	for _, m := range imageRe.FindAllStringSubmatchIndex(body, -1) {
		if inRanges(code, m[0]) {
			continue
		}
		dest := body[m[4]:m[5]]
		bare := strings.TrimSuffix(strings.TrimPrefix(dest, "<"), ">")
		repl := fn(bare)
		if repl == bare {
			continue
		}
		if strings.ContainsAny(repl, " ()<>") {
			repl = "<" + repl + ">"
		}
		b.WriteString(body[last:m[4]])
		b.WriteString(repl)
		last = m[5]
	}
	if last == 0 {
		return body
	}
	b.WriteString(body[last:])
	return b.String()
}
