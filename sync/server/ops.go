package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// What every answer gets, whoever asked: security headers, a line in the
// access log, and a recovered panic never takes the server down.

// accessRecord is filled in while a request is served (authed adds who).
type accessRecord struct {
	user, device string
}

type accessKey struct{}

// record returns the request's access record (nil outside ServeHTTP).
func record(ctx context.Context) *accessRecord {
	r, _ := ctx.Value(accessKey{}).(*accessRecord)
	return r
}

// SetHSTS makes every answer ask browsers to use HTTPS only (behind TLS,
// the server's own or a proxy's).
func (s *Server) SetHSTS(on bool) { s.hsts = on }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &accessRecord{}
	r = r.WithContext(context.WithValue(r.Context(), accessKey{}, rec))
	sw := &countingWriter{ResponseWriter: w}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	// Nothing the server sends runs or loads anything (pages set their own,
	// as strict, allowing their own images and inline styles).
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	if s.hsts {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.panics.Add(1)
			s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if sw.status == 0 {
				http.Error(sw, "the server could not do this; try again later", http.StatusInternalServerError)
			}
		}
		route := r.Pattern
		if route == "" {
			route = "unknown"
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("route", route), slog.Int("status", sw.status),
			slog.Uint64("bytes", sw.n), slog.Float64("seconds", time.Since(start).Seconds()),
			slog.String("user", rec.user), slog.String("device", rec.device), slog.String("addr", s.clientAddr(r)))
	}()
	s.mux.ServeHTTP(sw, r)
}

// Ops is the handler for the operators' listener (keep it off the public
// internet): /metrics for Prometheus and /healthz for load balancers.
func (s *Server) Ops() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		// For load balancers: 200 when this instance can serve, 503 (and
		// which part does not answer) when not.
		database, photos := s.health(r.Context())
		state := func(err error) string {
			if err != nil {
				return "unavailable: " + err.Error()
			}
			return "ok"
		}
		w.Header().Set("Content-Type", "application/json")
		if database != nil || photos != nil {
			s.log.Error("health check failed", "database", database, "photos", photos)
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(map[string]string{"database": state(database), "photos": state(photos)})
	})
	mux.HandleFunc("GET /metrics", s.stats.serve)
	return mux
}
