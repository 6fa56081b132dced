package wire

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"

	"github.com/fielddesk/fielddesk"
)

// ProtocolVersion is the version of this protocol; see VersionHeader.
// Version 2 added decisions and comments as mutations, the merged result
// and the review state in pulls; version 3 who holds an article (the
// assign decision, with its Assignee; Holder in pulls), corrections and
// updates, urgency, and publishing on time (schedule with Due, in pulls
// too). An app of another
// version is told to update (or that the server must).
const ProtocolVersion = 3

// VersionHeader carries ProtocolVersion on every request and response.
const VersionHeader = "FieldDesk-Protocol"

// Limits every decoder enforces. A body over its limit is refused with
// ErrTooLarge (HTTP 413) before it is parsed.
const (
	MaxBatchBytes = 8 << 20 // a push batch or a pull answer, decompressed
	// MaxPullBytes bounds what a device reads of one pull answer. A server
	// fills answers up to MaxBatchBytes and goes over only to carry one
	// article whose review alone is larger (a long audit log), up to this.
	MaxPullBytes    = 32 << 20
	MaxMutations    = 500       // mutations in one push
	MaxChunkBytes   = 256 << 10 // one photo chunk
	MaxPhotoBytes   = 64 << 20  // one photo
	MaxStatusPhotos = 1000      // photos asked about at once
	MaxSmallBody    = 64 << 10  // login, pull and status requests
)

// Limits of a login.
const (
	MaxUserName        = 64
	MaxPassword        = 1024
	MaxDeviceNameRunes = 80
)

// CleanDeviceName makes a device name safe to show in a list or a
// terminal: NFC, control characters (escapes, line breaks) as spaces,
// spaces collapsed, at most MaxDeviceNameRunes.
func CleanDeviceName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, fielddesk.NFC(name))
	name = strings.Join(strings.Fields(name), " ")
	if r := []rune(name); len(r) > MaxDeviceNameRunes {
		name = string(r[:MaxDeviceNameRunes])
	}
	return name
}

// Error codes in Error.Code.
const (
	CodeBadRequest      = "bad_request"
	CodeTooLarge        = "too_large"
	CodeUnauthorized    = "unauthorized"
	CodeNotFound        = "not_found"
	CodeProtocolVersion = "protocol_version"
	CodeHashMismatch    = "hash_mismatch"
	CodeWrongOffset     = "wrong_offset"
	CodeRateLimited     = "rate_limited"
	// CodeStorageFull (HTTP 507, with Retry-After): the server's disk is
	// full; nothing was written; reads go on working.
	CodeStorageFull = "storage_full"
	// CodeTooManyUploads (HTTP 429): the account or device has as many
	// photos on their way as the server allows; finish those first.
	CodeTooManyUploads = "too_many_uploads"
	// CodeUnavailable (HTTP 503, with Retry-After): the newsroom's
	// database or photo storage could not be reached; nothing was
	// written (or what was is answered again when the request is sent
	// again); try again shortly.
	CodeUnavailable = "unavailable"
	CodeInternal    = "internal"
	// CodeLocked (in a MutationResult): the article's state no longer
	// lets this person change its text (approved, published, …); the
	// device keeps what was typed as a new draft.
	CodeLocked = "locked"
)

// Error is every error answer's body.
type Error struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// LoginRequest asks for a device token.
type LoginRequest struct {
	User       string `json:"user"`
	Password   string `json:"password"`
	DeviceName string `json:"device_name"`
}

// LoginResponse grants one.
type LoginResponse struct {
	Token    string `json:"token"`
	DeviceID string `json:"device_id"`
	User     string `json:"user"`
	Role     string `json:"role"`
	Desk     string `json:"desk,omitempty"`
}

// Mutation is one change a device sends: a new revision of an article, or
// a decision or comment on one (Event).
type Mutation struct {
	// ID is the device's mutation counter: 1, 2, 3… with no gaps.
	ID       uint64             `json:"id"`
	Revision fielddesk.Revision `json:"revision,omitzero"`
	Event    *fielddesk.Event   `json:"event,omitempty"`
}

// PushRequest is a batch of mutations from one device, in ID order.
type PushRequest struct {
	DeviceID  string     `json:"device_id"`
	Mutations []Mutation `json:"mutations"`
}

