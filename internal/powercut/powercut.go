//go:build linux

// Package powercut mounts, for tests, a file system that loses what a power
// cut loses: like the LazyFS tool, it passes every change of the namespace
// (create, rename, unlink, mkdir) to a backing folder at once, but keeps
// written file data in its own memory until the file is flushed (fsync,
// fdatasync, msync), and Cut throws away everything not flushed. A SIGKILL
// cannot show a missing flush (the kernel's page cache survives it); this
// can. With SizesToo, a size set by truncate is also kept back until a
// flush (POSIX allows that, and LazyFS models it).
//
// Mounting needs FUSE and root (CI runs as root). Only tests import it.
package powercut

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

const pageSize = 4096

// Model says what a cut loses.
type Model int

const (
	// DataOnly loses file data not flushed; sizes set by truncate stay.
	DataOnly Model = iota
	// SizesToo also loses sizes set by truncate and not flushed.
	SizesToo
)

func (m Model) String() string {
	if m == SizesToo {
		return "data and sizes"
	}
	return "data"
}

// FS is a mounted power-cut file system.
type FS struct {
	model   Model
	backing string
	mnt     string

	mu     sync.Mutex
	dirty  map[uint64]*dirtyFile // by inode: what was written, not flushed
	cut    bool
	server *fuse.Server
	stats  Stats
}

// Stats counts what the file system saw.
type Stats struct {
	Flushes int   // fsyncs (of files) that wrote something
	Lost    int64 // bytes thrown away by cuts
}

type dirtyFile struct {
	pages map[int64][]byte // page index -> pageSize bytes, not yet flushed
	size  int64            // the file's size as its readers see it
	// onDisk is the backing file's size (what survives a cut).
	onDisk int64
}

// Mount mounts a new power-cut file system on a temporary folder and
// returns it; it is unmounted when the test ends. Without root or FUSE it
// skips the test (CI runs as root, where it always runs).
func Mount(t testing.TB, model Model) *FS {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a FUSE file system needs root (CI runs as root)")
	}
	if _, err := os.Stat("/dev/fuse"); err != nil {
		t.Skip("no /dev/fuse on this machine")
	}
	f := &FS{model: model, backing: t.TempDir(), dirty: map[uint64]*dirtyFile{}}
	mnt, err := os.MkdirTemp("", "fielddesk-powercut-")
	if err != nil {
		t.Fatal(err)
	}
	f.mnt = mnt
	if err := f.mount(); err != nil {
		t.Fatalf("mount the power-cut file system: %v", err)
	}
	t.Cleanup(func() {
		f.mu.Lock()
		srv := f.server
		f.mu.Unlock()
		if srv != nil {
			unmount(srv)
		}
		os.Remove(mnt)
	})
	return f
}

// Dir is where the file system is mounted.
func (f *FS) Dir() string { return f.mnt }

// Stats says what the file system saw so far.
func (f *FS) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

// Cut cuts the power: from now on every write, flush and change of the
// namespace fails with EIO, as on a machine that stopped. Kill the
// processes using the file system, then call Restore.
func (f *FS) Cut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cut = true
}

// Restore brings the power back: it unmounts (the processes using the file
// system must be gone), throws away what was not flushed, and mounts again
// at the same place. It returns the bytes thrown away.
func (f *FS) Restore() (int64, error) {
	f.mu.Lock()
	srv := f.server
	f.cut = true
	f.mu.Unlock()
	if err := unmount(srv); err != nil {
		return 0, err
	}
	f.mu.Lock()
	var lost int64
	for _, d := range f.dirty {
		lost += int64(len(d.pages)) * pageSize
	}
	f.stats.Lost += lost
	f.dirty = map[uint64]*dirtyFile{}
	f.cut = false
	f.mu.Unlock()
	return lost, f.mount()
}

func unmount(srv *fuse.Server) error {
	var err error
	for range 100 {
		if err = srv.Unmount(); err == nil {
			srv.Wait()
			return nil
		}
		time.Sleep(20 * time.Millisecond) // a killed process's files are still closing
	}
	return fmt.Errorf("unmount: %w", err)
}

