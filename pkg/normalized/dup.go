package normalized

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/bloom"
	"github.com/parquet-go/parquet-go/bloom/xxhash"
	"github.com/scorecard/scorecard/pkg/schema"
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

func (d *DupFinder) suspect(id string) bool {
	_, ok := d.suspects[id]
	return ok
}

func (d *DupFinder) suspectBytes(id []byte) bool {
	_, ok := d.suspects[string(id)] // no allocation for a map lookup
	return ok
}

// ticketKey is the projection RemoveTicketDuplicates reads in its first pass.
type ticketKey struct {
	TicketID  string `parquet:"ticket_id"`
	SourceRow int64  `parquet:"source_row"`
}

// occurrences of one suspect id across the month files of one export.
type occurrences struct {
	total    int
	last     int64 // largest source_row
	lastFile int   // index of the file holding it
	perFile  []fileCount
}

type fileCount struct{ file, n int }

// RemoveTicketDuplicates applies spec §3.1 ("within one file, a repeated
// ticket_id keeps the last row") to the month files written from one export,
// given the DupFinder that saw every ticket_id written to them.
//
// It re-reads the files (only the ticket_id and source_row columns) to find,
// for each suspect id, every occurrence and the last one: the largest
// source_row across all months. Files holding an earlier occurrence are
// rewritten without it into new temporary files (verified with Verify), and
// the old files are removed; the other files are untouched. A file left with
// no rows is removed and dropped from the list. With no suspects, or only
// false-positive suspects, nothing is rewritten and files is returned as is.
//
// It returns the new file list, sorted by month, and the removed rows (full
// rows, sorted by source_row) for the caller to quarantine as
// duplicate_ticket_id. On error the input files are left in place and any
// new file is removed. Only opt.Dir and the Parquet settings of opt are used.
func RemoveTicketDuplicates(files []File, d *DupFinder, opt Options) ([]File, []schema.Ticket, error) {
	if d.Suspects() == 0 {
		return files, nil, nil
	}

	occ := make(map[string]*occurrences)
	for i, f := range files {
		err := scanTicketKeys(f.Path, d, func(id string, sourceRow int64) {
			o := occ[id]
			if o == nil {
				o = &occurrences{last: sourceRow, lastFile: i}
				occ[id] = o
			}
			o.total++
			if sourceRow > o.last {
				o.last, o.lastFile = sourceRow, i
			}
			if n := len(o.perFile); n > 0 && o.perFile[n-1].file == i {
				o.perFile[n-1].n++
			} else {
				o.perFile = append(o.perFile, fileCount{file: i, n: 1})
			}
		})
		if err != nil {
			return nil, nil, fmt.Errorf("finding duplicate ticket ids: %w", err)
		}
	}

	rewrite := make([]bool, len(files))
	needed := false
	for id, o := range occ {
		if o.total < 2 {
			delete(occ, id) // a false positive of the filter
			continue
		}
		for _, fc := range o.perFile {
			if fc.file != o.lastFile || fc.n > 1 {
				rewrite[fc.file] = true
				needed = true
			}
		}
	}
	if !needed {
		return files, nil, nil
	}

	var (
		out     = make([]File, 0, len(files))
		removed []schema.Ticket
		created []File
		old     []File
	)
	for i, f := range files {
		if !rewrite[i] {
			out = append(out, f)
			continue
		}
		nf, rm, err := rewriteWithout(f, occ, opt)
		if err != nil {
			RemoveFiles(created)
			return nil, nil, err
		}
		removed = append(removed, rm...)
		old = append(old, f)
		if nf != nil {
			created = append(created, *nf)
			out = append(out, *nf)
		}
	}
	if err := RemoveFiles(old); err != nil {
		RemoveFiles(created)
		return nil, nil, fmt.Errorf("removing files with duplicate ticket ids: %w", err)
	}
	sortFiles(out)
	slices.SortStableFunc(removed, func(a, b schema.Ticket) int {
		return cmp.Or(cmp.Compare(a.SourceRow, b.SourceRow), cmp.Compare(a.TicketID, b.TicketID))
	})
	return out, removed, nil
}

