package server

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk/sync/wire"
)

// A body trickled a byte at a time (an attacker holding connections open)
// is given up on once it stops making progress; a slow but steady body,
// as a 2G link sends, is not.
func TestTrickledBodiesAreGivenUp(t *testing.T) {
	e := newEnv(t)
	api := New(e.db, e.photos, slog.New(slog.NewTextHandler(io.Discard, nil)))
	api.bodyTimeout = 300 * time.Millisecond
	srv := httptest.NewServer(api)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"user":"lethib","password":"mật khẩu đủ dài","device_name":"x"}`
	fmt.Fprintf(conn, "POST /v1/login HTTP/1.1\r\nHost: x\r\n%s: %d\r\nContent-Length: %d\r\n\r\n", wire.VersionHeader, wire.ProtocolVersion, len(body))
	start := time.Now()
	go func() {
		for i := range len(body) {
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		resp.Body.Close()
	}
	if took := time.Since(start); err == nil && resp.StatusCode != http.StatusRequestTimeout || took > 5*time.Second {
		t.Errorf("a trickled body: %v %v after %s; want 408 (or the connection closed) well before the body ends", statusOf(resp), err, took)
	}

	// Slow but steady: 16 KB every 100 ms is taken.
	lr := e.login("lethib")
	photo := noiseJPEG(t, 200, 150, 3)
	e.pushWithPhotos(lr, 1, photo)
	pr, pw := io.Pipe()
	go func() {
		for off := 0; off < len(photo); off += 16 << 10 {
			pw.Write(photo[off:min(off+16<<10, len(photo))])
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/v1/photos/%s?offset=0&size=%d", srv.URL, sum(photo), len(photo)), pr)
	req.ContentLength = int64(len(photo))
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+lr.Token)
	if len(photo) > wire.MaxChunkBytes {
		t.Fatalf("the photo is %d bytes: more than one chunk", len(photo))
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("a slow, steady body: %v %v", statusOf(resp), err)
	}
}

func statusOf(r *http.Response) string {
	if r == nil {
		return "no answer"
	}
	return r.Status
}