func (f *FS) mount() error {
	root := &fs.LoopbackRoot{Path: f.backing}
	var st syscall.Stat_t
	if err := syscall.Stat(f.backing, &st); err != nil {
		return err
	}
	root.Dev = uint64(st.Dev)
	root.NewNode = func(r *fs.LoopbackRoot, parent *fs.Inode, name string, st *syscall.Stat_t) fs.InodeEmbedder {
		return &node{LoopbackNode: fs.LoopbackNode{RootData: r}, fs: f}
	}
	rootNode := root.NewNode(root, nil, "", &st)
	root.RootNode = rootNode
	zero := time.Duration(0)
	srv, err := fs.Mount(f.mnt, rootNode, &fs.Options{
		EntryTimeout:    &zero,
		AttrTimeout:     &zero,
		NegativeTimeout: &zero,
		MountOptions: fuse.MountOptions{
			AllowOther: true,
			FsName:     "fielddesk-powercut",
			Name:       "powercut",
			// Writes reach the file system at once (no writeback cache in
			// the kernel; mapped pages at msync), so what is not flushed is
			// here, and a cut loses it.
		},
	})
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.server = srv
	f.mu.Unlock()
	return nil
}

// refuse is EIO once the power is cut.
func (f *FS) refuse() syscall.Errno {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cut {
		return syscall.EIO
	}
	return 0
}

// node is a loopback node whose files keep their data back until flushed.
type node struct {
	fs.LoopbackNode
	fs *FS
}

func (n *node) ino() uint64 { return n.StableAttr().Ino }

func (n *node) path() string {
	return filepath.Join(n.RootData.Path, n.Path(n.Root()))
}

func (n *node) wrap(h fs.FileHandle, ino uint64, path string) fs.FileHandle {
	return &file{FileHandle: h, fs: n.fs, ino: ino, path: path}
}

func (n *node) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	if flags&(syscall.O_WRONLY|syscall.O_RDWR|syscall.O_TRUNC) != 0 {
		if e := n.fs.refuse(); e != 0 {
			return nil, 0, e
		}
	}
	if flags&syscall.O_TRUNC != 0 {
		// An open that truncates is a truncate.
		if e := n.fs.truncate(n.ino(), n.path(), 0); e != 0 {
			return nil, 0, e
		}
		flags &^= syscall.O_TRUNC
	}
	h, fl, e := n.LoopbackNode.Open(ctx, flags)
	if e != 0 {
		return nil, 0, e
	}
	return n.wrap(h, n.ino(), n.path()), fl, 0
}

func (n *node) Create(ctx context.Context, name string, flags uint32, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	if e := n.fs.refuse(); e != 0 {
		return nil, nil, 0, e
	}
	ch, h, fl, e := n.LoopbackNode.Create(ctx, name, flags, mode, out)
	if e != 0 {
		return nil, nil, 0, e
	}
	n.fs.forget(ch.StableAttr().Ino) // a new file under a reused inode number
	return ch, n.wrap(h, ch.StableAttr().Ino, filepath.Join(n.path(), name)), fl, 0
}

// Lookup answers with the size readers see: the kernel takes a file's size
// from every answer that carries attributes.
func (n *node) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	ch, e := n.LoopbackNode.Lookup(ctx, name, out)
	if e != 0 {
		return nil, e
	}
	n.fs.seenSize(ch.StableAttr().Ino, &out.Attr)
	return ch, 0
}

func (n *node) Getattr(ctx context.Context, h fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	if fh, ok := h.(*file); ok {
		return fh.Getattr(ctx, out)
	}
	if e := n.LoopbackNode.Getattr(ctx, nil, out); e != 0 {
		return e
	}
	n.fs.seenSize(n.ino(), &out.Attr)
	return 0
}

func (n *node) Setattr(ctx context.Context, h fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if e := n.fs.refuse(); e != 0 {
		return e
	}
	if sz, ok := in.GetSize(); ok {
		if e := n.fs.truncate(n.ino(), n.path(), int64(sz)); e != 0 {
			return e
		}
		in.Valid &^= fuse.FATTR_SIZE
	}
	var inner fs.FileHandle
	if fh, ok := h.(*file); ok {
		inner = fh.FileHandle
	}
	if e := n.LoopbackNode.Setattr(ctx, inner, in, out); e != 0 {
		return e
	}
	n.fs.seenSize(n.ino(), &out.Attr)
	return 0
}

func (n *node) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if e := n.fs.refuse(); e != 0 {
		return nil, e
	}
	return n.LoopbackNode.Mkdir(ctx, name, mode, out)
}

func (n *node) Rmdir(ctx context.Context, name string) syscall.Errno {
	if e := n.fs.refuse(); e != 0 {
		return e
	}
	return n.LoopbackNode.Rmdir(ctx, name)
}

