// Package cli is the command line of the fielddesk binary: global flags, the
// headless subcommands (import, list, export, history, search, convert,
// login, send, sync, and the review commands: queue, review, comment,
// comments, conflicts, resolve, diff) and the choice to open
// the desktop window, which the caller supplies.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/desk"
	"github.com/fielddesk/fielddesk/sync/client"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// AppID is the application ID; the default data folder is the Fyne storage root for it.
const AppID = "org.fielddesk.app"

// DefaultDataDir is the Fyne storage root of AppID (~/.config/fyne/org.fielddesk.app
// on Linux), where the app keeps its data unless --data says otherwise.
func DefaultDataDir() (string, error) {
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your configuration folder (%v); give --data DIR", err)
	}
	return filepath.Join(cfg, "fyne", AppID), nil
}

// GUI opens the desktop window on the data folder and returns when it closes.
type GUI func(dataDir string) error

const usage = `Usage: fielddesk [--data DIR] [command]

With no command, opens the FieldDesk window.

Commands:
  import FILE.md [--legacy ask|convert|keep]  add an article from a bundle; prints its ID
                                              (text in TCVN3/VNI/VIQR is refused unless
                                              --legacy says to convert or keep it)
  list [--json]                               list the articles, newest first
  export ID --format md|html|ninjs [--out PATH] [--embed]
                                              write an article (photos go beside PATH)
  history ID [--json]                         list an article's revisions
  search QUERY [--json]                       find articles; diacritics optional ("dang bo")
  convert --from tcvn3|vni|viqr|auto [FILE]   legacy Vietnamese text to Unicode (stdin to stdout)
  login --server URL --user NAME [--password-file F] [--originals never|unmetered|always] [--ca FILE | --pin SHA256]
                                              log this device in to the newsroom server
                                              (asks for the password on stdin without a file);
                                              a newsroom's own certificate: its authority's file
                                              (--ca) or the fingerprint fielddesk-server prints (--pin)
  send ID                                     submit an article (again, after changes were requested)
                                              and queue it for the newsroom
  sync [--once]                               send what waits and receive what changed; prints
                                              what moved; without --once keeps going until Ctrl+C;
                                              exit code 1 when something did not go
  queue [--mine] [--json]                     the review queue: oldest submitted first, with counts
                                              and who holds each article since when (--mine: yours)
  review ID ACTION [--comment TEXT]           a decision: take, request-changes (needs --comment),
                                              approve, publish, spike, kill (needs --comment: why),
                                              restore (a spiked article back to its correspondent
                                              as a draft; needs --comment: why), withdraw, send,
                                              correct (needs --comment: what was wrong) and update
                                              (--comment: what is new) reopen a published article:
                                              the next publish replaces it at the same address
                                              with the note at its end;
                                              the editor who took an article holds it: only they
                                              (or an admin) decide on it
  review ID assign USER [--comment TEXT]      hand an article to another editor of its desk
  review ID publish --at TIME [--embargo]     the newsroom publishes it at TIME (2026-12-02T06:00+07:00,
                                              or 2026-12-02 06:00 in the newsroom's time), even with
                                              no editor online; again to change the time; review ID
                                              unschedule takes it back
  comment ID [--paragraph N] [--reply CID] TEXT
                                              comment on paragraph N (none: the whole article)
  comments ID [--json]                        the decisions and comments on an article
  conflicts [ID] [--json]                     articles with conflicts, or one article's conflicts
  resolve ID --paragraph N|--field NAME --take mine|theirs | --text TEXT
                                              settle a conflict: your version, the other, or a
                                              combination you write
  diff ID [--from REV] [--to REV]             what changed, word by word ([-removed-] {+added+});
                                              default: the newest revision against the one before
  trash ID... | --list [--json] | --restore ID... | --empty
                                              move drafts to the trash (sent articles are
                                              withdrawn first), list it, bring articles back,
                                              or delete what is there for good
  help                                        show this help

--data DIR  the data folder (default: %s)
`

// Run runs the command line (convert reads stdin) and returns the exit code. Errors are printed to
// stderr as one line.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, gui GUI) int {
	return RunWith(Options{}, args, stdin, stdout, stderr, gui)
}

// Options are what a caller may set for the commands: the sync engine's
// options (the zero value: the defaults).
type Options struct {
	Sync client.Options
}

