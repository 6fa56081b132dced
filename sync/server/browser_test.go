package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fielddesk/fielddesk/internal/wintest"

	"github.com/chromedp/chromedp"
)

// chromium finds the headless browser (Debian's chromium package, which
// scripts/deps.sh test installs).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium here: run scripts/deps.sh test (make test does) to install the chromium package")
	return ""
}

// browser starts a headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	wintest.LinuxTool(t, "Chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.WindowSize(1100, 1400),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTime()
		cancel()
		cancelAlloc()
	})
	return ctx
}

// The published page in a real browser: the figure shows its photo, the
// caption and credit and the byline render, and nothing from the article's
// text runs as script. FIELDDESK_SHOTS=DIR keeps screenshots to look at.
func TestPublishedPageInChromium(t *testing.T) {
	e := newEnv(t)
	p := e.publish("Lũ quét ở Bát Xát", "Thời sự")
	ctx := browser(t)

	page := e.url + "/articles/" + p.slug
	err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS("figure img")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("figure img").complete`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the photo does not finish loading: %v", err)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return v
	}
	eval := func(js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if h1 := text("h1"); title != "Lũ quét ở Bát Xát" || h1 != "Lũ quét ở Bát Xát" {
		t.Errorf("title %q, h1 %q: did the article's text run as script?", title, h1)
	}
	caption, credit, byline := text("figcaption"), text("figcaption .credit"), text(".byline")
	if !strings.HasPrefix(caption, "Cầu treo bị cuốn trôi") || credit != "(Ảnh: Nguyễn Văn A)" || byline != "Nguyễn Văn A" {
		t.Errorf("caption %q, credit %q, byline %q", caption, credit, byline)
	}
	if n := eval(`document.scripts.length`); n != float64(0) {
		t.Errorf("%v script elements on the page", n)
	}
	if w := eval(`document.querySelector("figure img").naturalWidth`); w != float64(320) {
		t.Errorf("the photo did not load: natural width %v", w)
	}
	// The hostile link is not a javascript: link, and the hostile img tag
	// is not an element (it stays text or is dropped).
	if n := eval(`Array.from(document.querySelectorAll("a")).filter(a => (a.getAttribute("href")||"").toLowerCase().startsWith("javascript")).length`); n != float64(0) {
		t.Errorf("%v javascript: links on the page", n)
	}
	if n := eval(`document.querySelectorAll("img[onerror]").length`); n != float64(0) {
		t.Errorf("%v images with onerror handlers", n)
	}
	shot(t, ctx, "published-page.png")

	// From the category's index to the article.
	err = chromedp.Do(ctx,
		chromedp.Navigate(e.url+"/categories/thoi-su"),
		chromedp.WaitVisible(chromedp.CSS(".entry h2 a")),
	)
	if err == nil {
		shot(t, ctx, "category-index.png")
		err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".entry h2 a")), chromedp.WaitVisible(chromedp.CSS("figure")))
	}
	landed, lerr := chromedp.Run(ctx, chromedp.Location())
	if err != nil || lerr != nil || landed != page {
		t.Errorf("index → article: %q %v %v", landed, err, lerr)
	}
}

func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("FIELDDESK_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Error(err)
	}
}
