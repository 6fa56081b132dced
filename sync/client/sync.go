package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/photo"
	"github.com/fielddesk/fielddesk/store"
	"github.com/fielddesk/fielddesk/sync/wire"
)

// Report says what one exchange moved.
type Report struct {
	Sent       int // mutations the server applied (or had applied before)
	Conflicts  int
	Rejected   int
	PhotosSent int   // renditions and originals completed on the server
	BytesSent  int64 // photo bytes sent
	Merged     int   // of Sent: revisions merged with edits made meanwhile by others
	Received   int   // revisions from the server stored here
	PhotosIn   int   // photos (renditions or originals) received
	// News are the decisions and comments of others that arrived.
	News []fielddesk.Event
	// Waiting is what still waits after the exchange, for the caller to say.
	Waiting fielddesk.SyncStatus
}

// Sync runs one exchange: every queued article's text, then photo
// renditions, then originals (by policy or when an editor asked), then what
// changed on the server, then photos to receive. It stops at the first
// failure; everything done until then is kept and nothing is done twice.
func (c *Client) Sync(ctx context.Context) (Report, error) {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	var rep Report
	acct, err := c.db.Account(ctx)
	if err != nil {
		c.refresh(ctx, nil)
		return rep, err
	}
	c.update(func(s *fielddesk.SyncStatus) { s.Syncing = true })
	err = c.exchange(ctx, acct, &rep)
	c.resuming = err != nil
	now := time.Now()
	c.update(func(s *fielddesk.SyncStatus) {
		s.Syncing, s.Phase = false, ""
		if len(rep.News) > 0 {
			s.News = append(slices.Clone(s.News), rep.News...)
			if len(s.News) > fielddesk.MaxNews {
				s.News = s.News[len(s.News)-fielddesk.MaxNews:]
			}
		}
		s.ErrorKind = errorKind(err)
		if err == nil {
			s.Online, s.LastSync, s.LastError, s.NextTry = true, now, "", time.Time{}
		} else {
			s.LastError = err.Error()
			s.Online = errors.Is(err, ErrUnauthorized) || isServerError(err)
		}
	})
	c.refresh(ctx, nil)
	rep.Waiting = c.Status()
	return rep, err
}

func isServerError(err error) bool {
	var se *ServerError
	return errors.As(err, &se)
}

func (c *Client) exchange(ctx context.Context, acct store.Account, rep *Report) error {
	for {
		if err := c.push(ctx, acct, rep); err != nil {
			return fmt.Errorf("sending articles: %w", err)
		}
		err := c.sendPhotos(ctx, acct, rep)
		if errors.Is(err, errYield) {
			continue // text was queued during a photo: it goes now, the photo after
		}
		if err != nil {
			return fmt.Errorf("sending photos: %w", err)
		}
		break
	}
	if err := c.pull(ctx, acct, rep); err != nil {
		return fmt.Errorf("receiving: %w", err)
	}
	if err := c.receivePhotos(ctx, acct, rep); err != nil {
		return fmt.Errorf("receiving photos: %w", err)
	}
	return nil
}

// refresh reads what waits from the store into the status; progress, if
// not nil, is the photo list to show.
func (c *Client) refresh(ctx context.Context, progress []fielddesk.PhotoProgress) {
	box, err := c.db.Outbox(ctx)
	if err != nil {
		return
	}
	problems := map[fielddesk.ID]string{}
	kept := map[fielddesk.ID]fielddesk.ID{}
	for id, p := range box.Problems {
		if p.Code == store.CodeLocked {
			if p.Draft != "" {
				kept[id] = p.Draft
			}
			continue // settled: what was typed is a draft of its own
		}
		problems[id] = p.Reason
	}
	for _, j := range box.Photos {
		if j.Failed != "" {
			problems[j.Article] = "photo refused: " + j.Failed
		}
	}
	if progress == nil {
		for _, j := range box.Photos {
			// What the server last said it holds of the original (0 before
			// this run asked): never a made-up share.
			done := min(c.known[j.Hash].Have, j.Size)
			if j.Download {
				if st, err := c.db.PhotoStatus(j.Hash); err == nil {
					done = st.Have // what arrived here so far
				}
			}
			why := c.waiting[j.Hash]
			if j.Failed != "" {
				why = "refused by the newsroom: " + j.Failed
			}
			progress = append(progress, fielddesk.PhotoProgress{Hash: j.Hash, Article: j.Article, Download: j.Download, Done: done, Total: j.Size, Waiting: why})
		}
	}
	c.update(func(s *fielddesk.SyncStatus) {
		s.ArticlesWaiting, s.Problems, s.KeptAsDraft, s.Photos = len(box.Articles), problems, kept, slices.Clone(progress)
	})
}