// RunWith is Run with options.
func RunWith(opt Options, args []string, stdin io.Reader, stdout, stderr io.Writer, gui GUI) int {
	def, defErr := DefaultDataDir()
	fs := flag.NewFlagSet("fielddesk", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", "", "data folder")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, usage, def)
			return 0
		}
		return fail(stderr, fmt.Errorf("%v (see fielddesk help)", err))
	}
	dir := *data
	if dir == "" {
		if defErr != nil {
			return fail(stderr, defErr)
		}
		dir = def
	}
	rest := fs.Args()
	if len(rest) == 0 {
		if err := gui(dir); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	cmd, cmdArgs := rest[0], rest[1:]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprintf(stdout, usage, def)
		return 0
	}
	if plain, ok := plainCommands[cmd]; ok {
		if err := plain(cmdArgs, stdin, stdout); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	if _, ok := syncCommands[cmd]; !ok {
		if _, ok := commands[cmd]; !ok {
			return fail(stderr, fmt.Errorf("unknown command %q (see fielddesk help)", cmd))
		}
	}
	d, err := desk.Open(dir)
	if errors.Is(err, fielddesk.ErrInUse) {
		// The window has the folder: the command runs there.
		if code, ok := runInApp(dir, cmd, cmdArgs, stdout, stderr); ok {
			return code
		}
	}
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	tellRecovery(d, stderr)
	return Dispatch(context.Background(), d, opt, cmd, cmdArgs, stdin, stdout, stderr)
}

// Dispatch runs one command (not help, convert or the window) on an open
// data folder and returns the exit code: the headless commands, and the
// same commands sent to a running window (Serve).
func Dispatch(ctx context.Context, d *desk.Desk, opt Options, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if run, ok := syncCommands[cmd]; ok {
		if err := run(ctx, d, opt.Sync, args, stdin, stdout); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	run, ok := commands[cmd]
	if !ok {
		return fail(stderr, fmt.Errorf("unknown command %q (see fielddesk help)", cmd))
	}
	if err := run(ctx, d, args, stdout); err != nil {
		return fail(stderr, err)
	}
	if err := d.DB.IndexProblem(); err != nil {
		// The articles are safe and listed; only searches may miss some.
		fmt.Fprintln(stderr, "fielddesk: warning: searches may miss some articles until they are indexed: "+strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return 0
}

func fail(stderr io.Writer, err error) int {
	msg := err.Error()
	// A missing file in the same words on every system (Windows says
	// "GetFileAttributesEx …: The system cannot find the path specified").
	var pe *fs.PathError
	if errors.As(err, &pe) && errors.Is(pe.Err, fs.ErrNotExist) {
		msg = strings.Replace(msg, pe.Error(), pe.Path+": no such file or folder", 1)
	}
	msg = strings.ReplaceAll(msg, "\n", "; ")
	fmt.Fprintln(stderr, "fielddesk: "+msg)
	return 1
}

type command func(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error

var commands = map[string]command{
	"import":  cmdImport,
	"list":    cmdList,
	"export":  cmdExport,
	"history": cmdHistory,
	"search":  cmdSearch,
}

// plainCommands work on files and streams, without the data folder.
var plainCommands = map[string]func(args []string, stdin io.Reader, out io.Writer) error{
	"convert": cmdConvert,
}

func cmdConvert(args []string, stdin io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	from := fs.String("from", "auto", "")
	pos, err := parse(fs, args, -1, "")
	if err != nil {
		return err
	}
	var data []byte
	switch len(pos) {
	case 0:
		data, err = io.ReadAll(io.LimitReader(stdin, 64<<20))
	case 1:
		data, err = os.ReadFile(pos[0])
	default:
		return errors.New("convert takes at most one file (see fielddesk help)")
	}
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	text := string(data)
	if !utf8.Valid(data) {
		// Old files with legacy fonts are 8-bit: read them as Windows-1252.
		if text, err = charmap.Windows1252.NewDecoder().String(string(data)); err != nil {
			return fmt.Errorf("convert: %w", err)
		}
	}
	enc := vietnamese.Encoding(strings.ToLower(*from))
	switch enc {
	case "auto":
		d, ok := vietnamese.Detect(text)
		if !ok {
			return errors.New("convert: the text does not look like TCVN3, VNI or VIQR; name the encoding with --from")
		}
		enc = d.Encoding
	case vietnamese.TCVN3, vietnamese.VNIWin, vietnamese.VIQR:
	default:
		return fmt.Errorf("convert: unknown encoding %q; use tcvn3, vni, viqr or auto", *from)
	}
	_, err = io.WriteString(out, vietnamese.Decode(text, enc))
	return err
}

func cmdSearch(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args, 1, "a query (quote it when it has several words)")
	if err != nil {
		return err
	}
	hits, err := d.Search(ctx, pos[0])
	if err != nil && !errors.Is(err, fielddesk.ErrIndexBehind) { // behind: Run warns
		return err
	}
	if *asJSON {
		if hits == nil {
			hits = []fielddesk.Hit{}
		}
		return writeJSON(out, hits)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSCORE\tHEADLINE\tSNIPPET")
	for _, h := range hits {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", h.ID, h.Score, h.Headline, h.Snippet)
	}
	return tw.Flush()
}

// parse parses flags that may come before or after the positional arguments.
func parse(fs *flag.FlagSet, args []string, positional int, what string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if positional >= 0 && len(pos) != positional {
		return nil, fmt.Errorf("%s needs %s (see fielddesk help)", fs.Name(), what)
	}
	return pos, nil
}

func cmdImport(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	legacy := fs.String("legacy", "ask", "")
	pos, err := parse(fs, args, 1, "one bundle file")
	if err != nil {
		return err
	}
	switch desk.Legacy(*legacy) {
	case desk.LegacyAsk, desk.LegacyConvert, desk.LegacyKeep:
	default:
		return fmt.Errorf("import: --legacy takes ask, convert or keep, not %q", *legacy)
	}
	rev, err := d.Import(ctx, pos[0], desk.Legacy(*legacy))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, rev.Article.ID)
	return nil
}

func cmdList(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	if _, err := parse(fs, args, 0, "no arguments"); err != nil {
		return err
	}
	list, err := d.List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []fielddesk.Summary{}
		}
		return writeJSON(out, list)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tUPDATED\tWORDS\tHEADLINE")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", s.ID, s.Status, s.Updated.Local().Format("2006-01-02 15:04"), s.Words, s.Headline)
	}
	return tw.Flush()
}

