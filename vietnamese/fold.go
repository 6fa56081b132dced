package vietnamese

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldTable maps each precomposed Latin letter (à, ệ, Ữ…) to its bare
// lower-case base letter; it is built from Unicode's decompositions.
var foldTable = func() map[rune]rune {
	m := map[rune]rune{'đ': 'd', 'Đ': 'd'}
	for r := rune(0xC0); r <= 0x1EFF; r++ {
		d := []rune(norm.NFD.String(string(r)))
		if len(d) > 1 && d[0] < unicode.MaxASCII && unicode.IsLetter(d[0]) {
			m[r] = unicode.ToLower(d[0])
		}
	}
	return m
}()

// Fold returns s lower-cased with every diacritic removed and đ mapped to d,
// so "Đảng bộ", "dang bo" and the NFD or old-style-tone spellings of the same
// words compare equal. It is for matching only, never for storage.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch f, ok := foldTable[r]; {
		case ok:
			b.WriteRune(f)
		case unicode.Is(unicode.Mn, r):
			continue
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Words splits text into lower-case words (runs of letters and digits), in NFC.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(norm.NFC.String(text)), func(r rune) bool { return !IsWordRune(r) })
}

// IsWordRune reports whether r belongs to a word (a letter, digit or combining mark).
func IsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Slug turns a headline into the words of a web address: folded to ASCII
// ("Lũ quét ở Bát Xát" → "lu-quet-o-bat-xat"), other characters as single
// dashes, at most max bytes cut at a dash.
func Slug(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range Fold(norm.NFC.String(s)) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > max {
		whole := out[max] == '-' // the cut falls between words
		out = out[:max]
		if i := strings.LastIndexByte(out, '-'); !whole && i > 0 {
			out = out[:i]
		}
	}
	return out
}
