package vietnamese

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The spell check knows no words: it knows how a Vietnamese syllable is
// built (an onset, a rhyme of medial, nucleus and coda, one tone) and the
// rules of its spelling (k before i/e/ê/y, gh and ngh before i/e/ê, qu for
// a medial after k, no hỏi or ngã on a rhyme ending in p, t, c or ch; a
// tone on a vowel of the rhyme, never on its final i/y/o/u). A syllable
// that breaks them cannot be Vietnamese, whatever the dictionary: that is
// what it flags, offline, with no word list to download. It leaves alone
// what is not meant as Vietnamese: names and acronyms (capitals), words
// with digits, addresses, the person's own words, and words without any
// Vietnamese mark that no mark could make Vietnamese ("email", "online").

// Misspelling is a word of a text that cannot be Vietnamese: where it is
// (byte offsets), and the likeliest fixes, best first (none when no fix
// is clear).
type Misspelling struct {
	Start, End  int
	Word        string
	Suggestions []string
}

// Speller checks texts for syllables that cannot be Vietnamese. Its
// methods are safe for concurrent use once it is made.
type Speller struct {
	ignore map[string]bool // the person's own words, lower case, NFC
}

// NewSpeller returns a Speller that leaves the words of own alone (names,
// foreign words the person added).
func NewSpeller(own []string) *Speller {
	s := &Speller{ignore: map[string]bool{}}
	for _, w := range own {
		if w = strings.TrimSpace(w); w != "" {
			s.ignore[strings.ToLower(norm.NFC.String(w))] = true
		}
	}
	return s
}

// Check returns the words of text that cannot be Vietnamese, in order.
func (s *Speller) Check(text string) []Misspelling {
	words := scanWords(text)
	var out []Misspelling
	for k, w := range words {
		word := text[w.start:w.end]
		if s.skip(text, w.start, w.end, word, w.atStart) {
			continue
		}
		// Beside a word with Vietnamese marks on its line, a word without
		// any is meant as Vietnamese too; in an English phrase it is not.
		amid := k > 0 && words[k-1].line == w.line && words[k-1].marked ||
			k+1 < len(words) && words[k+1].line == w.line && words[k+1].marked
		if sug, bad := s.checkWord(word, amid); bad {
			out = append(out, Misspelling{Start: w.start, End: w.end, Word: word, Suggestions: sug})
		}
	}
	return out
}

// scanned is a word of a text: where it is, whether a sentence starts with
// it, its line, and whether it has Vietnamese marks.
type scanned struct {
	start, end, line int
	atStart, marked  bool
}

func scanWords(text string) []scanned {
	var out []scanned
	sentenceStart := true
	line := 0
	inCode := false // inside a Markdown code span: not prose
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isLetterOrMark(r) {
			switch {
			case r == '`':
				inCode = !inCode
			case r == '\n':
				line++
				sentenceStart = true
				if i+n < len(text) && text[i+n] == '\n' {
					inCode = false // a code span ends with its paragraph
				}
			case r == '.' || r == '!' || r == '?' || r == ':':
				sentenceStart = true
			case r == '#' || r == '*' || r == '>' || r == '-' || r == '–' || r == '(' || r == '"' || r == '“' || r == '[' || unicode.IsSpace(r):
				// Markdown marks and openings keep the sentence's start.
			default:
				sentenceStart = false
			}
			i += n
			continue
		}
		start := i
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !isLetterOrMark(r) {
				break
			}
			i += n
		}
		if inCode {
			continue
		}
		w := scanned{start: start, end: i, line: line, atStart: sentenceStart}
		w.marked = hasVietnameseMarks(strings.ToLower(norm.NFC.String(text[start:i])))
		out = append(out, w)
		sentenceStart = false
	}
	return out
}

func isLetterOrMark(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) }

