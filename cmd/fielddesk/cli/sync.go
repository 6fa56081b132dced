package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/cmd/internal/prompt"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/client"
)

// syncCommands talk to the newsroom server; login may read the password
// from stdin.
var syncCommands = map[string]func(ctx context.Context, d *desk.Desk, opt client.Options, args []string, stdin io.Reader, out io.Writer) error{
	"login": cmdLogin,
	"sync":  cmdSync,
	"send":  cmdSend,
}

func cmdLogin(ctx context.Context, d *desk.Desk, opt client.Options, args []string, stdin io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	server := fs.String("server", "", "")
	user := fs.String("user", "", "")
	pwFile := fs.String("password-file", "", "")
	originals := fs.String("originals", "", "")
	caFile := fs.String("ca", "", "")
	pin := fs.String("pin", "", "")
	if _, err := parse(fs, args, 0, "--server URL --user NAME"); err != nil {
		return err
	}
	var trust fielddesk.ServerTrust
	if *caFile != "" {
		pem, err := os.ReadFile(*caFile)
		if err != nil {
			return fmt.Errorf("login: the authority file: %w", err)
		}
		trust.CAPEM = pem
	}
	if *pin != "" {
		if *caFile != "" {
			return errors.New("login: give --ca or --pin, not both")
		}
		if _, err := client.NormalizePin(*pin); err != nil {
			return fmt.Errorf("login: --pin: %w", err)
		}
		trust.Pin = *pin
	}
	if *server == "" || *user == "" {
		return errors.New("login needs --server URL and --user NAME (see fielddesk help)")
	}
	if *originals != "" && !store.ValidOriginals(*originals) {
		return fmt.Errorf("login: --originals takes never, unmetered or always, not %q", *originals)
	}
	password, err := prompt.Password(*pwFile, stdin, out)
	if err != nil {
		return err
	}
	c := client.New(d.DB, opt)
	defer c.Close()
	acct, err := c.LoginTrusting(ctx, *server, *user, password, trust)
	if err != nil {
		return err
	}
	if *originals != "" {
		if err := c.SetOriginals(ctx, *originals); err != nil {
			return err
		}
		acct.Originals = *originals
	}
	fmt.Fprintf(out, "logged in to %s as %s (%s%s); device %s; originals: %s\n", acct.Server, acct.User, acct.Role, deskSuffix(acct.Desk), acct.DeviceID, acct.Originals)
	if acct.Pin != "" {
		fmt.Fprintf(out, "trusting the server's certificate %s only\n", fielddesk.FormatFingerprint(acct.Pin))
	}
	return nil
}

func deskSuffix(desk string) string {
	if desk == "" {
		return ""
	}
	return ", desk " + desk
}

func cmdSend(ctx context.Context, d *desk.Desk, _ client.Options, args []string, _ io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	id, err := parseArticle(fs, args)
	if err != nil {
		return err
	}
	if _, err := d.Act(ctx, id, fielddesk.ActionSend, ""); err != nil {
		return err
	}
	rev, err := d.Latest(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "queued %s (%s) for the newsroom: it goes with the next sync\n", id, rev.Article.Headline)
	return nil
}

func cmdSync(ctx context.Context, d *desk.Desk, opt client.Options, args []string, _ io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	once := fs.Bool("once", false, "")
	if _, err := parse(fs, args, 0, "no arguments"); err != nil {
		return err
	}
	if _, err := d.Account(ctx); err != nil {
		return fmt.Errorf("%w: run fielddesk login --server URL --user NAME first", err)
	}
	if *once {
		c := client.New(d.DB, opt)
		defer c.Close()
		rep, err := c.Sync(ctx)
		printReport(out, rep)
		if err != nil {
			return err
		}
		if w := rep.Waiting; w.ArticlesWaiting > 0 || len(w.Problems) > 0 {
			return fmt.Errorf("%d article(s) did not go, %d refused by the server", w.ArticlesWaiting, len(w.Problems))
		}
		return nil
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	last := ""
	opt.OnStatus = func(s fielddesk.SyncStatus) {
		line := statusLine(s)
		if line != last {
			fmt.Fprintln(out, line)
			last = line
		}
	}
	c := client.New(d.DB, opt)
	defer c.Close()
	c.Run(ctx)
	return nil
}

func printReport(out io.Writer, rep client.Report) {
	fmt.Fprintf(out, "sent: %d change(s) (revisions, decisions, comments), %d photo file(s), %s\n", rep.Sent, rep.PhotosSent, sizeText(rep.BytesSent))
	if rep.Merged > 0 {
		fmt.Fprintf(out, "merged: %d revision(s) combined on the server with edits made meanwhile\n", rep.Merged)
	}
	fmt.Fprintf(out, "received: %d article revision(s), %d photo file(s)\n", rep.Received, rep.PhotosIn)
	for _, e := range rep.News {
		switch {
		case e.Kind == fielddesk.EventBreaking:
			fmt.Fprintf(out, "breaking news: %s %q\n", e.Article, e.Text)
			continue
		case e.Action == fielddesk.ActionAssign:
			fmt.Fprintf(out, "decision: %s handed to %s by %s", e.Article, e.Assignee, e.Author)
		case e.Kind == fielddesk.EventTransition:
			fmt.Fprintf(out, "decision: %s %s by %s (now %s)", e.Article, e.Action, e.Author, e.To)
		default:
			fmt.Fprintf(out, "comment: %s by %s", e.Article, e.Author)
		}
		if e.Text != "" {
			fmt.Fprintf(out, ": %s", e.Text)
		}
		fmt.Fprintln(out)
	}
	w := rep.Waiting
	fmt.Fprintf(out, "waiting: %d article(s), %d photo(s), %s\n", w.ArticlesWaiting, len(w.Photos), sizeText(w.BytesWaiting()))
	for _, p := range w.Photos {
		if p.Waiting != "" {
			fmt.Fprintf(out, "  photo %s…: %s\n", p.Hash[:12], p.Waiting)
		}
	}
	for id, why := range w.Problems {
		fmt.Fprintf(out, "not taken: %s: %s\n", id, why)
	}
}

func statusLine(s fielddesk.SyncStatus) string {
	state := "offline"
	if s.Online {
		state = "online"
	}
	if s.Syncing {
		state += ", sending " + string(s.Phase)
	}
	line := fmt.Sprintf("%s; waiting: %d article(s), %d photo(s), %s", state, s.ArticlesWaiting, len(s.Photos), sizeText(s.BytesWaiting()))
	if s.LastError != "" && !s.Syncing {
		line += "; last error: " + s.LastError
	}
	return line
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
