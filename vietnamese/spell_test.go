package vietnamese

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk/internal/longtext"
)

// The spelling rules, each with words that keep and break it.
func TestSyllableRules(t *testing.T) {
	for _, c := range []struct {
		rule        string
		good, wrong []string
	}{
		{"k before i, e, ê, y; c elsewhere", []string{"kiểm", "kẻ", "kênh", "kỹ", "cái", "cuối", "cơm"}, []string{"kái", "cính", "cẻ", "kuối"}},
		{"gh and ngh before i, e, ê", []string{"ghế", "ghi", "nghiêng", "nghé", "gà", "ngày", "gì", "gìn"}, []string{"ghà", "gé", "ngiêng", "ngé", "nghà"}},
		{"qu for a medial after k", []string{"quốc", "quyết", "quá", "qua", "quân", "quê"}, []string{"coa", "cuyết"}},
		{"gi is an onset", []string{"giá", "giếng", "giữ", "gia", "giờ"}, []string{"giiá"}},
		{"no huyền, hỏi or ngã before p, t, c, ch", []string{"học", "mắt", "tốt", "lịch", "hợp"}, []string{"hòc", "mằt", "tổt", "lìch", "hỡp"}},
		{"the tone on a vowel of the rhyme, not its coda", []string{"cái", "ngày", "tại", "mùa", "mía", "hoà", "hòa", "thuỷ", "thủy"}, []string{"caí", "ngaỳ", "taị", "muà", "miá"}},
		{"the tone on the marked vowel", []string{"người", "tuổi", "tiếng", "mưa", "lửa"}, []string{"ngừơi", "tủôi", "tíêng"}},
		{"rhymes Vietnamese has", []string{"khuya", "ngoằn", "ngoèo", "thuở", "huơ", "khuỷu", "xoong", "oai", "yêu", "uống"}, []string{"tiếnh", "bệng", "nhàa", "đườngg", "yuên", "iên"}},
		{"one tone", []string{"việt"}, []string{"vìệt"}},
	} {
		for _, w := range c.good {
			if !IsVietnameseSyllable(w) {
				t.Errorf("%s: %q is refused", c.rule, w)
			}
		}
		for _, w := range c.wrong {
			if IsVietnameseSyllable(w) {
				t.Errorf("%s: %q is taken", c.rule, w)
			}
		}
	}
}

// correctTexts are correct Vietnamese (and the English around it in the
// project): the example article, a long real article, the VIQR article,
// every string of the interface in Vietnamese, the long fixture's prose and
// a statistics table.
func correctTexts(t testing.TB) map[string]string {
	texts := map[string]string{"long fixture body": longtext.Body(60000), "long fixture table": longtext.Table(300)}
	for _, p := range []string{"../docs/example/bai-viet.md", "testdata/spell-correct.txt", "testdata/viqr-article.txt", "../render/testdata/long3000.md", "../README.md", "../docs/WORKFLOW.md"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts[p] = string(b)
	}
	b, err := os.ReadFile("../assets/translations/vi.json")
	if err != nil {
		t.Fatal(err)
	}
	var ui map[string]any // a string, or its plural forms
	if err := json.Unmarshal(b, &ui); err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, v := range ui {
		switch v := v.(type) {
		case string:
			all = append(all, v)
		case map[string]any:
			for _, form := range v {
				all = append(all, form.(string))
			}
		}
	}
	texts["the interface in Vietnamese"] = strings.Join(all, "\n")
	return texts
}

// No false alarm on correct Vietnamese (nor on the English, names,
// acronyms, addresses and numbers around it).
func TestNoFalseAlarmOnCorrectText(t *testing.T) {
	s := NewSpeller(nil)
	words := 0
	for name, text := range correctTexts(t) {
		words += len(Words(text))
		for _, m := range s.Check(text) {
			t.Errorf("%s: %q flagged (%v)", name, m.Word, m.Suggestions)
		}
	}
	t.Logf("%d words of correct text, no false alarm", words)
}

