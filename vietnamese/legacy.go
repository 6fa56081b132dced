package vietnamese

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	bamboo "github.com/BambooEngine/bamboo-core"
	"golang.org/x/text/unicode/norm"
)

// Encoding is a pre-Unicode way of writing Vietnamese that still arrives in
// pasted text and old files.
type Encoding string

// The legacy encodings FieldDesk reads.
const (
	TCVN3  Encoding = "tcvn3" // ABC, fonts .VnTime/.VnTimeH: one byte per letter
	VNIWin Encoding = "vni"   // VNI-Windows, fonts VNI-*: letter + mark character
	VIQR   Encoding = "viqr"  // ASCII marks after the letter: Vie^.t (RFC 1456)
)

// Encodings lists them in the order detection tries them.
var Encodings = []Encoding{TCVN3, VNIWin, VIQR}

var bambooNames = map[Encoding]string{TCVN3: "TCVN3 (ABC)", VNIWin: "VNI Windows", VIQR: "VIQR"}

// vietnameseLetters are every letter with a Vietnamese mark, both cases.
var vietnameseLetters = func() []rune {
	var out []rune
	for _, r := range "aăâeêioôơuưyđ" {
		if r == 'đ' {
			out = append(out, 'đ', 'Đ')
			continue
		}
		for _, tone := range []string{"", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"} {
			c := []rune(norm.NFC.String(string(r) + tone))[0]
			if c > unicode.MaxASCII {
				out = append(out, c, unicode.ToUpper(c))
			}
		}
	}
	return out
}()

// decodeTable maps a legacy spelling to its letter; keys sorted longest first.
type decodeTable struct {
	to   map[string]rune
	keys []string
}

var decoders = func() map[Encoding]decodeTable {
	m := map[Encoding]decodeTable{}
	for enc, name := range bambooNames {
		t := decodeTable{to: map[string]rune{}}
		// Upper case first, so that where TCVN3 writes both cases alike the
		// lower case wins (the capital is recovered from context later).
		for _, lower := range []bool{false, true} {
			for _, r := range vietnameseLetters {
				if unicode.IsLower(r) != lower {
					continue
				}
				code := bamboo.Encode(name, string(r))
				if code != string(r) {
					t.to[code] = r
				}
			}
		}
		if enc == VIQR {
			t.to["Dd"] = 'Đ' // as typed at the start of a sentence
		}
		for k := range t.to {
			t.keys = append(t.keys, k)
		}
		sort.Slice(t.keys, func(i, j int) bool { return len(t.keys[i]) > len(t.keys[j]) })
		m[enc] = t
	}
	return m
}()

// Decode converts text written in a legacy encoding to Unicode NFC. TCVN3
// cannot tell capitals with tone marks from small letters; Decode recovers
// them at the start of a sentence and in words written all in capitals.
// In VIQR a '.' or '?' after a vowel is a tone mark (see viqrFinalTone
// for one at the end of a word), so "Ta? bo^. thi., ba`" reads "Tả bộ
// thị, bà" while sentence punctuation stays punctuation; "\." and "\?"
// are always punctuation.
func Decode(text string, enc Encoding) string {
	out := decode(text, enc)
	if enc == TCVN3 {
		out = recoverCapitals(out)
	}
	return norm.NFC.String(out)
}

// decode converts text letter by letter, with no guessing of capitals.
func decode(text string, enc Encoding) string {
	t, ok := decoders[enc]
	if !ok {
		return text
	}
	var b strings.Builder
	wordStart := 0 // where the word being decoded began in b
	for i := 0; i < len(text); {
		matched := false
		for _, k := range t.keys {
			if !strings.HasPrefix(text[i:], k) {
				continue
			}
			if enc == VIQR && (strings.HasSuffix(k, ".") || strings.HasSuffix(k, "?")) {
				next, _ := utf8.DecodeRuneInString(text[i+len(k):])
				if !unicode.IsLetter(next) && !viqrFinalTone(b.String()[wordStart:], t.to[k], text[i+len(k):]) {
					continue
				}
			}
			if enc == VIQR && strings.EqualFold(k, "dd") && i > 0 {
				prev, _ := utf8.DecodeLastRuneInString(text[:i])
				if unicode.IsLetter(prev) {
					continue // "dd" starts a word: đ
				}
			}
			b.WriteRune(t.to[k])
			i += len(k)
			matched = true
			break
		}
		if !matched {
			r, n := utf8.DecodeRuneInString(text[i:])
			if enc == VIQR && r == '\\' && i+n < len(text) {
				// "\." is a literal dot.
				r2, n2 := utf8.DecodeRuneInString(text[i+n:])
				b.WriteRune(r2)
				i += n + n2
				wordStart = b.Len()
				continue
			}
			b.WriteRune(r)
			i += n
			if !unicode.IsLetter(r) {
				wordStart = b.Len()
			}
		}
	}
	return norm.NFC.String(b.String())
}

