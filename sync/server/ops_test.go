package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk/blobs"
)

// Every answer carries the security headers: the published pages, the
// feed, ninjs, photos and the API.
func TestEveryAnswerHasSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	p := e.publish("Tin có ảnh", "Thời sự")
	for _, path := range []string{"/articles/" + p.slug, "/articles", "/feed.atom", "/v1/published", "/media/" + p.hash, "/v1/pull", "/nothing-here"} {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s (%d): nosniff %q, referrer %q, CSP %q", path, resp.StatusCode, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"), h.Get("Content-Security-Policy"))
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS without --hsts", path)
		}
	}
}

// A handler that panics answers 500, is logged as JSON with its stack and
// counted; the server goes on.
func TestPanicsAreRecoveredLoggedAndCounted(t *testing.T) {
	e := newEnv(t)
	var logBuf lockedBuffer
	s := New(e.db, e.photos, slog.New(slog.NewJSONHandler(&logBuf, nil)))
	s.SetHSTS(true)
	s.mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("a bug") })
	srv := httptest.NewServer(s)
	defer srv.Close()
	for range 2 {
		resp, err := http.Get(srv.URL + "/boom")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("Strict-Transport-Security") == "" {
			t.Errorf("a panic: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
		}
	}
	var panics int
	for _, line := range strings.Split(strings.TrimSpace(logBuf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if rec["msg"] == "panic" && rec["panic"] == "a bug" && strings.Contains(rec["stack"].(string), "ops_test.go") {
			panics++
		}
	}
	if panics != 2 {
		t.Errorf("%d panics logged, want 2:\n%s", panics, logBuf.String())
	}
	var metrics bytes.Buffer
	rec := httptest.NewRecorder()
	s.Ops().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	metrics.Write(rec.Body.Bytes())
	if !strings.Contains(metrics.String(), "fielddesk_panics_total 2") {
		t.Errorf("panics not counted:\n%s", metrics.String())
	}
}

// unreachable is a photo store that cannot be reached (its network is
// down): the point of the test is what the server says of it.
type unreachable struct{ blobs.Store }

func (unreachable) Stat(context.Context, blobs.Key) (int64, error) {
	return 0, fmt.Errorf("dial tcp: connection refused: %w", blobs.ErrUnavailable)
}

// /healthz says whether the database and the photo store answer (503, and
// which, when one does not: a load balancer takes the instance out), and
// /metrics times the calls to both.
func TestHealthAndMetricsSpeakOfTheStorage(t *testing.T) {
	e := newEnv(t)
	e.publish("Tin có ảnh", "Thời sự")
	health := func(s *Server) (int, map[string]string) {
		rec := httptest.NewRecorder()
		s.Ops().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		var body map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("healthz: %q: %v", rec.Body.String(), err)
		}
		return rec.Code, body
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := New(e.db, e.photos, quiet)
	if code, body := health(s); code != http.StatusOK || body["database"] != "ok" || body["photos"] != "ok" {
		t.Errorf("healthy: %d %v", code, body)
	}
	down := New(e.db, unreachable{e.photos}, quiet)
	if code, body := health(down); code != http.StatusServiceUnavailable || body["database"] != "ok" || !strings.HasPrefix(body["photos"], "unavailable") {
		t.Errorf("the photo store down: %d %v", code, body)
	}
	resp, err := http.Get(e.ops + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`fielddesk_storage_seconds_count{store="database",op="update"}`,
		`fielddesk_storage_seconds_bucket{store="photos",op="write",le="+Inf"}`,
		`fielddesk_storage_errors_total{store="database",op="view"} 0`,
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
}
