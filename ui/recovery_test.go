package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
)

// When the data folder's database had to be rebuilt (its files damaged by
// a power cut), the window says so when it opens, in the person's words,
// with where the damaged files are kept; once the message is closed, it is
// not said again.
func TestARebuiltDatabaseIsSaidOnce(t *testing.T) {
	dir := t.TempDir()
	for _, headline := range []string{"Mưa lũ ở Lào Cai", "Đường lên Pha Long"} {
		d, err := desk.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Save(context.Background(), fielddesk.Article{Headline: headline, Body: "Người dân góp công."}, ""); err != nil {
			t.Fatal(err)
		}
		d.Close() // each session's saves become a table of their own
	}
	// The damage: the MANIFEST gone (a power cut while it was rewritten).
	if err := os.Remove(filepath.Join(dir, "db", "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	h := newHarnessIn(t, dir)
	u := h.u
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no message about the rebuild; status %q", u.status.Text)
	}
	said := labelTexts(t, top)
	for _, want := range []string{"rebuilt it from everything it could still read: 2 articles", filepath.Join(dir, "db-damaged-")} {
		if !strings.Contains(said, want) {
			t.Fatalf("the message %q does not say %q", said, want)
		}
	}
	if list, _ := h.desk.List(context.Background()); len(list) != 2 {
		t.Fatalf("%d articles after the rebuild, want 2", len(list))
	}
	test.Tap(button(t, top, "OK"))
	h.settle()
	if r := h.desk.Recovery(); r != nil {
		t.Fatalf("the report is still kept after the message was closed: %+v", r)
	}
	h.close()
	h2 := newHarnessIn(t, dir)
	if top := h2.u.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("said again at the next start: %q", labelTexts(t, top))
	}
}
