// Package client is the desktop's sync engine: it sends queued articles to
// the newsroom server (text first, then photo renditions, then originals by
// the user's policy), resumes photos where they stopped, receives what
// changed for the user, and keeps its outbox and cursor in the local store
// so a crash or a cut link never loses or duplicates anything. See
// sync/wire for the protocol. Editing never waits for it.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// Options tune the engine; the zero value is what the app uses.
type Options struct {
	// DeviceName names this device on the server ("" = the host name).
	DeviceName string
	// Dial opens connections (nil: TCP). Tests put faults here.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Stall is how long without a byte moving either way before the
	// connection is dropped and made again (default 30 s). It bounds
	// progress, not whole requests: a photo may take an hour on 2G.
	Stall time.Duration
	// MinBackoff and MaxBackoff bound the wait between failed tries
	// (defaults 2 s and 5 min); each wait is random up to the bound, which
	// doubles after each failure.
	MinBackoff, MaxBackoff time.Duration
	// Interval is how often Run looks for news when nothing waits (default 2 min).
	Interval time.Duration
	// Metered reports whether the link costs by the byte (nil: LinkCost).
	Metered func() bool
	// LinkCost reports whether the link costs by the byte and whether
	// that is known (nil: ask NetworkManager, see LinkCost; unknown counts
	// as metered, and the status says so).
	LinkCost func() (metered, known bool)
	// OnStatus is called after every change of Status (from the engine's goroutine).
	OnStatus func(fielddesk.SyncStatus)
	// BatchSize is how many mutations go in one push (default 100).
	BatchSize int
	// Jitter picks the wait before the next try, from 0 up to its bound
	// (nil: uniformly at random). Tests make it predictable.
	Jitter func(bound time.Duration) time.Duration
	// Now is the clock the status's times are read from (nil: time.Now);
	// tests read the waits the engine plans off a clock of their own.
	Now func() time.Time
}

// sendBuffer is the socket send buffer: enough for a 3G link's
// bandwidth-delay product, small enough that writes follow a 2G link.
const sendBuffer = 64 << 10

// Client syncs one local store with its server.
type Client struct {
	db   *store.DB
	opt  Options
	http *http.Client
	kick chan struct{}

	runMu sync.Mutex // one exchange at a time
	batch int        // mutations per push now (under runMu)
	// window bounds the photo bytes one upload request carries (under
	// runMu): whole photos while acknowledgements stream back; behind a
	// proxy that forwards only whole requests, what the link carries
	// between two cuts (see upload.go).
	window int64
	// waiting says why photos wait (under runMu): shown until the next exchange.
	waiting map[string]string
	// failed says why the server refused photos for good (under runMu).
	failed map[string]string
	// known is what the server last said of each photo (under runMu);
	// acked, the last length it acknowledged of each upload (under ackMu);
	// resuming, that the last exchange failed, so these are fresh enough to
	// go on without asking.
	known    map[string]wire.PhotoState
	seenHave map[string]int64 // what the server held of each photo when last asked (under runMu)
	ackMu    sync.Mutex
	acked    map[string]int64
	fresh    map[string]bool // an acknowledgement arrived in the last try of this upload
	resuming bool
	// frame is the frame size for uploads now (under ackMu).
	frame int
	// progress counts what the server acknowledged (mutations, frames,
	// pulls): a failed exchange that moved it resets the backoff.
	progress atomic.Int64
	// textWaiting: Kick was called (a save or a send); uploads check the
	// outbox between frames and yield to text.
	textWaiting atomic.Bool

	mu     sync.Mutex
	status fielddesk.SyncStatus
	trust  *trust
}

