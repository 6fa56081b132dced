package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// The editorial loop from the command line: each command acts on the
// local store, checked against the workflow with this device's role, and
// the next sync delivers it.

func init() {
	commands["queue"] = cmdQueue
	commands["review"] = cmdReview
	commands["comment"] = cmdComment
	commands["comments"] = cmdComments
	commands["conflicts"] = cmdConflicts
	commands["resolve"] = cmdResolve
	commands["diff"] = cmdDiff
}

// queueLine is one article of the review queue as queue --json prints it.
type queueLine struct {
	fielddesk.Summary
	Waiting string `json:"waiting"` // how long since it was submitted, e.g. "3h20m"
	// HeldFor: how long its holder has held it ("" when nobody does).
	HeldFor string `json:"held_for,omitempty"`
}

func cmdQueue(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("queue", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	mine := fs.Bool("mine", false, "")
	if _, err := parse(fs, args, 0, "no arguments"); err != nil {
		return err
	}
	var me string
	if *mine {
		acct, err := d.Account(ctx)
		if err != nil {
			return fmt.Errorf("queue --mine: %w", err)
		}
		me = acct.User
	}
	q, err := d.Queue(ctx, nil)
	if err != nil {
		return err
	}
	now := time.Now()
	lines := make([]queueLine, 0, len(q))
	counts := map[fielddesk.Status]int{}
	for _, s := range q {
		if *mine && s.Holder != me {
			continue
		}
		l := queueLine{Summary: s, Waiting: since(now, s.Submitted)}
		if s.Holder != "" {
			l.HeldFor = since(now, s.Held)
		}
		lines = append(lines, l)
		counts[s.Status]++
	}
	if *asJSON {
		return writeJSON(out, struct {
			Counts   map[fielddesk.Status]int `json:"counts"`
			Articles []queueLine              `json:"articles"`
		}{counts, lines})
	}
	fmt.Fprintf(out, "%d submitted, %d in review, %d changes requested, %d approved, %d scheduled, %d being corrected or updated\n",
		counts[fielddesk.StatusSubmitted], counts[fielddesk.StatusInReview], counts[fielddesk.StatusChangesRequested], counts[fielddesk.StatusApproved],
		counts[fielddesk.StatusScheduled], counts[fielddesk.StatusCorrecting]+counts[fielddesk.StatusUpdating])
	if len(lines) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tWAITING\tHELD BY\tWORDS\tCONFLICTS\tHEADLINE")
	for _, l := range lines {
		held := "-"
		if l.Holder != "" {
			held = l.Holder + " (" + l.HeldFor + ")"
		}
		status := string(l.Status)
		if fielddesk.IsUrgent(l.Urgency) {
			status = "BREAKING " + status
		}
		if !l.Due.IsZero() {
			status += " " + l.Due.In(vietnamese.Newsroom).Format("15:04 02/01")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", l.ID, status, l.Waiting, held, l.Words, l.Conflicts, l.Headline)
	}
	return tw.Flush()
}

func since(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return now.Sub(t).Truncate(time.Minute).String()
}

func cmdReview(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	comment := fs.String("comment", "", "")
	at := fs.String("at", "", "")
	embargo := fs.Bool("embargo", false, "")
	pos, err := parse(fs, args, -1, "")
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return fmt.Errorf("review needs an article ID and an action: %s (see fielddesk help)", actionList())
	}
	id, err := articleID(pos[0])
	if err != nil {
		return err
	}
	action, err := fielddesk.ParseAction(pos[1])
	if err != nil {
		return err
	}
	switch {
	case action == fielddesk.ActionAssign && len(pos) != 3:
		return errors.New("review ID assign needs the user name of the editor who gets the article (see fielddesk help)")
	case action != fielddesk.ActionAssign && len(pos) != 2:
		return fmt.Errorf("review ID %s takes no more arguments (the note goes with --comment)", action)
	}
	if (*at != "" || *embargo) && action != fielddesk.ActionPublish && action != fielddesk.ActionSchedule {
		return fmt.Errorf("--at and --embargo go with publish (review ID publish --at TIME), not %s", action)
	}
	if *embargo && *at == "" {
		return errors.New("--embargo needs --at TIME: when the embargo ends")
	}
	var e fielddesk.Event
	switch {
	case action == fielddesk.ActionAssign:
		e, err = d.Assign(ctx, id, pos[2], *comment)
	case *at != "" || action == fielddesk.ActionSchedule:
		due, perr := parseWhen(*at)
		if perr != nil {
			return perr
		}
		e, err = d.Schedule(ctx, id, due, *embargo, *comment)
	default:
		e, err = d.Act(ctx, id, action, *comment)
	}
	if err != nil {
		return err
	}
	if e.Action == fielddesk.ActionSchedule {
		what := "to be published at"
		if e.Embargo {
			what = "embargoed until"
		}
		fmt.Fprintf(out, "%s: %s %s (%s); it goes to the newsroom with the next sync, which publishes it then\n",
			id, what, e.Due.In(vietnamese.Newsroom).Format("15:04 02/01/2006"), e.Due.Format(time.RFC3339))
		return nil
	}
	if action == fielddesk.ActionAssign {
		fmt.Fprintf(out, "%s: handed to %s; it goes to the newsroom with the next sync\n", id, e.Assignee)
		return nil
	}
	fmt.Fprintf(out, "%s: %s → %s; it goes to the newsroom with the next sync\n", id, e.From, e.To)
	return nil
}

func actionList() string {
	var names []string
	for _, a := range fielddesk.Actions() {
		names = append(names, string(a))
	}
	return strings.Join(names, "|")
}

func cmdComment(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("comment", flag.ContinueOnError)
	para := fs.Int("paragraph", 0, "")
	reply := fs.String("reply", "", "")
	pos, err := parse(fs, args, -1, "")
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return errors.New("comment needs an article ID and the comment's text (see fielddesk help)")
	}
	id, err := articleID(pos[0])
	if err != nil {
		return err
	}
	var replyTo fielddesk.ID
	if *reply != "" {
		if replyTo, err = articleID(*reply); err != nil {
			return fmt.Errorf("--reply: %w", err)
		}
	}
	e, err := d.Comment(ctx, id, *para, strings.Join(pos[1:], " "), replyTo)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, e.ID)
	return nil
}

