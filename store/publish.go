package store

import (
	"encoding/binary"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
)

// What the server has published. The publish decision records the
// publication in its own transaction; the server renders pages, feeds and
// ninjs from it. Keys:
//
//	pub/<article>             Publication (JSON)
//	pubs/<slug>               the article published under that address
//	pubt/<updated>/<article>  publications by the time they last changed (8 bytes, big-endian ns)
//	pubp/<sha256>/<article>   a published article shows the photo
//	pubv/<article>/<version>  an earlier version (Publication, JSON; 8 bytes, big-endian)
//	pubn/<article>            the note of a correction or update in progress (PublicationNote)
//
// A correction or an update publishes again at the same address: the
// version goes up by one, the one before is kept under pubv/, and the
// note is added to the publication's notes.

// Publication is the newsroom's record of a published article.
type Publication = newsroom.Publication

func publicationKey(id fielddesk.ID) []byte { return []byte("pub/" + string(id)) }
func slugKey(slug string) []byte            { return []byte("pubs/" + slug) }
func publishedTimeKey(t time.Time, id fielddesk.ID) []byte {
	return append(binary.BigEndian.AppendUint64([]byte("pubt/"), uint64(t.UnixNano())), "/"+string(id)...)
}
func publishedPhotoKey(hash string, id fielddesk.ID) []byte {
	return []byte("pubp/" + hash + "/" + string(id))
}
func publishedVersionKey(id fielddesk.ID, version int) []byte {
	return binary.BigEndian.AppendUint64([]byte("pubv/"+string(id)+"/"), uint64(version))
}
func pendingNoteKey(id fielddesk.ID) []byte { return []byte("pubn/" + string(id)) }

// PhotoPublished reports whether a published (not killed) article shows the photo.
func (s *DB) PhotoPublished(hash string) bool {
	found := false
	_ = s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("pubp/" + hash + "/")})
		defer it.Close()
		it.Rewind()
		found = it.Valid()
		return nil
	})
	return found
}