// typos is a set of typing errors made by hand, each with the word meant:
// letters swapped, a mark or tone missing or wrong, a Telex key left in
// the word or typed with the typing off, a key doubled or its neighbour
// hit, a spelling rule broken, and slips that leave another syllable.
// Each stands in a Vietnamese sentence.
var typos = []struct{ typo, meant, kind string }{
	{"tưrờng", "trường", "swap"}, {"nghiêgn", "nghiêng", "swap"}, {"thôgn", "thông", "swap"}, {"khôgn", "không", "swap"},
	{"nhưgn", "nhưng", "swap"}, {"tỉhn", "tỉnh", "swap"}, {"hyuện", "huyện", "swap"}, {"cũgn", "cũng", "swap"},
	{"đôgn", "đông", "swap"}, {"cnáh", "cánh", "swap"}, {"tươgn", "tương", "swap"}, {"baỏ", "bảo", "swap"},
	{"nguời", "người", "mark"}, {"tiéng", "tiếng", "mark"}, {"đuờng", "đường", "mark"}, {"nuớc", "nước", "mark"},
	{"truờng", "trường", "mark"}, {"huớng", "hướng", "mark"}, {"thuơng", "thương", "mark"}, {"muón", "muốn", "mark"},
	{"cuọc", "cuộc", "mark"}, {"nhièu", "nhiều", "mark"}, {"điẹn", "điện", "mark"}, {"chuơng", "chương", "mark"},
	{"muời", "mười", "mark"}, {"quyét", "quyết", "mark"}, {"đuợc", "được", "mark"}, {"nghiem", "nghiêm", "mark"},
	{"nguoi", "người", "mark"},
	{"tiếngs", "tiếng", "telex"}, {"ngườif", "người", "telex"}, {"đườngf", "đường", "telex"}, {"nhàf", "nhà", "telex"},
	{"họcj", "học", "telex"}, {"mớiw", "mới", "telex"}, {"đãx", "đã", "telex"}, {"rồif", "rồi", "telex"},
	{"tieesng", "tiếng", "telex"}, {"dduwowngf", "đường", "telex"}, {"vieejt", "việt", "telex"}, {"nguwowif", "người", "telex"},
	{"khoong", "không", "telex"},
	{"hòc", "học", "tone"}, {"mằt", "mặt", "tone"}, {"tồt", "tốt", "tone"}, {"biềt", "biết", "tone"},
	{"caí", "cái", "tone"}, {"ngaỳ", "ngày", "tone"}, {"taị", "tại", "tone"}, {"muà", "mùa", "tone"}, {"ngừơi", "người", "tone"},
	{"đườngg", "đường", "key"}, {"nhàa", "nhà", "key"}, {"củaa", "của", "key"}, {"trongg", "trong", "key"},
	{"tiếnh", "tiếng", "key"}, {"bệng", "bệnh", "key"}, {"mệng", "mệnh", "key"}, {"khuyếng", "khuyến", "key"},
	{"kái", "cái", "rule"}, {"ghà", "gà", "rule"}, {"ngiêng", "nghiêng", "rule"}, {"cính", "kính", "rule"}, {"ngé", "nghé", "rule"},
	{"gé", "ghé", "rule"}, {"kon", "con", "rule"},
	// Slips that leave another Vietnamese syllable (a tone or mark missing
	// or wrong): no check of the syllable alone can see them.
	{"ngươi", "người", "still a syllable"}, {"nam", "năm", "still a syllable"}, {"viet", "việt", "still a syllable"},
	{"hoc", "học", "still a syllable"}, {"dường", "đường", "still a syllable"}, {"tinh", "tỉnh", "still a syllable"},
	{"bả", "bà", "still a syllable"}, {"moi", "mới", "still a syllable"},
}