func (c *Client) push(ctx context.Context, acct store.Account, rep *Report) error {
	c.update(func(s *fielddesk.SyncStatus) { s.Phase = fielddesk.PhaseText })
	for {
		// A batch the link cannot carry between two drops goes in halves.
		if c.batch <= 0 {
			c.batch = c.opt.BatchSize
		}
		batch, err := c.db.NextBatch(ctx, c.batch)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		c.refresh(ctx, nil)
		req := wire.PushRequest{DeviceID: acct.DeviceID, Mutations: pushable(batch)}
		batch = batch[:len(req.Mutations)]
		var resp wire.PushResponse
		var connected atomic.Bool
		traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }})
		if err := c.call(traced, acct.Server, acct.Token, "POST", "/v1/push", req, &resp); err != nil {
			if !connected.Load() && ctx.Err() == nil {
				// No connection was made (no network): nothing left this
				// device, so the next push is planned again with whatever
				// is queued by then (breaking news first).
				if uerr := c.db.Unsend(ctx); uerr != nil {
					return errors.Join(err, uerr)
				}
				return err
			}
			var se *ServerError
			if errors.As(err, &se) && se.Status == http.StatusRequestEntityTooLarge {
				if len(batch) > 1 {
					c.batch = len(batch) / 2 // smaller limits than ours (a proxy): at once in halves
					continue
				}
				return fmt.Errorf("%w: %s", ErrTooLargeForServer, se.Msg)
			}
			c.batch = max(1, len(batch)/2)
			return err
		}
		c.batch = min(c.opt.BatchSize, c.batch*2)
		var acks []store.Ack
		for i, r := range resp.Results {
			if i >= len(batch) || r.ID != batch[i].ID {
				return fmt.Errorf("the server answered for mutation %d where %d was expected", r.ID, batch[min(i, len(batch)-1)].ID)
			}
			if r.Code == "out_of_order" {
				break // sent again from here next time
			}
			switch r.Result {
			case wire.Applied, wire.Duplicate:
				rep.Sent++
			case wire.Merged:
				rep.Sent++
				rep.Merged++
			case wire.Conflict:
				rep.Conflicts++
			case wire.Rejected:
				rep.Rejected++
			default:
				return fmt.Errorf("the server answered %q for mutation %d", r.Result, r.ID)
			}
			ack := store.Ack{ID: r.ID, Result: store.Result(r.Result), Reason: r.Reason}
			if r.Code == wire.CodeLocked {
				ack.Code = store.CodeLocked
			}
			acks = append(acks, ack)
		}
		if err := c.db.Acknowledge(ctx, acks); err != nil {
			return err
		}
		c.progress.Add(int64(len(acks)))
		if len(acks) < len(batch) {
			return fmt.Errorf("the server took %d of %d mutations; the rest go next time", len(acks), len(batch))
		}
	}
}

// pushBudget is what the mutations of one push may weigh, encoded: the
// server's limit less room for the request around them.
const pushBudget = wire.MaxBatchBytes - 64<<10

// pushable returns the mutations of batch that fit in one push, in order:
// as many as pushBudget takes, and always the first (every valid article
// fits alone).
func pushable(batch []store.Outgoing) []wire.Mutation {
	out := make([]wire.Mutation, 0, len(batch))
	size := 0
	for _, o := range batch {
		m := wire.Mutation{ID: o.ID, Revision: o.Revision, Event: o.Event}
		enc, err := json.Marshal(m)
		if err != nil || (len(out) > 0 && size+len(enc)+1 > pushBudget) {
			break
		}
		size += len(enc) + 1
		out = append(out, m)
	}
	return out
}

// RenditionSide and RenditionQuality make the photo sent before the
// original: enough for an editor to judge and lay out.
const (
	RenditionSide    = 1600
	RenditionQuality = 80
)

