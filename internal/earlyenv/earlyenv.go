// Package earlyenv settles the process environment before any other
// package of the app is initialized. Go initializes packages in the
// order of their import paths, and this module's path sorts before
// fyne.io: its init runs before Fyne's lang package reads the locale
// (which, under LANG=C.UTF-8 as in containers, CI and ssh sessions,
// printed three "Error parsing user locale C" lines on every headless
// command).
//
// It is a module of its own (fielddesk.local/earlyenv, replaced by this
// folder in the app's go.mod) only for that import path. It imports
// nothing but os.
package earlyenv

import (
	"os"
	"strings"
)

func init() { settleLocale() }

// settleLocale gives the C locale's interface language a name Fyne can
// parse: with the locale "C.UTF-8" (or "POSIX.UTF-8") and no LANGUAGE,
// LANGUAGE becomes "en", which is what that locale means.
func settleLocale() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		l := os.Getenv(v)
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "C.") || strings.HasPrefix(l, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
