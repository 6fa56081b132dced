// Package longtext makes the long articles correspondents really file, for
// tests: statistics tables of election results or commune budgets, where
// nearly every cell is a word the search index has not seen, and bodies at
// the largest size the limits allow. Only tests import it.
package longtext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// communes are names a table repeats with a number, as district tables do.
var communes = []string{"Nậm Xe", "Pha Long", "Bản Lầu", "Mường Hum", "Tả Van", "Sín Chéng", "Lùng Phình", "Bát Xát", "Y Tý", "Dền Sáng"}

// Table returns a Markdown table of rows rows of commune results, about 27
// bytes a row, almost every cell a distinct word ("xã Nậm Xe 17", "12.345").
func Table(rows int) string {
	var b strings.Builder
	b.WriteString("| Xã | Cử tri | Đã bầu | Tỉ lệ |\n|---|---:|---:|---:|\n")
	for i := range rows {
		voters := 1000 + i*7
		voted := voters - i%97
		fmt.Fprintf(&b, "| %s %d | %d | %d | %d,%02d%% |\n", communes[i%len(communes)], i, voters, voted, voted*100/voters, (voted*10000/voters)%100)
	}
	return b.String()
}

// Body returns Vietnamese prose of exactly n bytes (n ≥ 64) in paragraphs,
// where every sentence carries a word of its own ("mã số 1234ab"), so the
// index of an article holding it has as many words as its size allows.
func Body(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i > 0 && i%8 == 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "Hồ sơ mã số %dx%x của xã %s đã được duyệt. ", i, i*31, communes[i%len(communes)])
	}
	s := b.String()[:n]
	for !utf8.ValidString(s) { // the cut fell inside a letter
		s = s[:len(s)-1]
	}
	return s + strings.Repeat(".", n-len(s))
}
