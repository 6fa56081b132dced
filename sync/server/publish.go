package server

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/photo"
	"github.com/fielddesk/fielddesk/render"
	"github.com/fielddesk/fielddesk/sync/wire"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// Publishing: the public side of the newsroom server. An article an editor
// published is served, rendered by the same code as the app's preview and
// export, as a page (/articles/{slug}), in an index per category
// (/categories/{slug}) and of everything (/articles), in an Atom feed
// (/feed.atom), and as IPTC ninjs 3.0 for partners (/v1/published, newest
// first, ?since=RFC3339; a killed article is there with pubStatus
// "canceled"). Photos are served at /media/{sha256} (the rendition, or
// ?size=original) only while a published article shows them, and without
// their metadata (no GPS position of the correspondent, see photo.Clean).
// These routes need no login.

// siteName is the title of the index pages.
const siteName = "FieldDesk"

// pageCSP keeps anything that slipped into an article from running: no
// script at all, images and styles from the page itself.
const pageCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *Server) routePublishing() {
	s.mux.HandleFunc("GET /articles/{slug}", s.stats.measure("page", s.articlePage))
	s.mux.HandleFunc("GET /articles/{slug}/versions/{n}", s.stats.measure("page", s.articlePage))
	s.mux.HandleFunc("GET /articles", s.stats.measure("index", s.indexPage))
	s.mux.HandleFunc("GET /{$}", s.stats.measure("index", s.indexPage))
	s.mux.HandleFunc("GET /categories/{slug}", s.stats.measure("index", s.indexPage))
	s.mux.HandleFunc("GET /feed.atom", s.stats.measure("feed", s.atomFeed))
	s.mux.HandleFunc("GET /v1/published", s.stats.measure("published", s.publishedNinJS))
	s.mux.HandleFunc("GET /media/{hash}", s.stats.measure("media", s.media))
}

// DefaultPublicURL is the published site's address until SetPublicURL.
const DefaultPublicURL = "http://localhost:8080"

// SetPublicURL sets the address the public reaches the site at (for
// example https://tin.baolaocai.vn), used for the absolute links of the
// feed and ninjs. A request's Host header is never used: anyone can send
// another.
func (s *Server) SetPublicURL(u string) { s.publicURL = strings.TrimRight(u, "/") }

func mediaURL(p fielddesk.Photo) string { return "/media/" + p.Hash }

// hasRendition reports whether the article's owner or a writer of it filed
// a rendition of the photo.
func (s *Server) hasRendition(article fielddesk.ID, hash string) bool {
	_, r, err := s.nr.ArticlePhoto(context.Background(), article, hash)
	return err == nil && r != ""
}

// renditionWidth is the width of the rendition the devices make (the
// longest side at most 1600 px), from the original's size.
func renditionWidth(p fielddesk.Photo) int {
	long := max(p.Width, p.Height)
	if long <= 1600 || long == 0 {
		return p.Width
	}
	return p.Width * 1600 / long
}

// srcsetOf offers, for the photos of one article, the rendition and, when
// the server holds it and it is larger, the original (both as sent by the
// article's owner or one of its writers).
func (s *Server) srcsetOf(article fielddesk.ID) func(fielddesk.Photo) string {
	return func(p fielddesk.Photo) string {
		original, rendition, err := s.nr.ArticlePhoto(context.Background(), article, p.Hash)
		if err != nil {
			s.log.Error("srcset", "article", article, "photo", p.Hash, "err", err)
			return ""
		}
		if rendition == "" || !original || p.Width <= renditionWidth(p) {
			return "" // one file: src says it all
		}
		return fmt.Sprintf("/media/%s %dw, /media/%s?size=original %dw", p.Hash, renditionWidth(p), p.Hash, p.Width)
	}
}

func (s *Server) pageError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>%d</title></head><body><p>%s</p><p><a href=\"/articles\">%s</a></p></body></html>\n",
		status, html.EscapeString(msg), siteName)
}

