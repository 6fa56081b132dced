package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk"
)

// The file errors a laptop meets (a scanner holding a file, a
// write-protected card, a pulled-out drive) are said in the person's words
// with what to do, and the detail stays for whoever helps them.
func TestFileTroublesAreExplained(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("save: %w: rename a b: Access denied", fielddesk.ErrFileBusy), "often an antivirus"},
		{fmt.Errorf("save: %w: read-only file system", fielddesk.ErrReadOnly), "takes no writes"},
		{fmt.Errorf("save: %w: input/output error", fielddesk.ErrDiskGone), "pulled out"},
	} {
		got := explain(c.err)
		if !strings.Contains(got, c.want) || !strings.Contains(got, c.err.Error()) {
			t.Errorf("explain(%v) = %q; want the sentence with %q and the detail", c.err, got, c.want)
		}
	}
}
