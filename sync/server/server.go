// Package server is the newsroom's HTTP API for FieldDesk devices (see
// sync/wire for the protocol): login, push and pull, photos in verified
// ranges, with device tokens, per-user visibility, size limits and JSON
// errors; and the public side: the published site, its Atom feed and IPTC
// ninjs (publish.go).
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// Server serves the API over one newsroom's backend.
type Server struct {
	log    *slog.Logger
	mux    *http.ServeMux
	logins loginLimits
	checks *passwordChecks
	hsts   bool
	panics atomic.Int64
	// publicURL is the published site's address (SetPublicURL).
	publicURL string
	// bodyTimeout: see BodyTimeout (tests shorten it).
	bodyTimeout time.Duration
	// proxies are the reverse proxies whose X-Forwarded-For is believed.
	proxies []netip.Prefix
	stats   *metrics
	// uploading: user and photo hash -> channel closed when the upload in
	// progress ends. A device that reconnects waits for its old connection's bytes
	// to be taken before it asks where to resume.
	uploading sync.Map
	// nr applies the newsroom's rules to the backend (records, timed).
	nr      *newsroom.Newsroom
	records newsroom.Backend
	storage *storageStats
	// blobs keeps the photo bytes; uploadLimits bound those under way.
	blobs        blobs.Store
	uploadLimits blobs.Limits
	// backup, if not nil, backs the store up while it serves (SetBackup).
	backup func(ctx context.Context, w io.Writer) error
}

// BodyTimeout is how long a request body may go without bodyProgress more
// bytes arriving before the server gives up on it.
const BodyTimeout = 30 * time.Second

// bodyProgress is how much of a body must arrive to earn more time.
const bodyProgress = 16 << 10

// progressBody moves a request's read deadline on as its bytes arrive.
type progressBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
	since   int // bytes since the deadline last moved
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.rc.SetReadDeadline(time.Time{}) // all here: the answer may take its time
	} else if b.since += n; b.since >= bodyProgress {
		b.extend()
	}
	return n, err
}

func (b *progressBody) extend() {
	b.since = 0
	b.rc.SetReadDeadline(time.Now().Add(b.timeout))
}

// storageRetry is when devices are asked to come back after the disk filled.
const storageRetry = 5 * time.Minute

// unavailableRetry is when devices are asked to come back after the
// database or the photo storage did not answer (a restart, a fail-over).
const unavailableRetry = 5 * time.Second

// uploadDrainWait bounds how long a request waits for an older upload of
// the same photo (a silent old connection must not block a new one).
const uploadDrainWait = time.Second

// awaitUpload waits (briefly) until no upload of hash by user is in progress.
func (s *Server) awaitUpload(ctx context.Context, user, hash string) {
	if ch, ok := s.uploading.Load(user + "\x00" + hash); ok {
		t := time.NewTimer(uploadDrainWait)
		defer t.Stop()
		select {
		case <-ch.(chan struct{}):
		case <-t.C:
		case <-ctx.Done():
		}
	}
}

// beginUpload marks an upload of hash by user in progress, after the one before.
func (s *Server) beginUpload(ctx context.Context, user, hash string) (end func()) {
	s.awaitUpload(ctx, user, hash)
	key := user + "\x00" + hash
	ch := make(chan struct{})
	s.uploading.Store(key, ch)
	return func() {
		s.uploading.CompareAndDelete(key, ch)
		close(ch)
	}
}

