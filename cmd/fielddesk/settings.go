package main

import (
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"

	"github.com/fielddesk/fielddesk/cmd/fielddesk/cli"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/ui"
)

// adoptSharedSettings moves the personal settings an older FieldDesk kept
// in the machine's preferences (shared by every data folder) into the
// default data folder, once: that is the folder they were made for. Other
// folders start with their own.
func adoptSharedSettings(d *desk.Desk, dir string, prefs fyne.Preferences) {
	def, err := cli.DefaultDataDir()
	if err != nil || filepath.Clean(def) != filepath.Clean(dir) {
		return
	}
	have, err := d.Settings()
	if err != nil || len(have) > 0 {
		return
	}
	for _, key := range ui.PersonalSettings {
		v := prefs.String(key)
		if n := prefs.IntWithFallback(key, 0); v == "" && n != 0 {
			v = strconv.Itoa(n)
		}
		if v == "" {
			continue
		}
		if err := d.SetSetting(key, v); err != nil {
			fyne.LogError("move the setting "+key+" into the data folder", err)
			return
		}
		prefs.RemoveValue(key)
	}
}