func cmdComments(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("comments", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	id, err := parseArticle(fs, args)
	if err != nil {
		return err
	}
	r, err := d.ReviewOf(ctx, id)
	if err != nil {
		return err
	}
	head, err := d.Latest(ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		if r.Events == nil {
			r.Events = []fielddesk.Event{}
		}
		return writeJSON(out, r.Events)
	}
	fmt.Fprintf(out, "%s: %s", id, head.Article.Status)
	if r.Holder != "" {
		fmt.Fprintf(out, ", held by %s since %s", r.Holder, r.Held.Local().Format("2006-01-02 15:04"))
	}
	if !r.Due.IsZero() {
		what := "to be published at"
		if r.Embargo {
			what = "embargoed until"
		}
		fmt.Fprintf(out, ", %s %s", what, r.Due.Format(time.RFC3339))
	}
	fmt.Fprintln(out)
	for _, e := range r.Events {
		who := orDash(e.Author)
		when := e.At.Local().Format("2006-01-02 15:04")
		switch {
		case e.Kind == fielddesk.EventTransition:
			fmt.Fprintf(out, "%s  %s  %s (%s → %s)", when, who, e.Action, e.From, e.To)
			if e.Assignee != "" {
				fmt.Fprintf(out, " to %s", e.Assignee)
			}
			if e.Text != "" {
				fmt.Fprintf(out, ": %s", e.Text)
			}
			fmt.Fprintln(out)
		default:
			where := "whole article"
			if a := fielddesk.AnchorComment(e, head.Article.Body); a.Paragraph > 0 {
				where = "paragraph " + strconv.Itoa(a.Paragraph)
				if a.Moved {
					where += fmt.Sprintf(" (was paragraph %d, since changed)", e.Paragraph)
				}
			} else if a.Gone {
				where = fmt.Sprintf("paragraph %d (no longer in the article)", e.Paragraph)
			}
			reply := ""
			if e.ReplyTo != "" {
				reply = " in reply to " + string(e.ReplyTo)
			}
			fmt.Fprintf(out, "%s  %s  on %s%s [%s]: %s\n", when, who, where, reply, e.ID, e.Text)
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "(this device)"
	}
	return s
}

func cmdConflicts(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("conflicts", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args, -1, "")
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return errors.New("conflicts takes at most one article ID")
	}
	if len(pos) == 0 {
		list, err := d.List(ctx)
		if err != nil {
			return err
		}
		var with []fielddesk.Summary
		for _, s := range list {
			if s.Conflicts > 0 {
				with = append(with, s)
			}
		}
		if *asJSON {
			if with == nil {
				with = []fielddesk.Summary{}
			}
			return writeJSON(out, with)
		}
		if len(with) == 0 {
			fmt.Fprintln(out, "no article has conflicts")
			return nil
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCONFLICTS\tHEADLINE")
		for _, s := range with {
			fmt.Fprintf(tw, "%s\t%d\t%s\n", s.ID, s.Conflicts, s.Headline)
		}
		return tw.Flush()
	}
	id, err := articleID(pos[0])
	if err != nil {
		return err
	}
	head, err := d.Latest(ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		cs := head.Article.Conflicts
		if cs == nil {
			cs = []fielddesk.Conflict{}
		}
		return writeJSON(out, cs)
	}
	if len(head.Article.Conflicts) == 0 {
		fmt.Fprintf(out, "%s has no conflicts\n", id)
		return nil
	}
	for _, c := range head.Article.Conflicts {
		where := c.Field
		if c.Field == "body" {
			where = fmt.Sprintf("paragraph %d", c.Paragraph)
		}
		fmt.Fprintf(out, "%s [%s]\n  now (%s): %s\n  other (%s): %s\n", where, c.ID, orDash(c.OursBy), orEmpty(c.Ours), orDash(c.TheirsBy), orEmpty(c.Theirs))
	}
	return nil
}

func orEmpty(s string) string {
	if s == "" {
		return "(deleted)"
	}
	return s
}

func cmdResolve(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("resolve", flag.ContinueOnError)
	para := fs.Int("paragraph", 0, "")
	field := fs.String("field", "", "")
	take := fs.String("take", "", "")
	text := fs.String("text", "", "")
	id, err := parseArticle(fs, args)
	if err != nil {
		return err
	}
	if (*para == 0) == (*field == "") {
		return errors.New("resolve needs --paragraph N or --field NAME (see fielddesk conflicts ID)")
	}
	if (*take == "") == (*text == "") {
		return errors.New("resolve needs --take mine|theirs, or --text with the version to keep")
	}
	head, err := d.Latest(ctx, id)
	if err != nil {
		return err
	}
	var c *fielddesk.Conflict
	for i, x := range head.Article.Conflicts {
		if (*para != 0 && x.Field == "body" && x.Paragraph == *para) || (*field != "" && x.Field == *field) {
			c = &head.Article.Conflicts[i]
			break
		}
	}
	if c == nil {
		where := *field
		if *para != 0 {
			where = "paragraph " + strconv.Itoa(*para)
		}
		return fmt.Errorf("%s has no conflict on %s (see fielddesk conflicts %s)", id, where, id)
	}
	keep := *text
	if *take != "" {
		acct, err := d.Account(ctx)
		if err != nil && !errors.Is(err, store.ErrNotLoggedIn) {
			return err
		}
		if keep, err = pickSide(*c, *take, acct.User); err != nil {
			return err
		}
	}
	rev, err := d.ResolveConflict(ctx, id, c.ID, keep)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: resolved (revision %s); %d conflict(s) left\n", id, rev.ID, len(rev.Article.Conflicts))
	return nil
}

// pickSide returns the version "mine" (the one me wrote; the one in the
// article now if me wrote neither) or "theirs" (the other).
func pickSide(c fielddesk.Conflict, take, me string) (string, error) {
	mineIsOurs := !(c.TheirsBy == me && c.OursBy != me)
	switch take {
	case "mine":
		if mineIsOurs {
			return c.Ours, nil
		}
		return c.Theirs, nil
	case "theirs":
		if mineIsOurs {
			return c.Theirs, nil
		}
		return c.Ours, nil
	}
	return "", fmt.Errorf("--take takes mine or theirs, not %q", take)
}

func cmdDiff(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	id, err := parseArticle(fs, args)
	if err != nil {
		return err
	}
	newer, err := d.Latest(ctx, id)
	if err != nil {
		return err
	}
	if *to != "" {
		if newer, err = d.Revision(ctx, id, fielddesk.ID(*to)); err != nil {
			return err
		}
	}
	var older fielddesk.Revision
	switch {
	case *from != "":
		older, err = d.Revision(ctx, id, fielddesk.ID(*from))
	case newer.Base != "":
		older, err = d.Revision(ctx, id, newer.Base)
	default:
		return fmt.Errorf("revision %s is the article's first; give --from", newer.ID)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s → %s\n", older.ID, newer.ID)
	for _, f := range fielddesk.DiffArticles(older.Article, newer.Article) {
		fmt.Fprintf(out, "%s:\n  ", f.Field)
		for _, s := range f.Spans {
			switch s.Op {
			case fielddesk.DiffDelete:
				fmt.Fprintf(out, "[-%s-]", s.Text)
			case fielddesk.DiffInsert:
				fmt.Fprintf(out, "{+%s+}", s.Text)
			default:
				fmt.Fprint(out, s.Text)
			}
		}
		fmt.Fprintln(out)
	}
	return nil
}

// parseWhen reads the time of a scheduled publication: RFC 3339 with or
// without seconds (2026-12-02T06:00+07:00), or the newsroom's own time
// without a zone (2026-12-02 06:00).
func parseWhen(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("schedule needs --at TIME, e.g. --at 2026-12-02T06:00+07:00")
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, vietnamese.Newsroom); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q is not a time such as 2026-12-02T06:00+07:00 or 2026-12-02 06:00 (the newsroom's time)", s)
}
