package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/backendtest"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// BenchmarkServerLoad runs the real fielddesk-server binary on loopback and
// 200 devices (20 correspondents with 8 devices each, 40 editors' devices)
// that push and pull at once for 30 s (FIELDDESK_LOAD_SECONDS to change):
// request latency p50/p99, errors, the server's peak memory (VmHWM).
// Run: go test ./sync/server -run '^$' -bench ServerLoad -benchtime 1x
func BenchmarkServerLoad(b *testing.B) { serverLoad(b, 0, "badger", 1) }

// BenchmarkServerLoadPostgres is BenchmarkServerLoad with the server on
// PostgreSQL and an S3-compatible store (started by internal/backendtest).
func BenchmarkServerLoadPostgres(b *testing.B) { serverLoad(b, 0, "postgres", 1) }

// BenchmarkServerLoadPostgresTwoInstances is the same load spread over two
// server instances on one PostgreSQL and one bucket (device i talks to
// instance i mod 2).
func BenchmarkServerLoadPostgresTwoInstances(b *testing.B) { serverLoad(b, 0, "postgres", 2) }

// BenchmarkServerLoadUnderAttack is BenchmarkServerLoad with 50 attackers
// at the same time, each from an address of its own: guessing passwords
// of real accounts, logins with made-up names, request bodies trickled a
// byte at a time, a correspondent of another desk naming the desks'
// photo hashes and pushing forged conflicts, uploads of garbage for named
// hashes, garbage bodies. The honest devices must see no error; the
// server's peak memory is reported.
func BenchmarkServerLoadUnderAttack(b *testing.B) { serverLoad(b, 50, "badger", 1) }