// rewriteWithout copies f into a new file without the earlier occurrences of
// the ids in occ. It returns nil for the new file if no row is left.
func rewriteWithout(f File, occ map[string]*occurrences, opt Options) (*File, []schema.Ticket, error) {
	month := f.Month
	w := NewWriter[schema.Ticket](opt, func(*schema.Ticket) string { return month })
	var removed []schema.Ticket
	err := readPath(f.Path, func(rows []schema.Ticket) error {
		for i := range rows {
			r := &rows[i]
			if o := occ[r.TicketID]; o != nil && r.SourceRow < o.last {
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
		return nil, nil, fmt.Errorf("rewriting %s without duplicate ticket ids: %w", f.Path, err)
	}
	nfs, err := w.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("rewriting %s without duplicate ticket ids: %w", f.Path, err)
	}
	var kept int64
	for _, nf := range nfs {
		kept += nf.Rows
	}
	if kept+int64(len(removed)) != f.Rows {
		RemoveFiles(nfs)
		return nil, nil, fmt.Errorf("rewriting %s without duplicate ticket ids: kept %d and removed %d of %d rows", f.Path, kept, len(removed), f.Rows)
	}
	if len(nfs) == 0 {
		return nil, removed, nil
	}
	nf := nfs[0]
	if err := Verify[schema.Ticket](nf); err != nil {
		RemoveFiles(nfs)
		return nil, nil, fmt.Errorf("rewriting %s without duplicate ticket ids: %w", f.Path, err)
	}
	return &nf, removed, nil
}

// scanTicketKeys calls fn, in file order, with the ticket_id and source_row
// of every row of a tickets file whose id is a suspect of d. It decodes only
// the pages of those two columns, straight from parquet-go's column pages
// (no row is assembled): the ids of every row, and the source rows of the
// suspects' rows.
func scanTicketKeys(path string, d *DupFinder, fn func(id string, sourceRow int64)) (err error) {
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
	if err := compatible(parquet.SchemaOf(new(ticketKey)), pf.Schema()); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	idCol, _ := pf.Schema().Lookup("ticket_id")
	rowCol, _ := pf.Schema().Lookup("source_row")
	defer func() {
		if p := recover(); p != nil { // parquet-go panics on some corrupt pages
			err = fmt.Errorf("reading %s: %v", path, p)
		}
	}()
	var hits []int64 // rows of the row group holding a suspect
	var ids []string
	for g, rg := range pf.RowGroups() {
		chunks := rg.ColumnChunks()
		hits, ids = hits[:0], ids[:0]
		n, err := eachPage(chunks[idCol.ColumnIndex], func(page parquet.Page, first int64) error {
			values := page.Data()
			data, offsets := values.ByteArray()
			if int64(len(offsets)) != page.NumValues()+1 || page.NumNulls() != 0 {
				return fmt.Errorf("ticket_id page holds %d offsets for %d values", len(offsets), page.NumValues())
			}
			for i := range len(offsets) - 1 {
				id := data[offsets[i]:offsets[i+1]]
				if d.suspectBytes(id) {
					hits = append(hits, first+int64(i))
					ids = append(ids, string(id))
				}
			}
			return nil
		})
		if err == nil && n != rg.NumRows() {
			err = fmt.Errorf("ticket_id holds %d rows, the row group %d", n, rg.NumRows())
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
				return fmt.Errorf("source_row page holds %d values, want %d", len(rows), page.NumValues())
			}
			for k < len(hits) && hits[k] < first+int64(len(rows)) {
				fn(ids[k], rows[hits[k]-first])
				k++
			}
			return nil
		})
		if err == nil && (n != rg.NumRows() || k != len(hits)) {
			err = fmt.Errorf("source_row holds %d rows, the row group %d", n, rg.NumRows())
		}
		if err != nil {
			return fmt.Errorf("reading %s: row group %d: %w", path, g, err)
		}
	}
	return nil
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