func (n *node) Unlink(ctx context.Context, name string) syscall.Errno {
	if e := n.fs.refuse(); e != 0 {
		return e
	}
	var gone uint64
	if ch := n.GetChild(name); ch != nil {
		gone = ch.StableAttr().Ino
	}
	if e := n.LoopbackNode.Unlink(ctx, name); e != 0 {
		return e
	}
	n.fs.forget(gone)
	return 0
}

func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	if e := n.fs.refuse(); e != 0 {
		return e
	}
	var replaced uint64
	if ch := newParent.EmbeddedInode().GetChild(newName); ch != nil {
		replaced = ch.StableAttr().Ino
	}
	if e := n.LoopbackNode.Rename(ctx, name, newParent, newName, flags); e != 0 {
		return e
	}
	n.fs.forget(replaced)
	return 0
}

// The dirty-data bookkeeping.

func (f *FS) forget(ino uint64) {
	if ino == 0 {
		return
	}
	f.mu.Lock()
	delete(f.dirty, ino)
	f.mu.Unlock()
}

// seenSize puts the size readers see (with unflushed writes) into attr.
func (f *FS) seenSize(ino uint64, attr *fuse.Attr) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d := f.dirty[ino]; d != nil {
		attr.Size = uint64(d.size)
		attr.Blocks = (attr.Size + 511) / 512
	}
}

// dirtyOf returns the file's unflushed state, making it from the backing
// file on the first write. f.mu is held.
func (f *FS) dirtyOf(ino uint64, path string) (*dirtyFile, error) {
	if d := f.dirty[ino]; d != nil {
		return d, nil
	}
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return nil, err
	}
	d := &dirtyFile{pages: map[int64][]byte{}, size: st.Size, onDisk: st.Size}
	f.dirty[ino] = d
	return d, nil
}

// page returns page i of a dirty file for writing, read from the backing
// file the first time. f.mu is held.
func (d *dirtyFile) page(i int64, backing *os.File) []byte {
	if p := d.pages[i]; p != nil {
		return p
	}
	p := make([]byte, pageSize)
	if i*pageSize < d.onDisk && backing != nil {
		backing.ReadAt(p, i*pageSize) // short at the end: the rest stays zero
	}
	if end := d.size - i*pageSize; end < pageSize {
		clear(p[max(end, 0):]) // bytes past the size readers see are zero
	}
	d.pages[i] = p
	return p
}

func (f *FS) truncate(ino uint64, path string, size int64) syscall.Errno {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.model == DataOnly {
		if err := os.Truncate(path, size); err != nil {
			return fs.ToErrno(err)
		}
		if d := f.dirty[ino]; d != nil {
			d.onDisk = size
			d.resize(size)
		}
		return 0
	}
	d, err := f.dirtyOf(ino, path)
	if err != nil {
		return fs.ToErrno(err)
	}
	d.resize(size)
	return 0
}

// resize sets the size readers see, dropping pages past it and zeroing
// the tail of the last one.
func (d *dirtyFile) resize(size int64) {
	for i, p := range d.pages {
		switch {
		case i*pageSize >= size:
			delete(d.pages, i)
		case (i+1)*pageSize > size:
			clear(p[size-i*pageSize:])
		}
	}
	if size > d.size && d.size < d.onDisk {
		// Growing again over bytes the backing file still has past the
		// old size: readers must see zeros there, so those pages are made.
		for i := d.size / pageSize; i*pageSize < min(size, d.onDisk); i++ {
			if d.pages[i] == nil {
				p := make([]byte, pageSize)
				d.pages[i] = p
			}
		}
	}
	d.size = size
}

// file is an open file whose writes stay in memory until it is flushed.
type file struct {
	fs.FileHandle
	fs   *FS
	ino  uint64
	path string // where the backing file was when opened (for reads of it)
}

func (h *file) backing() (*os.File, error) {
	return os.Open(fmt.Sprintf("/proc/self/fd/%d", h.fd()))
}

func (h *file) fd() int {
	fd, _ := h.FileHandle.(fs.FilePassthroughFder).PassthroughFd()
	return fd
}

func (h *file) Release(ctx context.Context) syscall.Errno {
	return h.FileHandle.(fs.FileReleaser).Release(ctx)
}

func (h *file) Flush(ctx context.Context) syscall.Errno {
	return h.FileHandle.(fs.FileFlusher).Flush(ctx)
}