// Result says what became of one mutation.
type Result string

// The results of a mutation.
const (
	Applied   Result = "applied"
	Duplicate Result = "duplicate" // applied before: nothing changed now
	Conflict  Result = "conflict"  // based on a revision that is not the latest
	Rejected  Result = "rejected"  // see Reason and Code
	Merged    Result = "merged"    // based on an older revision: merged with what came since (see Head)
)

// MutationResult is the typed acknowledgement of one mutation.
type MutationResult struct {
	ID     uint64 `json:"id"`
	Result Result `json:"result"`
	Reason string `json:"reason,omitempty"`
	Code   string `json:"code,omitempty"`
	// Head is the article's newest revision after the mutation (the merge,
	// for Merged).
	Head fielddesk.ID `json:"head,omitempty"`
}

// PushResponse answers a push, one result per mutation in the same order.
type PushResponse struct {
	Results []MutationResult `json:"results"`
}

// PullRequest asks for changes since a cursor ("" for everything).
type PullRequest struct {
	Cursor string `json:"cursor"`
	Limit  int    `json:"limit,omitempty"`
}

// Change is one article's newest state visible to the user.
type Change struct {
	Revision fielddesk.Revision `json:"revision"`
	// MissingPhotos lists photos the server still waits for.
	MissingPhotos []string `json:"missing_photos,omitempty"`
	// Status is the article's workflow state, Submitted when it was last
	// sent for review.
	Status    fielddesk.Status `json:"status"`
	Submitted time.Time        `json:"submitted,omitzero"`
	// Events are its decisions and comments, oldest first.
	Events []fielddesk.Event `json:"events,omitempty"`
	// Audit is its audit log (editors and admins only).
	Audit []fielddesk.AuditEntry `json:"audit,omitempty"`
	// Slug is where a published article is on the newsroom's site:
	// /articles/{slug}.
	Slug string `json:"slug,omitempty"`
	// Holder is the editor who holds the article, since Held.
	Holder string    `json:"holder,omitempty"`
	Held   time.Time `json:"held,omitzero"`
	// Due is when a scheduled article is published (Embargo: an embargo).
	Due     time.Time `json:"due,omitzero"`
	Embargo bool      `json:"embargo,omitempty"`
}

// PullResponse answers a pull.
type PullResponse struct {
	Changes []Change `json:"changes"`
	Cursor  string   `json:"cursor"`
	More    bool     `json:"more"`
}

// PhotoStatusRequest asks which photos the server lacks.
type PhotoStatusRequest struct {
	Hashes []string `json:"hashes"`
}

// PhotoState is what the server holds of one photo.
type PhotoState struct {
	Hash string `json:"hash"`
	// Have is how many bytes of the photo the server holds (its verified prefix).
	Have     int64 `json:"have"`
	Complete bool  `json:"complete"`
	// Rendition: the server holds a small rendition of the photo (enough
	// for editors to see it; the original may follow).
	Rendition bool `json:"rendition,omitempty"`
	// Wanted: an editor asked for the original.
	Wanted bool `json:"wanted,omitempty"`
}

// PhotoStatusResponse answers, one state per hash asked.
type PhotoStatusResponse struct {
	Photos []PhotoState `json:"photos"`
}

// PhotoWantRequest is an editor asking for the originals of photos.
type PhotoWantRequest struct {
	Hashes []string `json:"hashes"`
}

// ChunksType is the Content-Type of a photo upload made of frames (see
// WriteFrame): the server keeps every verified frame even when the link
// drops in the middle of the request.
const ChunksType = "application/vnd.fielddesk.chunks"

// AcksType is the Content-Type of the answer to a framed upload: one JSON
// PhotoState per line as frames are kept, sent while the upload still
// arrives; the last line is the final PhotoState or an Error.
const AcksType = "application/vnd.fielddesk.acks+jsonl"

// RenditionHashHeader carries the SHA-256 of a rendition the server sends
// (GET /v1/photos/{original}?rendition=1), so the receiver can verify it.
const RenditionHashHeader = "FieldDesk-Rendition-SHA256"