// New returns the API handler. log receives one line per failed request.
// records holds the newsroom's records (store.DB, the embedded default, or
// pgstore.DB), photos its photo bytes (their Blobs).
func New(records newsroom.Backend, photos blobs.Store, log *slog.Logger) *Server {
	storage := newStorageStats()
	// Several instances on one database share the login limits through it.
	var logins loginLimits = newLimiter()
	if a, ok := records.(newsroom.Attempts); ok {
		logins = sharedLimits{a: a, now: time.Now}
	}
	records = timedRecords{records, storage}
	s := &Server{nr: newsroom.New(records), records: records, storage: storage, blobs: timedBlobs{photos, storage}, uploadLimits: blobs.DefaultLimits, log: log, mux: http.NewServeMux(), logins: logins, checks: newPasswordChecks(), stats: newMetrics(storage), bodyTimeout: BodyTimeout, publicURL: DefaultPublicURL}
	s.stats.addGauge("fielddesk_password_checks_in_flight", "Password checks running now.", func() float64 { return float64(s.checks.inFlight.Load()) })
	s.stats.addGauge("fielddesk_password_checks_peak", "The most password checks that ran at once.", func() float64 { return float64(s.checks.peak.Load()) })
	s.stats.addGauge("fielddesk_login_limiter_keys", "Addresses and names the login limits remember.", func() float64 { return float64(s.logins.size()) })
	s.stats.addGauge("fielddesk_panics_total", "Requests whose handler panicked (recovered).", func() float64 { return float64(s.panics.Load()) })
	route := func(pattern, name string, h handler) {
		s.mux.HandleFunc(pattern, s.stats.measure(name, s.api(h)))
	}
	route("POST /v1/login", "login", s.login)
	route("POST /v1/push", "push", s.authed(s.push))
	route("POST /v1/pull", "pull", s.authed(s.pull))
	route("POST /v1/photos/status", "photo_status", s.authed(s.photoStatus))
	route("PUT /v1/photos/{hash}", "photo_chunk", s.authed(s.photoChunk))
	route("POST /v1/photos/want", "photo_want", s.authed(s.photoWant))
	s.mux.HandleFunc("GET /v1/photos/{hash}", s.stats.measure("photo_get", s.photoGet))
	s.routePublishing()
	return s
}

// TrustProxies names the reverse proxies (nginx, Caddy) in front of the
// server: for requests from them, the client's address is the last one in
// X-Forwarded-For (login limits and logs use it).
func (s *Server) TrustProxies(prefixes []netip.Prefix) { s.proxies = prefixes }

// apiError is an error with its HTTP status and wire code.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func fail(status int, code, format string, args ...any) error {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

type handler func(w http.ResponseWriter, r *http.Request) (any, error)

// apiErr maps an error to its status and code, and logs it once.
func (s *Server) apiErr(r *http.Request, err error) *apiError {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, os.ErrDeadlineExceeded):
		ae = &apiError{http.StatusRequestTimeout, wire.CodeBadRequest, "the request's body came too slowly"}
	case errors.Is(err, wire.ErrTooLarge):
		ae = &apiError{http.StatusRequestEntityTooLarge, wire.CodeTooLarge, err.Error()}
	case errors.Is(err, wire.ErrBadRequest):
		ae = &apiError{http.StatusBadRequest, wire.CodeBadRequest, err.Error()}
	case errors.Is(err, blobs.ErrHashMismatch), errors.Is(err, errNotImage):
		ae = &apiError{http.StatusUnprocessableEntity, wire.CodeHashMismatch, err.Error()}
	case errors.Is(err, fielddesk.ErrDiskFull):
		s.log.Error("disk full", "path", r.URL.Path, "err", err)
		ae = &apiError{http.StatusInsufficientStorage, wire.CodeStorageFull, "the newsroom server's disk is full; nothing was lost, try again later"}
	case errors.Is(err, fielddesk.ErrUnavailable):
		s.log.Error("storage unavailable", "path", r.URL.Path, "err", err)
		ae = &apiError{http.StatusServiceUnavailable, wire.CodeUnavailable, "the newsroom's storage is not answering; nothing was lost, try again shortly"}
	case errors.Is(err, blobs.ErrTooManyUploads):
		ae = &apiError{http.StatusTooManyRequests, wire.CodeTooManyUploads, err.Error()}
	case errors.Is(err, newsroom.ErrUnauthorized):
		ae = &apiError{http.StatusUnauthorized, wire.CodeUnauthorized, "log in again: the token is missing, revoked or wrong"}
	default:
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		ae = &apiError{http.StatusInternalServerError, wire.CodeInternal, "the server could not do this; try again later"}
	}
	if ae.status != http.StatusInternalServerError && ae.status != http.StatusInsufficientStorage && ae.status != http.StatusServiceUnavailable {
		user := ""
		if rec := record(r.Context()); rec != nil {
			user = rec.user
		}
		s.log.Info("request refused", "path", r.URL.Path, "status", ae.status, "code", ae.code, "user", user, "addr", s.clientAddr(r), "reason", ae.msg)
	}
	return ae
}