// New returns an engine over the local store. Call Run to keep it syncing,
// or Sync for one exchange.
func New(db *store.DB, opt Options) *Client {
	if opt.Stall <= 0 {
		opt.Stall = DefaultStall
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = 2 * time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 5 * time.Minute
	}
	if opt.Interval <= 0 {
		opt.Interval = 2 * time.Minute
	}
	if opt.BatchSize <= 0 || opt.BatchSize > wire.MaxMutations {
		opt.BatchSize = 100
	}
	switch {
	case opt.LinkCost != nil:
	case opt.Metered != nil:
		metered := opt.Metered
		opt.LinkCost = func() (bool, bool) { return metered(), true }
	default:
		opt.LinkCost = LinkCost
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Jitter == nil {
		opt.Jitter = func(bound time.Duration) time.Duration { return time.Duration(rand.Int64N(int64(bound))) }
	}
	if opt.DeviceName == "" {
		opt.DeviceName, _ = os.Hostname()
	}
	dial := opt.Dial
	if dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		dial = d.DialContext
	}
	tr := &trust{}
	transport := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				// A small send buffer: a write returns when the link took
				// the bytes, not when the kernel queued megabytes of them,
				// so progress (and the stall deadline) follow the link.
				tc.SetWriteBuffer(sendBuffer)
			}
			return watch(conn, opt.Stall), nil
		},
		TLSHandshakeTimeout: 60 * time.Second,
		TLSClientConfig:     tr.tlsConfig(),
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     opt.Stall,
		DisableCompression:  true, // photos are compressed already; JSON uses zstd
	}
	c := &Client{db: db, opt: opt, trust: tr, http: &http.Client{Transport: transport}, kick: make(chan struct{}, 1),
		known: map[string]wire.PhotoState{}, seenHave: map[string]int64{}, acked: map[string]int64{}, fresh: map[string]bool{}}
	c.status.Originals = store.OriginalsUnmetered
	if acct, err := db.Account(context.Background()); err == nil {
		c.status.Configured, c.status.Server, c.status.User, c.status.Role = true, acct.Server, acct.User, acct.Role
		c.status.Originals = acct.Originals
		tr.set(fielddesk.ServerTrust{CAPEM: acct.CA, Pin: acct.Pin})
	}
	return c
}

func (c *Client) ackedNow(hash string) int64 {
	c.ackMu.Lock()
	defer c.ackMu.Unlock()
	return c.acked[hash]
}

// lastAck returns the length the server last acknowledged of an upload, if
// that came in the last try (otherwise the server may hold more: ask).
func (c *Client) lastAck(hash string) (int64, bool) {
	c.ackMu.Lock()
	defer c.ackMu.Unlock()
	return c.acked[hash], c.fresh[hash]
}

func (c *Client) setAcked(hash string, have int64) {
	c.progress.Add(1)
	c.ackMu.Lock()
	c.acked[hash], c.fresh[hash] = have, true
	c.ackMu.Unlock()
}

// frameSize is about half a second of the link, within the protocol's
// bounds, and smaller after uploads were cut (a frame that never gets
// through whole before the link drops would never be kept).
func (c *Client) frameSize() int {
	c.ackMu.Lock()
	defer c.ackMu.Unlock()
	if c.frame == 0 {
		c.frame = wire.FrameChunkBytes
	}
	return c.frame
}

// measureLink adjusts the frame size after an upload: halved when it was
// cut, else half a second of its speed (ignoring ones too short to tell).
func (c *Client) measureLink(bytes int64, took time.Duration, cut bool) {
	c.ackMu.Lock()
	defer c.ackMu.Unlock()
	if c.frame == 0 {
		c.frame = wire.FrameChunkBytes
	}
	switch {
	case cut:
		c.frame = max(wire.MinFrameBytes, c.frame/2)
	case bytes >= 32<<10 && took >= 500*time.Millisecond:
		f := int(float64(bytes)/took.Seconds()/2) &^ 1023
		c.frame = min(max(f, wire.MinFrameBytes), wire.MaxChunkBytes)
	}
}

// staleAck marks an upload as tried with nothing heard yet.
func (c *Client) staleAck(hash string) {
	c.ackMu.Lock()
	c.fresh[hash] = false
	c.ackMu.Unlock()
}

// triedNow reports whether an upload of hash was tried in this process.
func (c *Client) triedNow(hash string) (fresh, tried bool) {
	c.ackMu.Lock()
	defer c.ackMu.Unlock()
	fresh, tried = c.fresh[hash]
	return fresh, tried
}

// Close drops idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Status is the engine's state now.
func (c *Client) Status() fielddesk.SyncStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.status
	s.Photos = append([]fielddesk.PhotoProgress(nil), s.Photos...)
	return s
}