func (h *file) Read(ctx context.Context, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	h.fs.mu.Lock()
	d := h.fs.dirty[h.ino]
	if d == nil {
		h.fs.mu.Unlock()
		n, err := syscall.Pread(h.fd(), dest, off)
		if err != nil {
			return nil, fs.ToErrno(err)
		}
		return fuse.ReadResultData(dest[:n]), 0
	}
	defer h.fs.mu.Unlock()
	if off >= d.size {
		return fuse.ReadResultData(nil), 0
	}
	n := min(int64(len(dest)), d.size-off)
	out := dest[:n]
	for done := int64(0); done < n; {
		at := off + done
		i, in := at/pageSize, at%pageSize
		chunk := min(pageSize-in, n-done)
		if p := d.pages[i]; p != nil {
			copy(out[done:done+chunk], p[in:in+chunk])
		} else {
			part := out[done : done+chunk]
			clear(part)
			if at < d.onDisk {
				syscall.Pread(h.fd(), part[:min(chunk, d.onDisk-at)], at)
			}
		}
		done += chunk
	}
	return fuse.ReadResultData(out), 0
}

func (h *file) Write(ctx context.Context, data []byte, off int64) (uint32, syscall.Errno) {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if h.fs.cut {
		return 0, syscall.EIO
	}
	d, err := h.fs.dirtyOf(h.ino, fmt.Sprintf("/proc/self/fd/%d", h.fd()))
	if err != nil {
		return 0, fs.ToErrno(err)
	}
	b, _ := h.backing()
	defer func() {
		if b != nil {
			b.Close()
		}
	}()
	if end := off + int64(len(data)); end > d.size {
		old := d.size
		d.size = end
		// Bytes between the old end and off read as zeros.
		for i := old / pageSize; i*pageSize < off && i*pageSize < d.onDisk; i++ {
			p := d.page(i, b)
			from := max(old-i*pageSize, 0)
			to := min(off-i*pageSize, pageSize)
			if from < to {
				clear(p[from:to])
			}
		}
	}
	for done := 0; done < len(data); {
		at := off + int64(done)
		i, in := at/pageSize, at%pageSize
		p := d.page(i, b)
		done += copy(p[in:], data[done:])
	}
	return uint32(len(data)), 0
}

// Fsync writes the file's unflushed pages and size to the backing file
// and flushes it: from now on a cut keeps them.
func (h *file) Fsync(ctx context.Context, flags uint32) syscall.Errno {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if h.fs.cut {
		return syscall.EIO
	}
	d := h.fs.dirty[h.ino]
	if d == nil {
		return 0
	}
	w, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", h.fd()), os.O_WRONLY, 0)
	if err != nil {
		return fs.ToErrno(err)
	}
	defer w.Close()
	for i, p := range d.pages {
		n := min(int64(pageSize), d.size-i*pageSize)
		if n <= 0 {
			continue
		}
		if _, err := w.WriteAt(p[:n], i*pageSize); err != nil {
			return fs.ToErrno(err)
		}
	}
	if err := w.Truncate(d.size); err != nil {
		return fs.ToErrno(err)
	}
	if err := w.Sync(); err != nil {
		return fs.ToErrno(err)
	}
	delete(h.fs.dirty, h.ino)
	h.fs.stats.Flushes++
	return 0
}

func (h *file) Getattr(ctx context.Context, out *fuse.AttrOut) syscall.Errno {
	if g, ok := h.FileHandle.(fs.FileGetattrer); ok {
		if e := g.Getattr(ctx, out); e != 0 {
			return e
		}
	}
	h.fs.seenSize(h.ino, &out.Attr)
	return 0
}

func (h *file) Setattr(ctx context.Context, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if e := h.fs.refuse(); e != 0 {
		return e
	}
	if sz, ok := in.GetSize(); ok {
		if e := h.fs.truncate(h.ino, fmt.Sprintf("/proc/self/fd/%d", h.fd()), int64(sz)); e != 0 {
			return e
		}
		in.Valid &^= fuse.FATTR_SIZE
	}
	if s, ok := h.FileHandle.(fs.FileSetattrer); ok {
		if e := s.Setattr(ctx, in, out); e != 0 {
			return e
		}
	}
	h.fs.seenSize(h.ino, &out.Attr)
	return 0
}

// Allocate (fallocate) is refused: callers fall back to writing.
func (h *file) Allocate(ctx context.Context, off uint64, size uint64, mode uint32) syscall.Errno {
	return syscall.EOPNOTSUPP
}