// rendition returns the file of the photo's rendition, making it once, or
// "" when the original is small enough to go as it is.
func (c *Client) rendition(hash string, size int64) (string, error) {
	path := filepath.Join(c.db.CacheDir(), "renditions", hash+".jpg")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if size <= 400<<10 {
		return "", nil
	}
	f, err := os.Open(c.db.PhotoPath(hash))
	if err != nil {
		return "", err
	}
	defer f.Close()
	img, err := photo.Thumbnail(f, RenditionSide)
	if err != nil {
		return "", err
	}
	if err := photo.WriteJPEG(path, img, RenditionQuality); err != nil {
		return "", err
	}
	if st, err := os.Stat(path); err == nil && st.Size() >= size {
		os.Remove(path)
		return "", nil // no smaller than the original: send that
	}
	return path, nil
}

// errYield stops a photo upload so queued text goes first.
var errYield = errors.New("a photo upload yields to text")

// upload is one file on its way: hash and size of the bytes sent, and the
// original they stand for when they are its rendition.
type upload struct {
	job          store.PhotoJob
	path         string
	hash         string
	size         int64
	renditionOf  string
	have         int64
	progressSlot int
}

func (c *Client) photoStatus(ctx context.Context, acct store.Account, hashes []string) (map[string]wire.PhotoState, error) {
	out := map[string]wire.PhotoState{}
	for len(hashes) > 0 {
		n := min(len(hashes), wire.MaxStatusPhotos)
		var resp wire.PhotoStatusResponse
		if err := c.call(ctx, acct.Server, acct.Token, "POST", "/v1/photos/status", wire.PhotoStatusRequest{Hashes: hashes[:n]}, &resp); err != nil {
			return nil, err
		}
		for _, p := range resp.Photos {
			out[p.Hash] = p
			// The server holds more than it said last time: the last try
			// moved bytes even if its acknowledgements were lost.
			if p.Have > c.seenHave[p.Hash] {
				if _, seen := c.seenHave[p.Hash]; seen {
					c.progress.Add(1)
				}
				c.seenHave[p.Hash] = p.Have
			}
		}
		hashes = hashes[n:]
	}
	return out, nil
}

