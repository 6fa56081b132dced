package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// vnInput gives an Entry the app's built-in Vietnamese typing (Telex or
// VNI). Fyne has no input-method support, so keys are composed here: each
// field keeps its own word in progress and starts a new one whenever the
// cursor or the text changed behind its back.
type vnInput struct {
	method func() vietnamese.Method
	// legacy asks the user whether to convert pasted legacy text; nil pastes as is.
	legacy func(d vietnamese.Detection, text string, paste func(string))
	// markdown: the field is Markdown (a body paragraph), where a tab that
	// indents a line is kept as spaces.
	markdown bool
	// oneLine: the field holds one line (the headline); a pasted new line
	// becomes a space.
	oneLine bool
	typer   *vietnamese.Typer
	row     int
	col     int
	text    string
}

// typer returns the field's Typer for the current method, starting a new
// word when the field changed since the last key.
func (v *vnInput) current(e *widget.Entry) *vietnamese.Typer {
	m := vietnamese.Off
	if v.method != nil {
		m = v.method()
	}
	if v.typer == nil || v.typer.Method() != m {
		v.typer = vietnamese.NewTyper(m)
	} else if e.CursorRow != v.row || e.CursorColumn != v.col || e.Text != v.text || e.SelectedText() != "" {
		v.typer.Reset()
	}
	return v.typer
}

func (v *vnInput) apply(e *widget.Entry, ed vietnamese.Edit) {
	for range ed.Delete {
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
	for _, r := range ed.Insert {
		e.TypedRune(r)
	}
	v.row, v.col, v.text = e.CursorRow, e.CursorColumn, e.Text
}

// typeRune is the field's TypedRune.
func (v *vnInput) typeRune(e *widget.Entry, r rune) {
	v.apply(e, v.current(e).Key(r))
}

// wordEnders are the keys that end a word in progress before they act:
// new lines, Tab, and the keys that move the cursor.
var wordEnders = map[fyne.KeyName]bool{
	fyne.KeyReturn: true, fyne.KeyEnter: true, fyne.KeyTab: true, fyne.KeyDelete: true,
	fyne.KeyLeft: true, fyne.KeyRight: true, fyne.KeyUp: true, fyne.KeyDown: true,
	fyne.KeyHome: true, fyne.KeyEnd: true, fyne.KeyPageUp: true, fyne.KeyPageDown: true,
}

// typeKey is the field's TypedKey. Backspace inside a word in progress
// takes back its last letter; Enter, Tab and cursor keys first end the word
// (giving a non-Vietnamese word back as typed). The key events the driver
// sends alongside typed characters pass straight through.
func (v *vnInput) typeKey(e *widget.Entry, k *fyne.KeyEvent) {
	switch {
	case k.Name == fyne.KeyBackspace:
		if ed, ok := v.current(e).Backspace(); ok {
			v.apply(e, ed)
			return
		}
	case wordEnders[k.Name]:
		v.apply(e, v.current(e).Finish())
	default:
		e.TypedKey(k)
		return
	}
	e.TypedKey(k)
	v.row, v.col, v.text = e.CursorRow, e.CursorColumn, e.Text
}

// pastedText is a clipboard holding one text, to hand an Entry converted text.
type pastedText string

func (p pastedText) Content() string   { return string(p) }
func (p pastedText) SetContent(string) {}

// typeShortcut is the field's TypedShortcut: pasted text arrives in NFC, and
// text that looks like TCVN3, VNI or VIQR is offered for conversion first.
func (v *vnInput) typeShortcut(e *widget.Entry, s fyne.Shortcut) {
	p, ok := s.(*fyne.ShortcutPaste)
	if !ok || p.Clipboard == nil {
		e.TypedShortcut(s)
		return
	}
	text := p.Clipboard.Content()
	paste := func(t string) {
		t = fielddesk.CleanTabs(fielddesk.NFC(t), v.markdown)
		if v.oneLine {
			t = strings.Join(strings.Fields(t), " ")
		}
		e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: pastedText(t)})
		v.row, v.col, v.text = e.CursorRow, e.CursorColumn, e.Text
	}
	if d, legacy := vietnamese.Detect(text); legacy && v.legacy != nil {
		v.legacy(d, text, paste)
		return
	}
	paste(text)
}

// vnEntry is a one-line (or plain multi-line) Entry with Vietnamese typing.
type vnEntry struct {
	widget.Entry
	vn vnInput
}

func (u *UI) newEntry(placeholder string) *vnEntry {
	e := &vnEntry{vn: vnInput{method: u.typingMethod, legacy: u.askConvert}}
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder(placeholder)
	return e
}

