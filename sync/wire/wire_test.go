package wire

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/fielddesk/fielddesk"
)

var update = flag.Bool("update", false, "rewrite golden files")

func revision(t testing.TB) fielddesk.Revision {
	return fielddesk.Revision{
		ID: "01J0000000000000000000REV1", Base: "01J0000000000000000000REV0",
		Saved: time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC), Words: 3,
		Article: fielddesk.Article{ID: "01J00000000000000000000ART", Headline: "Mưa lũ", Body: "Nước dâng cao.",
			Language: "vi", Status: fielddesk.StatusDraft, Created: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)},
	}
}

func push(t testing.TB, muts ...Mutation) []byte {
	b, err := json.Marshal(PushRequest{DeviceID: "dev-1", Mutations: muts})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPushGolden(t *testing.T) {
	b, _ := json.MarshalIndent(PushRequest{DeviceID: "dev-1", Mutations: []Mutation{{ID: 7, Revision: revision(t)}}}, "", "  ")
	path := "testdata/push.json"
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(path, append(b, '\n'), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(append(b, '\n')) != string(want) {
		t.Errorf("the push message changed shape (a protocol change needs a new ProtocolVersion):\n%s", b)
	}
	got, err := DecodePush(bytes.NewReader(want))
	if err != nil || got.Mutations[0].Revision.Article.Headline != "Mưa lũ" {
		t.Fatalf("decode golden: %v %+v", err, got)
	}
}

func TestDecodePushRefuses(t *testing.T) {
	r := revision(t)
	bad := r
	bad.Article.ID = "not-an-id"
	for _, tt := range []struct {
		name string
		body string
		is   error
		want string
	}{
		{"unknown field", `{"device_id":"d","mutations":[],"extra":1}`, ErrBadRequest, `unknown field "extra"`},
		{"not json", `{"device_id":`, ErrBadRequest, "unexpected EOF"},
		{"trailing", string(push(t, Mutation{ID: 1, Revision: r})) + `{}`, ErrBadRequest, "data after"},
		{"no device", `{"mutations":[{"id":1}]}`, ErrBadRequest, "device_id"},
		{"empty", `{"device_id":"d","mutations":[]}`, ErrBadRequest, "no mutations"},
		{"gap", string(push(t, Mutation{ID: 1, Revision: r}, Mutation{ID: 3, Revision: r})), ErrBadRequest, "ID 3"},
		{"zero id", string(push(t, Mutation{ID: 0, Revision: r})), ErrBadRequest, "ID 0"},
		{"bad article id", string(push(t, Mutation{ID: 1, Revision: bad})), ErrBadRequest, "article id"},
		{"too big", `{"device_id":"` + strings.Repeat("x", MaxBatchBytes) + `"}`, ErrTooLarge, "over"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodePush(strings.NewReader(tt.body))
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %v naming %q", err, tt.is, tt.want)
			}
		})
	}
}

func event() *fielddesk.Event {
	return &fielddesk.Event{ID: "01J0000000000000000000EVT1", Article: "01J00000000000000000000ART", Kind: fielddesk.EventComment,
		Text: "Cần thêm nguồn", Paragraph: 2, At: time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)}
}

// Decisions and comments ride in the same batch as revisions; a mutation
// carries one or the other, and a malformed event is refused by name.
func TestDecodePushEvents(t *testing.T) {
	got, err := DecodePush(bytes.NewReader(push(t, Mutation{ID: 1, Revision: revision(t)}, Mutation{ID: 2, Event: event()})))
	if err != nil || got.Mutations[1].Event == nil || got.Mutations[1].Event.Text != "Cần thêm nguồn" {
		t.Fatalf("%+v %v", got, err)
	}
	if b := push(t, Mutation{ID: 1, Event: event()}); bytes.Contains(b, []byte(`"revision"`)) {
		t.Errorf("an event mutation carries an empty revision: %s", b)
	}
	both := event()
	noWords := event()
	noWords.Text = " – "
	badAction := event()
	badAction.Kind, badAction.Action = fielddesk.EventTransition, "delete"
	for _, tt := range []struct {
		name string
		m    Mutation
		want string
	}{
		{"both", Mutation{ID: 1, Revision: revision(t), Event: both}, "both a revision and an event"},
		{"empty comment", Mutation{ID: 1, Event: noWords}, "needs some words"},
		{"unknown action", Mutation{ID: 1, Event: badAction}, "not an action"},
	} {
		_, err := DecodePush(bytes.NewReader(push(t, tt.m)))
		if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want it to say %q", tt.name, err, tt.want)
		}
	}
}