// api checks the protocol version, runs h and writes its answer or its
// error as JSON.
func (s *Server) api(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
		w.Header().Set("Content-Type", "application/json")
		// A body must keep arriving: one trickled a byte at a time would
		// hold its connection forever (framed uploads set their own
		// deadline per frame).
		if r.ContentLength != 0 {
			pb := &progressBody{ReadCloser: r.Body, rc: http.NewResponseController(w), timeout: s.bodyTimeout}
			pb.extend()
			r.Body = pb
		}
		var out any
		var err error
		if v := r.Header.Get(wire.VersionHeader); v != strconv.Itoa(wire.ProtocolVersion) {
			err = fail(http.StatusUpgradeRequired, wire.CodeProtocolVersion,
				"this server speaks FieldDesk protocol %d and the app sent %q: update the app", wire.ProtocolVersion, v)
		} else {
			out, err = h(w, r)
		}
		if errors.Is(err, errServed) {
			return
		}
		if err != nil {
			ae := s.apiErr(r, err)
			switch ae.status {
			case http.StatusInsufficientStorage:
				w.Header().Set("Retry-After", strconv.Itoa(int(storageRetry/time.Second)))
			case http.StatusServiceUnavailable:
				w.Header().Set("Retry-After", strconv.Itoa(int(unavailableRetry/time.Second)))
			}
			w.WriteHeader(ae.status)
			json.NewEncoder(w).Encode(wire.Error{Error: ae.msg, Code: ae.code})
			return
		}
		data, err := json.Marshal(out)
		if err != nil {
			s.log.Error("encode answer", "path", r.URL.Path, "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		// Large answers (pulls) go compressed to devices that take zstd.
		if len(data) > 2048 && strings.Contains(r.Header.Get("Accept-Encoding"), "zstd") {
			data = wire.Compress(data)
			w.Header().Set("Content-Encoding", "zstd")
		}
		w.Write(data)
	}
}

// body returns the request body, decompressed when sent with zstd.
func body(r *http.Request, limit int64) (io.Reader, func(), error) {
	if r.Header.Get("Content-Encoding") == "zstd" {
		return wire.Decompress(r.Body, limit)
	}
	return r.Body, func() {}, nil
}

type principal struct {
	device newsroom.Device
	user   newsroom.User
}

type principalKey struct{}

// authed requires a valid device token.
func (s *Server) authed(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			return nil, newsroom.ErrUnauthorized
		}
		dev, user, err := s.nr.Authenticate(r.Context(), token)
		if err != nil {
			return nil, err
		}
		if rec := record(r.Context()); rec != nil {
			rec.user, rec.device = user.Name, dev.ID
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, principal{dev, user})))
	}
}

func who(r *http.Request) principal { return r.Context().Value(principalKey{}).(principal) }

func (s *Server) login(w http.ResponseWriter, r *http.Request) (any, error) {
	rd, done, err := body(r, wire.MaxSmallBody)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := wire.DecodeLogin(rd)
	if err != nil {
		return nil, err
	}
	addr := s.clientAddr(r)
	// A device of this person holding a valid token (logging in again) is
	// exempt from the limits: guessing elsewhere never locks them out.
	var renewed string
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && token != "" {
		if dev, user, err := s.nr.Authenticate(r.Context(), token); err == nil && user.Name == req.User {
			renewed = dev.ID
		}
	}
	forget := func() {}
	if renewed == "" {
		var ok bool
		var err error
		forget, ok, err = s.logins.reserve(r.Context(),
			[]string{limiterKey("addr", addr), limiterKey("name-addr", req.User+"\x00"+addr), limiterKey("name", req.User)},
			[]loginRule{perAddress, perNameAddress, perName})
		if err != nil {
			return nil, err
		}
		if !ok {
			s.log.Warn("login refused", "user", req.User, "addr", addr, "reason", "too many failed logins")
			w.Header().Set("Retry-After", "300")
			return nil, fail(http.StatusTooManyRequests, wire.CodeRateLimited, "too many failed logins; wait a few minutes")
		}
	}
	if !s.checks.acquire(r.Context()) {
		forget() // never checked: does not count
		w.Header().Set("Retry-After", "5")
		return nil, fail(http.StatusTooManyRequests, wire.CodeRateLimited, "the server is busy checking passwords; try again in a few seconds")
	}
	token, dev, user, err := s.nr.Login(r.Context(), req.User, req.Password, req.DeviceName)
	s.checks.release()
	if err != nil {
		if errors.Is(err, newsroom.ErrUnauthorized) {
			s.log.Warn("login failed", "user", req.User, "addr", addr, "device_name", req.DeviceName)
			return nil, fail(http.StatusUnauthorized, wire.CodeUnauthorized, "wrong user name or password")
		}
		forget()
		return nil, err
	}
	forget()
	if renewed != "" {
		// The device's old token retires with the new login.
		if err := s.nr.RevokeDevice(r.Context(), renewed); err != nil {
			s.log.Error("retire the old token", "user", user.Name, "device", renewed, "err", err)
		}
	}
	s.log.Info("login", "user", user.Name, "addr", addr, "device", dev.ID, "renewed", renewed)
	return wire.LoginResponse{Token: token, DeviceID: dev.ID, User: user.Name, Role: string(user.Role), Desk: user.Desk}, nil
}

