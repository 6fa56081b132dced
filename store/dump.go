package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
)

var _ newsroom.Dumper = (*DB)(nil)

// Dump hands every record of a server's store to l, read in one
// transaction (a consistent copy, even of a running server).
func (s *DB) Dump(ctx context.Context, l newsroom.Loader) error {
	return txErr(s.view(func(txn *badger.Txn) error {
		each := func(prefix string, fn func(key string, val []byte) error) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix), PrefetchValues: true, PrefetchSize: 64})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				if err := ctx.Err(); err != nil {
					return err
				}
				val, err := it.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				key := string(it.Item().Key())
				if err := fn(key[len(prefix):], val); err != nil {
					return fmt.Errorf("%s: %w", key, err)
				}
			}
			return nil
		}
		decode := func(val []byte, v any) error { return json.Unmarshal(val, v) }
		steps := []struct {
			prefix string
			fn     func(key string, val []byte) error
		}{
			{"u/", func(_ string, v []byte) error {
				var u newsroom.User
				if err := decode(v, &u); err != nil {
					return err
				}
				return l.LoadUser(u)
			}},
			{"v/", func(_ string, v []byte) error {
				var d newsroom.Device
				if err := decode(v, &d); err != nil {
					return err
				}
				return l.LoadDevice(d)
			}},
			{"k/", func(hash string, v []byte) error { return l.LoadToken(hash, string(v)) }},
			{"d/", func(device string, v []byte) error {
				if len(v) != 8 {
					return fmt.Errorf("damaged mutation counter")
				}
				return l.LoadMutations(device, binary.BigEndian.Uint64(v))
			}},
			{"m/", func(key string, v []byte) error {
				i := strings.LastIndexByte(key, '/')
				id, err := strconv.ParseUint(key[i+1:], 10, 64)
				if i < 0 || err != nil {
					return fmt.Errorf("not a mutation's outcome")
				}
				var o fielddesk.Outcome
				if err := decode(v, &o); err != nil {
					return err
				}
				return l.LoadOutcome(key[:i], id, o)
			}},
			{"a/", func(id string, v []byte) error {
				r, err := decodeSummary(v)
				if err != nil {
					return err
				}
				owner, err := ownerOf(txn, fielddesk.ID(id))
				if err != nil {
					return err
				}
				return l.LoadArticle(owner, r.Summary, r.Created)
			}},
			{"r/", func(_ string, v []byte) error {
				var rev fielddesk.Revision
				if err := decode(v, &rev); err != nil {
					return err
				}
				return l.LoadRevision(rev)
			}},
			{"e/", func(_ string, v []byte) error {
				var e fielddesk.Event
				if err := decode(v, &e); err != nil {
					return err
				}
				return l.LoadEvent(e)
			}},
			{"c/", func(key string, v []byte) error {
				if len(key) != 8 {
					return nil
				}
				return l.LoadChange(newsroom.LogEntry{Seq: binary.BigEndian.Uint64([]byte(key)), Article: fielddesk.ID(v)})
			}},
			{"schedt/", func(key string, _ []byte) error {
				if len(key) < 8+1 {
					return nil
				}
				return l.LoadSchedule(fielddesk.ID(key[9:]), time.Unix(0, int64(binary.BigEndian.Uint64([]byte(key[:8])))).UTC())
			}},
			{"pub/", func(_ string, v []byte) error {
				var p newsroom.Publication
				if err := decode(v, &p); err != nil {
					return err
				}
				return l.LoadPublication(p)
			}},
			{"pubv/", func(_ string, v []byte) error {
				var p newsroom.Publication
				if err := decode(v, &p); err != nil {
					return err
				}
				return l.LoadVersion(p)
			}},
			{"pubn/", func(id string, v []byte) error {
				var n fielddesk.PublicationNote
				if err := decode(v, &n); err != nil {
					return err
				}
				return l.LoadPendingNote(fielddesk.ID(id), n)
			}},
			{"pubp/", func(key string, _ []byte) error {
				hash, id, _ := strings.Cut(key, "/")
				return l.LoadShown(hash, fielddesk.ID(id))
			}},
			{"ph/", func(key string, _ []byte) error {
				hash, user, _ := strings.Cut(key, "/")
				return l.LoadHolder(hash, user)
			}},
			{"rn/", func(key string, v []byte) error {
				hash, user, _ := strings.Cut(key, "/")
				return l.LoadRendition(newsroom.Filed{User: user, Hash: string(v)}, hash)
			}},
			{"w/", func(hash string, _ []byte) error { return l.LoadWanted(hash) }},
		}
		for _, st := range steps {
			if err := each(st.prefix, st.fn); err != nil {
				return err
			}
		}
		// The audit log in the order it was written (its keys are by
		// article, then sequence).
		type entry struct {
			seq     uint64
			article fielddesk.ID
			e       fielddesk.AuditEntry
		}
		var log []entry
		if err := each("al/", func(key string, v []byte) error {
			// <article>/<8 bytes of sequence> (which may hold a '/')
			i := len(key) - 9
			if i < 1 || key[i] != '/' {
				return fmt.Errorf("not an audit entry")
			}
			var e fielddesk.AuditEntry
			if err := decode(v, &e); err != nil {
				return err
			}
			log = append(log, entry{binary.BigEndian.Uint64([]byte(key[i+1:])), fielddesk.ID(key[:i]), e})
			return nil
		}); err != nil {
			return err
		}
		slices.SortFunc(log, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
		for _, e := range log {
			if err := l.LoadAudit(e.article, e.e); err != nil {
				return err
			}
		}
		return nil
	}))
}