// sendPhotos sends, for each photo of an acknowledged revision, first its
// rendition, then its original when the policy allows or an editor asked.
func (c *Client) sendPhotos(ctx context.Context, acct store.Account, rep *Report) error {
	jobs, err := c.db.PhotoJobs(ctx)
	if err != nil {
		return err
	}
	var mine []store.PhotoJob
	var hashes []string
	c.failed = map[string]string{}
	for _, j := range jobs {
		if j.Download {
			continue
		}
		if j.Failed != "" {
			c.failed[j.Hash] = j.Failed // refused for good: shown, not sent again
			continue
		}
		mine = append(mine, j)
		hashes = append(hashes, j.Hash)
	}
	if len(mine) == 0 {
		return nil
	}
	// Right after a cut, what the server acknowledged is known: go on
	// without a round trip to ask.
	states := map[string]wire.PhotoState{}
	for _, h := range hashes {
		st, ok := c.known[h]
		have, fresh := c.lastAck(h)
		_, tried := c.triedNow(h)
		if !ok || !c.resuming || (tried && !fresh) {
			states = nil // the server may hold more than was last heard: ask
			break
		}
		if fresh {
			st.Have = max(st.Have, have)
		}
		states[h] = st
	}
	if states == nil {
		if states, err = c.photoStatus(ctx, acct, hashes); err != nil {
			return err
		}
		for h, st := range states {
			c.known[h] = st
		}
	}
	progress := make([]fielddesk.PhotoProgress, len(mine))
	var renditions, wanted, originals []upload
	for i, j := range mine {
		st := states[j.Hash]
		j.Wanted = j.Wanted || st.Wanted
		progress[i] = fielddesk.PhotoProgress{Hash: j.Hash, Article: j.Article, Done: st.Have, Total: j.Size}
		if st.Complete {
			j.RenditionDone, j.OriginalDone = true, true
			if err := c.db.UpdatePhotoJob(ctx, j); err != nil {
				return err
			}
			progress[i].Done = j.Size
			continue
		}
		if st.Rendition && !j.RenditionDone {
			j.RenditionDone = true
			if err := c.db.UpdatePhotoJob(ctx, j); err != nil {
				return err
			}
		}
		orig := upload{job: j, path: c.db.PhotoPath(j.Hash), hash: j.Hash, size: j.Size, have: st.Have, progressSlot: i}
		if !j.RenditionDone {
			rpath, err := c.rendition(j.Hash, j.Size)
			if err != nil {
				// No small copy (the picture data is damaged?): the original
				// goes first instead; the server checks it.
				rpath = ""
			}
			if rpath != "" {
				rh, rsize, err := store.FileSHA256(rpath)
				if err != nil {
					return err
				}
				renditions = append(renditions, upload{job: j, path: rpath, hash: rh, size: rsize, renditionOf: j.Hash, progressSlot: i})
				progress[i].Rendition, progress[i].Done, progress[i].Total = true, 0, rsize
			} else {
				// Small already: the original is its own rendition.
				renditions = append(renditions, orig)
				continue
			}
		}
		switch {
		case j.Wanted:
			wanted = append(wanted, orig)
		default:
			originals = append(originals, orig)
		}
	}
	// Resume renditions where the server stopped.
	if len(renditions) > 0 {
		var rh []string
		for _, u := range renditions {
			if u.renditionOf != "" {
				rh = append(rh, u.hash)
			}
		}
		if len(rh) > 0 {
			rst := map[string]wire.PhotoState{}
			for _, h := range rh {
				have, ok := c.lastAck(h)
				if !ok || !c.resuming {
					rst = nil
					break
				}
				rst[h] = wire.PhotoState{Hash: h, Have: have}
			}
			if rst == nil {
				if rst, err = c.photoStatus(ctx, acct, rh); err != nil {
					return err
				}
			}
			for i := range renditions {
				if u := renditions[i]; u.renditionOf != "" {
					renditions[i].have = rst[u.hash].Have
					progress[u.progressSlot].Done = rst[u.hash].Have
				}
			}
		}
	}
	policy := acct.Originals
	unknown := false
	if policy == store.OriginalsUnmetered {
		metered, known := c.opt.LinkCost()
		if metered {
			policy = store.OriginalsNever
			unknown = !known
		}
	}
	c.waiting = map[string]string{}
	for _, u := range originals {
		if policy == store.OriginalsNever {
			progress[u.progressSlot].Waiting = "original waits for an unmetered link"
			switch {
			case acct.Originals == store.OriginalsNever:
				progress[u.progressSlot].Waiting = "originals are not sent (setting)"
			case unknown:
				progress[u.progressSlot].Waiting = "original waits: this link's cost is unknown"
			}
			c.waiting[u.hash] = progress[u.progressSlot].Waiting
		}
	}
	c.update(func(s *fielddesk.SyncStatus) { s.LinkCostUnknown = unknown && len(originals) > 0 })
	c.refresh(ctx, progress)
	c.update(func(s *fielddesk.SyncStatus) { s.Phase = fielddesk.PhaseRendition })
	for _, u := range renditions {
		if err := c.sendOrGiveUp(ctx, acct, u, progress, rep); err != nil {
			return err
		}
	}
	queue := wanted
	if policy != store.OriginalsNever {
		queue = append(queue, originals...)
	}
	c.update(func(s *fielddesk.SyncStatus) { s.Phase = fielddesk.PhaseOriginal })
	for _, u := range queue {
		if u.job.RenditionDone || u.renditionOf == "" {
			progress[u.progressSlot].Rendition = false
			progress[u.progressSlot].Total = u.size
			progress[u.progressSlot].Done = u.have
		}
		if err := c.sendOrGiveUp(ctx, acct, u, progress, rep); err != nil {
			return err
		}
	}
	return nil
}

// sendOrGiveUp sends one file; when the server refuses the photo for good
// (not an image, too large, bytes that do not match their hash) the photo
// is marked failed, shown with the reason and not sent again, and the
// others go on. Link failures end the exchange.
func (c *Client) sendOrGiveUp(ctx context.Context, acct store.Account, u upload, progress []fielddesk.PhotoProgress, rep *Report) error {
	err := c.send(ctx, acct, u, progress, rep)
	var se *ServerError
	if errors.As(err, &se) && se.Status >= 400 && se.Status < 500 &&
		se.Status != http.StatusUnauthorized && se.Status != http.StatusRequestTimeout && se.Status != http.StatusTooManyRequests {
		j := u.job
		j.Failed = se.Msg
		c.failed[j.Hash] = se.Msg
		return c.db.UpdatePhotoJob(ctx, j)
	}
	return err
}

