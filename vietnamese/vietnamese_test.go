package vietnamese

import (
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đảng bộ", "dang bo"},
		{norm.NFD.String("Đảng bộ"), "dang bo"},
		{"hòa", "hoa"},
		{"hoà", "hoa"},
		{"THUÝ", "thuy"},
		{"Nguyễn Văn A", "nguyen van a"},
		{"Café", "cafe"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDateline(t *testing.T) {
	// 12:37 UTC is 19:37 in Hanoi; 26 August 2016 was a Friday.
	ts := time.Date(2016, 8, 26, 12, 37, 0, 0, time.UTC)
	if got, want := Dateline(ts, "vi", nil), "Thứ sáu, 26/08/2016 19:37"; got != want {
		t.Errorf("vi dateline = %q, want %q", got, want)
	}
	if got, want := Dateline(ts, "en", nil), "Friday, 26 August 2016 19:37"; got != want {
		t.Errorf("en dateline = %q, want %q", got, want)
	}
	// Sunday is "Chủ nhật", not "Thứ nhất".
	sun := time.Date(2016, 8, 28, 3, 0, 0, 0, time.UTC)
	if got, want := Dateline(sun, "vi", nil), "Chủ nhật, 28/08/2016 10:00"; got != want {
		t.Errorf("sunday dateline = %q, want %q", got, want)
	}
}

func TestFormatInt(t *testing.T) {
	for _, tt := range []struct {
		n    int
		lang string
		want string
	}{{0, "vi", "0"}, {999, "vi", "999"}, {1234, "vi", "1.234"}, {1234567, "vi", "1.234.567"}, {1234567, "en", "1,234,567"}, {-4500, "vi", "-4.500"}} {
		if got := FormatInt(tt.n, tt.lang); got != tt.want {
			t.Errorf("FormatInt(%d, %s) = %q, want %q", tt.n, tt.lang, got, tt.want)
		}
	}
}

func TestVietnameseOrder(t *testing.T) {
	words := []string{"đường", "ăn", "Bắc", "dân", "an", "ấm", "e", "ê", "Đảng", "ơn", "ô", "o", "ư", "u"}
	SortFunc(words, func(s string) string { return s })
	want := []string{"an", "ăn", "ấm", "Bắc", "dân", "Đảng", "đường", "e", "ê", "o", "ô", "ơn", "u", "ư"}
	for i := range want {
		if words[i] != want[i] {
			t.Fatalf("order = %v\nwant    %v", words, want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Lũ quét ở Bát Xát":                      "lu-quet-o-bat-xat",
		"  Đảng bộ xã Pha Long – nhiệm kỳ 2025!": "dang-bo-xa-pha-long-nhiem-ky-2025",
		"<script>alert(1)</script>":              "script-alert-1-script",
		"日本":                                     "",
	} {
		if got := Slug(in, 80); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Slug("Một hai ba bốn năm", 10); got != "mot-hai-ba" {
		t.Errorf("cut: %q", got)
	}
}