// skip says whether a word is not meant as Vietnamese: part of an address
// or a token with digits, a name or an acronym, or one of the person's.
func (s *Speller) skip(text string, start, end int, word string, atStart bool) bool {
	// The whole token between spaces: addresses, codes and hashes.
	ts, te := start, end
	for ts > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:ts])
		if unicode.IsSpace(r) || r == '(' || r == '[' {
			break
		}
		ts -= n
	}
	for te < len(text) {
		r, n := utf8.DecodeRuneInString(text[te:])
		if unicode.IsSpace(r) || r == ')' || r == ']' {
			break
		}
		te += n
	}
	token := text[ts:te]
	if strings.ContainsAny(token, "0123456789@_/\\=") || strings.Contains(token, "www.") {
		return true
	}
	if s.ignore[strings.ToLower(norm.NFC.String(word))] {
		return true
	}
	for _, r := range word {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return true // Chinese, Russian, Lao…: not meant as Vietnamese
		}
	}
	upper := 0
	for _, r := range word {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	first, _ := utf8.DecodeRuneInString(word)
	switch {
	case upper > 1:
		return true // an acronym (UBND, TTXVN) or a brand (iPhone)
	case unicode.IsUpper(first) && !atStart:
		return true // a name: Vietnamese names are checked only where a sentence starts
	case upper == 1 && !unicode.IsUpper(first):
		return true // iPhone, eMagazine
	}
	return false
}

// checkWord says whether word cannot be Vietnamese, and how to fix it.
// amid: the words beside it are Vietnamese (a word without marks there is
// meant as Vietnamese too).
func (s *Speller) checkWord(word string, amid bool) ([]string, bool) {
	lower := strings.ToLower(norm.NFC.String(word))
	sy, ok := parseMarks(lower)
	if ok && sy.valid() {
		return nil, false
	}
	marked := hasVietnameseMarks(lower)
	if !marked {
		// No mark at all: a Telex word typed with the typing off ("tieesng":
		// two keys or more turned into marks), a word missing its marks, or
		// a foreign word left alone; only amid Vietnamese words.
		if !amid {
			return nil, false
		}
		// Telex takes one tone key a word ("virus" has two: not Telex).
		toneKeys := strings.Count(lower, "s") + strings.Count(lower, "f") + strings.Count(lower, "r") + strings.Count(lower, "x") + strings.Count(lower, "j")
		t := telex(lower)
		consumed := utf8.RuneCountInString(lower) - utf8.RuneCountInString(t)
		// Two keys turned into marks, or in a longer word one that made a
		// vowel mark (khoong, nhuwng): English words seldom do either.
		if toneKeys <= 1 && (consumed >= 2 || consumed == 1 && len(lower) >= 5 && strings.ContainsAny(t, "ăâêôơưđ")) {
			if ts, ok := parseMarks(t); ok && ts.valid() {
				return []string{matchCase(word, t)}, true
			}
		}
		if fixes := addMarks(lower); len(fixes) > 0 {
			return caseAll(word, fixes), true
		}
		if fix := repairPlain(lower); fix != "" {
			return []string{matchCase(word, fix)}, true
		}
		return nil, false
	}
	return caseAll(word, suggest(lower)), true
}

// IsVietnameseSyllable reports whether word is spelled as a Vietnamese
// syllable can be (marks and tone included).
func IsVietnameseSyllable(word string) bool {
	sy, ok := parseMarks(strings.ToLower(norm.NFC.String(word)))
	return ok && sy.valid()
}

// The five tones' combining marks.
const (
	toneGrave = '\u0300' // huyền
	toneAcute = '\u0301' // sắc
	toneTilde = '\u0303' // ngã
	toneHook  = '\u0309' // hỏi
	toneDot   = '\u0323' // nặng
)

var tones = []rune{0, toneAcute, toneDot, toneGrave, toneHook, toneTilde}

// marked is a lower-case word split into its letters (vowel marks kept:
// ă â ê ô ơ ư đ) and its one tone, on the letter at.
type marked struct {
	letters []rune
	tone    rune
	at      int
}

// letterTone maps every precomposed letter (lower and upper case) to its
// lower-case letter and tone: the fast way through NFC text.
var letterTone = map[rune][2]rune{}

func init() {
	for _, base := range "abcdefghijklmnopqrstuvwxyzăâđêôơư" {
		for _, t := range tones {
			s := string(base)
			if t != 0 {
				s += string(t)
			}
			c := []rune(norm.NFC.String(s))
			if len(c) != 1 {
				continue
			}
			letterTone[c[0]] = [2]rune{base, t}
			letterTone[unicode.ToUpper(c[0])] = [2]rune{base, t}
		}
	}
}

