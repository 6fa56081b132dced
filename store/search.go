package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/vietnamese"
)

// The search index lives in the same transaction as each save:
//
//	s/<folded word>/<article>   fields the word is in (1 byte) + the spellings seen
//	t/<article>                 the article's postings, to write only what changed
//
// Words are folded (no diacritics, lower case, đ→d), so "dang bo" finds
// "Đảng bộ"; the spellings let a query written with marks rank the exact
// form first.

// Fields a word can be found in, as bits.
const (
	inHeadline byte = 1 << iota
	inTags
	inSapo
	inCaption
	inBody
)

var fieldWeight = map[byte]int{inHeadline: 16, inTags: 8, inSapo: 4, inCaption: 2, inBody: 1}

func dirtyKey(id fielddesk.ID) []byte { return []byte("x/" + string(id)) }

// indexer brings the search index up to date after saves, off the save's
// path: a save writes only a marker (x/<article>) in its transaction, and
// the indexer replaces the article's postings and removes the marker in one
// transaction of its own. Search flushes it first, so results always
// include the latest saves; Open flushes what a crash left behind.
type indexer struct {
	indexMu  sync.Mutex // one flush at a time
	indexErr atomic.Pointer[error]
	wake     chan struct{}
	done     chan struct{}
	stopped  chan struct{}
}

// indexDelay is the pause in saves the indexer waits for.
const indexDelay = 300 * time.Millisecond

func (s *DB) startIndexer() {
	s.wake = make(chan struct{}, 1)
	s.done = make(chan struct{})
	s.stopped = make(chan struct{})
	go func() {
		defer close(s.stopped)
		for {
			select {
			case <-s.wake:
				// Wait for a pause in the saves (autosave bursts), then index
				// once for all of them. A failure leaves the markers; the next
				// save, search or open retries.
				quiet := time.NewTimer(indexDelay)
			wait:
				for {
					select {
					case <-s.wake:
						quiet.Reset(indexDelay)
					case <-quiet.C:
						break wait
					case <-s.done:
						quiet.Stop()
						return
					}
				}
				_ = s.flushIndex()
			case <-s.done:
				return
			}
		}
	}()
}

func (s *DB) stopIndexer() {
	if s.done != nil {
		close(s.done)
		<-s.stopped
		s.done = nil
	}
}

func (s *DB) wakeIndexer() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// flushIndex indexes every article with a marker. An article that cannot
// be indexed keeps its marker and does not stop the others; the error names
// each one, wraps fielddesk.ErrIndexBehind and is kept for IndexProblem
// until a flush succeeds.
func (s *DB) flushIndex() error {
	s.indexMu.Lock()
	defer s.indexMu.Unlock()
	var dirty []fielddesk.ID
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("x/")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			dirty = append(dirty, fielddesk.ID(it.Item().Key()[2:]))
		}
		return nil
	})
	if err == nil && len(dirty) > 0 {
		err = s.writable() // a full disk: no use working out what cannot be written
	}
	if err != nil {
		err = fmt.Errorf("%w: %d articles: %w", fielddesk.ErrIndexBehind, len(dirty), err)
		s.indexErr.Store(&err)
		return err
	}
	var errs []error
	for _, id := range dirty {
		if err := s.indexArticle(id); err != nil {
			errs = append(errs, fmt.Errorf("article %s: %w", id, mapErr(err)))
		}
	}
	if len(errs) > 0 {
		err := fmt.Errorf("%w: %d of %d articles: %w", fielddesk.ErrIndexBehind, len(errs), len(dirty), errors.Join(errs...))
		s.indexErr.Store(&err)
		return err
	}
	s.indexErr.Store(nil)
	return nil
}

// IndexProblem returns why the search index is behind the articles (an
// error wrapping fielddesk.ErrIndexBehind that names them), or nil when it
// is up to date as of the last attempt. The store keeps trying after each
// save, search and open.
func (s *DB) IndexProblem() error {
	if p := s.indexErr.Load(); p != nil {
		return *p
	}
	return nil
}

// indexInOneTxn is how many index writes an article's update may need and
// still go in one transaction with the marker (the common case: an autosave
// touches a few words). Larger updates go in pieces (indexInPieces).
const indexInOneTxn = 1000

