package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk/sync/wire"
)

// lockedBuffer collects what the HTTP server logs (its own panics among it).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A framed upload that ends with an error while its body still arrives
// (a damaged frame, then more bytes) is answered with the error, and the
// server neither panics nor reads the body concurrently (golang/go#68560).
func TestFramedUploadEndingInAnErrorDoesNotPanic(t *testing.T) {
	e := newEnv(t)
	var serverLog lockedBuffer
	srv := httptest.NewUnstartedServer(New(e.db, e.photos, slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv.Config.ErrorLog = log.New(&serverLog, "", 0)
	srv.Start()
	defer srv.Close()
	lr := e.login("lethib")
	photo := noiseJPEG(t, 300, 200, 5)
	e.pushWithPhotos(lr, 1, photo)
	h, size := sum(photo), int64(len(photo))
	for try := range 5 {
		// A raw connection, so the body ends cleanly after the answer (a
		// client that keeps the connection, as a proxy does).
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "PUT /v1/photos/%s?offset=0&size=%d HTTP/1.1\r\nHost: x\r\n%s: %d\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n",
			h, size, wire.VersionHeader, wire.ProtocolVersion, lr.Token, wire.ChunksType)
		chunk := func(b []byte) { fmt.Fprintf(conn, "%x\r\n%s\r\n", len(b), b) }
		var frames bytes.Buffer
		wire.WriteFrame(&frames, photo[:wire.MinFrameBytes])
		good := frames.Len()
		wire.WriteFrame(&frames, photo[wire.MinFrameBytes:2*wire.MinFrameBytes])
		damaged := frames.Bytes()
		damaged[len(damaged)-1] ^= 0xff // its bytes no longer match its hash
		chunk(damaged[:good])
		chunk(damaged[good:])
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("try %d: %v", try, err)
		}
		// Read the acknowledgements up to the error line, then send the
		// rest of the body as a client still writing would.
		dec := json.NewDecoder(resp.Body)
		var last wire.Error
		for {
			var line json.RawMessage
			if err := dec.Decode(&line); err != nil {
				t.Fatalf("try %d: no error line: %v", try, err)
			}
			if json.Unmarshal(line, &last); last.Code != "" {
				break
			}
		}
		chunk(bytes.Repeat([]byte{7}, 1000))
		io.WriteString(conn, "0\r\n\r\n")
		io.ReadAll(resp.Body)
		conn.Close()
		if !strings.Contains(last.Error, "damaged") {
			t.Errorf("try %d: the answer ends with %+v, want the damaged frame named", try, last)
		}
	}
	time.Sleep(100 * time.Millisecond) // the server's connection goroutines finish
	if l := serverLog.String(); strings.Contains(l, "panic") {
		t.Errorf("the server panicked:\n%s", l)
	}
}