// viqrFinalTone decides whether a '.' or '?' that ends a VIQR word (word:
// the word decoded so far; toned: its last vowel with that tone; rest: the
// text after the mark) is a tone mark ("Ta?" Tả, "bo^." bộ, "thi.," thị,)
// or sentence punctuation ("ddi." đi.). It is punctuation when the word
// already has a tone (a syllable has one), when the result would not be a
// Vietnamese syllable, at the end of a line or of the text, before a
// closing quote or bracket or more punctuation ("ddaau?”", "kho^ng..."),
// and before a capital (a new sentence) unless the word is one of the
// common words that end in that tone and often come before a name ("o+?
// Ha` No^.i" ở Hà Nội, "bo^. Y te^'" bộ Y tế: viqrBeforeNames); a tone
// mark otherwise: before a lower-case word, a comma, a semicolon or a
// colon.
func viqrFinalTone(word string, toned rune, rest string) bool {
	whole := word + string(toned)
	if countToned([]rune(word)) > 0 || !IsSyllable(whole) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(rest)
	if rest == "" || strings.ContainsRune(".?!…\"”’'»)]}", first) {
		return false
	}
	after := strings.TrimLeft(rest, " \t")
	if after == "" || after[0] == '\n' || after[0] == '\r' {
		return false
	}
	next, _ := utf8.DecodeRuneInString(after)
	return !unicode.IsUpper(next) || viqrBeforeNames[strings.ToLower(whole)]
}

// viqrBeforeNames are common words that end in a hook or a dot tone and
// often come before a capital (a name, a place, an office): in VIQR their
// final '?' or '.' before a capital is a tone mark, not the end of a
// sentence.
var viqrBeforeNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`ở tả sở thủ chủ cử để đổ bổ cả tổ phủ kể chỉ mở bỏ nhỏ giả trả trẻ thể sử tử thử xử
		bộ thị hộ hạ họ sự bị tự vụ hệ chị cụ lộ mẹ tạ dạ lệ độ nợ chợ vợ sợ thợ trợ dự trụ phụ vị trị nhị nghị xạ`) {
		m[w] = true
	}
	return m
}()

// Encode writes Unicode text in a legacy encoding (for tests and for
// exchanging with old systems).
func Encode(text string, enc Encoding) string {
	return bamboo.Encode(bambooNames[enc], norm.NFC.String(text))
}

var wordRe = regexp.MustCompile(`[\p{L}\p{M}]+`)

