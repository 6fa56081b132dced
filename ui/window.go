package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
)

// Rect is a part of the screens, in the window's units.
type Rect struct {
	Pos  fyne.Position
	Size fyne.Size
}

func (r Rect) contains(p fyne.Position) bool {
	return p.X >= r.Pos.X && p.Y >= r.Pos.Y && p.X < r.Pos.X+r.Size.Width && p.Y < r.Pos.Y+r.Size.Height
}

// Screen is what the window needs of the windowing system to fit the
// screen it opens on and to come back where it was; the app implements
// it over GLFW and the system's own windows (cmd), tests with a made-up
// screen. Fyne itself tells neither.
type Screen interface {
	// WorkAreas are the usable parts of the screens (without taskbars and
	// panels), the primary screen first; none when unknown.
	WorkAreas(w fyne.Window) []Rect
	// Position is where the window's content begins on the screens.
	Position(w fyne.Window) (fyne.Position, bool)
	// Move puts the window's content at p.
	Move(w fyne.Window, p fyne.Position)
}

// SetScreen gives the window its screen; call it before Show.
func (u *UI) SetScreen(s Screen) { u.screen = s }

// The window opens at DefaultWindowSize where the screen has room for it.
var DefaultWindowSize = fyne.NewSize(1280, 800)

// Room for what the windowing system draws around the content (a title
// bar above it, borders), which the work area must also hold.
const (
	frameTop    = 32
	frameBorder = 8
)

var frame = fyne.NewSize(2*frameBorder, frameTop+frameBorder)

// placement is the window's size and place as the settings keep it.
type placement struct {
	size   fyne.Size
	pos    fyne.Position
	hasPos bool
}

func (p placement) String() string {
	s := fmt.Sprintf("%.0f %.0f", p.size.Width, p.size.Height)
	if p.hasPos {
		s += fmt.Sprintf(" %.0f %.0f", p.pos.X, p.pos.Y)
	}
	return s
}

func parsePlacement(s string) (placement, bool) {
	var p placement
	n, _ := fmt.Sscanf(strings.TrimSpace(s), "%f %f %f %f", &p.size.Width, &p.size.Height, &p.pos.X, &p.pos.Y)
	if n < 2 || p.size.Width < 200 || p.size.Height < 150 {
		return placement{}, false
	}
	p.hasPos = n == 4
	return p, true
}

// placeWindow sizes the window to its remembered size, or the default,
// made to fit the screen it opens on (a 1366×768 laptop with a taskbar, a
// 1024×600 netbook), and puts it back where it was if that is still on a
// screen; otherwise it is centred on the primary screen.
func (u *UI) placeWindow() {
	want, saved := parsePlacement(u.setting(prefWindow))
	if !saved {
		want = placement{size: DefaultWindowSize}
	}
	var areas []Rect
	if u.screen != nil {
		areas = u.screen.WorkAreas(u.win)
	}
	if len(areas) == 0 {
		if saved {
			u.win.Resize(want.size)
		}
		return
	}
	area := areas[0]
	onScreen := false
	if want.hasPos {
		// The title bar (just above the content) must be on a screen to
		// move the window with the mouse.
		grip := fyne.NewPos(want.pos.X+min(want.size.Width/2, 100), want.pos.Y)
		for _, a := range areas {
			if a.contains(grip) {
				area, onScreen = a, true
				break
			}
		}
	}
	room := fyne.NewSize(area.Size.Width-frame.Width, area.Size.Height-frame.Height)
	size := fyne.NewSize(min(want.size.Width, room.Width), min(want.size.Height, room.Height))
	u.win.Resize(size)
	// Centred, or where it was, the whole window on its screen.
	lo := fyne.NewPos(area.Pos.X+frameBorder, area.Pos.Y+frameTop)
	hi := fyne.NewPos(area.Pos.X+area.Size.Width-frameBorder-size.Width, area.Pos.Y+area.Size.Height-frameBorder-size.Height)
	pos := fyne.NewPos((lo.X+hi.X)/2, (lo.Y+hi.Y)/2)
	if onScreen {
		pos = fyne.NewPos(max(lo.X, min(want.pos.X, hi.X)), max(lo.Y, min(want.pos.Y, hi.Y)))
	}
	u.screen.Move(u.win, pos)
}

// rememberPlacement keeps the window's size and place in the settings
// (now, when the window closes).
func (u *UI) rememberPlacement(now bool) {
	p := placement{size: u.win.Canvas().Size()}
	if p.size.Width < 200 || p.size.Height < 150 {
		return // not shown yet
	}
	if u.screen != nil {
		p.pos, p.hasPos = u.screen.Position(u.win)
	}
	if now {
		u.saveSettingNow(prefWindow, p.String())
	} else {
		u.setSetting(prefWindow, p.String(), false)
	}
}

// editPlace is where someone was writing: a field of the form (a body
// paragraph by its place in the body) and the cursor in it.
type editPlace struct {
	field string // "headline", "sapo", "byline", …, or "body" with block
	block int
	off   int // the cursor, in runes into the field's (or paragraph's) text
}

// lastOpen is the article open and the place being edited, as the
// settings keep them ("ID field block offset").
type lastOpen struct {
	id    string
	place editPlace
}

func (l lastOpen) String() string {
	if l.id == "" {
		return ""
	}
	return fmt.Sprintf("%s %s %d %d", l.id, l.place.field, l.place.block, l.place.off)
}

func parseLastOpen(s string) (lastOpen, bool) {
	var l lastOpen
	n, _ := fmt.Sscanf(s, "%s %s %d %d", &l.id, &l.place.field, &l.place.block, &l.place.off)
	return l, n >= 1 && l.id != ""
}

// rememberOpen keeps the open article and the place being edited in the
// settings (now: the window is closing), for the next start.
func (u *UI) rememberOpen(now bool) {
	l := lastOpen{id: string(u.ed.article.ID)}
	if l.id != "" {
		l.place = u.ed.place()
	}
	if now {
		u.saveSettingNow(prefLastOpen, l.String())
	} else {
		u.setSetting(prefLastOpen, l.String(), false)
	}
}
