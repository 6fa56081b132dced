package vietnamese

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	bamboo "github.com/BambooEngine/bamboo-core"
	"golang.org/x/text/unicode/norm"
)

// How a word that cannot be Vietnamese is fixed: every word one typing
// slip away (a letter too many, two letters swapped, a neighbouring key, a
// forgotten or wrong vowel mark, a tone on the wrong letter or one a stop
// coda cannot take), kept when it is a Vietnamese syllable, the likeliest
// slips first. A Telex key left in a word (a tone key after the word, a
// doubled letter) is the cheapest slip of all.

// telex gives a word typed with Telex keys as Telex makes it ("tieesng" →
// "tiếng"); a word Telex leaves alone comes back as it is.
func telex(word string) string {
	e := bamboo.NewEngine(telexIM, bamboo.EstdFlags)
	for _, r := range word {
		e.ProcessKey(r, bamboo.VietnameseMode)
	}
	return norm.NFC.String(e.GetProcessedString(bamboo.VietnameseMode))
}

// variants are the letters a vowel or d becomes with a mark, and back.
var variants = map[rune][]rune{
	'a': {'ă', 'â'}, 'ă': {'a', 'â'}, 'â': {'a', 'ă'},
	'e': {'ê'}, 'ê': {'e'},
	'o': {'ô', 'ơ'}, 'ô': {'o', 'ơ'}, 'ơ': {'o', 'ô'},
	'u': {'ư'}, 'ư': {'u'},
	'd': {'đ'}, 'đ': {'d'},
}

// plain says whether r carries no mark of its own.
func plain(r rune) bool { return r < utf8.RuneSelf }

// neighbours are the keys around each letter on the keyboards Vietnamese
// is typed on (QWERTY).
var neighbours = map[rune]string{
	'q': "wa", 'w': "qes", 'e': "wrd", 'r': "etf", 't': "ryg", 'y': "tuh", 'u': "yij", 'i': "uok", 'o': "ipl", 'p': "o",
	'a': "qsz", 's': "adwx", 'd': "sfe", 'f': "dgr", 'g': "fht", 'h': "gjy", 'j': "hku", 'k': "jli", 'l': "ko",
	'z': "xa", 'x': "zcs", 'c': "xvd", 'v': "cbf", 'b': "vng", 'n': "bmh", 'm': "nj",
}

// telexKeys are the Telex keys a word keeps when the typing was off or a
// key came twice.
const telexKeys = "sfrxjwz"

// addMarks gives the syllables a word without marks becomes with vowel
// marks alone ("nguoi" → "ngươi"); none for a word no mark makes
// Vietnamese ("email"). Tones are not guessed: "set" stays English.
func addMarks(word string) []string {
	letters := []rune(word)
	if len(letters) > 8 {
		return nil
	}
	var out []string
	var walk func(i int, marks int)
	walk = func(i, marks int) {
		if len(out) >= 3 || marks > 3 {
			return
		}
		if i == len(letters) {
			if marks == 0 {
				return
			}
			m := marked{letters: letters, at: -1}
			if m.valid() {
				out = append(out, string(letters))
			}
			return
		}
		walk(i+1, marks)
		orig := letters[i]
		for _, v := range variants[orig] {
			if plain(orig) {
				letters[i] = v
				walk(i+1, marks+1)
				letters[i] = orig
			}
		}
	}
	walk(0, 0)
	return out
}

// candidate is a fix and what the slip it undoes costs.
type candidate struct {
	word string
	cost float64
}

