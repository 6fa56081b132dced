package vietnamese

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ToneStyle is where the tone mark goes in the open syllables ending in
// oa, oe and uy: the old style puts it on the first vowel (hòa, khỏe, thủy),
// the new style of decision 1989/QĐ-BGDĐT on the main vowel (hoà, khoẻ, thuỷ).
// Every other syllable is written alike in both.
type ToneStyle string

// The two tone-mark styles.
const (
	OldStyle ToneStyle = "old"
	NewStyle ToneStyle = "new"
)

var toneMarks = map[rune]bool{'\u0300': true, '\u0301': true, '\u0303': true, '\u0309': true, '\u0323': true}

// ApplyToneStyle rewrites text in a tone-mark style and returns it (NFC)
// with the number of words that changed.
func ApplyToneStyle(text string, style ToneStyle) (string, int) {
	var b strings.Builder
	changed := 0
	runes := []rune(norm.NFC.String(text))
	for i := 0; i < len(runes); {
		if !unicode.IsLetter(runes[i]) {
			b.WriteRune(runes[i])
			i++
			continue
		}
		j := i
		for j < len(runes) && unicode.IsLetter(runes[j]) {
			j++
		}
		word := string(runes[i:j])
		if w := restyle(word, style); w != word {
			changed++
			word = w
		}
		b.WriteString(word)
		i = j
	}
	return b.String(), changed
}

// letter is a base letter with its marks, from NFD.
type letter struct {
	base  rune
	marks []rune // vowel marks (circumflex, breve, horn)
	tone  rune
}

// restyle moves the tone of one word if it ends in oa, oe or uy.
func restyle(word string, style ToneStyle) string {
	var letters []letter
	for _, r := range norm.NFD.String(word) {
		switch {
		case toneMarks[r] && len(letters) > 0:
			letters[len(letters)-1].tone = r
		case unicode.Is(unicode.Mn, r) && len(letters) > 0:
			letters[len(letters)-1].marks = append(letters[len(letters)-1].marks, r)
		default:
			letters = append(letters, letter{base: r})
		}
	}
	n := len(letters)
	if n < 2 {
		return word
	}
	first, second := letters[n-2], letters[n-1]
	if len(first.marks) > 0 || len(second.marks) > 0 {
		return word
	}
	pair := string(unicode.ToLower(first.base)) + string(unicode.ToLower(second.base))
	if pair != "oa" && pair != "oe" && pair != "uy" {
		return word
	}
	// "qu" is a consonant: quý and quá are the same in both styles.
	if pair == "uy" && n >= 3 && unicode.ToLower(letters[n-3].base) == 'q' {
		return word
	}
	// The pair must be the whole vowel cluster: no vowel before it (ngoài, khuya are other cases).
	if n >= 3 && strings.ContainsRune("aăâeêioôơuưy", unicode.ToLower(letters[n-3].base)) {
		return word
	}
	tone := first.tone
	if tone == 0 {
		tone = second.tone
	}
	if tone == 0 {
		return word
	}
	letters[n-2].tone, letters[n-1].tone = 0, 0
	if style == OldStyle {
		letters[n-2].tone = tone
	} else {
		letters[n-1].tone = tone
	}
	var b strings.Builder
	for _, l := range letters {
		b.WriteRune(l.base)
		for _, m := range l.marks {
			b.WriteRune(m)
		}
		if l.tone != 0 {
			b.WriteRune(l.tone)
		}
	}
	return norm.NFC.String(b.String())
}
