package ui

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/fielddesk/fielddesk/assets"
)

// Languages the interface is translated into, by code; "" follows the system.
var Languages = []string{"", "vi", "en"}

// prefLanguage is the preference key of the chosen interface language.
const prefLanguage = "language"

// The system's own choice, so that "follow the system" can return to it.
var systemLanguage, systemLanguageSet = os.LookupEnv("LANGUAGE")

// SetLanguage loads the translations and selects the interface language:
// "vi", "en", or "" for the system's. Fyne picks its language from the
// environment, so this sets LANGUAGE; what is built afterwards uses it.
func SetLanguage(code string) {
	switch {
	case code != "":
		os.Setenv("LANGUAGE", code)
		// LANGUAGE is ignored under the C locale.
		for _, v := range []string{"LC_ALL", "LC_MESSAGES"} {
			if l := os.Getenv(v); l == "C" || l == "POSIX" {
				os.Unsetenv(v)
			}
		}
		if l := os.Getenv("LANG"); l == "" || l == "C" || l == "POSIX" {
			os.Setenv("LANG", "C.UTF-8")
		}
	case systemLanguageSet:
		os.Setenv("LANGUAGE", systemLanguage)
	default:
		os.Unsetenv("LANGUAGE")
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("loading translations", err)
	}
}

// uiLanguage is the language the interface shows now: "vi" or "en".
func uiLanguage() string {
	if lang.L("language.code") == "vi" {
		return "vi"
	}
	return "en"
}
