package vietnamese

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// typeKeys runs keys through a Typer as a field would and returns the text.
func typeKeys(m Method, keys string) string {
	t := NewTyper(m)
	var out []rune
	apply := func(e Edit) {
		out = append(out[:len(out)-e.Delete], []rune(e.Insert)...)
	}
	for _, r := range keys {
		if r == '\b' {
			if e, ok := t.Backspace(); ok {
				apply(e)
			} else if len(out) > 0 {
				out = out[:len(out)-1]
			}
			continue
		}
		apply(t.Key(r))
	}
	apply(t.finish())
	return string(out)
}

// keysFor spells a Vietnamese word as the keys one types for it, marks on
// the letters and the tone key at the end of the word.
func keysFor(word string, m Method) string {
	telexMark := map[rune]string{'\u0302': "", '\u0306': "w", '\u031b': "w"} // circumflex doubles the vowel
	vniMark := map[rune]string{'\u0302': "6", '\u0306': "8", '\u031b': "7"}
	telexTone := map[rune]string{'\u0301': "s", '\u0300': "f", '\u0309': "r", '\u0303': "x", '\u0323': "j"}
	vniTone := map[rune]string{'\u0301': "1", '\u0300': "2", '\u0309': "3", '\u0303': "4", '\u0323': "5"}
	var b strings.Builder
	tone := ""
	var last rune
	for _, r := range norm.NFD.String(word) {
		switch {
		case telexTone[r] != "":
			if m == Telex {
				tone = telexTone[r]
			} else {
				tone = vniTone[r]
			}
		case r == '\u0302' || r == '\u0306' || r == '\u031b':
			if m == Telex {
				if r == '\u0302' {
					b.WriteRune(unicode.ToLower(last))
				} else {
					b.WriteString(telexMark[r])
				}
			} else {
				b.WriteString(vniMark[r])
			}
		case r == 'đ' || r == 'Đ':
			base := "d"
			if r == 'Đ' {
				base = "D"
			}
			if m == Telex {
				b.WriteString(base + "d")
			} else {
				b.WriteString(base + "9")
			}
		default:
			b.WriteRune(r)
			last = r
		}
	}
	return b.String() + tone
}

// syllables puts every tone on every vowel: t+V+n for the vowels, k+y for y.
func syllables() []string {
	var out []string
	for _, v := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư"} {
		for _, tone := range []string{"", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"} {
			out = append(out, norm.NFC.String("t"+v+tone+"n"))
		}
	}
	for _, tone := range []string{"", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"} {
		out = append(out, norm.NFC.String("ky"+tone))
	}
	return out
}

// realWords are words from news copy, with đ, ươ, qu, gi and capitals.
var realWords = strings.Fields(`Việt Nam Đảng bộ tỉnh Lào Cai huyện Mường Khương xã Pha Long
	người dân đường liên thôn được nước sông Hồng trường học mương tưới
	quốc gia giữa giống giúp quyết định chính quyền địa phương đồng bào
	dân tộc thiểu số miền núi phía Bắc mưa lũ sạt lở khắc phục hậu quả
	cán bộ chiến sĩ bộ đội biên phòng thanh niên tình nguyện học sinh
	sinh viên nông sản giá cả thị trường tiêu thụ hợp tác xã kinh tế
	phát triển bền vững năm nay tháng trước ngày hôm qua sáng sớm chiều
	tối khánh thành công trình bê tông cầu treo điện lưới trạm y tế
	bác sĩ bệnh nhân thuốc chữa bệnh nghèo khó khăn hỗ trợ vốn vay
	ngân hàng chính sách xóa đói giảm nghèo thu nhập bình quân đầu
	người tăng gấp đôi so với trước đây theo ông bà anh chị em
	cho biết chia sẻ phóng viên báo điện tử truyền hình phát thanh
	Thủ tướng Chính phủ Quốc hội Ủy ban nhân dân Mặt trận Tổ quốc
	ĐẢNG CỘNG SẢN thuở xưa khuya ngoằn nghèo quyển truyện nguyễn`)

// englishWords are not Vietnamese and must come back as typed.
var englishWords = strings.Fields(`Facebook text Google email windows online update video password
	iPhone laptop Zalo YouTube Internet website smartphone download upload
	TikTok server router Wifi blog Twitter Excel Word PowerPoint email
	format browser`)

func TestTypingTable(t *testing.T) {
	words := append(syllables(), realWords...)
	if n := len(words) + len(englishWords); n < 200 {
		t.Fatalf("only %d words in the table", n)
	}
	for _, m := range []Method{Telex, VNI} {
		for _, w := range words {
			keys := keysFor(w, m)
			if got := typeKeys(m, keys); got != w {
				t.Errorf("%s %q gives %q, want %q", m, keys, got, w)
			}
		}
		for _, w := range englishWords {
			if got := typeKeys(m, w); got != w {
				t.Errorf("%s: English %q came out as %q", m, w, got)
			}
		}
	}
}

func TestTypingSentences(t *testing.T) {
	for _, tt := range []struct {
		m         Method
		keys, out string
	}{
		{Telex, "Vieejt Nam", "Việt Nam"},
		{Telex, "Viejet Nam", "Việt Nam"}, // the tone key may come before the last letter
		{Telex, "Dduwowngf leen thoon, ddax xong.", "Đường lên thôn, đã xong."},
		{Telex, "Xem https://baolaocai.vn vaf www.vietnamplus.vn", "Xem https://baolaocai.vn và www.vietnamplus.vn"},
		{Telex, "Gui toaf soan@baolaocai.vn", "Gui tòa soan@baolaocai.vn"},
		{Telex, "Nawm 2024", "Năm 2024"},
		{VNI, "Vie65t Nam na8m 2024", "Việt Nam năm 2024"},
		{VNI, "D9a3ng bo65 ti3nh", "Đảng bộ tỉnh"},
		{Off, "Vieejt Nam", "Vieejt Nam"},
		{Telex, "Việt Nam", "Việt Nam"}, // letters the OS composed pass through
	} {
		if got := typeKeys(tt.m, tt.keys); got != tt.out {
			t.Errorf("%s %q = %q, want %q", tt.m, tt.keys, got, tt.out)
		}
	}
}

func TestTypingBackspaceInsideWord(t *testing.T) {
	if got := typeKeys(Telex, "Vieejt\b"); got != "Việ" {
		t.Errorf("Backspace after Việt = %q, want Việ", got)
	}
	if got := typeKeys(Telex, "Vieejt\b\bt"); got != "Vit" && got != "Viêt" {
		t.Errorf("two Backspaces then t = %q", got)
	}
	if got := typeKeys(Telex, "ab \b\bc"); got != "ac" {
		t.Errorf("Backspace past a space = %q, want ac", got)
	}
}

func FuzzTyper(f *testing.F) {
	f.Add("Vieejt Nam", uint8(0))
	f.Add("d9uo7ng2\b\bx", uint8(1))
	f.Add("https://a.b www.c @ ddd", uint8(0))
	f.Fuzz(func(t *testing.T, keys string, which uint8) {
		m := []Method{Telex, VNI, Off}[int(which)%3]
		out := typeKeys(m, keys)
		if !norm.NFC.IsNormalString(out) && norm.NFC.IsNormalString(keys) {
			t.Fatalf("%s %q gives non-NFC %q", m, keys, out)
		}
	})
}