// The share of typing errors the check catches, and how often the word
// meant is its first suggestion (or among the first three).
func TestTypingErrorsCaught(t *testing.T) {
	s := NewSpeller(nil)
	caught, first, top3 := 0, 0, 0
	byKind := map[string][2]int{}
	for _, c := range typos {
		text := "Sáng nay, bà con " + c.typo + " ở xã Y Tý."
		ms := s.Check(text)
		k := byKind[c.kind]
		k[1]++
		if len(ms) == 1 && ms[0].Word == c.typo {
			caught++
			k[0]++
			if len(ms[0].Suggestions) > 0 && ms[0].Suggestions[0] == c.meant {
				first++
			}
			if slices.Contains(ms[0].Suggestions, c.meant) {
				top3++
			}
		} else if len(ms) > 1 || len(ms) == 1 && ms[0].Word != c.typo {
			t.Errorf("%q: flagged %+v", c.typo, ms)
		} else {
			t.Logf("missed: %q (%s)", c.typo, c.kind)
		}
		byKind[c.kind] = k
	}
	n := len(typos)
	t.Logf("caught %d of %d typing errors (%.0f%%); the word meant first in %d (%.0f%%), among three in %d (%.0f%%)",
		caught, n, 100*float64(caught)/float64(n), first, 100*float64(first)/float64(n), top3, 100*float64(top3)/float64(n))
	for kind, k := range byKind {
		t.Logf("  %s: %d of %d", kind, k[0], k[1])
	}
	if caught*100 < n*85 {
		t.Errorf("caught %d of %d: under 85%%", caught, n)
	}
	if top3*100 < n*75 {
		t.Errorf("the word meant among the suggestions for %d of %d: under 75%%", top3, n)
	}
}

// What is not meant as Vietnamese is left alone: names and acronyms,
// addresses, words with digits, an English phrase, the person's own words;
// a name where a sentence starts is checked.
func TestWhatIsLeftAlone(t *testing.T) {
	s := NewSpeller([]string{"Kpă", "pốp"})
	for _, text := range []string{
		"Ông Giàng A Páo và bà Kpă H'Hen gặp phóng viên.",
		"UBND huyện, TTXVN và COVID-19 đều viết hoa.",
		"Xem https://baolaocai.vn/tin-tuc hoặc gửi thư tới toasoan@ttxvn.vn.",
		"Mã bài 01M9441DBK83 và ảnh photo:99da099af5ae33ba.",
		"Anh ấy nói: the show must go on, rồi cười.",
		"Nhạc pốp được giới trẻ yêu thích.",
		"Bài hát có tên Let It Be rất nổi tiếng.",
		"Hai chữ 北京 và слово được trích nguyên văn.",
		"Lỗi gõ như `nguời` hay `tiếnh` được gạch chân.",
	} {
		if ms := s.Check(text); len(ms) != 0 {
			t.Errorf("%q: flagged %+v", text, ms)
		}
	}
	if ms := s.Check("Tiếnh chuông vang lên."); len(ms) != 1 || ms[0].Suggestions[0] != "Tiếng" {
		t.Errorf("a misspelt word where a sentence starts: %+v", ms)
	}
	if ms := s.Check("Bà con hỏi: “Bao giờ có điẹn?”"); len(ms) != 1 || ms[0].Word != "điẹn" || ms[0].Start != strings.Index("Bà con hỏi: “Bao giờ có điẹn?”", "điẹn") {
		t.Errorf("the place of a misspelling: %+v", ms)
	}
}

func BenchmarkSpellCheck6000Words(b *testing.B) {
	text := string(must(os.ReadFile("testdata/spell-correct.txt")))
	for len(Words(text)) < 6000 {
		text += "\n\n" + text
	}
	s := NewSpeller(nil)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.Check(text)
	}
}

// BenchmarkSpellCheckParagraph is the check of one paragraph, what a
// keystroke would ask of it.
func BenchmarkSpellCheckParagraph(b *testing.B) {
	text := strings.Split(string(must(os.ReadFile("testdata/spell-correct.txt"))), "\n\n")[1]
	s := NewSpeller(nil)
	for b.Loop() {
		s.Check(text)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
