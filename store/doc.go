// Package store keeps FieldDesk's articles durably on the local disk: Badger
// for immutable revisions and indexes, and content-addressed photo files
// beside it. It is the only package that imports Badger.
//
// A save returns only once it is durable: photo files are written to a
// temporary name, fsynced, renamed into place and the directory fsynced
// before the revision that refers to them is committed with SyncWrites.
//
// Layout of a data folder:
//
//	db/               Badger
//	photos/ab/abcd…   photo originals, named by their SHA-256
//	photos/tmp/       photos being written (cleared at open)
//	cache/            derived files (thumbnails); safe to delete
//
// Keys:
//
//	a/<article>                  summary of the latest revision (compact binary, summary.go)
//	r/<article>/<revision>       Revision (JSON)
//	h/<article>/<revision>       RevisionInfo, the history without content (JSON)
//	c/<sequence>, cseq           change log for pulls (apply.go)
//	d/, m/                       per-device mutation counters and outcomes (apply.go)
//	s/, t/, x/                   search index, postings, index markers (search.go)
//	u/, v/, k/                   server accounts, devices and token hashes (accounts.go)
//	p/<sha256>/<article>/<rev>   a revision refers to a photo (empty value)
//	e/, al/, qe/                 decisions and comments, audit log, events to send (review.go, decide.go)
//	pub/, pubs/, pubt/, pubp/    what the server published (publish.go)
//	tr/<article>                 the article is in the trash, since (trash.go)
//	ps/<article>                 on a desk: where the newsroom published it (its slug)
package store
