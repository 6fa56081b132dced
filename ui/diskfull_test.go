//go:build linux

package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/fielddesk/fielddesk/internal/smallfs"
)

// Typing while another program fills the disk (a real small file system):
// the status line says so with the numbers, the text stays in the window,
// nothing saved is lost, and saving resumes by itself once space is back.
func TestTypingOnAFullDisk(t *testing.T) {
	fs := smallfs.Mount(t, 48<<20)
	h := newHarnessIn(t, filepath.Join(fs, "data"))
	h.u.RetryDelay = 300 * time.Millisecond
	test.Type(h.u.ed.headline, "Lũ quét")
	h.settle()
	first := h.latest()

	filler := smallfs.Fill(t, fs, 4<<20)
	test.Type(h.u.ed.headline, " ở Bát Xát")
	h.settle()
	if st := h.u.status.Text; !strings.Contains(st, "the disk is full") || !strings.Contains(st, "MB free, FieldDesk needs") || strings.Contains(st, "..") {
		t.Errorf("status = %q; want the full disk named with the numbers", st)
	}
	if h.u.ed.headline.Text != "Lũ quét ở Bát Xát" {
		t.Errorf("the text left the window: %q", h.u.ed.headline.Text)
	}
	if got := h.latest(); got.ID != first.ID {
		t.Error("a save on the full disk changed the stored head")
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond) // the retry timer fires
	h.settle()
	if got := h.latest(); got.Article.Headline != "Lũ quét ở Bát Xát" {
		t.Errorf("after space came back the store holds %q", got.Article.Headline)
	}
	if !strings.HasPrefix(h.u.status.Text, "Saved at") {
		t.Errorf("status once space is back = %q", h.u.status.Text)
	}
}

// A data folder on a disk that takes no writes (a write-protected card):
// the window opens with what was saved, and typing says at once that
// nothing can be saved and why, in the status line; once the disk takes
// writes again, saving resumes by itself.
func TestTypingOnAReadOnlyDisk(t *testing.T) {
	fs := smallfs.Mount(t, 48<<20)
	data := filepath.Join(fs, "data")
	h := newHarnessIn(t, data)
	test.Type(h.u.ed.headline, "Lũ quét")
	h.settle()
	first := h.latest()
	h.close()

	smallfs.ReadOnly(t, fs, true)
	defer smallfs.ReadOnly(t, fs, false)
	h = newHarnessIn(t, data)
	h.u.RetryDelay = 300 * time.Millisecond
	if got := h.u.ed.headline.Text; got != "Lũ quét" {
		t.Fatalf("the saved article did not reopen: headline %q", got)
	}
	test.Type(h.u.ed.headline, " ở Bát Xát")
	h.pumpFor(2 * time.Second)
	h.settle()
	if st := h.u.status.Text; !strings.Contains(st, "Not saved") || !strings.Contains(st, "takes no writes") {
		t.Fatalf("status = %q; want the read-only disk named", st)
	}
	if got := h.latest(); got.ID != first.ID {
		t.Error("the stored head changed on a read-only disk")
	}
	smallfs.ReadOnly(t, fs, false)
	h.pumpFor(time.Second) // the retry timer fires
	h.settle()
	if got := h.latest(); got.Article.Headline != "Lũ quét ở Bát Xát" {
		t.Errorf("once the disk takes writes the store holds %q", got.Article.Headline)
	}
}
