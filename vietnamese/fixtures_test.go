package vietnamese

import "testing"

// Legacy text as the old fonts wrote it, typed here from the published
// TCVN 5712 (ABC) and VNI-Windows code charts, not produced by this
// package's tables: a mistake in a table (ệ and ế swapped) shows here.
// The bytes are the 8-bit codes read as Windows-1252, as they arrive in a
// pasted .doc or an old .txt.
func TestLegacyFixturesFromTheCodeCharts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		enc  Encoding
		want string
	}{
		{"ViÖt Nam", TCVN3, "Việt Nam"},
		{"Hµ Néi", TCVN3, "Hà Nội"},
		{"Thµnh phè Hå ChÝ Minh", TCVN3, "Thành phố Hồ Chí Minh"},
		{"Tr\u00adêng häc", TCVN3, "Trường học"},
		{"Hµ NéI", TCVN3, "HÀ NỘI"},
		{"§¶NG Bé TØNH", TCVN3, "ĐẢNG BỘ TỈNH"},
		{"ngµy mai sÏ cã m\u00ada, giã m¹nh", TCVN3, "Ngày mai sẽ có mưa, gió mạnh"},
		{"Vieät Nam", VNIWin, "Việt Nam"},
		{"Haø Noäi", VNIWin, "Hà Nội"},
		{"Thaønh phoá Hoà Chí Minh", VNIWin, "Thành phố Hồ Chí Minh"},
		{"Tröôøng hoïc", VNIWin, "Trường học"},
		{"Ngaøy mai seõ coù möa", VNIWin, "Ngày mai sẽ có mưa"},
		{"Vie^.t Nam", VIQR, "Việt Nam"},
		{"Tru+o+`ng ho.c", VIQR, "Trường học"},
	} {
		if got := Decode(tc.in, tc.enc); got != tc.want {
			t.Errorf("%s %q → %q, want %q", tc.enc, tc.in, got, tc.want)
		}
	}
}
