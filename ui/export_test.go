package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// File › Export (Ctrl+Shift+E) offers the three formats and writes the
// open article with the export command's code; a failure says so and
// names the file.
func TestExportFromTheWindow(t *testing.T) {
	h := newHarness(t)
	u := h.u
	test.Type(u.ed.headline, "Chợ phiên Bắc Hà")
	test.Type(u.ed.body.FirstText(), "Phiên chợ đông vui.")
	h.pumpFor(100 * time.Millisecond)
	h.settle()
	h.shortcut(fyne.KeyE, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	h.settle()
	radio := find[*widget.RadioGroup](u.win.Canvas())
	if radio == nil || len(radio.Options) != 3 {
		t.Fatalf("the export dialog offers %v", radio)
	}
	test.Tap(findButton(u.win.Canvas(), "Cancel"))
	h.settle()
	dir := t.TempDir()
	for _, f := range exportFormats {
		out := filepath.Join(dir, "cho-phien"+f.ext)
		u.exportTo(f.code, out)
		h.settle()
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("%s: %v (status %q)", f.code, err, u.status.Text)
		}
		if !strings.Contains(string(b), "Chợ phiên Bắc Hà") {
			t.Errorf("%s export lacks the headline:\n%.300s", f.code, b)
		}
		if !strings.HasPrefix(u.status.Text, "Exported to "+out) {
			t.Errorf("status %q", u.status.Text)
		}
	}
	// Into a "folder" that is a file: refused, and said.
	u.exportTo("html", filepath.Join(dir, "cho-phien.md", "x.html"))
	h.settle()
	if txt := labelTexts(t, u.win.Canvas().Overlays().Top()); !strings.Contains(txt, "Could not export") || !strings.Contains(txt, "cho-phien.md") {
		t.Errorf("a failed export says %q", txt)
	}
}
