package fielddesk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Differences between texts: the word diff people read, and the paragraph
// alignment the three-way merge stands on. Both use Myers' O(ND) algorithm
// over tokens; a Vietnamese word is written as syllables separated by
// spaces, so the tokens are syllables, never characters.

// DiffOp says what a span of a diff is.
type DiffOp int8

// The kinds of span.
const (
	DiffEqual DiffOp = iota
	DiffDelete
	DiffInsert
)

// DiffSpan is a run of text that both versions share, that only the old one
// has, or that only the new one has.
type DiffSpan struct {
	Op   DiffOp
	Text string
}

// WordDiff compares two texts word by word (syllable by syllable for
// Vietnamese; punctuation and spaces are tokens of their own) and returns
// the spans in reading order: equal, deleted (from old) and inserted (in new).
func WordDiff(old, new string) []DiffSpan {
	a, b := Tokens(old), Tokens(new)
	var out []DiffSpan
	var cur strings.Builder
	curOp := DiffEqual
	add := func(op DiffOp, toks []string) {
		if len(toks) == 0 {
			return
		}
		if op != curOp && cur.Len() > 0 {
			out = append(out, DiffSpan{curOp, cur.String()})
			cur.Reset()
		}
		curOp = op
		for _, t := range toks {
			cur.WriteString(t)
		}
	}
	i, j := 0, 0
	for _, p := range matchTokens(a, b) {
		add(DiffDelete, a[i:p[0]])
		add(DiffInsert, b[j:p[1]])
		add(DiffEqual, a[p[0]:p[0]+1])
		i, j = p[0]+1, p[1]+1
	}
	add(DiffDelete, a[i:])
	add(DiffInsert, b[j:])
	if cur.Len() > 0 {
		out = append(out, DiffSpan{curOp, cur.String()})
	}
	return out
}

// Tokens splits text into words (runs of letters, digits and combining
// marks), runs of white space, and single other characters, so that
// joining the tokens gives the text back.
func Tokens(s string) []string {
	var out []string
	start := 0
	kind := -1
	for i, r := range s {
		k := tokenKind(r)
		if i > start && (k != kind || k == 2) {
			out = append(out, s[start:i])
			start = i
		}
		kind = k
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func tokenKind(r rune) int {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == utf8.RuneError:
		return 0
	case unicode.IsSpace(r):
		return 1
	}
	return 2
}

// maxEditDistance bounds the work (and memory) of one diff: texts that
// differ in more tokens than this are compared as "all replaced" in the
// middle, after their common start and end.
const maxEditDistance = 2000

// matchTokens returns the pairs (i, j) with a[i] == b[j] of a longest common
// subsequence of a and b, in order.
func matchTokens(a, b []string) [][2]int {
	ids := map[string]int32{}
	intern := func(s []string) []int32 {
		out := make([]int32, len(s))
		for i, t := range s {
			id, ok := ids[t]
			if !ok {
				id = int32(len(ids))
				ids[t] = id
			}
			out[i] = id
		}
		return out
	}
	return matchInts(intern(a), intern(b))
}

func matchInts(a, b []int32) [][2]int {
	var pairs [][2]int
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pairs = append(pairs, [2]int{pre, pre})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	for _, p := range myers(a[pre:len(a)-suf], b[pre:len(b)-suf]) {
		pairs = append(pairs, [2]int{p[0] + pre, p[1] + pre})
	}
	for s := suf; s > 0; s-- {
		pairs = append(pairs, [2]int{len(a) - s, len(b) - s})
	}
	return pairs
}

// myers is Myers' greedy shortest-edit-script algorithm, keeping each
// round's frontier to walk the path back. It gives up (no pairs) past
// maxEditDistance.
func myers(a, b []int32) [][2]int {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return nil
	}
	limit := min(n+m, maxEditDistance)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int // trace[d] holds v[off-d .. off+d] before round d
	for d := 0; d <= limit; d++ {
		lo, hi := off-d, off+d+1
		if lo < 0 {
			lo = 0
		}
		trace = append(trace, append([]int(nil), v[lo:hi+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, off, d, n, m)
			}
		}
	}
	return nil
}

func backtrack(trace [][]int, off, last, n, m int) [][2]int {
	var rev [][2]int
	x, y := n, m
	for d := last; d >= 0; d-- {
		saved := trace[d]
		lo := off - d
		if lo < 0 {
			lo = 0
		}
		at := func(k int) int { return saved[off+k-lo] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		if d == 0 {
			px, py = 0, 0
		}
		for x > px && y > py {
			x--
			y--
			rev = append(rev, [2]int{x, y})
		}
		x, y = px, py
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// FieldDiff is the word diff of one field that differs between two
// versions of an article.
type FieldDiff struct {
	Field string
	Spans []DiffSpan
}

// DiffArticles compares two versions of an article field by field and
// returns the word diffs of the fields that differ, in reading order.
func DiffArticles(old, new Article) []FieldDiff {
	var out []FieldDiff
	add := func(name, a, b string) {
		if a != b {
			out = append(out, FieldDiff{name, WordDiff(a, b)})
		}
	}
	for _, f := range textFields {
		add(f.name, *f.of(&old), *f.of(&new))
	}
	add("tags", strings.Join(old.Tags, ", "), strings.Join(new.Tags, ", "))
	add("body", old.Body, new.Body)
	return out
}

// ChangeGist sums up what changed between two versions in a line's worth:
// the words added to and removed from every field, and the fields other
// than the body that changed.
func ChangeGist(old, new Article) (added, removed int, fields []string) {
	for _, d := range DiffArticles(old, new) {
		if d.Field != "body" {
			fields = append(fields, d.Field)
		}
		for _, s := range d.Spans {
			switch s.Op {
			case DiffInsert:
				added += WordCount(s.Text)
			case DiffDelete:
				removed += WordCount(s.Text)
			}
		}
	}
	return added, removed, fields
}