func (s *Server) push(w http.ResponseWriter, r *http.Request) (any, error) {
	p := who(r)
	rd, done, err := body(r, wire.MaxBatchBytes)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := wire.DecodePush(rd)
	if err != nil {
		return nil, err
	}
	if req.DeviceID != p.device.ID {
		return nil, fail(http.StatusBadRequest, wire.CodeBadRequest, "device_id %q is not the device of this token", req.DeviceID)
	}
	resp := wire.PushResponse{Results: make([]wire.MutationResult, 0, len(req.Mutations))}
	muts := make([]fielddesk.Mutation, len(req.Mutations))
	for i, m := range req.Mutations {
		muts[i] = fielddesk.Mutation{ID: m.ID, Revision: m.Revision, Event: m.Event}
	}
	outs, err := s.nr.ApplyBatch(r.Context(), p.device.ID, p.user.Name, muts)
	for i, out := range outs {
		s.stats.mutation(string(out.Result))
		res := wire.MutationResult{ID: muts[i].ID, Result: wire.Result(out.Result), Reason: out.Reason, Head: out.Head}
		switch {
		case out.Code == fielddesk.CodeLocked:
			res.Code = wire.CodeLocked // the device keeps what was typed as a new draft
		case out.Code == fielddesk.CodeNotFound:
			res.Code = wire.CodeNotFound
		case out.Result == fielddesk.ResultRejected:
			res.Code = wire.CodeBadRequest
		}
		resp.Results = append(resp.Results, res)
	}
	if errors.Is(err, fielddesk.ErrOutOfOrder) {
		id := muts[len(outs)].ID
		resp.Results = append(resp.Results, wire.MutationResult{ID: id, Result: wire.Rejected, Code: "out_of_order", Reason: err.Error()})
		return resp, nil // the device sends again from the gap
	}
	if err != nil {
		if len(outs) > 0 {
			s.log.Error("push stopped part way", "device", p.device.ID, "err", err)
			return resp, nil // the ones applied are answered; the rest go again
		}
		return nil, err
	}
	return resp, nil
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request) (any, error) {
	p := who(r)
	rd, done, err := body(r, wire.MaxSmallBody)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := wire.DecodePull(rd)
	if err != nil {
		return nil, err
	}
	var cursor uint64
	if req.Cursor != "" {
		if cursor, err = strconv.ParseUint(req.Cursor, 36, 64); err != nil {
			return nil, fail(http.StatusBadRequest, wire.CodeBadRequest, "cursor %q was not given by this server", req.Cursor)
		}
	}
	limit := req.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	see, err := s.seer(r.Context(), p)
	if err != nil {
		return nil, err
	}
	owners := map[fielddesk.ID]string{}
	visible := func(owner string, rev fielddesk.Revision) bool {
		owners[rev.Article.ID] = owner
		return see(owner)
	}
	editor := p.user.Role == fielddesk.RoleEditor || p.user.Role == fielddesk.RoleAdmin
	changes, next, err := s.nr.Changes(r.Context(), cursor, limit, visible, editor)
	if err != nil {
		return nil, err
	}
	resp := wire.PullResponse{Changes: []wire.Change{}, Cursor: strconv.FormatUint(next, 36), More: len(changes) == limit}
	size := 0
	for _, ch := range changes {
		rev := ch.Revision
		var missing []string
		for _, ph := range rev.Article.Photos {
			// Sent by the article's owner or one of its writers, not only named.
			original, rendition, err := s.nr.ArticlePhoto(r.Context(), rev.Article.ID, ph.Hash)
			if err != nil {
				return nil, err
			}
			if !original && rendition == "" {
				missing = append(missing, ph.Hash)
			}
		}
		// Others see a revision only once all its photos have arrived; the
		// author's own devices see it at once, with what is still missing.
		if len(missing) > 0 && owners[rev.Article.ID] != p.user.Name {
			continue
		}
		change := wire.Change{Revision: rev, MissingPhotos: missing, Status: ch.Status,
			Submitted: ch.Submitted, Events: ch.Events, Audit: ch.Audit, Slug: ch.Slug, Holder: ch.Holder, Held: ch.Held,
			Due: ch.Due, Embargo: ch.Embargo}
		// Answers are sized by bytes: long articles go a few at a time, and
		// one alone however long (up to wire.MaxPullBytes).
		enc, err := json.Marshal(change)
		if err != nil {
			return nil, err
		}
		if len(resp.Changes) > 0 && size+len(enc) > pullBudget {
			resp.Cursor, resp.More = strconv.FormatUint(ch.Seq-1, 36), true
			break
		}
		size += len(enc) + 1
		resp.Changes = append(resp.Changes, change)
	}
	return resp, nil
}

