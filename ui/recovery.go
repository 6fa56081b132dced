package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"github.com/fielddesk/fielddesk"
)

// checkRecovery tells the person, once they can read it, that the data
// folder's database was rebuilt after its files were found damaged: what
// came back, what could not be read and where the damaged files are kept.
// The report stays in the data folder until the message is closed.
func (u *UI) checkRecovery() {
	var r *fielddesk.Recovery
	u.work.run(func() { r = u.backend.Recovery() }, func() {
		if r == nil {
			return
		}
		u.status.SetText(lang.L("FieldDesk rebuilt its saved work: see the message."))
		d := dialog.NewInformation(lang.L("FieldDesk rebuilt its saved work"), recoveryText(r), u.win)
		d.SetOnClosed(func() {
			u.work.run(func() {
				if err := u.backend.DismissRecovery(); err != nil {
					fyne.LogError("forget the rebuild's report", err)
				}
			}, nil)
		})
		d.Show()
	})
}

// recoveryText says what a rebuild did, in the person's language.
func recoveryText(r *fielddesk.Recovery) string {
	msg := fmt.Sprintf(lang.L("FieldDesk could not open its saved work as it was: some of its files were damaged, most likely by a power cut while they were being written. It rebuilt it from everything it could still read: %d articles."), r.Articles)
	if len(r.Unreadable) > 0 {
		msg += "\n\n" + fmt.Sprintf(lang.L("Some files could not be read (%s): what was written only in them may be missing. Articles already sent are also kept by the newsroom."), strings.Join(r.Unreadable, ", "))
	}
	msg += "\n\n" + fmt.Sprintf(lang.L("The damaged files are kept, untouched, in %s."), r.Kept)
	return msg
}
