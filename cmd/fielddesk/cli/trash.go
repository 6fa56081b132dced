package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
)

func init() { commands["trash"] = cmdTrash }

// cmdTrash moves drafts to the trash, lists it, restores from it or
// empties it: trash ID..., trash --list [--json], trash --restore ID...,
// trash --empty.
func cmdTrash(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("trash", flag.ContinueOnError)
	list := fs.Bool("list", false, "")
	asJSON := fs.Bool("json", false, "")
	restore := fs.Bool("restore", false, "")
	empty := fs.Bool("empty", false, "")
	pos, err := parse(fs, args, -1, "")
	if err != nil {
		return err
	}
	switch {
	case *list || *asJSON:
		if len(pos) > 0 {
			return errors.New("trash --list takes no article IDs")
		}
		items, err := d.Trashed(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(out, items)
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTRASHED\tWORDS\tHEADLINE")
		for _, s := range items {
			when := "being deleted"
			if !s.Trashed.IsZero() {
				when = s.Trashed.Local().Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", s.ID, when, s.Words, s.Headline)
		}
		return tw.Flush()
	case *empty:
		if len(pos) > 0 {
			return errors.New("trash --empty takes no article IDs: it deletes everything in the trash")
		}
		n, err := d.EmptyTrash(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%d articles deleted for good\n", n)
		return nil
	}
	if len(pos) == 0 {
		return errors.New("trash needs article IDs, or --list, --restore ID or --empty (see fielddesk help)")
	}
	for _, p := range pos {
		id, err := articleID(p)
		if err != nil {
			return err
		}
		if *restore {
			err = d.Untrash(ctx, id)
		} else if err = d.Trash(ctx, id); errors.Is(err, fielddesk.ErrNotAllowed) {
			err = fmt.Errorf("%w (an article sent to the newsroom is withdrawn first: fielddesk review %s withdraw; then sync)", err, id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(out, id)
	}
	return nil
}
