//go:build windows
// +build windows

/*
 * SPDX-FileCopyrightText: © Hypermode Inc. <hello@hypermode.com>
 * SPDX-License-Identifier: Apache-2.0
 */

package z

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// mapped remembers, for each mapping's first byte, the file it maps, so
// that msync can flush that file's buffers too: FlushViewOfFile only
// starts writing the dirty pages; FlushFileBuffers on the file waits for
// them (and the file's metadata) to reach the disk. (FieldDesk's patch: the
// upstream msync was an empty stub, so SyncWrites flushed nothing.)
var mapped sync.Map // uintptr (first byte) -> mapping

type mapping struct {
	file syscall.Handle
	size uintptr
}

// mappedFile is the file whose writable mapping holds addr.
func mappedFile(addr uintptr) (syscall.Handle, bool) {
	if m, ok := mapped.Load(addr); ok {
		return m.(mapping).file, true
	}
	var h syscall.Handle
	found := false
	mapped.Range(func(k, v any) bool {
		start, m := k.(uintptr), v.(mapping)
		if addr >= start && addr < start+m.size {
			h, found = m.file, true
			return false
		}
		return true
	})
	return h, found
}

func mmap(fd *os.File, write bool, size int64) ([]byte, error) {
	protect := syscall.PAGE_READONLY
	access := syscall.FILE_MAP_READ

	if write {
		protect = syscall.PAGE_READWRITE
		access = syscall.FILE_MAP_WRITE
	}
	fi, err := fd.Stat()
	if err != nil {
		return nil, err
	}

	// In windows, we cannot mmap a file more than it's actual size.
	// So truncate the file to the size of the mmap.
	if fi.Size() < size {
		if err := fd.Truncate(size); err != nil {
			return nil, fmt.Errorf("truncate: %s", err)
		}
	}

	// Open a file mapping handle.
	sizelo := uint32(size >> 32)
	sizehi := uint32(size) & 0xffffffff

	handler, err := syscall.CreateFileMapping(syscall.Handle(fd.Fd()), nil,
		uint32(protect), sizelo, sizehi, nil)
	if err != nil {
		return nil, os.NewSyscallError("CreateFileMapping", err)
	}

	// Create the memory map.
	addr, err := syscall.MapViewOfFile(handler, uint32(access), 0, 0, uintptr(size))
	if addr == 0 {
		return nil, os.NewSyscallError("MapViewOfFile", err)
	}

	// Close mapping handle.
	if err := syscall.CloseHandle(syscall.Handle(handler)); err != nil {
		return nil, os.NewSyscallError("CloseHandle", err)
	}
	if write {
		mapped.Store(addr, mapping{file: syscall.Handle(fd.Fd()), size: uintptr(size)})
	}

	// Slice memory layout
	// Copied this snippet from golang/sys package
	var sl = struct {
		addr uintptr
		len  int
		cap  int
	}{addr, int(size), int(size)}

	// Use unsafe to turn sl into a []byte.
	data := *(*[]byte)(unsafe.Pointer(&sl))

	return data, nil
}

func munmap(b []byte) error {
	addr := uintptr(unsafe.Pointer(&b[0]))
	mapped.Delete(addr)
	return syscall.UnmapViewOfFile(addr)
}

func madvise(b []byte, readahead bool) error {
	// Do Nothing. We don’t care about this setting on Windows
	return nil
}

// msync writes the mapping's dirty pages to the file (FlushViewOfFile),
// then waits for the file's buffers to reach the disk (FlushFileBuffers on
// the handle of the file it maps), the sequence Microsoft documents for a
// mapped file that must survive a power loss.
func msync(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	addr := uintptr(unsafe.Pointer(&b[0]))
	if err := syscall.FlushViewOfFile(addr, uintptr(len(b))); err != nil {
		return os.NewSyscallError("FlushViewOfFile", err)
	}
	h, ok := mappedFile(addr)
	if !ok {
		return nil // a read-only mapping: nothing of ours to flush
	}
	if err := syscall.FlushFileBuffers(h); err != nil {
		return os.NewSyscallError("FlushFileBuffers", err)
	}
	return nil
}
