// Command fielddesk is the FieldDesk desktop app: with no command it opens
// the window; with one it works headless (see fielddesk help).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // datelines in Asia/Ho_Chi_Minh even where the system has no zoneinfo

	_ "fielddesk.local/earlyenv" // before Fyne reads the locale: see the package

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/assets"
	"github.com/fielddesk/fielddesk/cmd/fielddesk/cli"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/sync/client"
	"github.com/fielddesk/fielddesk/ui"
)

// The desk is what the interface needs; the engine is its Syncer.
var (
	_ ui.Backend = (*desk.Desk)(nil)
	_ ui.Syncer  = (*client.Client)(nil)
)

// syncingDesk is the desk that wakes the sync engine when an edit of a sent
// article waits to go (a little after the last save: autosave runs every
// few seconds while someone types).
type syncingDesk struct {
	*desk.Desk
	engine  *client.Client
	mu      sync.Mutex
	pending *time.Timer
}

func (s *syncingDesk) Save(ctx context.Context, a fielddesk.Article, base fielddesk.ID) (fielddesk.Revision, error) {
	rev, err := s.Desk.Save(ctx, a, base)
	if err == nil && rev.Article.Status != fielddesk.StatusDraft {
		s.mu.Lock()
		if s.pending == nil {
			s.pending = time.AfterFunc(10*time.Second, func() {
				s.mu.Lock()
				s.pending = nil
				s.mu.Unlock()
				s.engine.Kick()
			})
		}
		s.mu.Unlock()
	}
	return rev, err
}

func main() {
	// Cheap laptops: collect garbage before the heap doubles, and keep the
	// Go heap near 96 MB (a soft limit; GOGC and GOMEMLIMIT still override).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(96 << 20)
	}
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, runGUI))
}

// runGUI opens the window on the data folder and returns when it is closed.
func runGUI(dir string) error {
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display: the FieldDesk window needs a desktop session (DISPLAY is not set); the headless commands work without one, see fielddesk help")
	}
	a := app.NewWithID(cli.AppID)
	a.SetIcon(fyne.NewStaticResource("fielddesk.png", assets.Icon))
	ui.SetLanguage(a.Preferences().String("language"))
	if err := graphicsProblem(); err != nil {
		msg := ui.GraphicsFailed()
		tellGraphicsFailed(a, msg)
		return fmt.Errorf("%s (%w)", msg, err)
	}

	d, err := desk.Open(dir)
	if err != nil {
		showStartupError(a, err)
		return err
	}
	defer d.Close()
	adoptSharedSettings(d, dir, a.Preferences())
	// The sync engine works in the background from the start; the window
	// shows its status and editing never waits for it.
	var u *ui.UI
	engine := client.New(d.DB, client.Options{OnStatus: func(s fielddesk.SyncStatus) {
		if u != nil {
			u.SyncChanged(s)
		}
	}})
	defer engine.Close()
	back := &syncingDesk{Desk: d, engine: engine}
	u = ui.New(a, back)
	u.SetSyncer(engine)
	u.SetScreen(screen{})
	ctx, cancel := context.WithCancel(context.Background())
	syncDone := make(chan struct{})
	go func() { defer close(syncDone); engine.Run(ctx) }()
	// Headless commands run while the window is open come here (the
	// window holds the folder) and run on its open store.
	serveDone := make(chan struct{})
	go func() {
		defer close(serveDone)
		if err := cli.Serve(ctx, d, cli.Options{}, func() { engine.Kick(); fyne.Do(u.DataChanged) }); err != nil {
			fyne.LogError("headless commands cannot reach this window", err)
		}
	}()
	defer func() { cancel(); <-syncDone; <-serveDone }()
	// A session ending or Ctrl+C in a terminal closes the window the way
	// the close button does: what is being written is saved first.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-stop
		fyne.Do(u.Close)
	}()
	u.Show()
	a.Run()
	signal.Stop(stop)
	return nil
}

// showStartupError tells a user who started the app from a menu (and sees
// no terminal) why it cannot open.
func showStartupError(a fyne.App, err error) {
	w := a.NewWindow("FieldDesk")
	msg := widget.NewLabel(fmt.Sprint(err))
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil, widget.NewButton("OK", a.Quit), nil, nil, msg))
	w.Resize(fyne.NewSize(480, 160))
	w.ShowAndRun()
}