// parseMarks splits a word (NFC; either case); false when it has more than
// one tone, or a mark no Vietnamese letter carries.
func parseMarks(word string) (marked, bool) {
	m := marked{at: -1, letters: make([]rune, 0, len(word))}
	for _, r := range word {
		if lt, ok := letterTone[r]; ok {
			if lt[1] != 0 {
				if m.tone != 0 {
					return m, false
				}
				m.tone, m.at = lt[1], len(m.letters)
			}
			m.letters = append(m.letters, lt[0])
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		base := []rune{d[0]}
		for _, c := range d[1:] {
			switch c {
			case toneGrave, toneAcute, toneTilde, toneHook, toneDot:
				if m.tone != 0 {
					return m, false
				}
				m.tone, m.at = c, len(m.letters)
			case '\u0302', '\u0306', '\u031B':
				base = append(base, c)
			default:
				return m, false
			}
		}
		letter := []rune(norm.NFC.String(string(base)))
		if len(letter) != 1 || !isVietnameseLetter(letter[0]) {
			return m, false
		}
		m.letters = append(m.letters, letter[0])
	}
	return m, len(m.letters) > 0
}

func isVietnameseLetter(r rune) bool {
	// f, j, w and z are no Vietnamese letters, but a word keeps them when
	// Telex keys are left in it: parsed, they make no syllable.
	return strings.ContainsRune("abcdefghijklmnopqrstuvwxyzăâđêôơư", r)
}

// String writes the word back, the tone on its letter.
func (m marked) String() string {
	var b strings.Builder
	for i, r := range m.letters {
		b.WriteRune(r)
		if i == m.at && m.tone != 0 {
			b.WriteRune(m.tone)
		}
	}
	return norm.NFC.String(b.String())
}

func hasVietnameseMarks(word string) bool {
	m, ok := parseMarks(word)
	if !ok {
		return strings.ContainsFunc(word, func(r rune) bool { return r > unicode.MaxASCII })
	}
	if m.tone != 0 {
		return true
	}
	return slices.ContainsFunc(m.letters, func(r rune) bool { return r > unicode.MaxASCII })
}

// The onsets, longest first, and the rhymes with what they allow.
var onsets = []string{"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""}

// rhymes maps every rhyme (no tone) to the length in letters of its vowels
// that may carry the tone (medial and nucleus; not the coda).
var rhymes = map[string]int{}

func init() {
	open := func(vowels string, coda string) {
		v := utf8.RuneCountInString(vowels)
		rhymes[vowels+coda] = v
	}
	// Rhymes without a consonant coda: vowels, then a final i/y/o/u
	// (which carries no tone).
	for _, r := range []string{"a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ia", "ua", "ưa", "oa", "oe", "uê", "uy", "uơ", "uya"} {
		open(r, "")
	}
	for _, r := range []string{"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "iu", "oi", "ôi", "ơi", "ơu", "ui", "ưi", "ưu",
		"uôi", "ươi", "ươu", "iêu", "yêu", "oai", "oao", "oay", "oeo", "uêu", "uyu", "uây"} {
		n := utf8.RuneCountInString(r)
		rhymes[r] = n - 1
	}
	closed := map[string][]string{
		"a": {"c", "ch", "m", "n", "ng", "nh", "p", "t"}, "ă": {"c", "m", "n", "ng", "p", "t"},
		"â": {"c", "m", "n", "ng", "p", "t"}, "e": {"c", "m", "n", "ng", "p", "t"},
		"ê": {"ch", "m", "n", "nh", "p", "t"}, "i": {"ch", "m", "n", "nh", "p", "t"},
		"o": {"c", "m", "n", "ng", "p", "t"}, "ô": {"c", "m", "n", "ng", "p", "t"},
		"ơ": {"m", "n", "p", "t"}, "u": {"c", "m", "n", "ng", "p", "t"}, "ư": {"c", "m", "n", "ng", "t"},
		"iê": {"c", "m", "n", "ng", "p", "t"}, "yê": {"c", "m", "n", "ng", "p", "t"},
		"uô": {"c", "m", "n", "ng", "t"}, "ươ": {"c", "m", "n", "ng", "p", "t"},
		"oa": {"c", "ch", "m", "n", "ng", "nh", "p", "t"}, "oă": {"c", "m", "n", "ng", "t"},
		"oe": {"m", "n", "t"}, "uâ": {"n", "ng", "t"}, "uê": {"ch", "nh", "n"},
		"uy": {"ch", "n", "nh", "p", "t"}, "uyê": {"n", "t"}, "oo": {"c", "ng"},
	}
	for v, codas := range closed {
		for _, c := range codas {
			open(v, c)
		}
	}
}

// hasMedial says whether a rhyme opens with a medial o or u before another
// vowel (which the onsets c, k and q treat apart).
func hasMedial(rhyme string) bool {
	for _, p := range []string{"oa", "oă", "oe", "uâ", "uê", "uy", "uơ"} {
		if strings.HasPrefix(rhyme, p) {
			return true
		}
	}
	return false
}

func frontVowel(rhyme string) bool {
	r, _ := utf8.DecodeRuneInString(rhyme)
	return r == 'i' || r == 'e' || r == 'ê' || r == 'y'
}

// valid says whether the word is a syllable Vietnamese spelling allows.
func (m marked) valid() bool {
	s := string(m.letters)
	for _, on := range onsets {
		if !strings.HasPrefix(s, on) {
			continue
		}
		onLen := utf8.RuneCountInString(on)
		rest := s[len(on):]
		type try struct {
			rhyme string
			start int // the letter the rhyme starts at
		}
		var tries []try
		switch on {
		case "qu":
			// After q the medial is written u: qua (oa), quê (uê), quyết (uyêt).
			tries = []try{{"o" + rest, 1}, {"u" + rest, 1}}
		case "gi":
			tries = []try{{"i" + rest, 1}} // gì, giếng (gi + iêng)
			if rest != "" {
				tries = append(tries, try{rest, 2}) // gia, giữ
			}
		default:
			tries = []try{{rest, onLen}}
		}
		for _, t := range tries {
			if m.validWith(on, t.start, t.rhyme, rest) {
				return true
			}
		}
	}
	return false
}

// validWith checks the word as onset on plus rhyme (as the rhyme table
// writes it; written is the rest as spelled, after the onset), the rhyme
// starting at letter start.
func (m marked) validWith(on string, start int, rhyme, written string) bool {
	toneable, ok := rhymes[rhyme]
	if !ok || rhyme == "" {
		return false
	}
	switch on {
	case "c":
		if frontVowel(rhyme) || hasMedial(rhyme) {
			return false // k before i/e/ê/y, qu before a medial
		}
	case "k":
		if !frontVowel(rhyme) {
			return false
		}
	case "g":
		if r, _ := utf8.DecodeRuneInString(rhyme); r == 'e' || r == 'ê' {
			return false // gh before e and ê
		}
	case "gh", "ngh":
		if !frontVowel(rhyme) || strings.HasPrefix(rhyme, "y") {
			return false
		}
	case "ng":
		if frontVowel(rhyme) {
			return false // ngh before i, e, ê
		}
	case "gi":
		if strings.HasPrefix(written, "i") && start == 2 {
			return false
		}
	case "qu":
		if !strings.HasPrefix(rhyme, "u") && !strings.HasPrefix(rhyme, "o") {
			return false
		}
	case "":
		if strings.HasPrefix(rhyme, "iê") {
			return false // yên, yêu
		}
	}
	if strings.HasPrefix(rhyme, "oo") && !strings.Contains(" b c g m s x ", " "+on+" ") {
		return false // xoong, boong, goòng, moóc: loans with these onsets only
	}
	if on != "" && on != "qu" && strings.HasPrefix(rhyme, "yê") {
		return false // tiên, not tyên
	}
	if m.tone == 0 {
		return !stopCoda(rhyme)
	}
	if stopCoda(rhyme) && m.tone != toneAcute && m.tone != toneDot {
		return false // no huyền, hỏi or ngã before p, t, c, ch
	}
	// The tone sits on a vowel of the rhyme, not on its coda; on the
	// marked vowel when there is one (người, not ngừơi; tuổi, tiếng).
	if m.at < start || m.at >= start+toneable {
		return false
	}
	for i := start + toneable - 1; i >= start; i-- {
		if strings.ContainsRune("ăâêôơư", m.letters[i]) {
			return m.at == i
		}
	}
	if rhyme == "ia" || rhyme == "ua" {
		return m.at == start // mía, mùa; the a carries none
	}
	return true
}

// stopCoda says whether a rhyme ends in p, t, c or ch.
func stopCoda(rhyme string) bool {
	return strings.HasSuffix(rhyme, "p") || strings.HasSuffix(rhyme, "t") || strings.HasSuffix(rhyme, "c") || strings.HasSuffix(rhyme, "ch")
}