// pullBudget is what the changes of one pull answer weigh at most, encoded,
// unless one change alone weighs more.
const pullBudget = wire.MaxBatchBytes - 64<<10

func (s *Server) photoStatus(w http.ResponseWriter, r *http.Request) (any, error) {
	rd, done, err := body(r, wire.MaxSmallBody*2)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := wire.DecodePhotoStatus(rd)
	if err != nil {
		return nil, err
	}
	p := who(r)
	resp := wire.PhotoStatusResponse{Photos: []wire.PhotoState{}}
	for _, h := range req.Hashes {
		s.awaitUpload(r.Context(), p.user.Name, h)
		// What this user's devices sent: another's copy of the same bytes
		// is never told (the hash is public once a photo is published).
		st, rendition, err := s.uploadStatus(r.Context(), p.user.Name, h)
		if err != nil {
			return nil, err
		}
		ps := wire.PhotoState{Hash: h, Have: st.Have, Complete: st.Complete, Rendition: rendition}
		if !st.Complete {
			may, err := s.nr.MayUpload(r.Context(), p.user.Name, h)
			if err != nil {
				return nil, err
			}
			if wanted, err := s.nr.OriginalWanted(r.Context(), h); err != nil {
				return nil, err
			} else if may {
				ps.Wanted = wanted
			}
		}
		resp.Photos = append(resp.Photos, ps)
	}
	return resp, nil
}