// SyncStatus is Status, for the window.
func (c *Client) SyncStatus() fielddesk.SyncStatus { return c.Status() }

func (c *Client) update(change func(*fielddesk.SyncStatus)) {
	c.mu.Lock()
	change(&c.status)
	s := c.status
	s.Photos = append([]fielddesk.PhotoProgress(nil), s.Photos...)
	c.mu.Unlock()
	if c.opt.OnStatus != nil {
		c.opt.OnStatus(s)
	}
}

// Kick asks Run to sync now (after a save, or "Sync now").
func (c *Client) Kick() {
	// Text waits for no photo: an upload under way yields at its next frame
	// when articles are queued (see sendFrom).
	c.textWaiting.Store(true)
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// SyncNow is Kick, for the window.
func (c *Client) SyncNow() { c.Kick() }

// DefaultStall is Options.Stall unless set.
const DefaultStall = 30 * time.Second

// Errors a caller may act on.
var (
	// ErrUnauthorized: the token is missing, wrong or revoked: log in again.
	ErrUnauthorized = errors.New("the newsroom server does not know this device any more: log in again")
	// ErrProtocol: the app and the server speak different protocol versions.
	ErrProtocol = errors.New("the app and the newsroom server speak different versions")
	// ErrServerOlder (with ErrProtocol): the newsroom must update its server.
	ErrServerOlder = errors.New("the newsroom server is older than this app")
	// ErrNoLink: no connection to the server, or it dropped mid-way.
	ErrNoLink = errors.New("no link to the server")
	// ErrPortal: something other than the server answered (a Wi-Fi login
	// page, a proxy's error page).
	ErrPortal = errors.New("something between this computer and the server answered instead of it")
	// ErrTooLargeForServer: the server, or a proxy before it, refuses a
	// request this large even when it carries one article.
	ErrTooLargeForServer = errors.New("the newsroom refuses requests this large")
)

// errorKind names an exchange's failure for the window.
func errorKind(err error) fielddesk.SyncErrorKind {
	switch {
	case err == nil:
		return ""
	case errors.As(err, new(*fielddesk.UntrustedCertificateError)):
		return fielddesk.SyncUntrusted
	case errors.Is(err, ErrUnauthorized):
		return fielddesk.SyncUnauthorized
	case errors.Is(err, ErrServerOlder):
		return fielddesk.SyncServerOlder
	case errors.Is(err, ErrProtocol):
		return fielddesk.SyncAppOlder
	case errors.Is(err, ErrPortal):
		return fielddesk.SyncPortal
	case errors.Is(err, ErrTooLargeForServer):
		return fielddesk.SyncTooLarge
	case errors.Is(err, ErrNoLink):
		return fielddesk.SyncNoLink
	case errors.Is(err, fielddesk.ErrDiskFull):
		return fielddesk.SyncDiskFull
	}
	var se *ServerError
	if errors.As(err, &se) && se.Code == wire.CodeStorageFull {
		return fielddesk.SyncServerFull
	}
	if errors.As(err, &se) && se.Code == wire.CodeUnavailable {
		return fielddesk.SyncServerUnavailable
	}
	return ""
}

// ServerError is an error answer from the server.
type ServerError struct {
	Status int
	Code   string
	Msg    string
	// Proxy: something before the server answered (no FieldDesk header).
	Proxy bool
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("the server answered %d: %s", e.Status, e.Msg)
}

// Login logs this device in at server as user and stores the token. The
// password is not kept.
func (c *Client) Login(ctx context.Context, server, user, password string) (store.Account, error) {
	return c.LoginTrusting(ctx, server, user, password, fielddesk.ServerTrust{})
}

// LoginTrusting is Login to a server whose certificate is trusted as st
// says (the newsroom's own authority, or a pinned fingerprint); the trust
// is kept with the account and checked on every connection.
func (c *Client) LoginTrusting(ctx context.Context, server, user, password string, st fielddesk.ServerTrust) (store.Account, error) {
	server = strings.TrimRight(strings.TrimSpace(server), "/")
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return store.Account{}, fmt.Errorf("server address %q: write it as https://host[:port]: %w", server, fielddesk.ErrInvalid)
	}
	if st.Pin != "" {
		pin, err := NormalizePin(st.Pin)
		if err != nil {
			return store.Account{}, err
		}
		st.Pin = pin
	}
	prevTrust := fielddesk.ServerTrust{}
	if prev, err := c.db.Account(ctx); err == nil && prev.Server == server {
		prevTrust = fielddesk.ServerTrust{CAPEM: prev.CA, Pin: prev.Pin}
		if len(st.CAPEM) == 0 && st.Pin == "" {
			st = prevTrust // logging in again: the trust stays
		}
	}
	if err := c.trust.set(st); err != nil {
		return store.Account{}, err
	}
	var resp wire.LoginResponse
	req := wire.LoginRequest{User: fielddesk.NFC(strings.TrimSpace(user)), Password: password, DeviceName: c.opt.DeviceName}
	// Logging in again: the token this device holds vouches for it (the
	// server's limits on guessing never lock it out) and retires with the
	// new login.
	old := ""
	if prev, err := c.db.Account(ctx); err == nil && prev.Server == server && prev.User == req.User {
		old = prev.Token
	}
	if err := c.call(ctx, server, old, "POST", "/v1/login", req, &resp); err != nil {
		c.trust.set(prevTrust)
		var se *ServerError
		if errors.As(err, &se) && se.Status == http.StatusUnauthorized {
			return store.Account{}, fmt.Errorf("log in to %s: %s", server, se.Msg)
		}
		return store.Account{}, fmt.Errorf("log in to %s: %w", server, err)
	}
	acct, err := c.db.Account(ctx)
	policy := store.OriginalsUnmetered
	if err == nil && acct.Originals != "" {
		policy = acct.Originals
	}
	acct = store.Account{Server: server, User: resp.User, Token: resp.Token, DeviceID: resp.DeviceID,
		Role: fielddesk.Role(resp.Role), Desk: resp.Desk, Originals: policy, CA: st.CAPEM, Pin: st.Pin}
	if err := c.db.SetAccount(ctx, acct); err != nil {
		return store.Account{}, err
	}
	c.update(func(s *fielddesk.SyncStatus) {
		s.Configured, s.Server, s.User, s.Role, s.LastError = true, acct.Server, acct.User, acct.Role, ""
	})
	c.Kick()
	return acct, nil
}

