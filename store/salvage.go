package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"github.com/dgraph-io/ristretto/v2/z"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/internal/durable"
)

// When Badger cannot open the database because its files are damaged (a
// power cut while the disk wrote them, a table of zeros, a torn MANIFEST),
// Open does not refuse to start: it reads every record it still can from
// the files themselves (tables, memtable logs, value logs, each entry
// checked against its checksum), writes the newest version of each into a
// new database, keeps the damaged folder as it was, and leaves a report
// (fielddesk.Recovery) for the person until they have read it. What was
// only in an unreadable file is lost (a record deleted only there comes
// back); the report names those files.

// errDamaged marks a database whose files Badger cannot use.
var errDamaged = errors.New("the database's files are damaged")

const (
	recoveryFile = "recovery.json"
	rebuildDir   = "db-rebuild"
	damagedDir   = "db-damaged-"
	// Badger's on-disk format (v4): what the salvage reads.
	badgerInternalPrefix = "!badger!"
	bitDelete            = 1 << 0
	bitValuePointer      = 1 << 1
	bitTxn               = 1 << 6
	bitFinTxn            = 1 << 7
	logHeaderSize        = 20 // a memtable or value log starts with a key id and an IV
)

// checkTables opens every table the MANIFEST lists, as Badger will: a
// damaged one makes Badger panic in a goroutine of its own, which would
// stop FieldDesk before anything could be done about it. It returns an
// error wrapping errDamaged naming what is wrong, another error when the
// folder cannot be read at all, and nil when Badger can be tried.
func checkTables(dbDir string) error {
	f, err := os.Open(filepath.Join(dbDir, badger.ManifestFilename))
	if errors.Is(err, os.ErrNotExist) {
		// Without its MANIFEST Badger would start afresh and delete the
		// tables it does not know.
		if tables, _ := filepath.Glob(filepath.Join(dbDir, "*.sst")); len(tables) > 0 {
			return fmt.Errorf("%w: the MANIFEST is missing beside %d tables", errDamaged, len(tables))
		}
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	m, _, err := badger.ReplayManifestFile(f, 0, badger.DefaultOptions(dbDir))
	if err != nil {
		return fmt.Errorf("%w: MANIFEST: %v", errDamaged, err)
	}
	for id, tm := range m.Tables {
		path := table.NewFilename(id, dbDir)
		if err := readTable(path, tm.Compression, options.NoVerification, nil); err != nil {
			return err
		}
	}
	return nil
}

// readTable opens the table at path and, when fn is not nil, gives it each
// entry (key with its version, value as stored), checking each block's
// checksum as it goes. A table missing, or that cannot be read wholly or
// from some block on, is an error wrapping errDamaged naming it (entries
// read before still went to fn); an error of the disk itself (EIO: a card
// pulled out) is returned as it is: that is no damage to rebuild from.
func readTable(path string, compression options.CompressionType, chk options.ChecksumVerificationMode, fn func(key []byte, v y.ValueStruct)) (err error) {
	fd, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: table %s is missing", errDamaged, filepath.Base(path))
	}
	if err != nil {
		return fmt.Errorf("table %s: %w", filepath.Base(path), err)
	}
	// Opened here, not by z.OpenMmapFile, which keeps the file open when
	// the mapping fails (on Windows nothing could then move or delete it).
	mf, err := z.OpenMmapFileUsing(fd, 0, false)
	if err != nil {
		fd.Close()
		return fmt.Errorf("table %s: %w", filepath.Base(path), err)
	}
	defer func() {
		if r := recover(); r != nil {
			// Badger panics on an index it cannot parse (a table of zeros).
			err = fmt.Errorf("%w: table %s cannot be read: %.200s", errDamaged, filepath.Base(path), fmt.Sprint(r))
		}
		mf.Close(-1)
	}()
	t, err := table.OpenTable(mf, table.Options{ReadOnly: true, BlockSize: 4 << 10, Compression: compression, ChkMode: chk})
	if err != nil {
		return fmt.Errorf("%w: table %s: %v", errDamaged, filepath.Base(path), err)
	}
	if fn == nil {
		return nil
	}
	// Never DecrRef the table: at zero references Badger deletes its file.
	it := t.NewIterator(table.NOCACHE)
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		fn(y.Copy(it.Key()), it.ValueCopy())
		n++
	}
	if n < int(t.KeyCount()) {
		return fmt.Errorf("%w: table %s: %d of its %d entries could not be read", errDamaged, filepath.Base(path), int(t.KeyCount())-n, t.KeyCount())
	}
	return nil
}