// articlePage serves a published article at its address, or (with
// versions/{n}) an earlier version of it, kept when it was corrected or
// updated.
func (s *Server) articlePage(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	var pub newsroom.Publication
	var rev fielddesk.Revision
	var err error
	old := r.PathValue("n") != ""
	if old {
		n, convErr := strconv.Atoi(r.PathValue("n"))
		if convErr != nil || n < 1 {
			s.pageError(w, r, http.StatusNotFound, "Không có phiên bản này. (No such version.)")
			return
		}
		pub, rev, err = s.nr.PublishedVersion(r.Context(), slug, n)
	} else {
		pub, rev, err = s.nr.PublishedArticle(r.Context(), slug)
	}
	if errors.Is(err, fielddesk.ErrNotFound) {
		s.pageError(w, r, http.StatusNotFound, "Không có bài này. (No such article.)")
		return
	}
	if err != nil {
		s.log.Error("article page", "slug", r.PathValue("slug"), "err", err)
		s.pageError(w, r, http.StatusInternalServerError, "Lỗi máy chủ; thử lại sau. (Server error; try again later.)")
		return
	}
	if pub.Status == fielddesk.StatusKilled {
		s.pageError(w, r, http.StatusGone, "Bài đã bị gỡ: "+pub.Reason+" (This article was withdrawn.)")
		return
	}
	nav := []render.Link{{Text: siteName, URL: "/articles"}}
	if rev.Article.Category != "" {
		nav = append(nav, render.Link{Text: rev.Article.Category, URL: "/categories/" + vietnamese.Slug(rev.Article.Category, 80)})
	}
	doc := render.Parse(rev.Article, pub.Published)
	doc.Notes = pub.Notes
	opts := render.HTMLOptions{PhotoURL: mediaURL, Srcset: s.srcsetOf(pub.Article), Sizes: "(max-width: 44rem) 100vw, 42rem", Nav: nav}
	vi := rev.Article.Language == "vi" || strings.HasPrefix(rev.Article.Language, "vi-")
	if old {
		opts.Notice = fmt.Sprintf("This is version %d of the article, since corrected or updated.", pub.VersionNumber())
		latest := "The newest version"
		if vi {
			opts.Notice = fmt.Sprintf("Đây là phiên bản %d của bài, đã được đính chính hoặc cập nhật sau đó.", pub.VersionNumber())
			latest = "Bản mới nhất"
		}
		opts.Nav = append(opts.Nav, render.Link{Text: latest, URL: "/articles/" + slug})
	} else {
		opts.VersionsTitle = "Earlier versions:"
		if vi {
			opts.VersionsTitle = "Các phiên bản trước:"
		}
		for n := 1; n < pub.VersionNumber(); n++ {
			label := fmt.Sprintf("Version %d", n)
			if vi {
				label = fmt.Sprintf("Phiên bản %d", n)
			}
			opts.Versions = append(opts.Versions, render.Link{Text: label, URL: fmt.Sprintf("/articles/%s/versions/%d", slug, n)})
		}
	}
	var b bytes.Buffer
	err = doc.Page(&b, opts)
	if err != nil {
		s.log.Error("render page", "article", pub.Article, "err", err)
		s.pageError(w, r, http.StatusInternalServerError, "Lỗi máy chủ; thử lại sau. (Server error; try again later.)")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("Last-Modified", pub.Updated.UTC().Format(http.TimeFormat))
	w.Write(b.Bytes())
}

// maxIndex is how many articles an index page or the feed lists.
const maxIndex = 50

func (s *Server) indexPage(w http.ResponseWriter, r *http.Request) {
	category := r.PathValue("slug")
	onPage := func(p newsroom.Publication) bool {
		return p.Status == fielddesk.StatusPublished && (category == "" || vietnamese.Slug(p.Category, 80) == category)
	}
	items, err := s.nr.Published(r.Context(), time.Time{}, maxIndex, onPage)
	if err != nil {
		s.log.Error("index", "err", err)
		s.pageError(w, r, http.StatusInternalServerError, "Lỗi máy chủ; thử lại sau. (Server error; try again later.)")
		return
	}
	title := siteName
	var entries []render.IndexEntry
	for _, p := range items {
		a := p.Revision.Article
		if category != "" {
			title = a.Category
		}
		e := render.IndexEntry{URL: "/articles/" + p.Slug, Headline: a.Headline, Sapo: a.Sapo, Category: a.Category, Time: p.Published, Language: a.Language}
		if len(a.Photos) > 0 && s.hasRendition(a.ID, a.Photos[0].Hash) {
			e.Image = mediaURL(a.Photos[0])
			if f, ok := fielddesk.ParseFigureOf(a.Body, a.Photos[0].Hash); ok {
				e.ImageAlt = f.Caption
			}
		}
		entries = append(entries, e)
	}
	if category != "" && len(entries) == 0 {
		s.pageError(w, r, http.StatusNotFound, "Chuyên mục này chưa có bài. (No articles in this category.)")
		return
	}
	nav := []render.Link{{Text: siteName, URL: "/articles"}}
	var b bytes.Buffer
	if err := render.IndexPage(&b, title, fielddesk.DefaultLanguage, nav, entries); err != nil {
		s.pageError(w, r, http.StatusInternalServerError, "Lỗi máy chủ; thử lại sau. (Server error; try again later.)")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Write(b.Bytes())
}

// Atom (RFC 4287) elements the feed uses.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title     string      `xml:"title"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published"`
	Links     []atomLink  `xml:"link"`
	Author    *atomPerson `xml:"author,omitempty"`
	Category  *atomCat    `xml:"category,omitempty"`
	Summary   string      `xml:"summary,omitempty"`
	Content   atomContent `xml:"content"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

func (s *Server) atomFeed(w http.ResponseWriter, r *http.Request) {
	live := func(p newsroom.Publication) bool { return p.Status == fielddesk.StatusPublished }
	items, err := s.nr.Published(r.Context(), time.Time{}, maxIndex, live)
	if err != nil {
		s.log.Error("feed", "err", err)
		http.Error(w, "server error", http.StatusInternalServerError)
		return
	}
	base := s.publicURL
	feed := atomFeed{Title: siteName, ID: base + "/feed.atom", Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links: []atomLink{{Rel: "self", Href: base + "/feed.atom", Type: "application/atom+xml"}, {Href: base + "/articles"}}}
	absolute := func(ph fielddesk.Photo) string { return base + mediaURL(ph) }
	for _, p := range items {
		a := p.Revision.Article
		var body bytes.Buffer
		doc := render.Parse(a, p.Published)
		doc.Notes = p.Notes
		if err := doc.ArticleHTML(&body, render.HTMLOptions{PhotoURL: absolute}); err != nil {
			s.log.Error("feed", "article", p.Article, "err", err)
			continue
		}
		e := atomEntry{Title: a.Headline, ID: "urn:fielddesk:article:" + string(a.ID),
			Updated: p.Updated.UTC().Format(time.RFC3339), Published: p.Published.UTC().Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Href: base + "/articles/" + p.Slug, Type: "text/html"}},
			Summary: a.Sapo, Content: atomContent{Type: "html", Body: body.String()}}
		e.Author = &atomPerson{Name: siteName}
		if a.Byline != "" {
			e.Author = &atomPerson{Name: a.Byline}
		}
		if a.Category != "" {
			e.Category = &atomCat{Term: a.Category}
		}
		if len(feed.Entries) == 0 {
			feed.Updated = e.Updated
		}
		feed.Entries = append(feed.Entries, e)
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		http.Error(w, "server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	w.Write(out)
}

// PublishedResponse is what /v1/published answers: ninjs items, newest first.
type PublishedResponse struct {
	Items []render.NinJS `json:"items"`
	// Next is the since= to ask with for what changes after these.
	Next string `json:"next,omitempty"`
}

func (s *Server) publishedNinJS(w http.ResponseWriter, r *http.Request) {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": fmt.Sprintf("since=%q is not a time such as 2026-11-26T08:00:00Z", v), "code": "bad_request"})
			return
		}
		since = t
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n <= 500 {
			limit = n
		}
	}
	items, err := s.nr.Published(r.Context(), since, limit, nil)
	if err != nil {
		s.log.Error("published", "err", err)
		http.Error(w, `{"error":"server error","code":"internal"}`, http.StatusInternalServerError)
		return
	}
	base := s.publicURL
	absolute := func(ph fielddesk.Photo) string { return base + mediaURL(ph) }
	resp := PublishedResponse{Items: []render.NinJS{}}
	for _, p := range items {
		doc := render.Parse(p.Revision.Article, p.Published)
		doc.Notes = p.Notes
		item, err := doc.NinJS(render.NinJSOptions{
			PhotoURL: absolute, Revision: p.Revision.ID, PubStatus: render.PubStatus(p.Status)})
		if err != nil {
			s.log.Error("published", "article", p.Article, "err", err)
			continue
		}
		item.VersionCreated = p.Updated.UTC().Format(time.RFC3339)
		item.Version = strconv.Itoa(p.VersionNumber())
		resp.Items = append(resp.Items, item)
	}
	if len(items) > 0 {
		resp.Next = items[0].Updated.UTC().Format(time.RFC3339Nano)
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(resp)
}

func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	hash := r.PathValue("hash")
	if !wire.ValidHash(hash) {
		http.NotFound(w, r)
		return
	}
	published, original, key, err := s.nr.PublishedPhoto(r.Context(), hash)
	if err != nil {
		s.log.Error("media", "photo", hash, "err", err)
	}
	if (r.URL.Query().Get("size") == "original" || key == "") && original {
		key = blobs.Original(hash)
	}
	if !published || key == "" {
		http.NotFound(w, r)
		return
	}
	f, err := s.blobs.Open(r.Context(), key)
	if errors.Is(err, blobs.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.log.Error("media", "photo", hash, "err", err)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "photo storage unavailable, try again shortly", http.StatusServiceUnavailable)
		return
	}
	defer f.Close()
	var head [512]byte
	n, _ := f.Read(head[:])
	if _, err := f.Seek(0, 0); err != nil {
		http.Error(w, "server error", http.StatusInternalServerError)
		return
	}
	kind := http.DetectContentType(head[:n])
	switch kind {
	case "image/jpeg", "image/png", "image/gif":
	default:
		// A kind whose metadata cannot be removed is not published.
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if kind == "image/gif" {
		io.Copy(w, f) // GIF has no EXIF
		return
	}
	// Never where it was taken: EXIF (GPS), XMP and IPTC are left out.
	if err := photo.Clean(w, f); err != nil {
		s.log.Error("media", "photo", hash, "err", err)
	}
}

// RunSchedule publishes scheduled articles when they are due, until ctx
// ends, even with no editor online: it looks every second, so a scheduled
// article is never public a moment early and at most about a second late;
// after a restart it publishes at once what came due while it was stopped.
func (s *Server) RunSchedule(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		ids, err := s.nr.ReleaseDue(ctx, time.Now())
		for _, id := range ids {
			s.log.Info("published on schedule", "article", id)
		}
		if err != nil && ctx.Err() == nil {
			s.log.Error("publish on schedule", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
