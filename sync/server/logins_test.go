package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk/internal/servertest"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// from is an HTTP client whose connections come from a loopback address of
// its own (127.0.0.x), as guessers and the person would from elsewhere.
func from(addr string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// loginFrom tries a login and returns the status.
func (e *env) loginFrom(c *http.Client, user, password, token string) (int, wire.LoginResponse) {
	e.t.Helper()
	b, _ := json.Marshal(wire.LoginRequest{User: user, Password: password, DeviceName: "laptop"})
	req, _ := http.NewRequest("POST", e.url+"/v1/login", bytes.NewReader(b))
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var lr wire.LoginResponse
	json.NewDecoder(resp.Body).Decode(&lr)
	return resp.StatusCode, lr
}

// Forty wrong passwords sent at once from one address: they count before
// they are checked, so only the first few are checked, the right password
// sent after them is refused too, and only a few checks run at once.
func TestLoginFloodCountsBeforeChecking(t *testing.T) {
	e := newEnv(t)
	c := from("127.0.0.2")
	codes := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 37 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := e.loginFrom(c, "lethib", fmt.Sprintf("đoán lần %d", i), "")
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	time.Sleep(200 * time.Millisecond) // all 37 have arrived and counted
	if code, _ := e.loginFrom(c, "lethib", "mật khẩu đủ dài", ""); code != http.StatusTooManyRequests {
		t.Errorf("the right password after a flood of guesses: %d, want 429", code)
	}
	wg.Wait()
	if codes[http.StatusUnauthorized] > perNameAddress.max || codes[http.StatusOK] > 0 {
		t.Errorf("answers to the flood: %v; at most %d checked", codes, perNameAddress.max)
	}
	if peak := e.metric("fielddesk_password_checks_peak"); peak < 1 || peak > float64(cap(newPasswordChecks().slots)) {
		t.Errorf("%g password checks ran at once", peak)
	}
}

// Guessing from one address locks out that address, not the person: the
// person logs in from another, and a device that holds a valid token logs
// in again even after guesses from everywhere, retiring its old token.
func TestGuessingLocksOutTheAddressNotThePerson(t *testing.T) {
	e := newEnv(t)
	guesser := from("127.0.0.3")
	for range perNameAddress.max {
		if code, _ := e.loginFrom(guesser, "lethib", "đoán mò", ""); code != http.StatusUnauthorized {
			t.Fatalf("a guess: %d", code)
		}
	}
	if code, _ := e.loginFrom(guesser, "lethib", "mật khẩu đủ dài", ""); code != http.StatusTooManyRequests {
		t.Errorf("the guessing address with the right password: %d, want 429", code)
	}
	code, first := e.loginFrom(from("127.0.0.4"), "lethib", "mật khẩu đủ dài", "")
	if code != http.StatusOK {
		t.Fatalf("the person from another address: %d, want 200", code)
	}

	// Guesses from many addresses, up to the limit on the name.
	for i := 0; i < perName.max-perNameAddress.max; i++ { // the first address guessed too
		c := from("127.0.1." + strconv.Itoa(10+i/perNameAddress.max))
		if code, _ := e.loginFrom(c, "lethib", "đoán mò", ""); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code, _ := e.loginFrom(from("127.0.2.1"), "lethib", "mật khẩu đủ dài", ""); code != http.StatusTooManyRequests {
		t.Errorf("after guesses from many addresses, a new device: %d, want 429", code)
	}
	code, again := e.loginFrom(from("127.0.2.1"), "lethib", "mật khẩu đủ dài", first.Token)
	if code != http.StatusOK || again.Token == "" {
		t.Fatalf("the person's own device, with its token: %d", code)
	}
	var er wire.Error
	if code := e.call("/v1/pull", first.Token, wire.PullRequest{}, &er); code != http.StatusUnauthorized {
		t.Errorf("the old token after the new login: %d, want 401", code)
	}
	if code := e.call("/v1/pull", again.Token, wire.PullRequest{}, &er); code != http.StatusOK {
		t.Errorf("the new token: %d", code)
	}
}

// Names of any length cost the limiter nothing: over-long ones are refused
// before anything is counted, and the limiter's memory has a bound.
func TestLoginLimiterMemoryIsBounded(t *testing.T) {
	e := newEnv(t)
	for i := range 200 {
		name := strings.Repeat("x", 2000) + strconv.Itoa(i)
		if code, _ := e.loginFrom(http.DefaultClient, name, "p", ""); code != http.StatusBadRequest {
			t.Fatalf("a 2 KB user name: %d, want 400", code)
		}
	}
	if n := e.metric("fielddesk_login_limiter_keys"); n != 0 {
		t.Errorf("refused names left %g keys", n)
	}
	l := newLimiter()
	rules := []loginRule{perAddress, perNameAddress, perName}
	for i := range 3 * maxLimiterKeys {
		l.reserveNow([]string{limiterKey("addr", strconv.Itoa(i)), limiterKey("name-addr", strconv.Itoa(i)), limiterKey("name", strconv.Itoa(i))}, rules)
	}
	if n := l.size(); n > maxLimiterKeys+3 {
		t.Errorf("the limiter holds %d keys; the bound is %d", n, maxLimiterKeys)
	}
}

// metric reads one value from /metrics.
func (e *env) metric(name string) float64 {
	e.t.Helper()
	resp, err := http.Get(e.ops + "/metrics")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	for _, line := range strings.Split(b.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	e.t.Fatalf("no %s in /metrics", name)
	return 0
}

// Two instances on one database share the login limits: guesses spread
// over both count together, so the sixth try of a name from one address is
// refused whichever instance it reaches (each instance alone saw three).
func TestLoginLimitsHoldAcrossInstances(t *testing.T) {
	if !servertest.Shared() {
		t.Skip("runs on PostgreSQL (FIELDDESK_TEST_BACKEND=postgres, as make test's second pass)")
	}
	e := newEnv(t)
	other := e.backend.Reopen(t)
	second := httptest.NewServer(New(other.Records, other.Photos, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer second.Close()
	first := e.url
	c := from("127.0.0.7")
	for i := range perNameAddress.max {
		e.url = []string{first, second.URL}[i%2]
		if code, _ := e.loginFrom(c, "lethib", fmt.Sprintf("đoán %d", i), ""); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	for _, u := range []string{first, second.URL} {
		e.url = u
		if code, _ := e.loginFrom(c, "lethib", "mật khẩu đủ dài", ""); code != http.StatusTooManyRequests {
			t.Errorf("the right password after %d guesses spread over two instances: %d, want 429", perNameAddress.max, code)
		}
	}
	// The person from another address is not held back.
	e.url = second.URL
	if code, _ := e.loginFrom(from("127.0.0.8"), "lethib", "mật khẩu đủ dài", ""); code != http.StatusOK {
		t.Errorf("the person from elsewhere: %d", code)
	}
}
