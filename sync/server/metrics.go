package server

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics counts what the server does, for Prometheus (text format 0.0.4).
type metrics struct {
	mu        sync.Mutex
	requests  map[string]uint64 // "route status" -> count
	bytesIn   atomic.Uint64
	bytesOut  atomic.Uint64
	errors    atomic.Uint64
	mutations map[string]uint64 // result -> count
	lastPush  atomic.Int64      // unix seconds of the last applied mutation
	gauges    []gauge
	// storage times the calls to the database and the photo store.
	storage *storageStats
}

// gauge is a value read when /metrics is asked.
type gauge struct {
	name, help string
	value      func() float64
}

// addGauge adds a value to /metrics (before serving starts).
func (m *metrics) addGauge(name, help string, value func() float64) {
	m.gauges = append(m.gauges, gauge{name, help, value})
}

func newMetrics(storage *storageStats) *metrics {
	return &metrics{requests: map[string]uint64{}, mutations: map[string]uint64{}, storage: storage}
}

func (m *metrics) request(route string, status int) {
	m.mu.Lock()
	m.requests[fmt.Sprintf("%s %d", route, status)]++
	m.mu.Unlock()
	if status >= 500 {
		m.errors.Add(1)
	}
}

func (m *metrics) mutation(result string) {
	m.mu.Lock()
	m.mutations[result]++
	m.mu.Unlock()
	if result == "applied" {
		m.lastPush.Store(time.Now().Unix())
	}
}

// countingWriter counts the bytes of an answer and remembers its status
// (for /metrics per route, and for the access log).
type countingWriter struct {
	http.ResponseWriter
	status int
	n      uint64
}

func (w *countingWriter) WriteHeader(code int) {
	if w.status == 0 { // the first status is the one sent
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += uint64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection: framed
// uploads need full duplex and read deadlines.
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// countingBody counts the bytes of a request.
type countingBody struct {
	io.ReadCloser
	n *atomic.Uint64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(uint64(n))
	return n, err
}

// measure wraps a route's handler with the counters.
func (m *metrics) measure(route string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = countingBody{r.Body, &m.bytesIn}
		cw := &countingWriter{ResponseWriter: w}
		h(cw, r)
		m.bytesOut.Add(cw.n)
		m.request(route, cw.status)
	}
}

func (m *metrics) serve(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	var b strings.Builder
	m.mu.Lock()
	keys := make([]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("# HELP fielddesk_requests_total API requests by route and status.\n# TYPE fielddesk_requests_total counter\n")
	for _, k := range keys {
		route, status, _ := strings.Cut(k, " ")
		fmt.Fprintf(&b, "fielddesk_requests_total{route=%q,status=%q} %d\n", route, status, m.requests[k])
	}
	b.WriteString("# HELP fielddesk_mutations_total Pushed mutations by result.\n# TYPE fielddesk_mutations_total counter\n")
	results := make([]string, 0, len(m.mutations))
	for k := range m.mutations {
		results = append(results, k)
	}
	sort.Strings(results)
	for _, k := range results {
		fmt.Fprintf(&b, "fielddesk_mutations_total{result=%q} %d\n", k, m.mutations[k])
	}
	m.mu.Unlock()
	fmt.Fprintf(&b, "# HELP fielddesk_request_bytes_total Bytes received.\n# TYPE fielddesk_request_bytes_total counter\nfielddesk_request_bytes_total %d\n", m.bytesIn.Load())
	fmt.Fprintf(&b, "# HELP fielddesk_response_bytes_total Bytes sent.\n# TYPE fielddesk_response_bytes_total counter\nfielddesk_response_bytes_total %d\n", m.bytesOut.Load())
	fmt.Fprintf(&b, "# HELP fielddesk_errors_total Answers with a server error.\n# TYPE fielddesk_errors_total counter\nfielddesk_errors_total %d\n", m.errors.Load())
	lag := 0.0
	if last := m.lastPush.Load(); last > 0 {
		lag = time.Since(time.Unix(last, 0)).Seconds()
	}
	fmt.Fprintf(&b, "# HELP fielddesk_seconds_since_last_applied_mutation Sync lag: time since a device's change last arrived.\n# TYPE fielddesk_seconds_since_last_applied_mutation gauge\nfielddesk_seconds_since_last_applied_mutation %g\n", lag)
	if m.storage != nil {
		m.storage.write(&b)
	}
	for _, g := range m.gauges {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", g.name, g.help, g.name, g.name, g.value())
	}
	io.WriteString(w, b.String())
}