// LoginWindow is LoginTrusting for the window, which needs only the error.
func (c *Client) LoginWindow(ctx context.Context, server, user, password string, st fielddesk.ServerTrust) error {
	_, err := c.LoginTrusting(ctx, server, user, password, st)
	return err
}

// SetOriginals sets when full-size photos are sent: store.OriginalsNever,
// OriginalsUnmetered or OriginalsAlways.
func (c *Client) SetOriginals(ctx context.Context, policy string) error {
	acct, err := c.db.Account(ctx)
	if err != nil {
		return err
	}
	acct.Originals = policy
	if err := c.db.SetAccount(ctx, acct); err != nil {
		return err
	}
	c.update(func(s *fielddesk.SyncStatus) { s.Originals = policy })
	c.Kick()
	return nil
}

// call sends v as JSON (zstd when it is worth it) and decodes the answer
// into out.
func (c *Client) call(ctx context.Context, server, token, method, path string, v, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	zstd := len(body) > 2048
	if zstd {
		body = wire.Compress(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, server+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if zstd {
		req.Header.Set("Content-Encoding", "zstd")
	}
	return c.do(req, token, out)
}

// do sends req with the protocol header and token, and decodes a JSON
// answer into out. A 2xx answer without the protocol header (a captive
// portal, a proxy's page) is an error, never a success.
func (c *Client) do(req *http.Request, token string, out any) error {
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Accept-Encoding", "zstd")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNoLink, err)
	}
	defer resp.Body.Close()
	if resp.Header.Get(wire.VersionHeader) != "" {
		// The newsroom's clock, for a laptop whose own is wrong.
		if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			c.db.ObserveServerTime(t)
		}
	}
	return decodeAnswer(resp, out)
}