// indexArticle replaces the postings of one article with those of its
// newest revision and removes its marker, unless a newer save came in
// meanwhile (its marker then stays for the next round).
func (s *DB) indexArticle(id fielddesk.ID) error {
	for try := 0; ; try++ {
		var head fielddesk.ID
		var a fielddesk.Article
		var old map[string]string
		err := s.view(func(txn *badger.Txn) error {
			sum, rev, err := getHead(txn, id)
			if err != nil {
				return err
			}
			head, a = sum.Head, rev.Article
			old, err = readTerms(txn, id)
			return err
		})
		if errors.Is(err, fielddesk.ErrNotFound) {
			// The article is gone (or never had a revision): drop its marker.
			return s.update(func(txn *badger.Txn) error { return txn.Delete(dirtyKey(id)) })
		}
		if err != nil {
			return err
		}
		plan := planIndex(old, postings(a))
		finish := func(plan indexPlan) error {
			return s.update(func(txn *badger.Txn) error {
				sum, err := getSummary(txn, id)
				if err != nil {
					return err
				}
				if err := plan.apply(txn, id); err != nil {
					return err
				}
				if sum.Head != head {
					return errNewerSave
				}
				return txn.Delete(dirtyKey(id))
			})
		}
		err = badger.ErrTxnTooBig
		if len(plan.deletes)+len(plan.sets) <= indexInOneTxn {
			err = finish(plan)
		}
		if errors.Is(err, badger.ErrTxnTooBig) {
			if err := s.indexInPieces(id, old, plan); err != nil {
				return err
			}
			err = finish(indexPlan{terms: plan.terms}) // the postings are written: the record and the marker remain
		}
		if (errors.Is(err, badger.ErrConflict) || errors.Is(err, errNewerSave)) && try < 5 {
			continue // a save of the same article came in between: index its newer revision
		}
		if errors.Is(err, errNewerSave) {
			return nil // the newer save's marker stays; the next round indexes it
		}
		return err
	}
}

// errNewerSave ends an index transaction whose article was saved again
// since it was read; its postings are written, its marker stays.
var errNewerSave = errors.New("saved again while indexing")

// indexInPieces writes a large update of an article's postings (a long
// table: tens of thousands of words) in as many transactions as Badger
// needs. First the article's terms record is made to cover every word the
// pieces may write, marked as not yet known, so that a crash between pieces
// leaves nothing the next update would not find and rewrite.
func (s *DB) indexInPieces(id fielddesk.ID, old map[string]string, plan indexPlan) error {
	pending := make(map[string]string, len(old)+len(plan.sets))
	for t, e := range old {
		pending[t] = e
	}
	for _, t := range plan.sets {
		pending[t] = "" // no posting encodes to nothing: rewritten next time
	}
	if err := s.update(func(txn *badger.Txn) error { return txn.Set(termsKey(id), encodeTerms(pending)) }); err != nil {
		return err
	}
	if err := s.writable(); err != nil {
		return err
	}
	s.kvMu.RLock()
	defer s.kvMu.RUnlock()
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for _, t := range plan.deletes {
		if err := wb.Delete(indexKey(t, id)); err != nil {
			return err
		}
	}
	for _, t := range plan.sets {
		if err := wb.Set(indexKey(t, id), []byte(plan.terms[t])); err != nil {
			return err
		}
	}
	return wb.Flush()
}

// indexPlan is what an article's index needs: words to remove, words whose
// postings to write, and the article's new terms record.
type indexPlan struct {
	deletes, sets []string
	terms         map[string]string // word -> encoded posting
}

// planIndex compares the article's recorded postings with its new ones.
func planIndex(old map[string]string, next map[string]posting) indexPlan {
	p := indexPlan{terms: make(map[string]string, len(next))}
	for term := range old {
		if _, ok := next[term]; !ok {
			p.deletes = append(p.deletes, term)
		}
	}
	for term, post := range next {
		e := string(post.encode())
		p.terms[term] = e
		if old[term] != e {
			p.sets = append(p.sets, term)
		}
	}
	return p
}

// apply writes the plan in txn, with the terms record.
func (p indexPlan) apply(txn *badger.Txn, id fielddesk.ID) error {
	for _, t := range p.deletes {
		if err := txn.Delete(indexKey(t, id)); err != nil {
			return err
		}
	}
	for _, t := range p.sets {
		if err := txn.Set(indexKey(t, id), []byte(p.terms[t])); err != nil {
			return err
		}
	}
	return txn.Set(termsKey(id), encodeTerms(p.terms))
}

