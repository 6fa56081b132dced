package ui

import (
	"strconv"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// Keys of the settings kept in the data folder (Backend.Settings): they
// belong to the person whose folder it is. Only the interface language is
// the machine's (the app's preferences), since it is needed before a
// folder is open.
const (
	prefByline       = "byline"
	prefAgency       = "agency"
	prefToneStyle    = "tone_style"
	prefTyping       = "typing"
	prefReadingSpeed = "reading_speed"
	prefWindow       = "window"    // the window's size and place, see placement
	prefLastOpen     = "last_open" // the article open and the place being edited, see lastOpen
	prefKeptTold     = "kept_told" // the drafts made of edits the newsroom refused, already told of
	prefPhotoDir     = "photo_dir" // the folder photos were last added from
)

// PersonalSettings are the keys an older FieldDesk kept in the app's
// preferences, shared by every data folder; the app copies them into the
// default folder once.
var PersonalSettings = []string{prefByline, prefAgency, prefToneStyle, prefTyping, prefReadingSpeed}

// folderSettings is the data folder's settings as the window uses them: read
// once when the window opens, changed in memory at once, written to the
// folder in the background (the newest value of a key always last).
type folderSettings struct {
	mu     sync.Mutex
	values map[string]string
	wmu    sync.Mutex // one write at a time, so a newer value is never overwritten by an older
}

func (u *UI) loadSettings() {
	values, err := u.backend.Settings()
	if err != nil {
		fyne.LogError("read the settings", err)
	}
	if values == nil {
		values = map[string]string{}
	}
	u.settings.values = values
}

func (u *UI) setting(key string) string {
	u.settings.mu.Lock()
	defer u.settings.mu.Unlock()
	return u.settings.values[key]
}

func (u *UI) settingInt(key string, fallback int) int {
	if n, err := strconv.Atoi(u.setting(key)); err == nil {
		return n
	}
	return fallback
}

// changeSetting sets a setting in memory and reports whether it changed.
func (u *UI) changeSetting(key, value string) bool {
	u.settings.mu.Lock()
	defer u.settings.mu.Unlock()
	if u.settings.values[key] == value {
		return false
	}
	u.settings.values[key] = value
	return true
}

// writeSetting stores the newest value of a setting in the data folder,
// one write at a time so that an older value never lands after a newer.
func (u *UI) writeSetting(key string) error {
	u.settings.wmu.Lock()
	defer u.settings.wmu.Unlock()
	return u.backend.SetSetting(key, u.setting(key))
}

// setSetting changes a setting now and stores it in the data folder in the
// background. With loud, a failure is shown; otherwise (the window's place,
// the article last open) it is only logged.
func (u *UI) setSetting(key, value string, loud bool) {
	if !u.changeSetting(key, value) {
		return
	}
	var err error
	u.work.run(func() { err = u.writeSetting(key) }, func() {
		if err == nil {
			return
		}
		if loud {
			u.showError(lang.L("Could not save the settings"), err)
		} else {
			fyne.LogError("save the setting "+key, err)
		}
	})
}

// saveSettingNow changes a setting and writes it at once, on the
// calling goroutine (the window is closing).
func (u *UI) saveSettingNow(key, value string) {
	if !u.changeSetting(key, value) {
		return
	}
	if err := u.writeSetting(key); err != nil {
		fyne.LogError("save the setting "+key, err)
	}
}
