package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fielddesk/fielddesk/newsroom"
)

// Guarding the password check. A password check (argon2id) costs 19 MiB
// and tens of milliseconds: they are done a few at a time (the rest wait
// briefly, then are told to come back), and an attempt counts against its
// limits before it is checked, so that a flood sent at once is refused
// after the first few. Limits are on the guessing address and on the
// name from that address, never on the person alone (anyone could lock
// anyone out): a slower limit per name across all addresses stops
// guessing from many addresses, and a device of the person that already
// holds a valid token is exempt from all of them.

// loginRule is how many failed attempts a key may have in a window.
type loginRule struct {
	max    int
	window time.Duration
}

var (
	perAddress     = loginRule{20, 15 * time.Minute}
	perNameAddress = loginRule{5, 5 * time.Minute}
	perName        = loginRule{50, time.Hour}
)

// maxLimiterKeys bounds the limiter's memory (a few MB at most).
const maxLimiterKeys = 20000

// limiter counts login attempts per key in a sliding window. Keys are
// hashes: a name of any length costs the same.
type limiter struct {
	mu   sync.Mutex
	seen map[string][]time.Time
	now  func() time.Time
}

func newLimiter() *limiter {
	return &limiter{seen: map[string][]time.Time{}, now: time.Now}
}

func limiterKey(kind, value string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + value))
	return hex.EncodeToString(sum[:12])
}

// loginLimits count login attempts: in this process (limiter), or in the
// database every instance shares (sharedLimits).
type loginLimits interface {
	// reserve counts an attempt against every key with its rule, unless
	// one of them is at its limit (then nothing is counted and ok is
	// false); forget takes the attempt back.
	reserve(ctx context.Context, keys []string, rules []loginRule) (forget func(), ok bool, err error)
	// size is how many keys this process remembers.
	size() int
}

// sharedLimits keeps the attempts in the shared database: a guess counts
// whichever instance it reaches.
type sharedLimits struct {
	a   newsroom.Attempts
	now func() time.Time
}

func (l sharedLimits) reserve(ctx context.Context, keys []string, rules []loginRule) (func(), bool, error) {
	windows, maxes := make([]time.Duration, len(rules)), make([]int, len(rules))
	for i, r := range rules {
		windows[i], maxes[i] = r.window, r.max
	}
	id, ok, err := l.a.ReserveAttempt(ctx, keys, windows, maxes, l.now())
	if err != nil || !ok {
		return func() {}, ok, err
	}
	return func() { l.a.ForgetAttempt(context.WithoutCancel(ctx), id) }, true, nil
}

func (sharedLimits) size() int { return 0 }

// attempt is a login attempt counted against some keys.
type attempt struct {
	l    *limiter
	keys []string
	at   time.Time
}

func (l *limiter) reserve(ctx context.Context, keys []string, rules []loginRule) (func(), bool, error) {
	a, ok := l.reserveNow(keys, rules)
	return a.succeeded, ok, nil
}

// reserveNow counts an attempt against every key with its rule, unless one
// of them is at its limit (then nothing is counted and ok is false).
func (l *limiter) reserveNow(keys []string, rules []loginRule) (a attempt, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for i, k := range keys {
		if len(l.recent(k, rules[i], now)) >= rules[i].max {
			return attempt{}, false
		}
	}
	if len(l.seen) >= maxLimiterKeys {
		l.shrink(now)
	}
	for _, k := range keys {
		l.seen[k] = append(l.seen[k], now)
	}
	return attempt{l: l, keys: keys, at: now}, true
}

// succeeded takes back an attempt that turned out right: it does not count.
func (a attempt) succeeded() {
	if a.l == nil {
		return
	}
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	for _, k := range a.keys {
		ts := a.l.seen[k]
		for i := len(ts) - 1; i >= 0; i-- {
			if ts[i].Equal(a.at) {
				ts = append(ts[:i], ts[i+1:]...)
				break
			}
		}
		if len(ts) == 0 {
			delete(a.l.seen, k)
		} else {
			a.l.seen[k] = ts
		}
	}
}

// recent drops a key's attempts older than the rule's window.
func (l *limiter) recent(key string, r loginRule, now time.Time) []time.Time {
	ts := l.seen[key]
	cut := now.Add(-r.window)
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	if i == len(ts) {
		delete(l.seen, key)
		return nil
	}
	ts = ts[i:]
	l.seen[key] = ts
	return ts
}

// shrink makes room: first by forgetting attempts older than the longest
// window, then, under a flood of keys, by forgetting some at random.
func (l *limiter) shrink(now time.Time) {
	for k := range l.seen {
		l.recent(k, perName, now)
	}
	for k := range l.seen {
		if len(l.seen) < maxLimiterKeys*9/10 {
			break
		}
		delete(l.seen, k)
	}
}

func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.seen)
}

// passwordChecks lets a few password checks run at once.
type passwordChecks struct {
	slots    chan struct{}
	inFlight atomic.Int64
	peak     atomic.Int64
}

func newPasswordChecks() *passwordChecks {
	return &passwordChecks{slots: make(chan struct{}, max(2, runtime.NumCPU()))}
}

// passwordWait is how long a login waits for a turn to check its password.
const passwordWait = 5 * time.Second

// acquire waits for a turn (false: none came in time).
func (p *passwordChecks) acquire(ctx context.Context) bool {
	t := time.NewTimer(passwordWait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
	n := p.inFlight.Add(1)
	for {
		peak := p.peak.Load()
		if n <= peak || p.peak.CompareAndSwap(peak, n) {
			break
		}
	}
	return true
}

func (p *passwordChecks) release() {
	p.inFlight.Add(-1)
	<-p.slots
}

// clientAddr is the address a request comes from: the peer, or, when the
// peer is a trusted proxy, the last address it put in X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(peer) {
		return host
	}
	fwd := r.Header.Values("X-Forwarded-For")
	if len(fwd) == 0 {
		return host
	}
	parts := strings.Split(fwd[len(fwd)-1], ",")
	if a, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
		return a.String()
	}
	return host
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