// parseArticle parses a command's flags around its one argument, an article ID.
func parseArticle(fs *flag.FlagSet, args []string) (fielddesk.ID, error) {
	pos, err := parse(fs, args, 1, "an article ID")
	if err != nil {
		return "", err
	}
	return articleID(pos[0])
}

func articleID(s string) (fielddesk.ID, error) {
	return fielddesk.ParseID(strings.TrimSpace(s))
}

func cmdExport(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "", "")
	outPath := fs.String("out", "", "")
	embed := fs.Bool("embed", false, "")
	pos, err := parse(fs, args, 1, "an article ID")
	if err != nil {
		return err
	}
	if *format == "" {
		return errors.New("export needs --format md, html or ninjs")
	}
	id, err := articleID(pos[0])
	if err != nil {
		return err
	}
	return d.Export(ctx, id, desk.ExportOptions{Format: *format, Out: *outPath, Embed: *embed}, out)
}

func cmdHistory(ctx context.Context, d *desk.Desk, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	id, err := parseArticle(fs, args)
	if err != nil {
		return err
	}
	hist, err := d.History(ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(out, hist)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REVISION\tSAVED\tWORDS\tHEADLINE\tNOTE")
	for _, h := range hist {
		note := ""
		if h.RestoredFrom != "" {
			note = "restored from " + string(h.RestoredFrom)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", h.ID, h.Saved.Local().Format(time.DateTime), h.Words, h.Headline, note)
	}
	return tw.Flush()
}

func writeJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// tellRecovery says once, on stderr, that the data folder's database was
// rebuilt after its files were found damaged, and where they are kept.
func tellRecovery(d *desk.Desk, stderr io.Writer) {
	r := d.Recovery()
	if r == nil {
		return
	}
	fmt.Fprintf(stderr, "fielddesk: the saved work could not be opened as it was (damaged files, most likely a power cut while they were written): rebuilt from everything still readable, %d articles; the damaged files are kept in %s\n", r.Articles, r.Kept)
	if len(r.Unreadable) > 0 {
		fmt.Fprintf(stderr, "fielddesk: could not be read: %s (what was only there may be missing)\n", strings.Join(r.Unreadable, ", "))
	}
	if err := d.DismissRecovery(); err != nil {
		fmt.Fprintln(stderr, "fielddesk: warning: "+err.Error())
	}
}
