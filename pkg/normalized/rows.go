package normalized

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"
)

// NumRows returns the number of rows in a Parquet file from its footer,
// without reading any page (to size buffers before Read).
func NumRows(r io.ReaderAt, size int64) (int64, error) {
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return 0, fmt.Errorf("opening parquet file: %w", err)
	}
	return f.NumRows(), nil
}

// ReadConcurrent is Read with the row groups decoded on up to workers
// goroutines (decoding rows is CPU-bound; a file holds one row group per
// DefaultRowGroupRows rows). batch is never called concurrently, but the
// batches come in no particular order, so use it only where row order does
// not matter. The same column checks as Read apply, and the rows read must
// add up to the footer's count.
func ReadConcurrent[T any](r io.ReaderAt, size int64, workers int, batch func([]T) error) error {
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return fmt.Errorf("opening parquet: %w", err)
	}
	if err := compatible(parquet.SchemaOf(new(T)), pf.Schema()); err != nil {
		return err
	}
	groups := pf.RowGroups()
	workers = max(1, min(workers, len(groups)))
	var (
		mu    sync.Mutex
		total int64
		next  atomic.Int64
		errs  = make([]error, len(groups))
		wg    sync.WaitGroup
	)
	work := func() {
		buf := make([]T, ReadBatchRows)
		for {
			g := int(next.Add(1) - 1)
			if g >= len(groups) {
				return
			}
			if errs[g] = readGroup(groups[g], buf, func(rows []T) error {
				mu.Lock()
				defer mu.Unlock()
				total += int64(len(rows))
				return batch(rows)
			}); errs[g] != nil {
				next.Store(int64(len(groups))) // stop the others early
				return
			}
		}
	}
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			return fmt.Errorf("row group %d: %w", g, err)
		}
	}
	if total != pf.NumRows() {
		return fmt.Errorf("reading parquet rows: got %d rows, footer says %d", total, pf.NumRows())
	}
	return nil
}

func readGroup[T any](rg parquet.RowGroup, buf []T, batch func([]T) error) (err error) {
	defer func() {
		if p := recover(); p != nil { // parquet-go panics on some corrupt pages
			err = fmt.Errorf("reading parquet rows: %v", p)
		}
	}()
	rd := parquet.NewGenericRowGroupReader[T](rg)
	defer rd.Close()
	var n int64
	for {
		clear(buf)
		k, rerr := rd.Read(buf)
		if k > 0 {
			n += int64(k)
			if berr := batch(buf[:k]); berr != nil {
				return berr
			}
		}
		if errors.Is(rerr, io.EOF) {
			if n != rg.NumRows() {
				return fmt.Errorf("got %d rows, the row group has %d", n, rg.NumRows())
			}
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("reading parquet rows after row %d: %w", n, rerr)
		}
		if k == 0 {
			return fmt.Errorf("reading parquet rows after row %d: no progress", n)
		}
	}
}