func decodeAnswer(resp *http.Response, out any) error {
	if v := resp.Header.Get(wire.VersionHeader); v != strconv.Itoa(wire.ProtocolVersion) {
		if resp.StatusCode == http.StatusUpgradeRequired || v != "" {
			var e wire.Error
			json.NewDecoder(io.LimitReader(resp.Body, wire.MaxSmallBody)).Decode(&e)
			if n, err := strconv.Atoi(v); err == nil && n < wire.ProtocolVersion {
				return fmt.Errorf("%w: %w (protocol %d, this app %d): the newsroom must update its server", ErrProtocol, ErrServerOlder, n, wire.ProtocolVersion)
			}
			return fmt.Errorf("%w: the server speaks protocol %q, this app %d: %s", ErrProtocol, v, wire.ProtocolVersion, e.Error)
		}
		if resp.StatusCode == http.StatusRequestEntityTooLarge {
			// A proxy before the server with a smaller limit than ours.
			return &ServerError{Status: resp.StatusCode, Code: wire.CodeTooLarge, Proxy: true,
				Msg: "a proxy before the newsroom server refuses requests this large (nginx: client_max_body_size; see docs/SERVER.md)"}
		}
		return fmt.Errorf("%w (HTTP %d, no FieldDesk header): a Wi-Fi login page or a proxy?", ErrPortal, resp.StatusCode)
	}
	limit := int64(wire.MaxPullBytes)
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusConflict {
		var e wire.Error
		if err := json.NewDecoder(io.LimitReader(resp.Body, wire.MaxSmallBody)).Decode(&e); err != nil {
			return fmt.Errorf("the server answered %d without saying why: %w", resp.StatusCode, err)
		}
		if resp.StatusCode == http.StatusUnauthorized && e.Code == wire.CodeUnauthorized && out != nil {
			if _, login := out.(*wire.LoginResponse); !login {
				return fmt.Errorf("%w (%s)", ErrUnauthorized, e.Error)
			}
		}
		if resp.StatusCode == http.StatusUpgradeRequired {
			return fmt.Errorf("%w: %s", ErrProtocol, e.Error)
		}
		return &ServerError{Status: resp.StatusCode, Code: e.Code, Msg: e.Error}
	}
	var rd io.Reader = io.LimitReader(resp.Body, limit+1)
	if resp.Header.Get("Content-Encoding") == "zstd" {
		zr, done, err := wire.Decompress(resp.Body, limit)
		if err != nil {
			return err
		}
		defer done()
		rd = zr
	}
	dec := json.NewDecoder(rd)
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("the server's answer was cut or damaged: %w", err)
	}
	if resp.StatusCode == http.StatusConflict {
		return errConflictState
	}
	return nil
}

// errConflictState: a photo upload started at the wrong offset; the answer
// (decoded) says where to resume.
var errConflictState = errors.New("resume elsewhere")

// Run syncs until ctx ends: at once, after every Kick, every Interval, and
// after a failure again after a random wait that grows up to MaxBackoff.
func (c *Client) Run(ctx context.Context) {
	backoff := c.opt.MinBackoff
	for {
		wait := c.opt.Interval
		before := c.progress.Load()
		if _, err := c.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			if c.progress.Load() != before {
				// The link carried something before it dropped: it comes and
				// goes rather than being gone, so try again soon.
				backoff = c.opt.MinBackoff
			}
			if !errors.Is(err, ErrNotLoggedIn) {
				// Full jitter: devices that lost the same link do not come back together.
				wait = c.opt.Jitter(backoff) + c.opt.MinBackoff/2
				backoff = min(backoff*2, c.opt.MaxBackoff)
				if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrProtocol) {
					wait = c.opt.MaxBackoff // a person must act; Kick still tries at once
				}
				next := c.opt.Now().Add(wait)
				c.update(func(s *fielddesk.SyncStatus) { s.NextTry = next })
			}
		} else {
			backoff = c.opt.MinBackoff
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-c.kick:
		case <-t.C:
		}
		t.Stop()
	}
}

// ErrNotLoggedIn means no server is set up on this device.
var ErrNotLoggedIn = store.ErrNotLoggedIn
