package server

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/fielddesk/fielddesk/sync/wire"
)

// A correspondent of another desk who knows a published photo's hash (it
// is in its /media/ address) names it in an article of their own. They get
// neither the original (with its location) nor its rendition, cannot tell
// it is here, and what they file as its "rendition" never replaces the
// real one, on the site or for the photo's own desk.
func TestNamingAPhotoHashGivesNothing(t *testing.T) {
	e := newEnv(t)
	plain := noiseJPEG(t, 2400, 1800, 9)
	exif := append([]byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"), "GPS 22.6107N 103.6183E"...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
	withGPS := append(append([]byte{0xFF, 0xD8}, app1...), plain[2:]...)
	owner := e.login("lethib")
	realRendition := noiseJPEG(t, 1600, 1200, 10)
	pub := e.publishWith("Ảnh có toạ độ", "Thời sự", withGPS)
	if code := e.putRendition(owner.Token, pub.hash, realRendition); code != 200 {
		t.Fatalf("the owner's rendition: %d", code)
	}
	_, _, page := e.fetch("/articles/" + pub.slug)
	if !strings.Contains(page, "/media/"+pub.hash) {
		t.Fatal("the page does not show the photo's address: the attacker's premise")
	}

	attacker := e.login("tranvanc") // another desk
	mine := e.pushWithPhotos(attacker, 1, withGPS)
	if mine.Article.Photos[0].Hash != pub.hash {
		t.Fatal("the attacker's article does not name the photo")
	}
	var st wire.PhotoStatusResponse
	e.call("/v1/photos/status", attacker.Token, wire.PhotoStatusRequest{Hashes: []string{pub.hash}}, &st)
	if len(st.Photos) != 1 || st.Photos[0].Have != 0 || st.Photos[0].Complete || st.Photos[0].Rendition {
		t.Errorf("status tells the attacker about the photo: %+v", st.Photos)
	}
	for _, q := range []string{"", "?rendition=1"} {
		if code := e.get(attacker.Token, pub.hash, q); code != http.StatusNotFound {
			t.Errorf("GET %s by the attacker: %d, want 404", q, code)
		}
	}
	var pr wire.PullResponse
	e.call("/v1/pull", attacker.Token, wire.PullRequest{}, &pr)
	for _, ch := range pr.Changes {
		if ch.Revision.Article.ID == mine.Article.ID && len(ch.MissingPhotos) != 1 {
			t.Errorf("the attacker's own article counts a photo it never sent: missing %v", ch.MissingPhotos)
		}
	}

	// What the attacker files as its rendition: refused unless a JPEG of
	// rendition size, and never served instead of the real one.
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 64, 64)))
	for name, fake := range map[string][]byte{
		"not an image":    bytes.Repeat([]byte("<svg onload=alert(1)>"), 100),
		"a PNG":           pngBuf.Bytes(),
		"a huge JPEG":     noiseJPEG(t, 3000, 2000, 11),
		"a page of HTML ": []byte("<html><script>alert(1)</script></html>"),
	} {
		if code := e.putRendition(attacker.Token, pub.hash, fake); code != http.StatusUnprocessableEntity {
			t.Errorf("%s as a rendition: %d, want 422", name, code)
		}
	}
	fake := noiseJPEG(t, 800, 600, 12)
	if code := e.putRendition(attacker.Token, pub.hash, fake); code != 200 {
		t.Fatalf("a JPEG rendition for the attacker's own article: %d", code)
	}
	_, _, served := e.fetch("/media/" + pub.hash)
	if served == string(fake) {
		t.Error("the public site serves the attacker's rendition")
	}
	if served != string(realRendition) {
		t.Errorf("the public site serves %d bytes, want the owner's rendition (%d)", len(served), len(realRendition))
	}
	editor := e.login("bientap")
	if got := e.getBody(editor.Token, pub.hash, "?rendition=1"); got != string(realRendition) {
		t.Errorf("the desk's editor gets %d bytes as the rendition, want the owner's", len(got))
	}
	if got := e.getBody(editor.Token, pub.hash, ""); got != string(withGPS) {
		t.Errorf("the desk's editor gets %d bytes as the original, want the owner's", len(got))
	}
	// The attacker still gets nothing, their own "rendition" included: it
	// goes with their article only, to those who see it.
	if code := e.get(attacker.Token, pub.hash, ""); code != http.StatusNotFound {
		t.Errorf("the original after filing a rendition: %d", code)
	}
}

// getBody fetches a photo and returns its bytes ("" unless 200).
func (e *env) getBody(token, hash, query string) string {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+"/v1/photos/"+hash+query, nil)
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return ""
	}
	return string(b)
}

// A refused photo request keeps no file open: a desk naming hashes it may
// not see must not run the server out of file handles (and on Windows an
// open handle stops the photo from ever being deleted).
func TestRefusedPhotoRequestsKeepNoFileOpen(t *testing.T) {
	if _, err := os.ReadDir("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd to count open files (on Windows the clean-up of the temporary folder fails on a file left open)")
	}
	e := newEnv(t)
	pub := e.publishWith("Ảnh của bàn khác", "Thời sự", noiseJPEG(t, 800, 600, 3))
	attacker := e.login("tranvanc")
	open := func() int { fds, _ := os.ReadDir("/proc/self/fd"); return len(fds) }
	e.get(attacker.Token, pub.hash, "")
	before := open()
	for range 100 {
		if code := e.get(attacker.Token, pub.hash, ""); code != http.StatusNotFound {
			t.Fatalf("GET by another desk: %d", code)
		}
	}
	if after := open(); after-before > 10 {
		t.Errorf("100 refused requests left %d more files open", after-before)
	}
}