// recoverCapitals restores TCVN3 capitals, which TCVN3 cannot write with
// a tone mark: a word whose letters TCVN3 could write in capitals are all
// capitals ("VIÖT" → "VIỆT") is all capitals; a word with only one such
// letter, a capital ("Hµ"), is all capitals only beside such a word (a
// headline in capitals), else it is a name ("Hà Nội", "Hồ Chí Minh"); a
// sentence starts with a capital.
func recoverCapitals(s string) string {
	type word struct {
		start, end int
		runes      []rune
		caps       int // 2: all capitals for sure, 1: could be either, 0: not
		newLine    bool
	}
	var words []word
	for _, m := range wordRe.FindAllStringIndex(s, -1) {
		w := word{start: m[0], end: m[1], runes: []rune(s[m[0]:m[1]])}
		upper, letters := 0, 0
		for _, r := range w.runes {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
		plain := letters - countToned(w.runes) // letters TCVN3 writes in either case
		switch {
		case upper >= 2 && upper == plain && upper < letters:
			w.caps = 2
		case upper == 1 && plain == 1 && letters >= 2:
			w.caps = 1
		case upper >= 2 && upper == letters:
			w.caps = 2 // already all capitals: a neighbour for the uncertain ones
		}
		words = append(words, w)
	}
	var b strings.Builder
	last := 0
	sentenceStart := true
	for i, w := range words {
		between := s[last:w.start]
		b.WriteString(between)
		if strings.ContainsAny(between, ".!?\n") {
			sentenceStart = true
		}
		sameLine := func(j int) bool {
			lo, hi := min(words[j].end, w.start), max(words[j].start, w.end)
			return !strings.Contains(s[lo:hi], "\n")
		}
		allCaps := w.caps == 2
		if w.caps == 1 {
			allCaps = i > 0 && words[i-1].caps == 2 && sameLine(i-1) || i+1 < len(words) && words[i+1].caps == 2 && sameLine(i+1)
		}
		switch {
		case allCaps:
			for k, r := range w.runes {
				w.runes[k] = unicode.ToUpper(r)
			}
		case sentenceStart && len(w.runes) > 0:
			w.runes[0] = unicode.ToUpper(w.runes[0])
		}
		b.WriteString(string(w.runes))
		sentenceStart = false
		last = w.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// countToned counts the letters TCVN3 writes alike in both cases (toned vowels).
func countToned(word []rune) int {
	n := 0
	for _, r := range word {
		d := norm.NFD.String(string(r))
		if strings.ContainsAny(d, "\u0300\u0301\u0303\u0309\u0323") {
			n++
		}
	}
	return n
}

// Detection is what Detect found: the encoding a piece of text seems to be
// in, how sure it is (0-1), and the part that looks legacy.
type Detection struct {
	Encoding Encoding
	Score    float64
	// Sample is the first line that looks legacy (to name it in a prompt).
	Sample string
}

// hasUnicodeVietnamese reports whether text holds letters only Unicode
// Vietnamese has (ă, đ, ơ, ư and the precomposed tone letters).
func hasUnicodeVietnamese(s string) bool {
	for _, r := range s {
		switch {
		case r == 0x102 || r == 0x103 || r == 0x110 || r == 0x111 || r == 0x1A0 || r == 0x1A1 || r == 0x1AF || r == 0x1B0:
			return true
		case r >= 0x1EA0 && r <= 0x1EF9:
			return true
		}
	}
	return false
}

var syllableRe = regexp.MustCompile(`^(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?(uyê|uya|oai|oay|oeo|uôi|ươi|ươu|iêu|yêu|uây|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|ue|uê|ui|uô|uy|uơ|ưa|ưi|ươ|ưu|yê|[aăâeêioôơuưy])(ch|ng|nh|[cmnpt])?$`)

// IsSyllable reports whether a word is spelled like a Vietnamese syllable.
func IsSyllable(word string) bool {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(word)) {
		switch r {
		case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
			continue // tones do not change the spelling's shape
		}
		b.WriteRune(r)
	}
	return syllableRe.MatchString(norm.NFC.String(b.String()))
}

// Detect says whether text looks like Vietnamese in a legacy encoding. It
// looks at each line apart, so Unicode text with a legacy paragraph inside
// is found, and names that paragraph. French, English or Unicode Vietnamese
// is not detected: a detection needs words that decode into Vietnamese
// syllables with marks, most of the words that changed doing so.
func Detect(text string) (Detection, bool) {
	best := Detection{}
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" || hasUnicodeVietnamese(line) {
			continue
		}
		for _, enc := range Encodings {
			score, evidence := decodeScore(line, enc)
			if evidence >= 2 && score > best.Score {
				best = Detection{Encoding: enc, Score: score, Sample: strings.TrimSpace(line)}
			}
		}
	}
	return best, best.Score >= 0.7
}

// decodeScore decodes a line and returns the share of changed words that
// became marked Vietnamese syllables, and how many did. A line whose words
// already read as Vietnamese syllables as they are ("góp", "ngày", "công",
// which use only Latin-1 letters) is Unicode, however well it decodes.
func decodeScore(line string, enc Encoding) (float64, int) {
	changed, good, asIs := 0, 0, 0
	for _, w := range strings.Fields(line) {
		w = strings.TrimFunc(w, func(r rune) bool {
			return unicode.IsPunct(r) && r != '\u00ad' && !(enc == VIQR && strings.ContainsRune("'`?~.^(+", r))
		})
		if w == "" {
			continue
		}
		d := decode(w, enc)
		if d == norm.NFC.String(w) {
			continue
		}
		changed++
		marked := func(x string) bool {
			x = strings.TrimFunc(x, func(r rune) bool { return !unicode.IsLetter(r) })
			return IsSyllable(x) && strings.IndexFunc(x, func(r rune) bool { return r > unicode.MaxASCII }) >= 0
		}
		if marked(d) {
			good++
		}
		if marked(norm.NFC.String(w)) {
			asIs++
		}
	}
	if changed == 0 || asIs*2 >= changed {
		return 0, 0
	}
	return float64(good) / float64(changed), good
}