func TestDecodePushNormalizes(t *testing.T) {
	r := revision(t)
	r.Article.Headline = norm.NFD.String("Mười người") // as a Mac sends it
	got, err := DecodePush(bytes.NewReader(push(t, Mutation{ID: 1, Revision: r}, Mutation{ID: 2, Revision: r})))
	if err != nil {
		t.Fatal(err)
	}
	if h := got.Mutations[1].Revision.Article.Headline; h != "Mười người" {
		t.Errorf("headline %q, want NFC Mười người", h)
	}
}

func TestOtherDecoders(t *testing.T) {
	if _, err := DecodeLogin(strings.NewReader(`{"user":"a","password":"b","device_name":"laptop"}`)); err != nil {
		t.Error(err)
	}
	if _, err := DecodeLogin(strings.NewReader(`{"user":"a"}`)); !errors.Is(err, ErrBadRequest) {
		t.Errorf("login without password: %v", err)
	}
	if _, err := DecodePull(strings.NewReader(`{"cursor":"abc","limit":-1}`)); !errors.Is(err, ErrBadRequest) {
		t.Errorf("negative limit: %v", err)
	}
	h := strings.Repeat("a", 64)
	if got, err := DecodePhotoStatus(strings.NewReader(`{"hashes":["` + h + `"]}`)); err != nil || len(got.Hashes) != 1 {
		t.Errorf("status: %v", err)
	}
	if _, err := DecodePhotoStatus(strings.NewReader(`{"hashes":["../../etc/passwd"]}`)); !errors.Is(err, ErrBadRequest) {
		t.Errorf("a path as a hash: %v", err)
	}
}

func TestCompressionRoundTripAndBomb(t *testing.T) {
	body := push(t, Mutation{ID: 1, Revision: revision(t)})
	r, done, err := Decompress(bytes.NewReader(Compress(body)), MaxBatchBytes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodePush(r); err != nil {
		t.Fatalf("compressed push: %v", err)
	}
	done()
	// 64 MB of zeros compress to a few KB; decoding stops at the limit.
	bomb := Compress(make([]byte, 64<<20))
	r, done, err = Decompress(bytes.NewReader(bomb), MaxBatchBytes)
	if err == nil {
		defer done()
		_, err = DecodePush(r)
	}
	if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrBadRequest) {
		t.Errorf("zstd bomb: %v, want it refused", err)
	}
}

func FuzzDecodePush(f *testing.F) {
	f.Add(push(f, Mutation{ID: 1, Revision: revision(f)}))
	f.Add([]byte(`{"device_id":"d","mutations":[{"id":1}]}`))
	f.Add(push(f, Mutation{ID: 1, Event: event()}))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodePush(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrBadRequest) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for i, m := range req.Mutations {
			if m.ID != req.Mutations[0].ID+uint64(i) {
				t.Fatalf("accepted non-consecutive IDs")
			}
		}
	})
}

