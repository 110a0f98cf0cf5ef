package normalized

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// Sizes of the hand-over between AsyncWriter.Write and its goroutine.
const (
	// AsyncBatchRows is the number of rows AsyncWriter hands to its
	// goroutine at a time.
	AsyncBatchRows = 512
	// asyncQueue is the number of full batches that may wait for the
	// goroutine; with the batch being filled and the one being written, at
	// most asyncQueue+2 batches exist, which bounds the memory.
	asyncQueue = 4
)

// AsyncWriter is a Writer whose Parquet encoding and compression run in a
// goroutine of its own, so that a caller parsing an export and the encoder
// use two cores. Rows are handed over in batches of AsyncBatchRows through
// a bounded queue: when the encoder falls behind, Write blocks, so memory
// stays bounded whatever the size of the export.
//
// The files are deterministic: the same rows in the same order give the
// same bytes, and the same row groups as Writer (rows are written in
// batches, so page boundaries may differ from Writer's).
//
// Unlike Writer.Write, Write keeps a shallow copy of the row until the row
// is encoded: the caller may reuse the row itself, but not the values its
// pointers point to (pkg/ingest's readers allocate those afresh for every
// row). Close or Abort must be called to stop the goroutine. An AsyncWriter
// is not safe for concurrent use.
type AsyncWriter[T any] struct {
	w      *Writer[T] // owned by the goroutine until it exits
	times  []timeField
	each   func(*T) // see OnWrite
	batch  []T
	work   chan []T // full batches for the goroutine
	free   chan []T // written batches, for reuse
	exited chan struct{}
	err    atomic.Pointer[error] // the goroutine's first error
	stop   atomic.Bool           // set by Abort: the goroutine skips what is queued
	closed bool                  // Close or Abort was called
	ended  bool                  // work is closed
}

// NewAsyncWriter returns an AsyncWriter whose rows go to the partition
// monthOf returns ("YYYY-MM"); monthOf is called from the goroutine.
// Files are created in opt.Dir when a month's first row is encoded.
func NewAsyncWriter[T any](opt Options, monthOf func(*T) string) *AsyncWriter[T] {
	w := NewWriter(opt, monthOf)
	a := &AsyncWriter[T]{
		w:      w,
		times:  w.times,
		work:   make(chan []T, asyncQueue),
		free:   make(chan []T, asyncQueue+2),
		exited: make(chan struct{}),
	}
	go a.run()
	return a
}

// OnWrite sets fn to be called from the goroutine for every row, in order,
// just before the row is encoded; rows that Write refuses never reach it.
// It lets a caller move per-row work such as DupFinder.Add off its own
// goroutine. It must be called before the first Write.
func (a *AsyncWriter[T]) OnWrite(fn func(*T)) { a.each = fn }

// Write queues one row for its month's file.
//
// A row with a timestamp outside the years 1678-2261 is refused at once with
// a *TimeRangeError, exactly as by Writer.Write: the row is not written and
// the AsyncWriter stays usable. Any other error (a bad partition month, a
// failed file write) happens in the goroutine and is returned by a later
// Write, or by Close; the AsyncWriter is then unusable and Close removes
// the files.
func (a *AsyncWriter[T]) Write(row *T) error {
	if a.closed {
		return errors.New("writing parquet row: writer is closed")
	}
	if err := a.err.Load(); err != nil {
		return *err
	}
	if err := checkTimes(row, a.times); err != nil {
		return err
	}
	if a.batch == nil {
		select {
		case b := <-a.free:
			a.batch = b[:0]
		default:
			a.batch = make([]T, 0, AsyncBatchRows)
		}
	}
	a.batch = append(a.batch, *row)
	if len(a.batch) == cap(a.batch) {
		a.work <- a.batch
		a.batch = nil
	}
	return nil
}

// run encodes the queued batches until work is closed.
func (a *AsyncWriter[T]) run() {
	defer close(a.exited)
	for b := range a.work {
		if a.err.Load() == nil && !a.stop.Load() {
			if err := a.write(b); err != nil {
				a.err.Store(&err)
			}
		}
		clear(b) // drop references into the caller's rows
		select {
		case a.free <- b:
		default:
		}
	}
}

// write writes one batch; a panic (in the encoder or in the OnWrite
// function) becomes the Writer's error.
func (a *AsyncWriter[T]) write(rows []T) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("writing parquet rows: %v", p)
			a.w.err = err
		}
	}()
	if a.each != nil {
		for i := range rows {
			a.each(&rows[i])
		}
	}
	return a.w.writeRows(rows)
}

// end hands over the last batch (unless aborting), and waits for the
// goroutine to finish.
func (a *AsyncWriter[T]) end(flush bool) {
	if a.ended {
		return
	}
	a.ended = true
	if flush && len(a.batch) > 0 {
		a.work <- a.batch
	}
	a.batch = nil
	close(a.work)
	<-a.exited
}

// Close writes the queued rows, finishes every partition's file and returns
// them sorted by Month, like Writer.Close. The files are not yet verified:
// call Verify on each before publishing. On error every file is removed.
func (a *AsyncWriter[T]) Close() ([]File, error) {
	if a.closed {
		return nil, errors.New("closing parquet writer: already closed")
	}
	a.closed = true
	a.end(true)
	return a.w.Close()
}

// Abort drops the queued rows, stops the goroutine and removes every
// temporary file. It may be called at any time, also after Close (then it
// removes the returned files) and more than once.
func (a *AsyncWriter[T]) Abort() {
	a.closed = true
	a.stop.Store(true)
	a.end(false)
	a.w.Abort()
}