// FrameChunkBytes is how much photo a client puts in a frame before it
// knows the link; it then sizes frames to about half a second of the link
// (MinFrameBytes to MaxChunkBytes): a cut costs little on a slow link, and a
// fast one pays for few fsyncs on the server. Every frame but the last of
// an upload holds at least MinFrameBytes.
const (
	FrameChunkBytes = 16 << 10
	MinFrameBytes   = 4 << 10
)

// WriteFrame writes one frame of a chunked photo upload: the chunk's length
// (4 bytes, big-endian), its SHA-256 (32 bytes), then the bytes.
func WriteFrame(w io.Writer, chunk []byte) error {
	head := make([]byte, 4, 36)
	binary.BigEndian.PutUint32(head, uint32(len(chunk)))
	sum := sha256.Sum256(chunk)
	head = append(head, sum[:]...)
	if _, err := w.Write(head); err != nil {
		return err
	}
	_, err := w.Write(chunk)
	return err
}

// ReadFrame reads one frame written by WriteFrame, at most max bytes of
// chunk. It returns io.EOF at a clean end between frames and
// io.ErrUnexpectedEOF for a frame cut short; a frame whose bytes do not
// match its hash returns an error wrapping ErrBadRequest.
func ReadFrame(r io.Reader, max int) (chunk []byte, sum string, err error) {
	var head [36]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, "", err
	}
	n := binary.BigEndian.Uint32(head[:4])
	if n == 0 || n > uint32(max) {
		return nil, "", fmt.Errorf("%w: a frame of %d bytes; frames hold 1 to %d", ErrBadRequest, n, max)
	}
	chunk = make([]byte, n)
	if _, err := io.ReadFull(r, chunk); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, "", err
	}
	got := sha256.Sum256(chunk)
	if !bytes.Equal(got[:], head[4:]) {
		return nil, "", fmt.Errorf("%w: a frame arrived damaged (its bytes do not match its SHA-256)", ErrBadRequest)
	}
	return chunk, hex.EncodeToString(got[:]), nil
}

// DecodePhotoWant reads and checks a PhotoWantRequest.
func DecodePhotoWant(r io.Reader) (PhotoWantRequest, error) {
	var req PhotoWantRequest
	if err := decode(r, MaxSmallBody*2, &req); err != nil {
		return req, err
	}
	if len(req.Hashes) == 0 || len(req.Hashes) > MaxStatusPhotos {
		return req, fmt.Errorf("%w: ask for 1 to %d photos", ErrBadRequest, MaxStatusPhotos)
	}
	for _, h := range req.Hashes {
		if !ValidHash(h) {
			return req, fmt.Errorf("%w: %q is not a SHA-256 in lower-case hex", ErrBadRequest, h)
		}
	}
	return req, nil
}

// Errors the decoders return; the messages name the problem.
var (
	ErrBadRequest = errors.New("bad request")
	ErrTooLarge   = errors.New("too large")
)

var hashRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidHash reports whether s is a SHA-256 in lower-case hex.
func ValidHash(s string) bool { return hashRe.MatchString(s) }

// decode reads at most limit bytes of JSON into v, refusing unknown fields,
// trailing data and bodies over the limit.
func decode(r io.Reader, limit int64, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("%w: reading the body: %w", ErrBadRequest, err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("%w: the body is over %d bytes", ErrTooLarge, limit)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the JSON value", ErrBadRequest)
	}
	return nil
}

// DecodeLogin reads and checks a LoginRequest.
func DecodeLogin(r io.Reader) (LoginRequest, error) {
	var req LoginRequest
	if err := decode(r, MaxSmallBody, &req); err != nil {
		return req, err
	}
	if req.User == "" || req.Password == "" {
		return req, fmt.Errorf("%w: user and password are required", ErrBadRequest)
	}
	if len(req.User) > MaxUserName || len(req.Password) > MaxPassword {
		return req, fmt.Errorf("%w: the user name is at most %d bytes and the password %d", ErrBadRequest, MaxUserName, MaxPassword)
	}
	req.DeviceName = CleanDeviceName(req.DeviceName)
	return req, nil
}