// salvaged is the newest readable version of one record.
type salvaged struct {
	version  uint64
	meta     byte
	userMeta byte
	value    []byte // the value, or a value pointer when meta says so
}

// salvager gathers the newest version of every record from a damaged
// database folder's files.
type salvager struct {
	dir        string
	newest     map[string]salvaged
	unreadable []string
	// diskErr is the first error of the disk itself met while reading: the
	// salvage stops (rebuilding from what a failing disk let through would
	// lose what it did not).
	diskErr error
}

// take keeps a record's version if it is the newest seen.
func (sv *salvager) take(key []byte, version uint64, meta, userMeta byte, value []byte) {
	if bytes.HasPrefix(key, []byte(badgerInternalPrefix)) {
		return
	}
	if old, ok := sv.newest[string(key)]; ok && old.version >= version {
		return
	}
	sv.newest[string(key)] = salvaged{version: version, meta: meta, userMeta: userMeta, value: value}
}

// read gathers what every table and memtable log of the folder holds.
func (sv *salvager) read() {
	compression := map[uint64]options.CompressionType{}
	if f, err := os.Open(filepath.Join(sv.dir, badger.ManifestFilename)); err == nil {
		if m, _, err := badger.ReplayManifestFile(f, 0, badger.DefaultOptions(sv.dir)); err == nil {
			for id, tm := range m.Tables {
				compression[id] = tm.Compression
			}
		}
		f.Close()
	}
	entries, _ := os.ReadDir(sv.dir)
	for _, e := range entries {
		path := filepath.Join(sv.dir, e.Name())
		switch filepath.Ext(e.Name()) {
		case ".sst":
			id, _ := table.ParseFileID(e.Name())
			c, known := compression[id]
			if !known {
				c = badger.DefaultOptions("").Compression // the store's setting
			}
			err := readTable(path, c, options.OnBlockRead, func(key []byte, v y.ValueStruct) {
				sv.take(y.ParseKey(key), y.ParseTs(key), v.Meta, v.UserMeta, v.Value)
			})
			switch {
			case errors.Is(err, errDamaged):
				sv.unreadable = append(sv.unreadable, e.Name())
			case err != nil:
				sv.diskErr = err
				return
			}
		case ".mem":
			if err := sv.readLog(path); err != nil {
				sv.diskErr = err // a log's damage only ends it; this is the disk
				return
			}
		}
	}
}

// readLog gathers the committed entries of a memtable log: entries of a
// transaction count once the entry closing it is there, whole. It returns
// only errors of the disk: the log's damage is where it ends.
func (sv *salvager) readLog(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReader(io.NewSectionReader(f, logHeaderSize, 1<<40))
	var txn []logEntry
	var txnVersion uint64
	for {
		e, err := readLogEntry(r)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, errDamaged) {
			return err // the disk's, not the log's
		}
		if err != nil || e.zero() {
			return nil // the end of what was written whole
		}
		switch {
		case e.meta&bitTxn != 0:
			v := y.ParseTs(e.key)
			if txnVersion == 0 {
				txnVersion = v
			}
			if v != txnVersion {
				return nil
			}
			txn = append(txn, e)
		case e.meta&bitFinTxn != 0:
			v, err := strconv.ParseUint(string(e.value), 10, 64)
			if err != nil || v != txnVersion {
				return nil
			}
			for _, e := range txn {
				sv.take(y.ParseKey(e.key), y.ParseTs(e.key), e.meta&^(bitTxn|bitFinTxn), e.userMeta, e.value)
			}
			txn, txnVersion = txn[:0], 0
		default:
			if txnVersion != 0 {
				return nil
			}
			sv.take(y.ParseKey(e.key), y.ParseTs(e.key), e.meta, e.userMeta, e.value)
		}
	}
}

// logEntry is one entry of a memtable or value log.
type logEntry struct {
	meta, userMeta byte
	key, value     []byte
	expiresAt      uint64
}

func (e logEntry) zero() bool { return len(e.key) == 0 && e.meta == 0 && len(e.value) == 0 }