// photoChunk appends to a photo: PUT /v1/photos/{sha256}?offset=N&size=TOTAL.
// The body is either one chunk with its SHA-256 in the Chunk-SHA256 header,
// or (Content-Type wire.ChunksType) a stream of frames, each kept as soon as
// it is verified. With rendition_of=ORIGINAL the bytes are that photo's
// rendition, verified against their own hash.
func (s *Server) photoChunk(w http.ResponseWriter, r *http.Request) (any, error) {
	hash := r.PathValue("hash")
	if !wire.ValidHash(hash) {
		return nil, fail(http.StatusBadRequest, wire.CodeBadRequest, "%q is not a SHA-256 in lower-case hex", hash)
	}
	q := r.URL.Query()
	offset, err1 := strconv.ParseInt(q.Get("offset"), 10, 64)
	size, err2 := strconv.ParseInt(q.Get("size"), 10, 64)
	if err1 != nil || err2 != nil || offset < 0 || size <= 0 {
		return nil, fail(http.StatusBadRequest, wire.CodeBadRequest, "offset and size must be numbers")
	}
	if size > wire.MaxPhotoBytes {
		return nil, fail(http.StatusRequestEntityTooLarge, wire.CodeTooLarge, "the photo is %d bytes; the limit is %d", size, wire.MaxPhotoBytes)
	}
	original := q.Get("rendition_of")
	if original != "" && !wire.ValidHash(original) {
		return nil, fail(http.StatusBadRequest, wire.CodeBadRequest, "rendition_of %q is not a SHA-256 in lower-case hex", original)
	}
	p := who(r)
	// Only photos of articles the device may touch take space here.
	may, err := s.nr.MayUpload(r.Context(), p.user.Name, orElse(original, hash))
	if err != nil {
		return nil, err
	}
	if !may {
		return nil, fail(http.StatusNotFound, wire.CodeNotFound, "no article of yours refers to photo %s; send the article first", short(orElse(original, hash)))
	}
	ctx := r.Context()
	appendChunk := func(offset int64, sum string, rd io.Reader) (blobs.State, error) {
		c := blobs.Chunk{Offset: offset, Hash: sum, Data: rd}
		if original != "" {
			return s.appendRendition(ctx, p.user.Name, p.device.ID, original, hash, size, c)
		}
		return s.appendUpload(ctx, p.user.Name, p.device.ID, hash, size, c)
	}
	var st blobs.State
	defer s.beginUpload(ctx, p.user.Name, hash)()
	if r.Header.Get("Content-Type") == wire.ChunksType {
		if original != "" {
			st, err = s.renditionStatus(ctx, p.user.Name, original, hash)
		} else {
			st, _, err = s.uploadStatus(ctx, p.user.Name, hash)
		}
		if err == nil && st.Have < offset && !st.Complete {
			err = fmt.Errorf("%w: the server holds %d bytes", blobs.ErrWrongOffset, st.Have)
		}
		body := http.MaxBytesReader(w, r.Body, size-offset+(size/int64(wire.MinFrameBytes)+2)*36)
		rc := http.NewResponseController(w)
		pos := offset
		// Acknowledge each frame as it is kept, while the body still
		// arrives: a client cut off knows where to go on without asking.
		var acks *json.Encoder
		fdErr := rc.EnableFullDuplex()
		if err == nil && !st.Complete && fdErr == nil {
			w.Header().Set("Content-Type", wire.AcksType)
			w.WriteHeader(http.StatusOK)
			acks = json.NewEncoder(w)
		}
		for err == nil && !st.Complete {
			// A deadline on progress: a link that went silent frees the handler.
			rc.SetReadDeadline(time.Now().Add(FrameReadTimeout))
			chunk, sum, ferr := wire.ReadFrame(body, wire.MaxChunkBytes)
			if errors.Is(ferr, io.EOF) {
				break
			}
			if ferr != nil {
				// Frames kept so far stay; a cut link ends here too.
				var tooBig *http.MaxBytesError
				switch {
				case errors.As(ferr, &tooBig):
					ferr = fmt.Errorf("%w: more bytes than the photo has", wire.ErrTooLarge)
				case !errors.Is(ferr, wire.ErrBadRequest):
					ferr = fail(http.StatusBadRequest, wire.CodeBadRequest, "the upload stopped after %d bytes: %v", st.Have, ferr)
				}
				err = ferr
				break
			}
			st, err = appendChunk(pos, sum, bytes.NewReader(chunk))
			pos += int64(len(chunk))
			if err == nil && acks != nil && !st.Complete {
				acks.Encode(wire.PhotoState{Hash: hash, Have: st.Have})
				rc.Flush()
			}
		}
		if acks != nil {
			if err != nil {
				ae := s.apiErr(r, err)
				acks.Encode(wire.Error{Error: ae.msg, Code: ae.code})
			} else {
				acks.Encode(wire.PhotoState{Hash: hash, Have: st.Have, Complete: st.Complete})
			}
			rc.Flush()
		}
		if err != nil {
			// The body may still be arriving: close it here, while the
			// handler runs, so the server never reads the connection
			// twice at once afterwards (golang/go#68560). The rest gets a
			// short while to drain, else the connection closes.
			rc.SetReadDeadline(time.Now().Add(time.Second))
			r.Body.Close()
		}
		if acks != nil {
			return nil, errServed
		}
	} else {
		st, err = appendChunk(offset, r.Header.Get("Chunk-SHA256"), r.Body)
	}
	state := wire.PhotoState{Hash: hash, Have: st.Have, Complete: st.Complete}
	switch {
	case errors.Is(err, blobs.ErrWrongOffset):
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		return state, nil // the state says where to resume
	case errors.Is(err, blobs.ErrHashMismatch), errors.Is(err, errNotImage):
		return nil, fail(http.StatusUnprocessableEntity, wire.CodeHashMismatch, "%v", err)
	case errors.Is(err, fielddesk.ErrInvalid):
		return nil, fail(http.StatusRequestEntityTooLarge, wire.CodeTooLarge, "%v", err)
	case err != nil:
		return nil, err
	}
	return state, nil
}

