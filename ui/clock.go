package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// now is the time of the desk's store (which a wrong system clock does
// not send back to 2000), for what the window dates.
func (u *UI) now() time.Time { return u.backend.Clock().Trusted }

// checkClock says once, plainly, when the computer's clock is far behind
// the newest time the data folder has seen (a dead CMOS battery resets it
// to 2000): dates stay right, but the person should set the clock.
func (u *UI) checkClock() {
	if u.clockWarned {
		return
	}
	c := u.backend.Clock()
	if !c.Behind {
		return
	}
	u.clockWarned = true
	msg := fmt.Sprintf(lang.L("This computer's clock says %s, far behind the last time FieldDesk saw (%s): its clock battery may be flat. Meanwhile FieldDesk keeps your versions in order and dates them from that last time; please set the date and time of the computer (and turn on setting them automatically)."),
		c.System.Local().Format("02/01/2006 15:04"), c.Trusted.Local().Format("02/01/2006 15:04"))
	u.status.SetText(lang.L("The computer's clock is wrong: see the message."))
	dialog.ShowInformation(lang.L("The computer's clock is wrong"), msg, u.win)
}