func serverLoad(b *testing.B, attackers int, backend string, instances int) {
	seconds := 30
	if s, err := strconv.Atoi(os.Getenv("FIELDDESK_LOAD_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "fielddesk-server")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/fielddesk/fielddesk/cmd/fielddesk-server").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	// Where the newsroom is: a data folder, or a database and a bucket.
	where := []string{"--data", filepath.Join(dir, "data")}
	var env []string
	if backend == "postgres" {
		bucket := backendtest.S3(b)
		where = []string{"--db", backendtest.Postgres(b), "--photos", bucket.URL()}
		env = bucket.Env()
	}
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("mật khẩu đủ dài\n"), 0o600)
	type account struct{ name, role, desk string }
	var accounts []account
	for i := range 20 {
		accounts = append(accounts, account{fmt.Sprintf("pv%02d", i), "correspondent", fmt.Sprintf("desk%d", i%4)})
	}
	for i := range 4 {
		accounts = append(accounts, account{fmt.Sprintf("bt%d", i), "editor", fmt.Sprintf("desk%d", i)})
	}
	honest := len(accounts)
	for i := range min(attackers, 10) {
		accounts = append(accounts, account{fmt.Sprintf("kt%02d", i), "correspondent", "tancong"})
	}
	for _, a := range accounts {
		cmd := exec.Command(bin, append([]string{"user", "add", a.name, "--role", a.role, "--desk", a.desk, "--password-file", pw}, where...)...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("user add: %v %s", err, out)
		}
	}
	var bases []string
	var servers []*exec.Cmd
	for range instances {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		srv := exec.Command(bin, append([]string{"serve", "--listen", addr, "--ops-listen", "off"}, where...)...)
		srv.Env = append(os.Environ(), env...)
		srv.Stderr = io.Discard // a JSON line per request
		if err := srv.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
		servers = append(servers, srv)
		bases = append(bases, "http://"+addr)
	}
	base := bases[0]
	for _, u := range bases {
		for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if resp, err := http.Get(u + "/healthz"); err == nil {
				resp.Body.Close()
				break
			}
			if time.Now().After(end) {
				b.Fatal("the server did not start")
			}
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}
	call := func(base, path, token string, in, out any) (time.Duration, error) {
		body, _ := json.Marshal(in)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
		req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		err = json.NewDecoder(resp.Body).Decode(out)
		took := time.Since(start)
		if resp.StatusCode != 200 {
			return took, fmt.Errorf("%s: %d", path, resp.StatusCode)
		}
		return took, err
	}
	// 200 devices: 8 per correspondent, 10 per editor.
	type device struct {
		lr     wire.LoginResponse
		editor bool
		base   string // the instance it talks to
	}
	var devices []device
	for i := range 200 {
		a := accounts[i%20]
		if i >= 160 {
			a = accounts[20+i%4]
		}
		var lr wire.LoginResponse
		base := bases[i%len(bases)]
		if _, err := call(base, "/v1/login", "", wire.LoginRequest{User: a.name, Password: "mật khẩu đủ dài", DeviceName: fmt.Sprint("máy ", i)}, &lr); err != nil {
			b.Fatalf("login %s: %v", a.name, err)
		}
		devices = append(devices, device{lr, a.role == "editor", base})
	}

	var mu sync.Mutex
	var latencies []time.Duration
	errors := 0
	var mutations int
	stop := time.Now().Add(time.Duration(seconds) * time.Second)
	b.ResetTimer()
	var wg sync.WaitGroup
	var attacks atomic.Int64
	for i := range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			attack(b, base, fmt.Sprintf("127.0.3.%d", 10+i), accounts[honest+i%max(1, len(accounts)-honest)].name, accounts[i%20].name, stop, &attacks)
		}()
	}
	for _, d := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var next uint64 = 1
			var mine []fielddesk.Revision
			cursor := ""
			for time.Now().Before(stop) {
				var took time.Duration
				var err error
				if !d.editor {
					var req wire.PushRequest
					req.DeviceID = d.lr.DeviceID
					for range 3 {
						r := fielddesk.Revision{ID: fielddesk.NewID(), Saved: time.Now().UTC(),
							Article: fielddesk.Article{ID: fielddesk.NewID(), Headline: "Tin từ huyện vùng cao", Sapo: "(TTXVN) – Mưa lớn kéo dài.",
								Body: strings.Repeat("Nước sông dâng cao, nhiều hộ dân phải sơ tán. ", 40), Language: "vi", Status: fielddesk.StatusSubmitted}}
						if len(mine) > 0 && len(mine)%2 == 0 {
							prev := mine[len(mine)-1]
							r.Base, r.Article.ID = prev.ID, prev.Article.ID
						}
						req.Mutations = append(req.Mutations, wire.Mutation{ID: next, Revision: r})
						next++
						mine = append(mine, r)
					}
					var resp wire.PushResponse
					took, err = call(d.base, "/v1/push", d.lr.Token, req, &resp)
					if err == nil {
						for _, res := range resp.Results {
							if res.Result != wire.Applied {
								err = fmt.Errorf("mutation %d: %s %s", res.ID, res.Result, res.Reason)
							}
						}
					}
					mu.Lock()
					mutations += len(req.Mutations)
					latencies = append(latencies, took)
					if err != nil {
						errors++
						b.Log(err)
					}
					mu.Unlock()
				}
				var pull wire.PullResponse
				took, err = call(d.base, "/v1/pull", d.lr.Token, wire.PullRequest{Cursor: cursor, Limit: 100}, &pull)
				if err == nil {
					cursor = pull.Cursor
				}
				mu.Lock()
				latencies = append(latencies, took)
				if err != nil {
					errors++
					b.Log(err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[int(float64(len(latencies)-1)*p)] }
	hwm := 0.0 // the largest instance's
	for _, srv := range servers {
		status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.Process.Pid))
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				f := strings.Fields(line)
				kb, _ := strconv.ParseFloat(f[1], 64)
				hwm = max(hwm, kb/1024)
			}
		}
	}
	b.ReportMetric(float64(len(latencies))/float64(seconds), "requests/s")
	b.ReportMetric(float64(mutations)/float64(seconds), "mutations/s")
	b.ReportMetric(float64(pct(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(errors), "errors")
	b.ReportMetric(hwm, "server-peak-MB")
	if attackers > 0 {
		b.ReportMetric(float64(attacks.Load())/float64(seconds), "attacks/s")
	}
	if errors > 0 {
		b.Errorf("%d requests failed", errors)
	}
}

// attack is one attacker from addr until stop: it owns the account me (a
// correspondent of another desk) and knows the name of a real account,
// victim; every attempt is counted in n.
func attack(b *testing.B, base, addr, me, victim string, stop time.Time, n *atomic.Int64) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 5 * time.Second}
	client := &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}, Timeout: 10 * time.Second}
	post := func(path, token string, body []byte) {
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
		req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		n.Add(1)
	}
	login := func(user, password string) wire.LoginResponse {
		body, _ := json.Marshal(wire.LoginRequest{User: user, Password: password, DeviceName: "máy\x1b[2J lạ"})
		req, _ := http.NewRequest("POST", base+"/v1/login", bytes.NewReader(body))
		req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		var lr wire.LoginResponse
		if resp, err := client.Do(req); err == nil {
			json.NewDecoder(resp.Body).Decode(&lr)
			resp.Body.Close()
		}
		n.Add(1)
		return lr
	}
	mine := login(me, "mật khẩu đủ dài")
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for i := 0; time.Now().Before(stop); i++ {
		switch i % 6 {
		case 0: // guess the real account's password
			login(victim, fmt.Sprintf("đoán %d", i))
		case 1: // made-up names
			login(fmt.Sprintf("khong-co-%d-%s", i, strings.Repeat("x", 40)), "sai")
		case 2: // hold a connection with a body trickled a byte at a time
			if c, err := d.Dial("tcp", strings.TrimPrefix(base, "http://")); err == nil {
				fmt.Fprintf(c, "POST /v1/login HTTP/1.1\r\nHost: x\r\nFieldDesk-Protocol: %d\r\nContent-Length: 500\r\n\r\n{", wire.ProtocolVersion)
				held = append(held, c)
				n.Add(1)
			}
			if len(held) > 20 {
				held[0].Close()
				held = held[1:]
			}
		case 3: // name photo hashes of other desks in an article, with a forged conflict
			r := fielddesk.Revision{ID: fielddesk.NewID(), Saved: time.Now().UTC(), Article: fielddesk.Article{ID: fielddesk.NewID(),
				Headline: "Tin giả", Body: "x", Language: "vi",
				Conflicts: []fielddesk.Conflict{{ID: "forged", Field: "body", Ours: "a", Theirs: "b", OursBy: victim}}}}
			body, _ := json.Marshal(wire.PushRequest{DeviceID: mine.DeviceID, Mutations: []wire.Mutation{{ID: uint64(i/6 + 1), Revision: r}}})
			post("/v1/push", mine.Token, body)
		case 4: // garbage uploads for a hash
			req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/v1/photos/%064x?offset=0&size=%d", base, i, 64<<20), strings.NewReader(strings.Repeat("rác", 10000)))
			req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
			req.Header.Set("Authorization", "Bearer "+mine.Token)
			req.Header.Set("Content-Type", wire.ChunksType)
			if resp, err := client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			n.Add(1)
		case 5: // garbage bodies
			post("/v1/pull", mine.Token, bytes.Repeat([]byte("{\"cursor\":"), 5000))
		}
	}
}