// readTerms reads an article's terms record (empty if it has none).
func readTerms(txn *badger.Txn, id fielddesk.ID) (map[string]string, error) {
	item, err := txn.Get(termsKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	var old map[string]string
	err = item.Value(func(v []byte) error { old = decodeTerms(v); return nil })
	return old, err
}

func indexKey(term string, id fielddesk.ID) []byte {
	return []byte("s/" + term + "/" + string(id))
}
func termsKey(id fielddesk.ID) []byte { return []byte("t/" + string(id)) }

// posting is one word of one article.
type posting struct {
	fields    byte
	spellings []string
}

func (p posting) encode() []byte {
	b := []byte{p.fields}
	for _, s := range p.spellings {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func decodePosting(b []byte) posting {
	if len(b) == 0 {
		return posting{}
	}
	p := posting{fields: b[0]}
	b = b[1:]
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			break
		}
		p.spellings = append(p.spellings, string(b[k:k+int(n)]))
		b = b[k+int(n):]
	}
	return p
}

// postings computes the index entries of an article.
func postings(a fielddesk.Article) map[string]posting {
	out := map[string]posting{}
	folded := map[string]string{} // news text repeats its words: fold each once
	add := func(text string, field byte) {
		for _, w := range vietnamese.Words(text) {
			if utf8.RuneCountInString(w) > 64 {
				continue
			}
			f, ok := folded[w]
			if !ok {
				f = vietnamese.Fold(w)
				folded[w] = f
			}
			p := out[f]
			p.fields |= field
			if !slices.Contains(p.spellings, w) && len(p.spellings) < 4 {
				p.spellings = append(p.spellings, w)
			}
			out[f] = p
		}
	}
	add(a.Headline, inHeadline)
	add(strings.Join(a.Tags, " "), inTags)
	add(a.Sapo, inSapo)
	text, captions := fielddesk.SplitFigures(a.Body)
	for _, c := range captions {
		add(c, inCaption)
	}
	add(text, inBody)
	return out
}

// encodeTerms writes an article's postings, sorted by word, for the next diff.
func encodeTerms(m map[string]string) []byte {
	terms := make([]string, 0, len(m))
	for t := range m {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	var b []byte
	for _, t := range terms {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
		b = binary.AppendUvarint(b, uint64(len(m[t])))
		b = append(b, m[t]...)
	}
	return b
}

func decodeTerms(b []byte) map[string]string {
	m := map[string]string{}
	next := func() (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return "", false
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s, true
	}
	for len(b) > 0 {
		t, ok1 := next()
		p, ok2 := next()
		if !ok1 || !ok2 {
			break
		}
		m[t] = p
	}
	return m
}

// MaxHits bounds what Search returns.
const MaxHits = 100

// Search finds the articles containing every word of query, ignoring case
// and diacritics; the last word may be the start of a word (search as you
// type). Results are ranked: words in the headline count most, then tags,
// sapo, captions and body; when the query is written with diacritics,
// articles with that exact spelling come first. Each hit has a snippet.
//
// When some articles could not be indexed, Search returns the hits among
// the others together with an error wrapping fielddesk.ErrIndexBehind that
// names the articles it may miss (see IndexProblem).
func (s *DB) Search(ctx context.Context, query string) ([]fielddesk.Hit, error) {
	words := vietnamese.Words(query)
	if len(words) == 0 {
		return nil, nil
	}
	// Articles that could not be indexed are missed; the others are found.
	behind := s.flushIndex()
	type cand struct {
		score int
		exact int
	}
	var cands map[fielddesk.ID]*cand
	var hits []fielddesk.Hit
	err := s.view(func(txn *badger.Txn) error {
		for i, w := range words {
			folded := vietnamese.Fold(w)
			marked := folded != strings.ToLower(w) || strings.ContainsRune(w, 'đ')
			prefix := "s/" + folded
			if i < len(words)-1 {
				prefix += "/" // whole word
			}
			found := map[fielddesk.ID]*cand{}
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix), PrefetchValues: false})
			for it.Rewind(); it.Valid(); it.Next() {
				key := string(it.Item().Key())
				slash := strings.LastIndexByte(key, '/')
				id := fielddesk.ID(key[slash+1:])
				if cands != nil && cands[id] == nil {
					continue
				}
				var p posting
				if err := it.Item().Value(func(v []byte) error { p = decodePosting(v); return nil }); err != nil {
					it.Close()
					return err
				}
				c := found[id]
				if c == nil {
					c = &cand{}
					if cands != nil {
						*c = *cands[id]
					}
					found[id] = c
				}
				best := 0
				for bit, wt := range fieldWeight {
					if p.fields&bit != 0 && wt > best {
						best = wt
					}
				}
				c.score += best
				if marked && slices.Contains(p.spellings, w) {
					c.exact++
				}
			}
			it.Close()
			cands = found
			if len(cands) == 0 {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		type ranked struct {
			id fielddesk.ID
			c  *cand
		}
		trashed, err := trashedSet(txn)
		if err != nil {
			return err
		}
		var order []ranked
		for id, c := range cands {
			if _, gone := trashed[id]; !gone {
				order = append(order, ranked{id, c})
			}
		}
		sort.Slice(order, func(i, j int) bool {
			a, b := order[i].c, order[j].c
			if a.exact != b.exact {
				return a.exact > b.exact
			}
			if a.score != b.score {
				return a.score > b.score
			}
			return order[i].id > order[j].id // newer first
		})
		if len(order) > MaxHits {
			order = order[:MaxHits]
		}
		for _, r := range order {
			sum, err := getSummary(txn, r.id)
			if err != nil {
				return err
			}
			h := fielddesk.Hit{Summary: sum.Summary, Score: r.c.score + 100*r.c.exact}
			var rev fielddesk.Revision
			if err := getJSON(txn, revisionKey(r.id, sum.Head), &rev); err != nil {
				return err
			}
			h.Snippet, h.Matches = Snippet(rev.Article, words)
			hits = append(hits, h)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, mapErr(err))
	}
	if behind != nil {
		return hits, fmt.Errorf("search %q: %w", query, behind)
	}
	return hits, nil
}

// markdownMarks is Markdown punctuation a snippet leaves out.
var markdownMarks = regexp.MustCompile("\\]\\([^)]*\\)|[*_`#>|\\[\\]]+")

// Snippet returns up to about 160 characters of the article's plain text
// around the best place its headline, sapo or body matches words (compared
// folded; the last word may be unfinished): where they stand together, or
// else the first one. Matches is the byte ranges of the matched words.
func Snippet(a fielddesk.Article, words []string) (string, [][2]int) {
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = vietnamese.Fold(w)
	}
	matchesWord := func(f string, q int) bool {
		if q == len(folded)-1 {
			return strings.HasPrefix(f, folded[q])
		}
		return f == folded[q]
	}
	body, _ := fielddesk.SplitFigures(a.Body)
	for _, text := range []string{a.Headline, a.Sapo, body} {
		text = strings.Join(strings.Fields(markdownMarks.ReplaceAllString(text, "")), " ")
		runes := []rune(text)
		type span struct{ start, end, q int } // rune offsets, which query word
		var tokens []span
		for i := 0; i < len(runes); {
			if !isWordRune(runes[i]) {
				i++
				continue
			}
			j := i
			for j < len(runes) && isWordRune(runes[j]) {
				j++
			}
			f := vietnamese.Fold(string(runes[i:j]))
			q := -1
			for k := range folded {
				if matchesWord(f, k) {
					q = k
					break
				}
			}
			tokens = append(tokens, span{i, j, q})
			i = j
		}
		first := -1
		inPhrase := map[int]bool{} // tokens that are part of the whole query
		for k := range tokens {
			if tokens[k].q < 0 {
				continue
			}
			if first < 0 {
				first = k
			}
			phrase := k+len(folded) <= len(tokens)
			for n := 0; phrase && n < len(folded); n++ {
				phrase = matchesWord(vietnamese.Fold(string(runes[tokens[k+n].start:tokens[k+n].end])), n)
			}
			if phrase {
				if len(inPhrase) == 0 {
					first = k
				}
				for n := range folded {
					inPhrase[k+n] = true
				}
			}
		}
		if first < 0 {
			continue
		}
		anchor := tokens[first].start
		from := max(0, anchor-20) // lists are narrow: keep the match near the start
		for from > 0 && from < anchor && isWordRune(runes[from-1]) {
			from++
		}
		to := min(len(runes), from+160)
		prefix, suffix := "", ""
		if from > 0 {
			prefix = "…"
		}
		if to < len(runes) {
			suffix = "…"
		}
		snippet := prefix + string(runes[from:to]) + suffix
		var ranges [][2]int
		for k, t := range tokens {
			if t.q < 0 || t.start < from || t.end > to || (len(inPhrase) > 0 && !inPhrase[k]) {
				continue
			}
			s := len(prefix) + len(string(runes[from:t.start]))
			ranges = append(ranges, [2]int{s, s + len(string(runes[t.start:t.end]))})
		}
		return snippet, ranges
	}
	return "", nil
}

func isWordRune(r rune) bool {
	return vietnamese.IsWordRune(r)
}
