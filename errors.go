package fielddesk

import (
	"errors"
	"fmt"
)

// Sentinel errors shared by every implementation of the domain's interfaces.
// Wrap them with context; compare with errors.Is.
var (
	// ErrNotFound means the article, revision or photo does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means input failed validation; the wrapping error says which field.
	ErrInvalid = errors.New("invalid")
	// ErrInUse means the data folder is held by another running FieldDesk.
	ErrInUse = errors.New("data folder in use")
	// ErrNotAllowed means the person's role or the article's state does not
	// allow what was asked (see TransitionError).
	ErrNotAllowed = errors.New("not allowed")
	// ErrIndexBehind means the search index could not be brought up to date
	// with some articles: a search may miss them. The articles themselves
	// are safe; the store keeps trying.
	ErrIndexBehind = errors.New("search index behind")
	// ErrDiskFull means the disk has too little free space for a write;
	// nothing was written and what was saved before is intact. The
	// wrapping *DiskFullError says how much is free and needed.
	ErrDiskFull = errors.New("disk full")
	// ErrReadOnly means the data folder's disk takes no writes (a
	// write-protected card, a disk the system made read-only after
	// errors); what was saved can be read, nothing was written.
	ErrReadOnly = errors.New("the disk is read-only")
	// ErrFileBusy means another program (on Windows, usually an antivirus
	// or a backup tool scanning a new file) held a file FieldDesk had to
	// replace; nothing was written over, and trying again succeeds once it
	// lets go.
	ErrFileBusy = errors.New("a file is held by another program")
	// ErrDiskGone means the disk holding the data folder went away (a USB
	// drive or memory card pulled out); what was saved before is on it.
	ErrDiskGone = errors.New("the disk holding the data folder is not there")
	// ErrUnavailable: a storage server (the newsroom's database, its
	// object store) could not be reached or went away mid-way; nothing
	// was committed, and the same request can be tried again.
	ErrUnavailable = errors.New("storage unavailable")
)

// DiskFullError is a write refused because the disk is (nearly) full.
type DiskFullError struct {
	Free, Need int64 // bytes
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("the disk is full: %s free, FieldDesk needs %s; free some space and saving resumes by itself", megabytes(e.Free), megabytes(e.Need))
}

// Unwrap makes errors.Is(err, ErrDiskFull) true.
func (e *DiskFullError) Unwrap() error { return ErrDiskFull }

func megabytes(n int64) string {
	if n < 10<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// ValidationError lists every problem found in an article, each naming its field.
type ValidationError struct {
	Problems []FieldProblem
}

// FieldProblem is one validation failure: the field and what is wrong with it.
type FieldProblem struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string {
	msg := ""
	for i, p := range e.Problems {
		if i > 0 {
			msg += "; "
		}
		msg += p.Field + ": " + p.Message
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Unwrap() error { return ErrInvalid }