// suggest gives the likeliest fixes of a word with marks that cannot be
// Vietnamese, best first, at most three.
func suggest(word string) []string {
	m, ok := parseMarks(word)
	if !ok {
		return nil
	}
	seen := map[string]float64{}
	add := func(c marked, cost float64) {
		if len(c.letters) > 0 && len(m.letters) > 0 && c.letters[0] != m.letters[0] {
			cost += 0.15 // a slip at a word's first letter is rarer: it is looked at
		}
		if c.tone != 0 && (c.at < 0 || c.at >= len(c.letters) || !isVowel(c.letters[c.at])) {
			c.at = toneLetter(c.letters)
		}
		if !c.valid() {
			return
		}
		w := c.String()
		if old, ok := seen[w]; !ok || cost < old {
			seen[w] = cost
		}
	}
	n := len(m.letters)
	with := func(letters []rune, at int) marked { return marked{letters: letters, tone: m.tone, at: at} }
	for i := range n {
		// A letter too many: a Telex key left, a doubled key.
		cost := 1.0
		if i == n-1 && strings.ContainsRune(telexKeys, m.letters[i]) || i > 0 && m.letters[i] == m.letters[i-1] {
			cost = 0.5
		}
		at := m.at
		if at > i {
			at--
		} else if at == i {
			at = -1
		}
		add(with(splice(m.letters, i, 1), at), cost)
		// Two letters swapped.
		if i+1 < n {
			l := append([]rune(nil), m.letters...)
			l[i], l[i+1] = l[i+1], l[i]
			at := m.at
			switch at {
			case i:
				at = i + 1
			case i + 1:
				at = i
			}
			add(with(l, at), 0.8)
		}
		// A vowel mark forgotten (cheap) or wrong.
		for _, v := range variants[m.letters[i]] {
			l := append([]rune(nil), m.letters...)
			l[i] = v
			cost := 0.9
			if plain(m.letters[i]) {
				cost = 0.6
			}
			add(with(l, m.at), cost)
		}
		// A neighbouring key, or another consonant.
		base := m.letters[i]
		for _, k := range neighbours[base] {
			l := append([]rune(nil), m.letters...)
			l[i] = k
			add(with(l, m.at), 0.8)
		}
		if !isVowel(base) {
			for _, k := range "bcdđghklmnpqrstvx" {
				l := append([]rune(nil), m.letters...)
				l[i] = k
				add(with(l, m.at), 1.2)
			}
		}
	}
	// A letter missing.
	for i := 0; i <= n; i++ {
		for _, k := range "ghnictuoa" {
			l := make([]rune, 0, n+1)
			l = append(l, m.letters[:i]...)
			l = append(l, k)
			l = append(l, m.letters[i:]...)
			at := m.at
			if at >= i {
				at++
			}
			add(with(l, at), 1.1)
		}
	}
	// The tone on another letter, or another tone.
	for i := range n {
		if i != m.at && isVowel(m.letters[i]) {
			add(with(m.letters, i), 0.5)
		}
	}
	for _, t := range tones {
		if t != m.tone {
			c := marked{letters: m.letters, tone: t, at: m.at}
			if t == 0 {
				c.at = -1
			} else if c.at < 0 {
				c.at = toneLetter(m.letters)
			}
			add(c, 0.7)
		}
	}
	out := make([]candidate, 0, len(seen))
	for w, c := range seen {
		out = append(out, candidate{w, c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].cost != out[j].cost {
			return out[i].cost < out[j].cost
		}
		return out[i].word < out[j].word
	})
	var words []string
	for _, c := range out {
		if len(words) == 3 || c.cost > out[0].cost+0.5 {
			break
		}
		words = append(words, c.word)
	}
	return words
}

func splice(l []rune, i, k int) []rune {
	out := make([]rune, 0, len(l)-k)
	out = append(out, l[:i]...)
	return append(out, l[i+k:]...)
}

func isVowel(r rune) bool { return strings.ContainsRune("aăâeêioôơuưy", r) }

// toneLetter is where the tone goes in letters (the new style): on the
// marked vowel (ơ of ươ), else on the vowel before a coda, else on the
// first of two vowels (mái, mía), the second after a medial (hoà, thuỷ).
func toneLetter(letters []rune) int {
	first, last := -1, -1
	for i, r := range letters {
		if isVowel(r) {
			if first < 0 {
				if (r == 'u' || r == 'i') && i > 0 && (letters[i-1] == 'q' || letters[i-1] == 'g' && i == 1) && i+1 < len(letters) && isVowel(letters[i+1]) {
					continue // the u of qu, the i of gi
				}
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return -1
	}
	for i := last; i >= first; i-- {
		if strings.ContainsRune("ăâêôơư", letters[i]) {
			return i
		}
	}
	if last+1 < len(letters) || last == first {
		return last // a coda follows: the last vowel
	}
	pair := string(letters[first : last+1])
	switch pair {
	case "oa", "oe", "uy", "uê", "oă":
		return last
	}
	return first
}

// matchCase gives fix the capitals of word (the first letter, or all).
func matchCase(word, fix string) string {
	first, _ := utf8.DecodeRuneInString(word)
	upper := 0
	for _, r := range word {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	switch {
	case upper > 1 && upper == utf8.RuneCountInString(word):
		return strings.ToUpper(fix)
	case unicode.IsUpper(first):
		r, n := utf8.DecodeRuneInString(fix)
		return string(unicode.ToUpper(r)) + fix[n:]
	}
	return fix
}

func caseAll(word string, fixes []string) []string {
	for i, f := range fixes {
		fixes[i] = matchCase(word, f)
	}
	return fixes
}

// repairPlain fixes a word without marks that one slip keeps from being
// Vietnamese: a final consonant typed twice ("trongg") or a spelling rule
// broken ("kon", "ngiêng" without its marks); "" when none does. (A vowel
// typed twice is no slip here: "too" and "see" are English.)
func repairPlain(word string) string {
	l := []rune(word)
	n := len(l)
	if n > 2 && l[n-1] == l[n-2] && !isVowel(l[n-1]) {
		if m := (marked{letters: l[:n-1], at: -1}); m.valid() {
			return string(l[:n-1])
		}
	}
	for _, sw := range [][2]string{{"k", "c"}, {"c", "k"}, {"gh", "g"}, {"g", "gh"}, {"ngh", "ng"}, {"ng", "ngh"}} {
		if strings.HasPrefix(word, sw[0]) && !strings.HasPrefix(word, sw[1]) || sw[0] == "g" && strings.HasPrefix(word, "g") && !strings.HasPrefix(word, "gh") && !strings.HasPrefix(word, "gi") {
			fix := sw[1] + strings.TrimPrefix(word, sw[0])
			if m := (marked{letters: []rune(fix), at: -1}); m.valid() {
				return fix
			}
		}
	}
	return ""
}
