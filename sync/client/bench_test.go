package client_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/internal/faultnet"
)

// The link of the goodput benchmarks: a slow 2G-class uplink.
const (
	linkRate    = 16 << 10 // bytes per second each way
	linkLatency = 300 * time.Millisecond
	cutEvery    = 100 << 10
)

// workload is 20 text drafts, four with a photo (about 1.1 MB in all):
// what a correspondent queues before a link appears.
type workload struct {
	articles []fielddesk.Revision
	payload  int64 // article JSON plus photo bytes: what must arrive
}

func queueWorkload(b *testing.B, c *device) workload {
	var w workload
	for i := range 20 {
		var sides []int
		if i%5 == 2 {
			sides = []int{560} // ~260 KB each, four of them: no rendition, the original goes
		}
		r := c.write(fmt.Sprintf("Tin %d: nước lũ dâng cao ở các xã vùng thấp", i), sides...)
		r = c.send(r.Article.ID)
		w.articles = append(w.articles, r)
		js, _ := json.Marshal(r)
		w.payload += int64(len(js))
		for _, p := range r.Article.Photos {
			w.payload += p.Size
		}
	}
	return w
}

// BenchmarkGoodput measures unique payload committed per second over a
// throttled link (16 KB/s, 300 ms each way) as a fraction of the throttle,
// on a clean link and with a cut every 100 KB, for FieldDesk's sync and for
// a baseline that sends each article with its photos in one request and
// starts that article over after any failure (how ODK Collect submits).
// Run: go test ./sync/client -run '^$' -bench Goodput -benchtime 1x
func BenchmarkGoodput(b *testing.B) {
	for _, cut := range []bool{false, true} {
		name := "clean"
		if cut {
			name = "cut-every-100KB"
		}
		b.Run("fielddesk/"+name, func(b *testing.B) {
			for range b.N {
				n := startNewsroom(b)
				c := newDevice(b, n, "lethib", store.OriginalsAlways)
				c.opt.Stall = 0 // the app's progress deadline, not the tests' short one
				c.c.Close()
				c.c = clientFor(c)
				w := queueWorkload(b, c)
				n.proxy.SetRate(linkRate)
				n.proxy.SetLatency(linkLatency)
				if cut {
					n.proxy.SetCutEvery(cutEvery)
				}
				up0 := n.proxy.Up.Load()
				start := time.Now()
				tries := 0
				for {
					tries++
					if _, err := c.c.Sync(context.Background()); err == nil {
						break
					}
				}
				elapsed := time.Since(start)
				up := n.proxy.Up.Load() - up0
				cuts := n.proxy.Cuts.Load()
				b.ReportMetric(100*float64(w.payload)/elapsed.Seconds()/linkRate, "%throttle")
				b.ReportMetric(float64(up-w.payload), "overhead-bytes")
				if cuts > 0 {
					b.ReportMetric(float64(cuts), "cuts")
					b.ReportMetric(float64(up-cleanOverhead(b, w))/float64(cuts), "resent-bytes/cut")
				}
				b.ReportMetric(elapsed.Seconds(), "s")
				if got := len(n.serverArticles()); got != len(w.articles) {
					b.Fatalf("%d of %d articles arrived", got, len(w.articles))
				}
			}
		})
		b.Run("odk-baseline/"+name, func(b *testing.B) {
			for range b.N {
				c := &device{t: b, dir: b.TempDir()}
				c.open()
				defer c.close()
				w := queueWorkload(b, c)
				base := startBaseline(b)
				base.proxy.SetRate(linkRate)
				base.proxy.SetLatency(linkLatency)
				if cut {
					base.proxy.SetCutEvery(cutEvery)
				}
				// ODK gives up on nothing; we stop it after three times the
				// time the clean link needs.
				limit := time.Duration(3*float64(w.payload)/linkRate) * time.Second
				start := time.Now()
				var committed int64
				for _, r := range w.articles {
					for time.Since(start) < limit {
						if err := base.submit(c, r); err == nil {
							js, _ := json.Marshal(r)
							committed += int64(len(js))
							for _, p := range r.Article.Photos {
								committed += p.Size
							}
							break
						}
					}
				}
				elapsed := time.Since(start)
				b.ReportMetric(100*float64(committed)/elapsed.Seconds()/linkRate, "%throttle")
				b.ReportMetric(float64(base.received()), "articles")
				if cuts := base.proxy.Cuts.Load(); cuts > 0 {
					b.ReportMetric(float64(cuts), "cuts")
				}
				b.ReportMetric(elapsed.Seconds(), "s")
			}
		})
	}
}

var (
	cleanOnce sync.Once
	cleanUp   int64
)

// cleanOverhead is how many bytes the same workload moves up an unthrottled,
// uncut link: what the cut run would move if nothing were sent twice.
func cleanOverhead(b *testing.B, w workload) int64 {
	cleanOnce.Do(func() {
		n := startNewsroom(b)
		c := newDevice(b, n, "lethib", store.OriginalsAlways)
		queueWorkload(b, c)
		up0 := n.proxy.Up.Load()
		if _, err := c.c.Sync(context.Background()); err != nil {
			b.Fatal(err)
		}
		cleanUp = n.proxy.Up.Load() - up0
	})
	return cleanUp
}

// baseline is a server that takes an article with all its photos in one
// multipart request and keeps it only when the whole request arrived.
type baseline struct {
	proxy *faultnet.Proxy
	url   string
	dir   string
	mu    sync.Mutex
	got   map[string]bool
	http  *http.Client
}

func startBaseline(b *testing.B) *baseline {
	base := &baseline{dir: b.TempDir(), got: map[string]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(base.serve)}
	go srv.Serve(ln)
	p, err := faultnet.Start(ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	base.proxy, base.url = p, "http://"+p.Addr()
	base.http = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(ctx, network, addr)
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetWriteBuffer(64 << 10) // the same socket as ours
		}
		return conn, err
	}}}
	b.Cleanup(func() { p.Close(); srv.Close() })
	return base
}

func (base *baseline) serve(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	id := ""
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		h := sha256.New()
		f, err := os.CreateTemp(base.dir, "part-*")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_, err = io.Copy(io.MultiWriter(f, h), part)
		f.Sync()
		f.Close()
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if part.FormName() == "article" {
			id = filepath.Base(f.Name())
		}
		_ = hex.EncodeToString(h.Sum(nil))
	}
	base.mu.Lock()
	base.got[id] = true
	base.mu.Unlock()
	w.Write([]byte("OK"))
}

func (base *baseline) received() int {
	base.mu.Lock()
	defer base.mu.Unlock()
	return len(base.got)
}

// submit sends one article and all its photos in one request.
func (base *baseline) submit(c *device, r fielddesk.Revision) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		js, _ := json.Marshal(r)
		part, _ := mw.CreateFormFile("article", "article.json")
		part.Write(js)
		for _, p := range r.Article.Photos {
			part, _ := mw.CreateFormFile("photo", p.Name)
			f, err := os.Open(c.desk.PhotoPath(p.Hash))
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			io.Copy(part, f)
			f.Close()
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", base.url+"/submission", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := base.http.Do(req)
	if err != nil {
		pr.Close()
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Equal(body, []byte("OK")) {
		return fmt.Errorf("baseline: %d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}
