package client_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk/internal/wintest"

	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/internal/faultnet"
)

// nginxSettings are the reverse-proxy settings docs/SERVER.md recommends:
// bodies passed on as they arrive, HTTP/1.1 to the server, answers not
// held back, room for a whole photo, patient timeouts.
const nginxSettings = `
      proxy_http_version 1.1;
      proxy_request_buffering off;
      proxy_buffering off;
      client_max_body_size 80m;
      proxy_read_timeout 300s;
      proxy_send_timeout 300s;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;`

// startNginx runs Debian's nginx in front of upstream, with its default
// settings or with extra ones, and returns its address.
func startNginx(t *testing.T, upstream, extra string) string {
	t.Helper()
	wintest.LinuxTool(t, "nginx")
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/nginx"); err != nil {
			t.Fatal("nginx is not installed: run scripts/deps.sh test (Debian's nginx-light)")
		}
		bin = "/usr/sbin/nginx"
	}
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
error_log %[1]s/error.log warn;
pid %[1]s/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  server {
    listen %[2]s;
    location / {
      proxy_pass http://%[3]s;%[4]s
    }
  }
}
`, dir, addr, upstream, extra)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", path)
	out, _ := os.Create(filepath.Join(dir, "stderr"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(end) {
			b, _ := os.ReadFile(filepath.Join(dir, "stderr"))
			e, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s %s", b, e)
		}
	}
}

// Behind nginx, over a slow link with latency that resets every ~150 KB,
// photos arrive: with nginx's default settings (bodies buffered whole
// before they are passed on, so no acknowledgement streams back and a cut
// loses the whole request) in bounded requests that fit between cuts,
// and with the recommended settings as straight to the server.
func TestPhotosArriveThroughNginxOverABadLink(t *testing.T) {
	if testing.Short() {
		t.Skip("slow link")
	}
	for _, tc := range []struct {
		name     string
		settings string
		maxSyncs int
	}{
		{"nginx's defaults", "", 40},
		{"the recommended settings", nginxSettings, 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := startNewsroom(t)
			front := startNginx(t, n.ln.Addr().String(), tc.settings)
			link, err := faultnet.Start(front)
			if err != nil {
				t.Fatal(err)
			}
			defer link.Close()
			c := newDevice(t, &newsroom{t: t, URL: "http://" + link.Addr(), db: n.db, photos: n.photos}, "lethib", store.OriginalsAlways)
			r := c.write("Lũ quét qua proxy", 620, 600) // each photo more than the link carries between cuts
			c.send(r.Article.ID)
			var total int64
			for _, p := range r.Article.Photos {
				total += p.Size
			}
			link.SetRate(32 << 10)
			link.SetLatency(300 * time.Millisecond)
			link.SetCutEvery(150 << 10)
			ctx := context.Background()
			syncs := 0
			start := time.Now()
			for ; syncs < tc.maxSyncs; syncs++ {
				if _, err := c.c.Sync(ctx); err == nil {
					break
				} else if !strings.Contains(err.Error(), "no link") {
					t.Logf("sync %d: %v", syncs+1, err)
				}
			}
			for _, p := range r.Article.Photos {
				if st, _ := n.photoState(p.Hash); !st.Complete {
					t.Fatalf("after %d syncs in %s, photo %s… has %d of %d bytes on the server", syncs, time.Since(start).Round(time.Second), p.Hash[:12], st.Have, p.Size)
				}
			}
			t.Logf("%d bytes of photos in %d syncs, %s", total, syncs+1, time.Since(start).Round(time.Second))
		})
	}
}