// readLogEntry reads one entry (header, key, value, checksum) of a log
// and checks its checksum; any error means the log ends here.
func readLogEntry(r io.Reader) (logEntry, error) {
	hr := &hashingReader{r: r, h: crc32.New(y.CastagnoliCrcTable)}
	var e logEntry
	var err error
	if e.meta, err = hr.ReadByte(); err != nil {
		return e, err
	}
	if e.userMeta, err = hr.ReadByte(); err != nil {
		return e, err
	}
	klen, err := binary.ReadUvarint(hr)
	if err != nil {
		return e, err
	}
	vlen, err := binary.ReadUvarint(hr)
	if err != nil {
		return e, err
	}
	if e.expiresAt, err = binary.ReadUvarint(hr); err != nil {
		return e, err
	}
	if klen > 1<<16 || vlen > 1<<30 {
		return e, errDamaged
	}
	buf := make([]byte, klen+vlen)
	if _, err := io.ReadFull(hr, buf); err != nil {
		return e, err
	}
	e.key, e.value = buf[:klen], buf[klen:]
	var want [4]byte
	if _, err := io.ReadFull(r, want[:]); err != nil {
		return e, err
	}
	if binary.BigEndian.Uint32(want[:]) != hr.h.Sum32() {
		return e, errDamaged
	}
	return e, nil
}

// hashingReader reads exactly what is asked of it, hashing it.
type hashingReader struct {
	r   io.Reader
	h   hash.Hash32
	one [1]byte
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	return n, err
}

func (hr *hashingReader) ReadByte() (byte, error) {
	if _, err := io.ReadFull(hr, hr.one[:]); err != nil {
		return 0, err
	}
	return hr.one[0], nil
}

