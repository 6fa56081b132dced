package store

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
)

// Settings survive a reopen, are the folder's own, come back in NFC, and
// bad ones are refused with ErrInvalid, leaving what was stored.
func TestSettingsLiveWithTheDataFolder(t *testing.T) {
	db, dir := openTemp(t)
	other, _ := openTemp(t)
	if err := db.SetSetting("byline", "Nguyê\u0303n Văn An"); err != nil { // decomposed ễ
		t.Fatal(err)
	}
	if err := db.SetSetting("agency", "TTXVN"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting("agency", ""); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ k, v string }{{"", "x"}, {strings.Repeat("k", MaxSettingKey+1), "x"}, {"byline", strings.Repeat("x", MaxSettingValue+1)}, {"byline", "\xff"}} {
		if err := db.SetSetting(bad.k, bad.v); !errors.Is(err, fielddesk.ErrInvalid) {
			t.Errorf("SetSetting(%.10q, %.10q) = %v, want ErrInvalid", bad.k, bad.v, err)
		}
	}
	db.Close()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["byline"] != "Nguyễn Văn An" {
		t.Errorf("after a reopen: %q, want only the byline, in NFC", got)
	}
	if o, _ := other.Settings(); len(o) != 0 {
		t.Errorf("another data folder has %q", o)
	}
}

// BenchmarkSetSetting is the durable write the window makes beside an
// autosave when the place being edited changed.
func BenchmarkSetSetting(b *testing.B) {
	dir := b.TempDir()
	db, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	i := 0
	for b.Loop() {
		i++
		if err := db.SetSetting("last_open", strings.Repeat("x", 26)+" body 3 0 "+strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
	}
}