func FuzzDecodeSmall(f *testing.F) {
	f.Add([]byte(`{"user":"a","password":"b"}`), uint8(0))
	f.Add([]byte(`{"cursor":"x"}`), uint8(1))
	f.Add([]byte(`{"hashes":[]}`), uint8(2))
	f.Add([]byte(`{"hashes":["`+strings.Repeat("ab", 32)+`"]}`), uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		var err error
		switch which % 4 {
		case 3:
			var req PhotoWantRequest
			req, err = DecodePhotoWant(bytes.NewReader(b))
			if err == nil && (len(req.Hashes) == 0 || !ValidHash(req.Hashes[0])) {
				t.Fatalf("accepted %+v", req)
			}
		case 0:
			_, err = DecodeLogin(bytes.NewReader(b))
		case 1:
			_, err = DecodePull(bytes.NewReader(b))
		case 2:
			var req PhotoStatusRequest
			req, err = DecodePhotoStatus(bytes.NewReader(b))
			for _, h := range req.Hashes {
				if err == nil && !ValidHash(h) {
					t.Fatalf("accepted hash %q", h)
				}
			}
		}
		if err != nil && !errors.Is(err, ErrBadRequest) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

// Frames: what WriteFrame writes ReadFrame reads back; anything else is an
// error, never a wrong chunk.
func TestFramesRoundTripAndRefuseDamage(t *testing.T) {
	var buf bytes.Buffer
	chunks := [][]byte{[]byte("ảnh thứ nhất"), bytes.Repeat([]byte{7}, FrameChunkBytes)}
	for _, c := range chunks {
		if err := WriteFrame(&buf, c); err != nil {
			t.Fatal(err)
		}
	}
	whole := append([]byte(nil), buf.Bytes()...)
	for _, want := range chunks {
		got, sum, err := ReadFrame(&buf, FrameChunkBytes)
		if err != nil || !bytes.Equal(got, want) || len(sum) != 64 {
			t.Fatalf("frame: %v %q", err, got[:min(10, len(got))])
		}
	}
	if _, _, err := ReadFrame(&buf, FrameChunkBytes); !errors.Is(err, io.EOF) {
		t.Errorf("after the last frame: %v", err)
	}
	damaged := append([]byte(nil), whole...)
	damaged[40] ^= 1
	if _, _, err := ReadFrame(bytes.NewReader(damaged), FrameChunkBytes); !errors.Is(err, ErrBadRequest) {
		t.Errorf("damaged frame: %v", err)
	}
	if _, _, err := ReadFrame(bytes.NewReader(whole[:50]), FrameChunkBytes); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut frame: %v", err)
	}
	if _, _, err := ReadFrame(bytes.NewReader(whole), 4); !errors.Is(err, ErrBadRequest) {
		t.Errorf("frame over the limit: %v", err)
	}
}

func FuzzReadFrame(f *testing.F) {
	var buf bytes.Buffer
	WriteFrame(&buf, []byte("chunk"))
	f.Add(buf.Bytes())
	f.Add([]byte{0, 0, 0, 0})
	// Damaged frames: the bytes changed after the hash was written.
	var bad bytes.Buffer
	WriteFrame(&bad, []byte("Ảnh: Nguyễn Văn A"))
	damaged := bad.Bytes()
	damaged[len(damaged)-1] ^= 1
	f.Add(damaged)
	f.Fuzz(func(t *testing.T, b []byte) {
		chunk, sum, err := ReadFrame(bytes.NewReader(b), 1024)
		if err != nil {
			return
		}
		// Checked against what the sender wrote (the frame's own header),
		// not against what ReadFrame computed.
		if len(b) < 36 || len(chunk) == 0 || len(chunk) > 1024 {
			t.Fatalf("accepted a frame of %d bytes from %d", len(chunk), len(b))
		}
		h := sha256.Sum256(chunk)
		if !bytes.Equal(h[:], b[4:36]) || int(binary.BigEndian.Uint32(b[:4])) != len(chunk) || !bytes.Equal(chunk, b[36:36+len(chunk)]) {
			t.Fatalf("accepted a frame whose bytes do not match the SHA-256 in its header")
		}
		if sum != hex.EncodeToString(b[4:36]) {
			t.Fatalf("the sum returned is not the header's")
		}
	})
}