// DecodePush reads and checks a PushRequest: a device ID, at most
// MaxMutations mutations with consecutive IDs, each a valid revision.
func DecodePush(r io.Reader) (PushRequest, error) {
	var req PushRequest
	if err := decode(r, MaxBatchBytes, &req); err != nil {
		return req, err
	}
	if req.DeviceID == "" {
		return req, fmt.Errorf("%w: device_id is required", ErrBadRequest)
	}
	if len(req.Mutations) == 0 {
		return req, fmt.Errorf("%w: the batch has no mutations", ErrBadRequest)
	}
	if len(req.Mutations) > MaxMutations {
		return req, fmt.Errorf("%w: %d mutations; the limit is %d", ErrTooLarge, len(req.Mutations), MaxMutations)
	}
	for i, m := range req.Mutations {
		if m.ID == 0 || (i > 0 && m.ID != req.Mutations[i-1].ID+1) {
			return req, fmt.Errorf("%w: mutation %d has ID %d; IDs start at 1 and go up by one", ErrBadRequest, i+1, m.ID)
		}
		if m.Event != nil {
			if !reflect.ValueOf(m.Revision).IsZero() {
				return req, fmt.Errorf("%w: mutation %d carries both a revision and an event", ErrBadRequest, m.ID)
			}
			e := m.Event.Normalized()
			if err := e.Validate(); err != nil {
				return req, fmt.Errorf("%w: mutation %d: %v", ErrBadRequest, m.ID, err)
			}
			req.Mutations[i].Event = &e
			continue
		}
		rev := m.Revision
		if _, err := fielddesk.ParseID(string(rev.ID)); err != nil {
			return req, fmt.Errorf("%w: mutation %d: revision id: %v", ErrBadRequest, m.ID, err)
		}
		if _, err := fielddesk.ParseID(string(rev.Article.ID)); err != nil {
			return req, fmt.Errorf("%w: mutation %d: article id: %v", ErrBadRequest, m.ID, err)
		}
		if rev.Base != "" {
			if _, err := fielddesk.ParseID(string(rev.Base)); err != nil {
				return req, fmt.Errorf("%w: mutation %d: base: %v", ErrBadRequest, m.ID, err)
			}
		}
		req.Mutations[i].Revision.Article = rev.Article.Normalized()
		if err := req.Mutations[i].Revision.Article.Validate(); err != nil {
			return req, fmt.Errorf("%w: mutation %d: %v", ErrBadRequest, m.ID, err)
		}
	}
	return req, nil
}

// DecodePull reads and checks a PullRequest.
func DecodePull(r io.Reader) (PullRequest, error) {
	var req PullRequest
	if err := decode(r, MaxSmallBody, &req); err != nil {
		return req, err
	}
	if req.Limit < 0 {
		return req, fmt.Errorf("%w: limit %d is negative", ErrBadRequest, req.Limit)
	}
	return req, nil
}

// DecodePhotoStatus reads and checks a PhotoStatusRequest.
func DecodePhotoStatus(r io.Reader) (PhotoStatusRequest, error) {
	var req PhotoStatusRequest
	if err := decode(r, MaxSmallBody*2, &req); err != nil {
		return req, err
	}
	if len(req.Hashes) > MaxStatusPhotos {
		return req, fmt.Errorf("%w: %d photos; the limit is %d", ErrTooLarge, len(req.Hashes), MaxStatusPhotos)
	}
	for _, h := range req.Hashes {
		if !ValidHash(h) {
			return req, fmt.Errorf("%w: %q is not a SHA-256 in lower-case hex", ErrBadRequest, h)
		}
	}
	return req, nil
}

// Decompress returns a reader for a body sent with Content-Encoding: zstd,
// stopping at limit decompressed bytes (so a small bomb cannot fill memory).
// Close the returned closer when done.
func Decompress(r io.Reader, limit int64) (io.Reader, func(), error) {
	zr, err := zstd.NewReader(r, zstd.WithDecoderMaxMemory(uint64(limit)), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: zstd: %v", ErrBadRequest, err)
	}
	return io.LimitReader(zr, limit+1), zr.Close, nil
}

// Compress encodes a JSON body with zstd.
func Compress(data []byte) []byte {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	defer enc.Close()
	return enc.EncodeAll(data, nil)
}
