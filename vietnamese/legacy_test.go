package vietnamese

import (
	"os"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestLegacyRoundTripEveryLetter(t *testing.T) {
	for _, enc := range []Encoding{VNIWin, VIQR} {
		for _, r := range vietnameseLetters {
			// In VIQR a final '.' or '?' is punctuation: test each letter inside a word.
			s := string(r) + "t"
			if got := Decode(Encode(s, enc), enc); got != s {
				t.Errorf("%s: %q → %q → %q", enc, s, Encode(s, enc), got)
			}
		}
	}
	// TCVN3 writes toned capitals like small letters: those come back small
	// (alone, they have no context); every other letter round-trips.
	for _, r := range vietnameseLetters {
		s := string(r)
		got := Decode(Encode(s, TCVN3), TCVN3)
		want := s
		if unicode.IsUpper(r) && countToned([]rune(s)) > 0 {
			want = strings.ToLower(s)
		}
		// A lone letter is also a sentence start: Decode capitalises it.
		if got != want && got != strings.ToUpper(want[:0])+string(unicode.ToUpper([]rune(want)[0])) {
			t.Errorf("TCVN3: %q → %q → %q", s, Encode(s, TCVN3), got)
		}
	}
}

func TestTCVN3Capitals(t *testing.T) {
	for _, tt := range []struct{ unicode, want string }{
		// Recoverable: sentence starts and words in capitals.
		{"Ước mơ của người dân. Ấm no.", "Ước mơ của người dân. Ấm no."},
		{"ĐẢNG BỘ TỈNH LÀO CAI", "ĐẢNG BỘ TỈNH LÀO CAI"},
		{"Việt Nam", "Việt Nam"},
		// Not recoverable: a toned capital inside a sentence (the name Ánh).
		{"Chị Ánh kể lại.", "Chị ánh kể lại."},
	} {
		if got := Decode(Encode(tt.unicode, TCVN3), TCVN3); got != tt.want {
			t.Errorf("TCVN3 %q → %q, want %q", tt.unicode, got, tt.want)
		}
	}
}

func TestVIQRPunctuation(t *testing.T) {
	if got := Decode("Vie^.t Nam la` nha`.", VIQR); got != "Việt Nam là nhà." {
		t.Errorf("VIQR = %q", got)
	}
	if got := Decode(`Ddi\. ddu+o+`+"`"+`ng`, VIQR); got != "Đi. đường" {
		t.Errorf("VIQR escape = %q", got)
	}
}

var legacySamples = []string{
	"Sau hai năm vận động, người dân đã hiến đất làm đường liên thôn.",
	"Đảng bộ tỉnh Lào Cai tổ chức đại hội đại biểu lần thứ XVI.",
	"Mưa lớn kéo dài gây sạt lở nhiều tuyến đường ở huyện Bát Xát.",
}

func TestDetectLegacy(t *testing.T) {
	for _, enc := range []Encoding{TCVN3, VNIWin} {
		for _, s := range legacySamples {
			d, ok := Detect(Encode(s, enc))
			if !ok || d.Encoding != enc {
				t.Errorf("%s sample %q detected as %+v (%v)", enc, Encode(s, enc), d, ok)
			}
		}
	}
	// VIQR needs marks on most words.
	if d, ok := Detect("Nga`y mai, ngu+o+`i da^n se~ ho.p ba`n ve^` ddu+o+`ng."); !ok || d.Encoding != VIQR {
		t.Errorf("VIQR detected as %+v (%v)", d, ok)
	}
	// Mixed: Unicode with one legacy paragraph; the sample names it.
	mixed := "Đoạn đầu viết đúng Unicode.\n" + Encode(legacySamples[0], TCVN3) + "\nĐoạn cuối."
	if d, ok := Detect(mixed); !ok || d.Encoding != TCVN3 || d.Sample != Encode(legacySamples[0], TCVN3) {
		t.Errorf("mixed text: %+v (%v)", d, ok)
	}
}

func TestDetectLeavesOtherTextAlone(t *testing.T) {
	for _, s := range []string{
		"Le président a été reçu à l'Élysée où il a déclaré être très satisfait.",
		"Ça m'a coûté cher, mais la fête était réussie : on a mangé des crêpes.",
		"The committee met on Friday and approved the new road budget.",
		"Người dân góp công làm đường bê tông.", // Unicode Vietnamese
		"- góp 5.000 ngày công;", // Unicode Vietnamese with Latin-1 letters only
		"Bà con đã chia sẻ: “Có điện rồi, vui lắm”.",
		"Tôi là ông Páo, nhà ở bản Tả Lùng.",
		"Straße, Müller, Größe — naïve café résumé",
		"2024-05-01 12:30 (UTC) $100 ~ 50%?",
	} {
		if d, ok := Detect(s); ok {
			t.Errorf("%q detected as %+v", s, d)
		}
	}
}

func TestIsSyllable(t *testing.T) {
	for _, w := range []string{"người", "nghiêng", "quốc", "giữa", "khuya", "Việt", "đường", "hoà", "thuở"} {
		if !IsSyllable(w) {
			t.Errorf("%q should be a syllable", w)
		}
	}
	for _, w := range []string{"président", "straße", "xyz", "tẽtx", "hello"} {
		if IsSyllable(w) {
			t.Errorf("%q should not be a syllable", w)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("ViÖt Nam", uint8(0))
	f.Add("Vie65t", uint8(1))
	f.Add("Vie^.t \\.", uint8(2))
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		enc := Encodings[int(which)%len(Encodings)]
		out := Decode(s, enc)
		if !utf8ValidNFC(out) {
			t.Fatalf("Decode(%q, %s) = %q is not valid NFC", s, enc, out)
		}
		Detect(s)
	})
}

func utf8ValidNFC(s string) bool {
	return strings.ToValidUTF8(s, "\uFFFD") == s && norm.NFC.IsNormalString(s)
}

// TestNoFalseAlarmOnRealText runs detection over the project's Vietnamese
// texts, line by line: none of it may be taken for a legacy encoding.
func TestNoFalseAlarmOnRealText(t *testing.T) {
	for _, path := range []string{"../docs/example/bai-viet.md", "../render/testdata/long3000.md"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := Detect(string(data)); ok {
			t.Errorf("%s: taken for %s on %q", path, d.Encoding, d.Sample)
		}
	}
}

// A whole article written in VIQR (as an old system writes it, with no
// escapes) decodes back to its Unicode text: tone marks that end a word
// ("Ta?" Tả, "o+?" ở, "thi.," thị,) and sentence punctuation after a word
// without a tone ("ddi." đi., "kho^ng?" không?) are told apart by the rule
// of viqrFinalTone.
func TestVIQRWholeArticle(t *testing.T) {
	b, err := os.ReadFile("testdata/viqr-article.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := string(b)
	viqr := Encode(want, VIQR)
	if viqr == want {
		t.Fatal("the article did not encode")
	}
	got := Decode(viqr, VIQR)
	if got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Errorf("line %d:\n got %q\nwant %q\n VIQR %q", i+1, gl[i], wl[i], strings.Split(viqr, "\n")[i])
			}
		}
	}
}

func TestVIQRFinalToneMarks(t *testing.T) {
	for viqr, want := range map[string]string{
		"Ta? bo^. thi., ba`":            "Tả bộ thị, bà",
		"Ddi dda^u? Anh ve^`.":          "Đi đâu? Anh về.",
		"o+? Ha` No^.i":                 "ở Hà Nội",
		"So+? Y te^' va` Bo^. Co^ng an": "Sở Y tế và Bộ Công an",
		"Chu+a ddi.\nNgay mai ddi.":     "Chưa đi.\nNgay mai đi.",
		"“Kho^ng?” – anh ho?i.":         "“Không?” – anh hỏi.",
		"cha^.m qua\\. Ro^`i":           "chậm qua. Rồi",
		"Ho`a?":                         "Hòa?",
		"ddi...":                        "đi...",
		"Ta?: ba`":                      "Tả: bà",
	} {
		if got := Decode(viqr, VIQR); got != want {
			t.Errorf("Decode(%q) = %q, want %q", viqr, got, want)
		}
	}
}
