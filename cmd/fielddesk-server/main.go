// Command fielddesk-server is the newsroom's FieldDesk server: the sync API
// over an embedded store (--data DIR) or over PostgreSQL and an
// S3-compatible bucket (--db URL --photos URL, several instances at once),
// and the commands that manage its accounts, which work whether or not the
// server runs.
//
//	fielddesk-server serve --data DIR | --db postgres://… --photos s3://… [--listen 127.0.0.1:8080] [--tls-cert F --tls-key F] [--public-url URL] [--ops-listen ADDR] [--hsts] [--trusted-proxy CIDR,...]
//	fielddesk-server user add NAME --role correspondent|editor|admin [--desk DESK] [--password-file F] --data DIR
//	fielddesk-server user list|disable NAME|enable NAME|password NAME [--password-file F] [--revoke-devices] --data DIR
//	fielddesk-server device list --data DIR
//	fielddesk-server device revoke ID --data DIR
//	fielddesk-server migrate --from DIR --to postgres://… --photos s3://…
//	fielddesk-server backup --data DIR --out FILE
//	fielddesk-server restore --in FILE --data NEWDIR
package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/cmd/internal/prompt"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/sync/server"
	"github.com/fielddesk/fielddesk/sync/wire"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `Usage:
  fielddesk-server serve --data DIR [--listen 127.0.0.1:8080] [--tls-cert FILE --tls-key FILE]
                         [--public-url https://SITE] [--ops-listen 127.0.0.1:9180] [--hsts]
                         [--trusted-proxy 127.0.0.1/32,...]
  fielddesk-server user add NAME --role correspondent|editor|admin [--desk DESK] [--password-file FILE] --data DIR
  fielddesk-server user list --data DIR
  fielddesk-server user disable NAME --data DIR
  fielddesk-server user enable NAME --data DIR
  fielddesk-server user password NAME [--password-file FILE] [--revoke-devices] --data DIR
  fielddesk-server device list --data DIR
  fielddesk-server device revoke ID --data DIR
  fielddesk-server migrate --from DIR --to postgres://… --photos s3://…
  fielddesk-server backup --data DIR --out FILE
  fielddesk-server restore --in FILE --data NEWDIR

Every command takes --data DIR (the embedded store) or --db postgres://… and
--photos s3://BUCKET?endpoint=URL&region=R (PostgreSQL and an S3-compatible
bucket, credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or
FIELDDESK_DB and FIELDDESK_PHOTOS); several servers may serve one database.
--config FILE reads flags from a file, one "name = value" a line (# starts
a comment; what the command line says wins).
migrate moves a stopped embedded server's newsroom into an empty database
and bucket; devices go on syncing without logging in again. backup copies an
embedded store consistently while its server runs (or not); restore makes a
new data folder from such a copy. For PostgreSQL and S3, see docs/SERVER.md.

serve answers the apps under /v1 and publishes what editors publish:
/articles/{slug}, /articles, /categories/{slug}, /feed.atom and IPTC ninjs
at /v1/published (see docs/WORKFLOW.md). --public-url is the address the
public reaches the site at (the feed's links use it). /metrics and /healthz
are on --ops-listen only (keep it off the internet; "off" turns it off).
Behind nginx or Caddy, name the proxy with --trusted-proxy so the login
limits see the client's address; --hsts when the site is served over HTTPS.

The user and device commands work on a running server (through its admin
socket, DIR/admin.sock, which only the server's system user can open) and
on a stopped one: revoking a stolen device's token takes effect at once.
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
	var at where
	fs.StringVar(&at.data, "data", "", "")
	fs.StringVar(&at.db, "db", "", "")
	fs.StringVar(&at.photos, "photos", "", "")
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	outFile := fs.String("out", "", "")
	inFile := fs.String("in", "", "")
	var so serveOptions
	fs.StringVar(&so.listen, "listen", "127.0.0.1:8080", "")
	fs.StringVar(&so.cert, "tls-cert", "", "")
	fs.StringVar(&so.key, "tls-key", "", "")
	fs.StringVar(&so.publicURL, "public-url", "", "")
	fs.StringVar(&so.opsListen, "ops-listen", "127.0.0.1:9180", "")
	fs.BoolVar(&so.hsts, "hsts", false, "")
	proxies := fs.String("trusted-proxy", "", "")
	role := fs.String("role", "", "")
	desk := fs.String("desk", "", "")
	pwFile := fs.String("password-file", "", "")
	revokeDevices := fs.Bool("revoke-devices", false, "")
	config := fs.String("config", "", "")
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
	if *config != "" {
		if err := readConfig(fs, *config); err != nil {
			return fail(stderr, err)
		}
	}
	switch cmd {
	case "backup", "restore":
		var err error
		if cmd == "backup" {
			err = backup(ctx, at.data, *outFile, stdout)
		} else {
			err = restore(*inFile, at.data, stdout)
		}
		if err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	if cmd == "migrate" {
		if err := migrate(ctx, *from, where{db: *to, photos: at.photos}, stdout); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	at.fromEnv()
	if err := at.check(cmd); err != nil {
		return fail(stderr, err)
	}
	if cmd == "serve" {
		for _, p := range strings.FieldsFunc(*proxies, func(r rune) bool { return r == ',' || r == ' ' }) {
			prefix, err := netip.ParsePrefix(p)
			if err != nil {
				if a, aerr := netip.ParseAddr(p); aerr == nil {
					prefix, err = a.Prefix(a.BitLen())
				}
			}
			if err != nil {
				return fail(stderr, fmt.Errorf("serve: --trusted-proxy %q: write an address or a network such as 10.0.0.0/8", p))
			}
			so.proxies = append(so.proxies, prefix)
		}
		b, err := at.open(ctx)
		if err != nil {
			return fail(stderr, err)
		}
		defer b.close()
		if err := serve(ctx, b, at.data, so, stderr); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	one := func(what string) (string, error) {
		if len(pos) != 1 {
			return "", fmt.Errorf("%s needs %s", cmd, what)
		}
		return pos[0], nil
	}
	adm, closeAdmin, err := openAdmin(ctx, at)
	if err != nil {
		return fail(stderr, err)
	}
	defer closeAdmin()
	switch cmd {
	case "user add":
		var name, password string
		if name, err = one("a user name"); err == nil {
			password, err = prompt.Password(*pwFile, stdin, stdout)
		}
		if err == nil {
			err = adm.addUser(ctx, server.AdminUser{Name: name, Role: fielddesk.Role(*role), Desk: *desk, Password: password})
		}
		if err == nil {
			fmt.Fprintf(stdout, "user %s added (%s)\n", name, *role)
		}
	case "user list":
		var users []server.AdminUser
		if users, err = adm.users(ctx); err == nil {
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
	case "user disable", "user enable":
		var name string
		if name, err = one("a user name"); err == nil {
			err = adm.setDisabled(ctx, name, cmd == "user disable")
		}
		if err == nil {
			fmt.Fprintf(stdout, "user %s %sd\n", name, strings.TrimPrefix(cmd, "user "))
		}
	case "user password":
		var name, password string
		if name, err = one("a user name"); err == nil {
			password, err = prompt.Password(*pwFile, stdin, stdout)
		}
		if err == nil {
			err = adm.setPassword(ctx, name, password, *revokeDevices)
		}
		if err == nil {
			fmt.Fprintf(stdout, "password of %s changed\n", name)
		}
	case "device list":
		var devs []newsroom.Device
		if devs, err = adm.devices(ctx); err == nil {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DEVICE\tUSER\tNAME\tSINCE\tEXPIRES\tSTATE")
			for _, d := range devs {
				state := "active"
				if d.Revoked {
					state = "revoked"
				}
				expires := d.Expires
				if expires.IsZero() {
					expires = d.Created.Add(newsroom.TokenLifetime)
				}
				// Names are the devices' own words: never let them draw on the terminal.
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.User, wire.CleanDeviceName(d.Name), d.Created.Format("2006-01-02"), expires.Format("2006-01-02"), state)
			}
			err = tw.Flush()
		}
	case "device revoke":
		var id string
		if id, err = one("a device ID"); err == nil {
			err = adm.revoke(ctx, id)
		}
		if err == nil {
			fmt.Fprintf(stdout, "device %s revoked\n", id)
		}
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

// serveOptions are serve's flags.
type serveOptions struct {
	listen, cert, key, publicURL, opsListen string
	hsts                                    bool
	proxies                                 []netip.Prefix
}

// serve runs the API until ctx ends or SIGINT/SIGTERM arrives; requests in
// flight finish (up to 30 s) before the store closes.
func serve(ctx context.Context, b backend, data string, o serveOptions, stderr io.Writer) error {
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	if r := b.recovery(); r != nil {
		// Said once, where the operator reads: the rebuild's report.
		log.Warn("the database's files were damaged and it was rebuilt from everything still readable",
			"articles", r.Articles, "records", r.Records, "unreadable", r.Unreadable, "damaged_files_kept_in", r.Kept, "cause", r.Cause)
		if err := b.local.DismissRecovery(); err != nil {
			log.Error("forget the rebuild's report", "err", err)
		}
	}
	if (o.cert == "") != (o.key == "") {
		return errors.New("serve: --tls-cert and --tls-key go together: give both files, or neither")
	}
	if o.publicURL == "" {
		scheme := "http"
		if o.cert != "" {
			scheme = "https"
		}
		o.publicURL = scheme + "://" + o.listen
	} else if u, err := url.Parse(o.publicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("serve: --public-url %q: write it as https://name.of.the.site", o.publicURL)
	}
	fingerprint := ""
	if o.cert != "" {
		pair, err := tls.LoadX509KeyPair(o.cert, o.key)
		if err != nil {
			return fmt.Errorf("serve: the TLS certificate and key: %w", err)
		}
		sum := sha256.Sum256(pair.Certificate[0])
		fingerprint = fielddesk.FormatFingerprint(hex.EncodeToString(sum[:]))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	api := server.New(b.records, b.photos, log)
	if db := b.local; db != nil {
		api.SetBackup(func(ctx context.Context, w io.Writer) error {
			_, err := db.Backup(ctx, w)
			return err
		})
	}
	api.SetPublicURL(o.publicURL)
	api.SetHSTS(o.hsts)
	api.TrustProxies(o.proxies)
	// net/http's own messages (TLS handshakes, accept errors) go to the
	// same JSON log.
	errLog := slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	newServer := func(h http.Handler) *http.Server {
		return &http.Server{Handler: h, ReadHeaderTimeout: 20 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: errLog}
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
	}
	var servers []*http.Server
	errc := make(chan error, 3)
	site := newServer(api)
	servers = append(servers, site)
	go func() {
		if o.cert != "" {
			errc <- site.ServeTLS(ln, o.cert, o.key)
		} else {
			errc <- site.Serve(ln)
		}
	}()
	if o.opsListen != "" && o.opsListen != "off" {
		oln, err := net.Listen("tcp", o.opsListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s (--ops-listen): %w", o.opsListen, err)
		}
		ops := newServer(api.Ops())
		servers = append(servers, ops)
		go func() { errc <- ops.Serve(oln) }()
	}
	// The account commands reach an embedded store's server through its
	// socket; on PostgreSQL they work on the database itself.
	sock := ""
	if data != "" {
		sock = adminSocket(data)
		os.Remove(sock) // left by a server that did not stop cleanly
		if aln, err := net.Listen("unix", sock); err != nil {
			// The server runs without it; account commands then wait for a stop.
			log.Error("no admin socket: user and device commands work only while the server is stopped", "socket", sock, "err", err)
		} else {
			os.Chmod(sock, 0o600)
			defer os.Remove(sock)
			admin := newServer(api.Admin())
			servers = append(servers, admin)
			go func() { errc <- admin.Serve(aln) }()
		}
	}

	// Scheduled articles go out when due, whoever is online.
	go api.RunSchedule(ctx)
	// Uploads abandoned for days give their space back.
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if n, err := api.SweepUploads(ctx); err != nil {
					log.Error("sweep uploads", "err", err)
				} else if n > 0 {
					log.Info("swept abandoned uploads", "count", n)
				}
			}
		}
	}()
	log.Info("serving", "addr", ln.Addr().String(), "tls", o.cert != "", "public_url", o.publicURL, "ops", o.opsListen,
		"admin", sock, "published", "/articles, /feed.atom, /v1/published")
	if fingerprint != "" {
		// For a certificate no public authority signed: correspondents
		// compare this with what their app shows, or log in with --pin.
		log.Info("certificate", "sha256", fingerprint)
	}
	select {
	case err := <-errc:
		for _, s := range servers {
			s.Close()
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var first error
	for _, s := range servers {
		if err := s.Shutdown(shut); err != nil && first == nil {
			first = err
		}
	}
	return first
}