// send uploads one file from where the server stopped, as a stream of
// verified frames the server keeps one by one; a cut costs at most the
// frame in flight.
func (c *Client) send(ctx context.Context, acct store.Account, u upload, progress []fielddesk.PhotoProgress, rep *Report) error {
	for attempt := 0; ; attempt++ {
		if u.have >= u.size {
			break
		}
		before := u.have
		st, err := c.sendFrom(ctx, acct, u, func(sent int64) {
			progress[u.progressSlot].Done = max(c.ackedNow(u.hash), u.have)
			c.update(func(s *fielddesk.SyncStatus) { s.Photos = slices.Clone(progress) })
		}, rep)
		if errors.Is(err, errYield) {
			return errYield
		}
		if errors.Is(err, errConflictState) && attempt < 3 {
			u.have = st.Have // the server holds another length: go on from there
			continue
		}
		if errors.Is(err, errSmallerWindow) {
			attempt = 0 // a proxy refused the request's size: at once, smaller
			continue
		}
		if err != nil {
			return fmt.Errorf("photo %s…: %w", u.job.Hash[:12], err)
		}
		if !st.Complete {
			u.have = st.Have
			if u.have > before {
				attempt = -1 // a bounded request went through: the next one
			}
			if attempt < 3 {
				continue
			}
			return fmt.Errorf("photo %s…: the server holds %d of %d bytes", u.job.Hash[:12], st.Have, u.size)
		}
		break
	}
	rep.PhotosSent++
	j := u.job
	j.RenditionDone = true
	known := c.known[j.Hash]
	known.Rendition = true
	if u.renditionOf == "" {
		j.OriginalDone = true
		known.Complete = true
	}
	c.known[j.Hash] = known
	progress[u.progressSlot].Done = progress[u.progressSlot].Total
	c.update(func(s *fielddesk.SyncStatus) { s.Photos = slices.Clone(progress) })
	return c.db.UpdatePhotoJob(ctx, j)
}

func (c *Client) sendFrom(ctx context.Context, acct store.Account, u upload, onSent func(int64), rep *Report) (wire.PhotoState, error) {
	f, err := os.Open(u.path)
	if err != nil {
		return wire.PhotoState{}, err
	}
	defer f.Close()
	if _, err := f.Seek(u.have, io.SeekStart); err != nil {
		return wire.PhotoState{}, err
	}
	frame := c.frameSize()
	limit := c.uploadLimit(u.size-u.have, frame)
	started := time.Now()
	pr, pw := io.Pipe()
	finished := make(chan struct{})
	yielded := false // read after finished
	var sent int64   // bytes the link took; read after finished
	go func() {
		defer close(finished)
		buf := make([]byte, frame)
		for sent < limit {
			if c.textWaiting.Swap(false) {
				if queued, _ := c.db.HasQueued(ctx); queued {
					yielded = true
					pw.CloseWithError(errYield) // the frames sent so far are kept
					return
				}
			}
			n, err := io.ReadFull(f, buf[:min(int64(len(buf)), limit-sent)])
			if n > 0 {
				if werr := wire.WriteFrame(pw, buf[:n]); werr != nil {
					pw.CloseWithError(werr)
					return
				}
				sent += int64(n)
				rep.BytesSent += int64(n)
				onSent(sent)
			}
			if err != nil {
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
					err = nil
				}
				pw.CloseWithError(err)
				return
			}
		}
		pw.Close()
	}()
	q := url.Values{"offset": {strconv.FormatInt(u.have, 10)}, "size": {strconv.FormatInt(u.size, 10)}}
	if u.renditionOf != "" {
		q.Set("rendition_of", u.renditionOf)
	}
	req, err := http.NewRequestWithContext(ctx, "PUT", acct.Server+"/v1/photos/"+u.hash+"?"+q.Encode(), pr)
	if err != nil {
		pr.Close()
		return wire.PhotoState{}, err
	}
	req.Header.Set("Content-Type", wire.ChunksType)
	frames := (limit + int64(frame) - 1) / int64(frame)
	req.ContentLength = limit + frames*36
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+acct.Token)
	st, acks, err := c.readAcks(req, u)
	pr.Close()
	<-finished
	if yielded {
		err = errYield
	}
	err = c.fitWindow(limit, sent, st.Have-u.have, acks, err)
	c.measureLink(st.Have-u.have, time.Since(started), err != nil && !errors.Is(err, errConflictState) && !errors.Is(err, errYield))
	return st, err
}

