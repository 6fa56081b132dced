package vietnamese

import "testing"

func TestApplyToneStyle(t *testing.T) {
	pairs := []struct{ old, new string }{
		{"hòa", "hoà"}, {"khỏe", "khoẻ"}, {"thủy", "thuỷ"}, {"Hòa", "Hoà"}, {"HÒA", "HOÀ"},
		{"tòa", "toà"}, {"Thụy", "Thuỵ"}, {"xòe", "xoè"}, {"họa", "hoạ"}, {"lõa", "loã"}, {"thúy", "thuý"},
	}
	for _, p := range pairs {
		if got, n := ApplyToneStyle(p.old, NewStyle); got != p.new || n != 1 {
			t.Errorf("new style of %q = %q (%d), want %q", p.old, got, n, p.new)
		}
		if got, n := ApplyToneStyle(p.new, OldStyle); got != p.old || n != 1 {
			t.Errorf("old style of %q = %q (%d), want %q", p.new, got, n, p.old)
		}
		if got, n := ApplyToneStyle(p.new, NewStyle); got != p.new || n != 0 {
			t.Errorf("new style of new %q = %q (%d)", p.new, got, n)
		}
	}
	// Written alike in both styles.
	for _, w := range []string{"quý", "quá", "hoàn", "huỳnh", "thuở", "của", "ngoài", "khuya", "Việt", "hoa", "tuy", "người", "toán", "quyết"} {
		for _, st := range []ToneStyle{OldStyle, NewStyle} {
			if got, n := ApplyToneStyle(w, st); got != w || n != 0 {
				t.Errorf("%s style of %q = %q (%d), want it unchanged", st, w, got, n)
			}
		}
	}
	got, n := ApplyToneStyle("Hòa bình, sức khỏe và thủy lợi: quý hóa!", NewStyle)
	if want := "Hoà bình, sức khoẻ và thuỷ lợi: quý hoá!"; got != want || n != 4 {
		t.Errorf("sentence = %q (%d), want %q (4)", got, n, want)
	}
}
