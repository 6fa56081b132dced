package client

import (
	"errors"
	"net/http"
)

// The upload window. An upload request streams frames and the server
// acknowledges each while the body still arrives, so a cut costs at most
// the frame in flight. A reverse proxy that buffers request bodies (nginx
// by default) forwards a request only once the whole body has arrived:
// no acknowledgement comes back meanwhile, and a cut throws the whole
// request away. So a request carries at most the window; the window is
// halved, down to what the link carried before the cut, when a request is
// cut without a single acknowledgement, and doubles again with each
// request that goes through whole, by a quarter (so it stays near what
// the link carries between cuts instead of overshooting every other time).

const (
	minWindow = 16 << 10
	maxWindow = 64 << 20 // a whole photo (wire.MaxPhotoBytes)
)

// errSmallerWindow: a proxy refused the request's size; the window is
// smaller now, try again at once.
var errSmallerWindow = errors.New("the request was too large for a proxy: smaller")

// uploadLimit is how many photo bytes the next request carries: the rest
// of the photo, or the window, in whole frames.
func (c *Client) uploadLimit(rest int64, frame int) int64 {
	if c.window == 0 {
		c.window = maxWindow
	}
	limit := min(rest, c.window)
	if f := int64(frame); limit < rest && limit > f {
		limit -= limit % f
	}
	return max(limit, min(rest, minWindow))
}

// fitWindow adjusts the window after a request that was to carry limit
// bytes, of which the link took sent before it ended and the server kept
// kept, acknowledging acks frames as they came; it returns err
// (errSmallerWindow for a proxy's 413).
func (c *Client) fitWindow(limit, sent, kept int64, acks int, err error) error {
	var se *ServerError
	switch {
	case errors.As(err, &se) && se.Status == http.StatusRequestEntityTooLarge && se.Proxy:
		if limit <= minWindow {
			return err // the proxy refuses even a small request: the newsroom must fix it
		}
		c.window = max(minWindow, limit/2)
		return errSmallerWindow
	case errors.Is(err, ErrNoLink) && acks == 0:
		// Nothing came back before the cut: a proxy holds the request
		// until its body is whole. Ask for less than the link carried.
		c.window = max(minWindow, min(c.window, limit, sent)/2)
	case err == nil && kept >= limit && c.window < maxWindow:
		c.window = min(maxWindow, c.window+max(c.window/4, minWindow))
	}
	return err
}