// value resolves a record's value: kept beside its key, or in a value log.
func (sv *salvager) value(s salvaged) ([]byte, error) {
	if s.meta&bitValuePointer == 0 {
		return s.value, nil
	}
	if len(s.value) < 12 {
		return nil, fmt.Errorf("%w: a value pointer of %d bytes", errDamaged, len(s.value))
	}
	// Badger writes a pointer as its struct's memory: three little-endian
	// uint32 on every system FieldDesk runs on.
	fid := binary.LittleEndian.Uint32(s.value[0:4])
	length := binary.LittleEndian.Uint32(s.value[4:8])
	offset := binary.LittleEndian.Uint32(s.value[8:12])
	name := fmt.Sprintf("%06d.vlog", fid)
	f, err := os.Open(filepath.Join(sv.dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: value log %s is missing", errDamaged, name)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e, err := readLogEntry(io.NewSectionReader(f, int64(offset), int64(length)))
	if err != nil {
		if errors.Is(err, errDamaged) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: value log %s at %d: %v", errDamaged, name, offset, err)
		}
		return nil, fmt.Errorf("value log %s at %d: %w", name, offset, err)
	}
	return e.value, nil
}

// salvage rebuilds the database of the data folder dir from what its
// damaged files still hold (cause: why Badger could not open them). The
// new database is written beside the old one and swapped in only once
// whole; the old one is kept as db-damaged-<time>. It returns the report it
// also left in the data folder.
func salvage(dir string, cause error, now time.Time) (*fielddesk.Recovery, error) {
	dbDir := filepath.Join(dir, "db")
	sv := &salvager{dir: dbDir, newest: map[string]salvaged{}}
	sv.read()
	if sv.diskErr != nil {
		return nil, fmt.Errorf("read the damaged database: %w", diskErr(sv.diskErr))
	}
	rebuild := filepath.Join(dir, rebuildDir)
	if err := os.RemoveAll(rebuild); err != nil {
		return nil, fmt.Errorf("rebuild the database: %w", err)
	}
	swapped := false
	defer func() {
		if !swapped {
			os.RemoveAll(rebuild) // the damaged database stays as it was
		}
	}()
	ndb, err := badger.Open(badgerOptions(rebuild, false))
	if err != nil {
		return nil, fmt.Errorf("rebuild the database: %w", diskErr(err))
	}
	keys := make([]string, 0, len(sv.newest))
	for k := range sv.newest {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rec := &fielddesk.Recovery{At: now.UTC(), Cause: strings.ReplaceAll(cause.Error(), "\n", " ")}
	lostValues := map[string]bool{}
	wb := ndb.NewWriteBatch()
	for _, k := range keys {
		s := sv.newest[k]
		if s.meta&bitDelete != 0 {
			continue
		}
		v, err := sv.value(s)
		if err != nil && !errors.Is(err, errDamaged) {
			wb.Cancel()
			ndb.Close()
			return nil, fmt.Errorf("read the damaged database: %w", diskErr(err))
		}
		if err != nil {
			if name := fmt.Sprintf("%06d.vlog", binary.LittleEndian.Uint32(s.value[:4])); len(s.value) >= 4 && !lostValues[name] {
				lostValues[name] = true
				sv.unreadable = append(sv.unreadable, name)
			}
			continue
		}
		if err := wb.SetEntry(badger.NewEntry([]byte(k), v).WithMeta(s.userMeta)); err != nil {
			wb.Cancel()
			ndb.Close()
			return nil, fmt.Errorf("rebuild the database: %w", diskErr(err))
		}
		rec.Records++
		if strings.HasPrefix(k, "a/") {
			rec.Articles++
			// The search index is rebuilt for every article.
			if err := wb.Set(dirtyKey(fielddesk.ID(k[2:])), nil); err != nil {
				wb.Cancel()
				ndb.Close()
				return nil, fmt.Errorf("rebuild the database: %w", diskErr(err))
			}
		}
	}
	if err := wb.Flush(); err != nil {
		ndb.Close()
		return nil, fmt.Errorf("rebuild the database: %w", diskErr(err))
	}
	if err := ndb.Close(); err != nil {
		return nil, fmt.Errorf("rebuild the database: %w", diskErr(err))
	}
	slices.Sort(sv.unreadable)
	rec.Unreadable = sv.unreadable
	if rec.Records == 0 && len(rec.Unreadable) > 0 {
		return nil, fmt.Errorf("nothing could be read from %s (%s): %w", dbDir, strings.Join(rec.Unreadable, ", "), errDamaged)
	}
	rec.Kept = filepath.Join(dir, damagedDir+now.UTC().Format("20060102-150405"))
	report, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	// The report first: a crash after the swap still tells the person.
	if err := durable.WriteFile(filepath.Join(dir, recoveryFile), report, 0o600); err != nil {
		return nil, fmt.Errorf("rebuild the database: %w", diskErr(err))
	}
	if err := os.Rename(dbDir, rec.Kept); err != nil {
		return nil, fmt.Errorf("keep the damaged database aside: %w", diskErr(err))
	}
	if err := os.Rename(rebuild, dbDir); err != nil {
		// finishRebuild puts it in place at the next open.
		swapped = true
		return nil, fmt.Errorf("put the rebuilt database in place: %w", diskErr(err))
	}
	swapped = true
	if err := durable.SyncDir(dir); err != nil {
		return nil, fmt.Errorf("put the rebuilt database in place: %w", diskErr(err))
	}
	return rec, nil
}

// finishRebuild completes a salvage a crash interrupted: a rebuilt
// database whose swap did not happen is put in place (the damaged one
// was already kept aside), and a rebuild cut short is removed (the damaged
// database is still in place, and the salvage runs again).
func finishRebuild(dir string) error {
	rebuild := filepath.Join(dir, rebuildDir)
	if _, err := os.Stat(rebuild); err != nil {
		return nil
	}
	dbDir := filepath.Join(dir, "db")
	if _, err := os.Stat(dbDir); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(rebuild, dbDir); err != nil {
			return fmt.Errorf("put the rebuilt database in place: %w", diskErr(err))
		}
		return durable.SyncDir(dir)
	}
	return os.RemoveAll(rebuild)
}

// Recovery returns the report of a rebuild of the database after its files
// were found damaged, until DismissRecovery; nil when there is none.
func (s *DB) Recovery() *fielddesk.Recovery {
	b, err := os.ReadFile(filepath.Join(s.dir, recoveryFile))
	if err != nil {
		return nil
	}
	var r fielddesk.Recovery
	if json.Unmarshal(b, &r) != nil {
		return nil
	}
	return &r
}

// DismissRecovery forgets the report once the person has read it (the
// damaged files stay where the report said).
func (s *DB) DismissRecovery() error {
	err := os.Remove(filepath.Join(s.dir, recoveryFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("forget the rebuild's report: %w", diskErr(err))
	}
	return nil
}
