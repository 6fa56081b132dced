// Command fielddesk-server is the newsroom's FieldDesk server: the sync API
// over an embedded store, and the commands that manage its accounts.
//
//	fielddesk-server serve --data DIR [--listen 127.0.0.1:8080] [--tls-cert F --tls-key F]
//	fielddesk-server user add NAME --role correspondent|editor|admin [--desk DESK] [--password-file F] --data DIR
//	fielddesk-server user list --data DIR
//	fielddesk-server user disable NAME --data DIR
//	fielddesk-server device list --data DIR
//	fielddesk-server device revoke ID --data DIR
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/cmd/internal/prompt"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/server"
	"github.com/fielddesk/fielddesk/sync/wire"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `Usage:
  fielddesk-server serve --data DIR [--listen 127.0.0.1:8080] [--tls-cert FILE --tls-key FILE] [--public-url https://SITE]
  fielddesk-server user add NAME --role correspondent|editor|admin [--desk DESK] [--password-file FILE] --data DIR
  fielddesk-server user list --data DIR
  fielddesk-server user disable NAME --data DIR
  fielddesk-server device list --data DIR
  fielddesk-server device revoke ID --data DIR

serve answers the apps under /v1 and publishes what editors publish:
/articles/{slug}, /articles, /categories/{slug}, /feed.atom and IPTC ninjs
at /v1/published (see docs/WORKFLOW.md).
`

// run is the command line; it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd := args[0]
	if (cmd == "user" || cmd == "device") && len(args) > 1 {
		cmd += " " + args[1]
		args = args[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", "", "")
	listen := fs.String("listen", "127.0.0.1:8080", "")
	cert := fs.String("tls-cert", "", "")
	key := fs.String("tls-key", "", "")
	publicURL := fs.String("public-url", "", "")
	role := fs.String("role", "", "")
	desk := fs.String("desk", "", "")
	pwFile := fs.String("password-file", "", "")
	var pos []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return fail(stderr, fmt.Errorf("%s: %v (see fielddesk-server help)", cmd, err))
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if *data == "" {
		return fail(stderr, fmt.Errorf("%s needs --data DIR", cmd))
	}
	db, err := store.Open(*data)
	if err != nil {
		return fail(stderr, err)
	}
	defer db.Close()
	switch cmd {
	case "serve":
		err = serve(ctx, db, *listen, *cert, *key, *publicURL, stderr)
	case "user add":
		if len(pos) != 1 {
			return fail(stderr, errors.New("user add needs a user name"))
		}
		var password string
		if password, err = prompt.Password(*pwFile, stdin, stdout); err == nil {
			_, err = db.AddUser(ctx, pos[0], fielddesk.Role(*role), *desk, password)
		}
		if err == nil {
			fmt.Fprintf(stdout, "user %s added (%s)\n", pos[0], *role)
		}
	case "user list":
		var users []store.User
		if users, err = db.Users(ctx); err == nil {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "USER\tROLE\tDESK\tSTATE")
			for _, u := range users {
				state := "active"
				if u.Disabled {
					state = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.Desk, state)
			}
			err = tw.Flush()
		}
	case "user disable":
		if len(pos) != 1 {
			return fail(stderr, errors.New("user disable needs a user name"))
		}
		err = db.DisableUser(ctx, pos[0])
	case "device list":
		var devs []store.Device
		if devs, err = db.Devices(ctx); err == nil {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DEVICE\tUSER\tNAME\tSINCE\tSTATE")
			for _, d := range devs {
				state := "active"
				if d.Revoked {
					state = "revoked"
				}
				// Names are the devices' own words: never let them draw on the terminal.
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.ID, d.User, wire.CleanDeviceName(d.Name), d.Created.Format("2006-01-02"), state)
			}
			err = tw.Flush()
		}
	case "device revoke":
		if len(pos) != 1 {
			return fail(stderr, errors.New("device revoke needs a device ID"))
		}
		err = db.RevokeDevice(ctx, pos[0])
	default:
		return fail(stderr, fmt.Errorf("unknown command %q (see fielddesk-server help)", cmd))
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "fielddesk-server: "+strings.ReplaceAll(err.Error(), "\n", "; "))
	return 1
}

// serve runs the API until ctx ends or SIGINT/SIGTERM arrives; requests in
// flight finish (up to 30 s) before the store closes.
func serve(ctx context.Context, db *store.DB, addr, cert, key, publicURL string, stderr io.Writer) error {
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	if (cert == "") != (key == "") {
		return errors.New("serve: --tls-cert and --tls-key go together: give both files, or neither")
	}
	if publicURL == "" {
		scheme := "http"
		if cert != "" {
			scheme = "https"
		}
		publicURL = scheme + "://" + addr
	} else if u, err := url.Parse(publicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("serve: --public-url %q: write it as https://name.of.the.site", publicURL)
	}
	api := server.New(db, log)
	api.SetPublicURL(publicURL)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 20 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "tls", cert != "", "public_url", publicURL, "published", "/articles, /feed.atom, /v1/published")
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			errc <- srv.ServeTLS(ln, cert, key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	// Uploads abandoned for days give their space back.
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if n, err := db.SweepUploads(); err != nil {
					log.Error("sweep uploads", "err", err)
				} else if n > 0 {
					log.Info("swept abandoned uploads", "count", n)
				}
			}
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}
