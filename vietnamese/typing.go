package vietnamese

import (
	"strings"
	"unicode"

	bamboo "github.com/BambooEngine/bamboo-core"
)

// Method is a way of typing Vietnamese on a Latin keyboard.
type Method string

// The typing methods. Off leaves keys alone (the OS may already deliver
// composed Vietnamese, as Unikey on Windows does).
const (
	Off   Method = "off"
	Telex Method = "telex"
	VNI   Method = "vni"
)

// ParseMethod reads a method name; anything unknown is Off.
func ParseMethod(s string) Method {
	switch Method(strings.ToLower(strings.TrimSpace(s))) {
	case Telex:
		return Telex
	case VNI:
		return VNI
	}
	return Off
}

var (
	telexIM = bamboo.ParseInputMethod(bamboo.InputMethodDefinitions, "Telex")
	vniIM   = bamboo.ParseInputMethod(bamboo.InputMethodDefinitions, "VNI")
)

// Typer turns the keys of one text field into Vietnamese, word by word, the
// way Unikey does: tone and vowel keys anywhere in the word, backspace inside
// a word, and a word that is not Vietnamese ("Facebook", "text") given back
// as typed when it ends. Inside web and e-mail addresses it stays out of the
// way. A Typer is not safe for concurrent use; give each field its own.
type Typer struct {
	method Method
	engine bamboo.IEngine
	raw    []rune // the keys of the current word, as typed
	out    string // the current word as shown
	token  string // everything typed since the last white space
}

// NewTyper returns a Typer for a method.
func NewTyper(m Method) *Typer {
	t := &Typer{method: m}
	switch m {
	case Telex:
		t.engine = bamboo.NewEngine(telexIM, bamboo.EstdFlags)
	case VNI:
		t.engine = bamboo.NewEngine(vniIM, bamboo.EstdFlags)
	}
	return t
}

// Method is the Typer's method.
func (t *Typer) Method() Method { return t.method }

// Edit says how to change the text just before the cursor: delete Delete
// characters (runes), then insert Insert.
type Edit struct {
	Delete int
	Insert string
}

// Reset forgets the word in progress; call it when the cursor moves or the
// field loses focus, so the next key starts a new word.
func (t *Typer) Reset() {
	t.raw, t.out, t.token = nil, "", ""
	if t.engine != nil {
		t.engine.Reset()
	}
}

// Key processes one typed character and returns the edit to apply.
func (t *Typer) Key(r rune) Edit {
	if t.engine == nil {
		return Edit{Insert: string(r)}
	}
	if unicode.IsSpace(r) {
		e := t.finish()
		e.Insert += string(r)
		t.token = ""
		return e
	}
	if r > unicode.MaxASCII || !(unicode.IsLetter(r) || t.engine.CanProcessKey(unicode.ToLower(r))) {
		// Punctuation, or a letter the OS already composed: the word ends here.
		e := t.finish()
		e.Insert += string(r)
		t.token += string(r)
		return e
	}
	t.token += string(r)
	t.raw = append(t.raw, r)
	if addressLike(t.token) {
		return t.show(string(t.raw))
	}
	t.engine.ProcessKey(r, bamboo.VietnameseMode)
	return t.show(t.engine.GetProcessedString(bamboo.VietnameseMode))
}

// Backspace removes the last letter of the word in progress ("Việt" becomes
// "Việ"). It reports false when there is no word in progress: the field
// should then delete as usual.
func (t *Typer) Backspace() (Edit, bool) {
	if t.engine == nil || len(t.raw) == 0 {
		return Edit{}, false
	}
	t.raw = t.raw[:len(t.raw)-1]
	t.token = strings.TrimSuffix(t.token, t.token[len(t.token)-1:])
	if addressLike(t.token) {
		return t.show(string(t.raw)), true
	}
	t.engine.RemoveLastChar(true)
	return t.show(t.engine.GetProcessedString(bamboo.VietnameseMode)), true
}

// Finish ends the word in progress, as a space would, and returns the edit
// that gives a non-Vietnamese word back as typed. Call it before Enter, Tab
// or a key that moves the cursor.
func (t *Typer) Finish() Edit {
	e := t.finish()
	t.token = ""
	return e
}

// finish ends the word in progress: a word that is not Vietnamese goes back
// to the keys that were typed.
func (t *Typer) finish() Edit {
	var e Edit
	if t.engine == nil {
		return e
	}
	if len(t.raw) > 0 && !addressLike(t.token) && !t.engine.IsValid(true) {
		e = t.show(string(t.raw))
	}
	t.raw, t.out = nil, ""
	t.engine.Reset()
	return e
}

// show replaces the word on screen with word, touching only what changed.
func (t *Typer) show(word string) Edit {
	old, nw := []rune(t.out), []rune(word)
	common := 0
	for common < len(old) && common < len(nw) && old[common] == nw[common] {
		common++
	}
	t.out = word
	return Edit{Delete: len(old) - common, Insert: string(nw[common:])}
}

// addressLike reports whether a token is a web or e-mail address, where
// keys must stay as typed.
func addressLike(token string) bool {
	l := strings.ToLower(token)
	return strings.Contains(l, "://") || strings.HasPrefix(l, "www.") || strings.Contains(l, "@")
}