// FrameReadTimeout is how long an upload may go without a whole frame
// arriving before the server gives up on the connection.
var FrameReadTimeout = 2 * time.Minute

var errNotImage = errors.New("not an image FieldDesk takes")

// photoWant lets an editor ask for photos' originals: their senders move
// them up their queues.
func (s *Server) photoWant(w http.ResponseWriter, r *http.Request) (any, error) {
	p := who(r)
	if p.user.Role == fielddesk.RoleCorrespondent {
		return nil, fail(http.StatusForbidden, "forbidden", "only editors ask for originals")
	}
	rd, done, err := body(r, wire.MaxSmallBody*2)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := wire.DecodePhotoWant(rd)
	if err != nil {
		return nil, err
	}
	see, err := s.seer(r.Context(), p)
	if err != nil {
		return nil, err
	}
	for _, h := range req.Hashes {
		ok, err := s.nr.PhotoNamed(r.Context(), h, see)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fail(http.StatusNotFound, wire.CodeNotFound, "photo %s not found", short(h))
		}
		if err := s.nr.WantOriginal(r.Context(), h); err != nil {
			return nil, err
		}
	}
	return wire.PhotoStatusResponse{Photos: []wire.PhotoState{}}, nil
}

// photoGet serves a photo to a device that may see an article with it,
// with Range support so downloads resume: GET /v1/photos/{sha256}, or with
// ?rendition=1 its small rendition.
func (s *Server) photoGet(w http.ResponseWriter, r *http.Request) {
	s.api(s.authed(func(w http.ResponseWriter, r *http.Request) (any, error) {
		hash := r.PathValue("hash")
		if !wire.ValidHash(hash) {
			return nil, fail(http.StatusBadRequest, wire.CodeBadRequest, "%q is not a SHA-256 in lower-case hex", hash)
		}
		p := who(r)
		see, err := s.seer(r.Context(), p)
		if err != nil {
			return nil, err
		}
		// Only what an article the device may see really holds: the
		// original its owner or a writer sent, or their rendition.
		var key blobs.Key
		var renditionHash string
		ok := false
		if r.URL.Query().Get("rendition") == "1" {
			key, renditionHash, err = s.nr.VisibleRendition(r.Context(), hash, see)
			ok = err == nil
			if errors.Is(err, fielddesk.ErrNotFound) {
				err = nil
			}
		} else {
			key = blobs.Original(hash)
			ok, err = s.nr.PhotoVisible(r.Context(), hash, see)
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fail(http.StatusNotFound, wire.CodeNotFound, "photo %s not found", short(hash))
		}
		f, err := s.blobs.Open(r.Context(), key)
		if errors.Is(err, blobs.ErrNotFound) {
			return nil, fail(http.StatusNotFound, wire.CodeNotFound, "photo %s not found", short(hash))
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if renditionHash != "" {
			w.Header().Set(wire.RenditionHashHeader, renditionHash)
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, "", time.Time{}, f)
		return nil, errServed
	}))(w, r)
}

// errServed tells api that the handler wrote the answer itself.
var errServed = errors.New("served")

// seer returns who among article owners the principal may see.
func (s *Server) seer(ctx context.Context, p principal) (func(owner string) bool, error) {
	switch p.user.Role {
	case fielddesk.RoleAdmin:
		return func(string) bool { return true }, nil
	case fielddesk.RoleEditor:
		users, err := s.nr.Users(ctx)
		if err != nil {
			return nil, err
		}
		desks := map[string]string{}
		for _, u := range users {
			desks[u.Name] = u.Desk
		}
		return func(owner string) bool {
			return owner == p.user.Name || (p.user.Desk != "" && desks[owner] == p.user.Desk)
		}, nil
	}
	return func(owner string) bool { return owner == p.user.Name }, nil
}

// orElse is a, or b when a is empty.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12] + "…"
	}
	return hash
}