// TypedRune composes Vietnamese.
func (e *vnEntry) TypedRune(r rune) { e.vn.typeRune(&e.Entry, r) }

// TypedKey handles Backspace inside a word being composed.
func (e *vnEntry) TypedKey(k *fyne.KeyEvent) { e.vn.typeKey(&e.Entry, k) }

// TypedShortcut normalises pasted text and offers to convert legacy text.
func (e *vnEntry) TypedShortcut(s fyne.Shortcut) { e.vn.typeShortcut(&e.Entry, s) }

// FocusLost ends the word in progress, as Tab and the cursor keys do.
func (e *vnEntry) FocusLost() {
	if e.vn.typer != nil {
		e.vn.apply(&e.Entry, e.vn.current(&e.Entry).Finish())
		e.vn.typer.Reset()
	}
	e.Entry.FocusLost()
}

// AcceptsTab is false for every field, one-line or not: Tab and Shift+Tab
// move between fields (Fyne's multi-line Entry would insert an invisible
// tab character and keep keyboard users in the field).
func (e *vnEntry) AcceptsTab() bool { return false }

// typingMethod is the method every field uses now.
func (u *UI) typingMethod() vietnamese.Method { return u.method }

// methodLabel names a method for the toolbar.
func methodLabel(m vietnamese.Method) string {
	switch m {
	case vietnamese.Telex:
		return "VN · Telex"
	case vietnamese.VNI:
		return "VN · VNI"
	}
	return lang.L("Typing: off")
}

// setMethod switches the typing method, shows it and remembers it.
func (u *UI) setMethod(m vietnamese.Method) {
	u.method = m
	if m != vietnamese.Off {
		u.lastMethod = m
	}
	u.setSetting(prefTyping, string(m), false)
	if u.methodButton != nil {
		u.methodButton.SetText(methodLabel(m))
	}
}

// cycleMethod goes Telex → VNI → off → Telex (the toolbar button).
func (u *UI) cycleMethod() {
	next := map[vietnamese.Method]vietnamese.Method{vietnamese.Telex: vietnamese.VNI, vietnamese.VNI: vietnamese.Off, vietnamese.Off: vietnamese.Telex}
	u.setMethod(next[u.method])
}

// toggleMethod turns Vietnamese typing off, or back on with the last method (Alt+Z, as in Unikey).
func (u *UI) toggleMethod() {
	if u.method != vietnamese.Off {
		u.setMethod(vietnamese.Off)
		return
	}
	if u.lastMethod == vietnamese.Off {
		u.lastMethod = vietnamese.Telex
	}
	u.setMethod(u.lastMethod)
}

// toneStyle is the house style, new (hoà) unless the settings say old.
func (u *UI) toneStyle() vietnamese.ToneStyle {
	if u.setting(prefToneStyle) == string(vietnamese.OldStyle) {
		return vietnamese.OldStyle
	}
	return vietnamese.NewStyle
}

// applyToneStyle rewrites the open article in the house tone-mark style and
// says how many words changed.
func (u *UI) applyToneStyle() {
	style := u.toneStyle()
	n := u.ed.restyle(style)
	example := "hoà, khoẻ, thuỷ"
	if style == vietnamese.OldStyle {
		example = "hòa, khỏe, thủy"
	}
	msg := fmt.Sprintf(lang.L("%d words changed to the house style (%s)."), n, example)
	if n == 0 {
		msg = fmt.Sprintf(lang.L("Every word already follows the house style (%s)."), example)
	}
	dialog.ShowInformation(lang.L("House tone style"), msg, u.win)
}

var encodingNames = map[vietnamese.Encoding]string{vietnamese.TCVN3: "TCVN3 (ABC)", vietnamese.VNIWin: "VNI-Windows", vietnamese.VIQR: "VIQR"}

// askConvert asks whether pasted text in a legacy encoding should be
// converted, naming the encoding and the part that looks legacy. Nothing is
// ever converted silently.
func (u *UI) askConvert(d vietnamese.Detection, text string, paste func(string)) {
	sample := []rune(d.Sample)
	if len(sample) > 120 {
		sample = append(sample[:120], '…')
	}
	msg := fmt.Sprintf(lang.L("This text looks like %s:"), encodingNames[d.Encoding]) + "\n\n“" + string(sample) + "”\n\n" +
		lang.L("Convert it to Unicode?")
	dlg := dialog.NewConfirm(lang.L("Old Vietnamese encoding"), msg, func(convert bool) {
		if convert {
			paste(vietnamese.Decode(text, d.Encoding))
		} else {
			paste(text)
		}
	}, u.win)
	dlg.SetConfirmText(lang.L("Convert"))
	dlg.SetDismissText(lang.L("Paste as it is"))
	dlg.Show()
}
