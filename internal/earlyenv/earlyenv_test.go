package earlyenv

import (
	"os"
	"testing"
)

func TestSettleLocale(t *testing.T) {
	for _, tc := range []struct{ lcAll, lang, language, want string }{
		{"", "C.UTF-8", "", "en"},
		{"", "POSIX.utf8", "", "en"},
		{"", "C", "", ""},
		{"", "vi_VN.UTF-8", "", ""},
		{"vi_VN.UTF-8", "C.UTF-8", "", ""},
		{"", "C.UTF-8", "vi", "vi"},
	} {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		t.Setenv("LANGUAGE", tc.language)
		settleLocale()
		if got := os.Getenv("LANGUAGE"); got != tc.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: LANGUAGE became %q, want %q", tc.lcAll, tc.lang, tc.language, got, tc.want)
		}
	}
}
