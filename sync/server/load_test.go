package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// BenchmarkServerLoad runs the real fielddesk-server binary on loopback and
// 200 devices (20 correspondents with 8 devices each, 40 editors' devices)
// that push and pull at once for 30 s (FIELDDESK_LOAD_SECONDS to change):
// request latency p50/p99, errors, the server's peak memory (VmHWM).
// Run: go test ./sync/server -run '^$' -bench ServerLoad -benchtime 1x
func BenchmarkServerLoad(b *testing.B) {
	seconds := 30
	if s, err := strconv.Atoi(os.Getenv("FIELDDESK_LOAD_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "fielddesk-server")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/fielddesk/fielddesk/cmd/fielddesk-server").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
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
	for _, a := range accounts {
		if out, err := exec.Command(bin, "user", "add", a.name, "--role", a.role, "--desk", a.desk, "--password-file", pw, "--data", data).CombinedOutput(); err != nil {
			b.Fatalf("user add: %v %s", err, out)
		}
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command(bin, "serve", "--data", data, "--listen", addr, "--ops-listen", "off")
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	base := "http://" + addr
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(end) {
			b.Fatal("the server did not start")
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}
	call := func(path, token string, in, out any) (time.Duration, error) {
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
	}
	var devices []device
	for i := range 200 {
		a := accounts[i%20]
		if i >= 160 {
			a = accounts[20+i%4]
		}
		var lr wire.LoginResponse
		if _, err := call("/v1/login", "", wire.LoginRequest{User: a.name, Password: "mật khẩu đủ dài", DeviceName: fmt.Sprint("máy ", i)}, &lr); err != nil {
			b.Fatalf("login %s: %v", a.name, err)
		}
		devices = append(devices, device{lr, a.role == "editor"})
	}

	var mu sync.Mutex
	var latencies []time.Duration
	errors := 0
	var mutations int
	stop := time.Now().Add(time.Duration(seconds) * time.Second)
	b.ResetTimer()
	var wg sync.WaitGroup
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
					took, err = call("/v1/push", d.lr.Token, req, &resp)
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
				took, err = call("/v1/pull", d.lr.Token, wire.PullRequest{Cursor: cursor, Limit: 100}, &pull)
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
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.Process.Pid))
	hwm := 0.0
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			hwm = kb / 1024
		}
	}
	b.ReportMetric(float64(len(latencies))/float64(seconds), "requests/s")
	b.ReportMetric(float64(mutations)/float64(seconds), "mutations/s")
	b.ReportMetric(float64(pct(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(errors), "errors")
	b.ReportMetric(hwm, "server-peak-MB")
	if errors > 0 {
		b.Errorf("%d requests failed", errors)
	}
}