// readAcks sends a framed upload and reads the server's acknowledgements
// as they come, remembering the last so a cut upload goes on from there.
func (c *Client) readAcks(req *http.Request, u upload) (st wire.PhotoState, acks int, err error) {
	st = wire.PhotoState{Hash: u.hash, Have: u.have}
	c.staleAck(u.hash)
	resp, err := c.http.Do(req)
	if err != nil {
		return st, 0, fmt.Errorf("%w: %w", ErrNoLink, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != wire.AcksType {
		var one wire.PhotoState
		err := decodeAnswer(resp, &one)
		if err == nil || errors.Is(err, errConflictState) {
			c.setAcked(u.hash, one.Have)
		}
		return one, 0, err
	}
	if resp.Header.Get(wire.VersionHeader) != strconv.Itoa(wire.ProtocolVersion) {
		return st, 0, fmt.Errorf("%w: the server's answer has no protocol version", ErrProtocol)
	}
	dec := json.NewDecoder(resp.Body)
	for ; ; acks++ {
		var line struct {
			wire.PhotoState
			Error string `json:"error"`
			Code  string `json:"code"`
		}
		if err := dec.Decode(&line); err != nil {
			if errors.Is(err, io.EOF) && (st.Complete || acks > 0 && req.ContentLength > 0) {
				return st, acks, nil // the whole photo, or the whole bounded request
			}
			return st, acks, fmt.Errorf("%w: it dropped after %d bytes: %w", ErrNoLink, st.Have, err)
		}
		if line.Error != "" {
			// The answer began 200 before this went wrong: the status the
			// server would have sent goes with its code.
			status := map[string]int{wire.CodeHashMismatch: http.StatusUnprocessableEntity, wire.CodeTooLarge: http.StatusRequestEntityTooLarge,
				wire.CodeBadRequest: http.StatusBadRequest, wire.CodeNotFound: http.StatusNotFound}[line.Code]
			if status == 0 {
				status = http.StatusInternalServerError
			}
			return st, acks, &ServerError{Status: status, Code: line.Code, Msg: line.Error}
		}
		if line.Hash != u.hash || line.Have < st.Have || line.Have > u.size {
			return st, acks, fmt.Errorf("the server acknowledged %+v for %s…", line.PhotoState, u.hash[:12])
		}
		st = line.PhotoState
		c.setAcked(u.hash, st.Have)
	}
}

func (c *Client) pull(ctx context.Context, acct store.Account, rep *Report) error {
	c.update(func(s *fielddesk.SyncStatus) { s.Phase = fielddesk.PhaseReceive })
	for {
		cursor, err := c.db.Cursor(ctx)
		if err != nil {
			return err
		}
		var resp wire.PullResponse
		if err := c.call(ctx, acct.Server, acct.Token, "POST", "/v1/pull", wire.PullRequest{Cursor: cursor, Limit: 200}, &resp); err != nil {
			return err
		}
		changes := make([]store.Pulled, len(resp.Changes))
		for i, ch := range resp.Changes {
			changes[i] = store.Pulled{Revision: ch.Revision, Status: ch.Status, Submitted: ch.Submitted, Events: ch.Events, Audit: ch.Audit, Slug: ch.Slug,
				Holder: ch.Holder, Held: ch.Held, Due: ch.Due, Embargo: ch.Embargo}
		}
		n, news, err := c.db.ApplyPulled(ctx, changes, resp.Cursor)
		if err != nil {
			return err
		}
		rep.Received += n
		rep.News = append(rep.News, news...)
		c.progress.Add(int64(len(changes)) + 1)
		if !resp.More || resp.Cursor == cursor {
			return nil
		}
	}
}

// receivePhotos fetches the photos of articles that came from the server:
// renditions first, then originals by the policy, resuming partial files.
func (c *Client) receivePhotos(ctx context.Context, acct store.Account, rep *Report) error {
	jobs, err := c.db.PhotoJobs(ctx)
	if err != nil {
		return err
	}
	var todo []store.PhotoJob
	for _, j := range jobs {
		if !j.Download {
			continue
		}
		if _, err := os.Stat(c.db.PhotoPath(j.Hash)); err == nil {
			j.OriginalDone = true
			if err := c.db.UpdatePhotoJob(ctx, j); err != nil {
				return err
			}
			continue
		}
		todo = append(todo, j)
	}
	if len(todo) == 0 {
		return nil
	}
	policy := acct.Originals
	if metered, _ := c.opt.LinkCost(); policy == store.OriginalsUnmetered && metered {
		policy = store.OriginalsNever
	}
	for _, j := range todo {
		if j.RenditionDone || c.db.HasRendition(j.Hash) {
			continue
		}
		ok, err := c.fetch(ctx, acct, j.Hash, true)
		if err != nil {
			return fmt.Errorf("photo %s…: %w", j.Hash[:12], err)
		}
		if ok {
			rep.PhotosIn++
			j.RenditionDone = true
			if err := c.db.UpdatePhotoJob(ctx, j); err != nil {
				return err
			}
		}
	}
	for _, j := range todo {
		if policy == store.OriginalsNever && c.db.HasRendition(j.Hash) {
			continue
		}
		ok, err := c.fetch(ctx, acct, j.Hash, false)
		if err != nil {
			return fmt.Errorf("photo %s…: %w", j.Hash[:12], err)
		}
		if ok {
			rep.PhotosIn++
			j.OriginalDone = true
			if err := c.db.UpdatePhotoJob(ctx, j); err != nil {
				return err
			}
		}
	}
	return nil
}

// fetch downloads a photo (or its rendition) from where the local partial
// file stops, keeping every verified piece. It returns false when the
// server has no such file (no rendition was made, or the original has not
// arrived yet).
func (c *Client) fetch(ctx context.Context, acct store.Account, hash string, rendition bool) (bool, error) {
	path := acct.Server + "/v1/photos/" + hash
	if rendition {
		path += "?rendition=1"
	}
	req, err := http.NewRequestWithContext(ctx, "GET", path, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set(wire.VersionHeader, strconv.Itoa(wire.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+acct.Token)
	want := hash
	var have int64
	if !rendition {
		st, err := c.db.PhotoStatus(hash)
		if err != nil {
			return false, err
		}
		have = st.Have
		if have > 0 {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrNoLink, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return false, nil
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		return false, decodeAnswer(resp, &wire.PhotoState{})
	}
	if resp.StatusCode == http.StatusOK {
		have = 0
	}
	size := resp.ContentLength + have
	if rendition {
		want = resp.Header.Get(wire.RenditionHashHeader)
		if !wire.ValidHash(want) {
			return false, fmt.Errorf("the server sent a rendition without its hash")
		}
	}
	if size <= 0 || size > wire.MaxPhotoBytes {
		return false, fmt.Errorf("the server sent a photo of %d bytes", size)
	}
	if rendition {
		// Renditions are small and come whole; skip what an earlier try kept.
		st, err := c.db.PhotoStatus(want)
		if err != nil {
			return false, err
		}
		if st.Have > 0 {
			if _, err := io.CopyN(io.Discard, resp.Body, st.Have); err != nil {
				return false, fmt.Errorf("%w: it dropped: %w", ErrNoLink, err)
			}
			have = st.Have
		}
	}
	buf := make([]byte, wire.FrameChunkBytes)
	for have < size {
		n, err := io.ReadFull(resp.Body, buf[:min(int64(len(buf)), size-have)])
		if n > 0 {
			var st store.PhotoState
			var aerr error
			if rendition {
				st, aerr = c.db.AppendRendition(hash, want, have, size, "", bytes.NewReader(buf[:n]), wire.MaxChunkBytes)
			} else {
				st, aerr = c.db.AppendPhoto(want, have, size, "", bytes.NewReader(buf[:n]), wire.MaxChunkBytes)
			}
			if aerr != nil {
				return false, aerr
			}
			have = st.Have
		}
		if err != nil {
			return false, fmt.Errorf("%w: it dropped: %w", ErrNoLink, err)
		}
	}
	return true, nil
}

// WantOriginals asks the server for the originals of photos (an editor):
// their senders move them up their queues.
func (c *Client) WantOriginals(ctx context.Context, hashes []string) error {
	acct, err := c.db.Account(ctx)
	if err != nil {
		return err
	}
	var resp wire.PhotoStatusResponse
	return c.call(ctx, acct.Server, acct.Token, "POST", "/v1/photos/want", wire.PhotoWantRequest{Hashes: hashes}, &resp)
}
