package normalized

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/bloom"
	"github.com/parquet-go/parquet-go/bloom/xxhash"
)

// DefaultDupFinderBits is the Bloom filter size NewDupFinder is meant to be
// called with: 64 Mi bits (8 MiB). Measured false-positive suspects for
// distinct ids: none at 1M, about 100 at 3M, about 2,600 at 5M.
const DefaultDupFinderBits = 64 << 20

// DupFinder flags candidate duplicate ids with a fixed-size Bloom filter while
// rows stream by; the ids that hit the filter (the real duplicates plus a few
// false positives) are remembered exactly. Its memory is the filter plus the
// suspects, not the number of ids. The filter is parquet-go's split-block
// Bloom filter over XXH64, so the suspects are the same on every run.
type DupFinder struct {
	filter   bloom.SplitBlockFilter
	suspects map[string]struct{}
	added    int64
}

// NewDupFinder returns a DupFinder whose filter has bits bits, rounded up to
// whole 256-bit blocks (at least one).
func NewDupFinder(bits uint64) *DupFinder {
	blocks := max((bits+bloom.BlockSize*8-1)/(bloom.BlockSize*8), 1)
	return &DupFinder{
		filter:   make(bloom.SplitBlockFilter, blocks),
		suspects: make(map[string]struct{}),
	}
}

// Add records one occurrence of id. The id is copied if it must be kept.
func (d *DupFinder) Add(id string) {
	d.added++
	h := xxhash.Sum64(unsafe.Slice(unsafe.StringData(id), len(id)))
	if d.filter.Check(h) {
		if _, ok := d.suspects[id]; !ok {
			d.suspects[strings.Clone(id)] = struct{}{}
		}
		return
	}
	d.filter.Insert(h)
}

// Suspects is the number of distinct ids that hit the filter: every id seen
// more than once, and false positives.
func (d *DupFinder) Suspects() int { return len(d.suspects) }

// Added is the number of Add calls.
func (d *DupFinder) Added() int64 { return d.added }

// Suspect reports whether id hit the filter (a repeated id or a false
// positive).
func (d *DupFinder) Suspect(id []byte) bool {
	_, ok := d.suspects[string(id)] // no allocation for a map lookup
	return ok
}

// ScanKeys calls fn, in file order, with the keyColumn (a required string
// column) and rowColumn (a required int64 column) of every row of a local
// Parquet file whose key passes keep. It decodes only the pages of those two
// columns, straight from parquet-go's column pages (no row is assembled):
// the keys of every row, and the row values of the rows kept. It is how a
// de-duplication rule confirms the suspects of a DupFinder without reading
// whole rows back.
func ScanKeys(path, keyColumn, rowColumn string, keep func(key []byte) bool, fn func(key string, row int64)) (err error) {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(fh, st.Size())
	if err != nil {
		return fmt.Errorf("reading %s: opening parquet: %w", path, err)
	}
	idCol, ok := pf.Schema().Lookup(keyColumn)
	if !ok || idCol.Node.Type().Kind() != parquet.ByteArray || idCol.Node.Optional() {
		return fmt.Errorf("reading %s: no required string column %s", path, keyColumn)
	}
	rowCol, ok := pf.Schema().Lookup(rowColumn)
	if !ok || rowCol.Node.Type().Kind() != parquet.Int64 || rowCol.Node.Optional() {
		return fmt.Errorf("reading %s: no required int64 column %s", path, rowColumn)
	}
	defer func() {
		if p := recover(); p != nil { // parquet-go panics on some corrupt pages
			err = fmt.Errorf("reading %s: %v", path, p)
		}
	}()
	var hits []int64 // rows of the row group holding a key kept
	var ids []string
	for g, rg := range pf.RowGroups() {
		chunks := rg.ColumnChunks()
		hits, ids = hits[:0], ids[:0]
		n, err := eachPage(chunks[idCol.ColumnIndex], func(page parquet.Page, first int64) error {
			values := page.Data()
			data, offsets := values.ByteArray()
			if int64(len(offsets)) != page.NumValues()+1 || page.NumNulls() != 0 {
				return fmt.Errorf("%s page holds %d offsets for %d values", keyColumn, len(offsets), page.NumValues())
			}
			for i := range len(offsets) - 1 {
				id := data[offsets[i]:offsets[i+1]]
				if keep(id) {
					hits = append(hits, first+int64(i))
					ids = append(ids, string(id))
				}
			}
			return nil
		})
		if err == nil && n != rg.NumRows() {
			err = fmt.Errorf("%s holds %d rows, the row group %d", keyColumn, n, rg.NumRows())
		}
		if err != nil {
			return fmt.Errorf("reading %s: row group %d: %w", path, g, err)
		}
		if len(hits) == 0 {
			continue
		}
		k := 0
		n, err = eachPage(chunks[rowCol.ColumnIndex], func(page parquet.Page, first int64) error {
			values := page.Data()
			rows := values.Int64()
			if int64(len(rows)) != page.NumValues() || page.NumNulls() != 0 {
				return fmt.Errorf("%s page holds %d values, want %d", rowColumn, len(rows), page.NumValues())
			}
			for k < len(hits) && hits[k] < first+int64(len(rows)) {
				fn(ids[k], rows[hits[k]-first])
				k++
			}
			return nil
		})
		if err == nil && (n != rg.NumRows() || k != len(hits)) {
			err = fmt.Errorf("%s holds %d rows, the row group %d", rowColumn, n, rg.NumRows())
		}
		if err != nil {
			return fmt.Errorf("reading %s: row group %d: %w", path, g, err)
		}
	}
	return nil
}

// Rewrite copies the local file f into a new file of the same month without
// the rows drop reports, and returns the new file (nil when no row is left)
// and the dropped rows in file order. f itself is left in place. The new
// file is not verified: the caller verifies what it publishes, once.
func Rewrite[T any](f File, drop func(*T) bool, opt Options) (*File, []T, error) {
	month := f.Month
	w := NewWriter[T](opt, func(*T) string { return month })
	var removed []T
	err := readPath(f.Path, func(rows []T) error {
		for i := range rows {
			r := &rows[i]
			if drop(r) {
				removed = append(removed, *r)
				continue
			}
			if err := w.Write(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		w.Abort()
		return nil, nil, fmt.Errorf("rewriting %s: %w", f.Path, err)
	}
	nfs, err := w.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("rewriting %s: %w", f.Path, err)
	}
	var kept int64
	for _, nf := range nfs {
		kept += nf.Rows
	}
	if kept+int64(len(removed)) != f.Rows {
		RemoveFiles(nfs)
		return nil, nil, fmt.Errorf("rewriting %s: kept %d and removed %d of %d rows", f.Path, kept, len(removed), f.Rows)
	}
	if len(nfs) == 0 {
		return nil, removed, nil
	}
	return &nfs[0], removed, nil
}

// eachPage calls fn with every page of a column chunk and the index (in the
// row group) of the page's first row, and returns the rows read.
func eachPage(chunk parquet.ColumnChunk, fn func(page parquet.Page, first int64) error) (int64, error) {
	pages := chunk.Pages()
	defer pages.Close()
	var rows int64
	for {
		page, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		err = fn(page, rows)
		rows += page.NumRows()
		parquet.Release(page)
		if err != nil {
			return rows, err
		}
	}
}

// readPath reads a local Parquet file with Read.
func readPath[T any](path string, batch func([]T) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := Read(fh, st.Size(), batch); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
