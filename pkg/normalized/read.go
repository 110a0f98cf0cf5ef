package normalized

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"
)

// ReadBatchRows is the number of rows Read hands to its callback at a time
// (the last batch may be shorter).
const ReadBatchRows = 1024

// Verify reads the whole file back with parquet-go before it is published:
// the size and SHA-256 must match f, the schema must equal
// parquet.SchemaOf(new(T)) (names, order, physical and logical types,
// optionality), the footer's row count and the rows actually decoded must
// equal f.Rows, and every page must decode (parquet-go checks the page CRCs).
//
// Every page of every column chunk is read, CRC-checked, decompressed and
// decoded (levels and values) into parquet-go's column buffers; each chunk
// must then hold exactly its row group's rows, the value count of its
// footer, no null in a required column and, where the footer records one,
// the null count of its statistics. Column chunks are verified concurrently,
// one goroutine per available CPU (GOMAXPROCS). Decoding columns is what
// reading rows into T does, without building the structs.
func Verify[T any](f File) error {
	fh, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("verifying %s: %w", f.Path, err)
	}
	defer fh.Close()

	sum := sha256.New()
	n, err := io.Copy(sum, fh)
	if err != nil {
		return fmt.Errorf("verifying %s: hashing: %w", f.Path, err)
	}
	if n != f.Bytes {
		return fmt.Errorf("verifying %s: size is %d bytes, want %d", f.Path, n, f.Bytes)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != f.SHA256 {
		return fmt.Errorf("verifying %s: sha256 is %s, want %s", f.Path, got, f.SHA256)
	}

	pf, err := parquet.OpenFile(fh, n)
	if err != nil {
		return fmt.Errorf("verifying %s: opening parquet: %w", f.Path, err)
	}
	want := parquet.SchemaOf(new(T))
	if !parquet.EqualNodes(pf.Schema(), want) {
		return fmt.Errorf("verifying %s: schema differs from %s:\nfile: %s\nwant: %s", f.Path, want.Name(), pf.Schema(), want)
	}
	if pf.NumRows() != f.Rows {
		return fmt.Errorf("verifying %s: footer says %d rows, want %d", f.Path, pf.NumRows(), f.Rows)
	}
	var groupRows int64
	for _, rg := range pf.RowGroups() {
		groupRows += rg.NumRows()
	}
	if groupRows != f.Rows {
		return fmt.Errorf("verifying %s: row groups hold %d rows, want %d", f.Path, groupRows, f.Rows)
	}
	read, err := verifyPages(pf)
	if err != nil {
		return fmt.Errorf("verifying %s: %w", f.Path, err)
	}
	if read != f.Rows {
		return fmt.Errorf("verifying %s: decoded %d rows, want %d", f.Path, read, f.Rows)
	}
	return nil
}

// chunkTask is one column chunk for verifyPages.
type chunkTask struct {
	group, column int
	rows          int64
	required      bool
	name          string
	chunk         parquet.ColumnChunk
}

// verifyPages decodes every page of every column chunk of pf, concurrently,
// and returns the rows decoded (the rows of every column chunk of a row
// group must agree, so this is counted from the first column). The error
// returned is the one of the first failing chunk in file order, so it does
// not depend on scheduling.
func verifyPages(pf *parquet.File) (int64, error) {
	leaves := pf.Schema().Columns()
	var tasks []chunkTask
	for g, rg := range pf.RowGroups() {
		chunks := rg.ColumnChunks()
		if len(chunks) != len(leaves) {
			return 0, fmt.Errorf("row group %d has %d column chunks, the schema %d columns", g, len(chunks), len(leaves))
		}
		for c, cc := range chunks {
			leaf, _ := pf.Schema().Lookup(leaves[c]...)
			tasks = append(tasks, chunkTask{
				group: g, column: c, rows: rg.NumRows(), chunk: cc,
				required: leaf.MaxDefinitionLevel == 0 && leaf.MaxRepetitionLevel == 0,
				name:     strings.Join(leaves[c], "."),
			})
		}
	}
	errs := make([]error, len(tasks))
	var next, failed atomic.Int64
	failed.Store(int64(len(tasks)))
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(tasks) || int64(i) > failed.Load() {
				return
			}
			if errs[i] = verifyChunk(&tasks[i]); errs[i] != nil {
				for {
					old := failed.Load()
					if int64(i) >= old || failed.CompareAndSwap(old, int64(i)) {
						break
					}
				}
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(tasks))
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	var rows int64
	for _, t := range tasks {
		if t.column == 0 {
			rows += t.rows
		}
	}
	return rows, nil
}

// verifyChunk decodes every page of one column chunk and checks its counts.
func verifyChunk(t *chunkTask) (err error) {
	defer func() {
		if p := recover(); p != nil { // parquet-go panics on some corrupt pages
			err = fmt.Errorf("row group %d column %s: decoding pages: %v", t.group, t.name, p)
		}
	}()
	pages := t.chunk.Pages()
	defer pages.Close()
	var rows, values, nulls int64
	for {
		page, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("row group %d column %s: reading page after row %d: %w", t.group, t.name, rows, err)
		}
		rows += page.NumRows()
		values += page.NumValues()
		nulls += page.NumNulls()
		parquet.Release(page)
	}
	switch {
	case rows != t.rows:
		return fmt.Errorf("row group %d column %s: decoded %d rows, the row group has %d", t.group, t.name, rows, t.rows)
	case values != t.chunk.NumValues():
		return fmt.Errorf("row group %d column %s: decoded %d values, the footer says %d", t.group, t.name, values, t.chunk.NumValues())
	case t.required && nulls != 0:
		return fmt.Errorf("row group %d column %s: %d nulls in a required column", t.group, t.name, nulls)
	}
	if fc, ok := t.chunk.(*parquet.FileColumnChunk); ok && fc.NullCount() != nulls {
		return fmt.Errorf("row group %d column %s: decoded %d nulls, the footer says %d", t.group, t.name, nulls, fc.NullCount())
	}
	return nil
}

// Read streams the rows of a Parquet object to batch, ReadBatchRows at a
// time, in file order. Only the columns of T are read (pages of other columns
// are never fetched), so T may be a narrower struct holding a subset of the
// file's columns. Each column of T must have the file's physical and logical
// type, and may be required only where the file's is; an optional column of T
// missing from the file reads as null. Anything else is an error naming the
// column (parquet-go would otherwise convert values silently).
//
// The slice passed to batch is reused for the next batch; the values in it
// (strings, pointers) are not, so rows may be copied out and kept. An error
// returned by batch stops the read and is returned as is.
func Read[T any](r io.ReaderAt, size int64, batch func([]T) error) error {
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return fmt.Errorf("opening parquet: %w", err)
	}
	return readFile(pf, batch)
}

func readFile[T any](pf *parquet.File, batch func([]T) error) (err error) {
	rd, err := newReader[T](pf)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := rd.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing parquet reader: %w", cerr)
		}
	}()
	buf := make([]T, ReadBatchRows)
	var total int64
	for {
		clear(buf) // the reader must not write into values the caller kept
		n, rerr := rd.Read(buf)
		if n > 0 {
			total += int64(n)
			if berr := batch(buf[:n]); berr != nil {
				return berr
			}
		}
		if errors.Is(rerr, io.EOF) {
			if total != pf.NumRows() {
				return fmt.Errorf("reading parquet rows: got %d rows, footer says %d", total, pf.NumRows())
			}
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("reading parquet rows after row %d: %w", total, rerr)
		}
		if n == 0 {
			return fmt.Errorf("reading parquet rows after row %d: no progress", total)
		}
	}
}

// newReader opens a typed reader. It refuses a T whose columns do not match
// the file's (parquet-go would silently convert, say, an int32 column into a
// string field), and turns parquet-go's panics into an error.
func newReader[T any](pf *parquet.File) (rd *parquet.GenericReader[T], err error) {
	if err := compatible(parquet.SchemaOf(new(T)), pf.Schema()); err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			rd, err = nil, fmt.Errorf("reading parquet as %T: %v", *new(T), p)
		}
	}()
	return parquet.NewGenericReader[T](pf), nil
}

// compatible checks that every column of want can be read from the file
// schema: same physical and logical type, and not required in want where the
// file may hold nulls. A column missing from the file is allowed when it is
// optional in want (it reads as null), so a newer row type with an added
// optional column can read older files.
func compatible(want, file *parquet.Schema) error {
	for _, path := range want.Columns() {
		if err := compatibleColumn(want, file, path); err != nil {
			return err
		}
	}
	return nil
}

func typeString(t parquet.Type) string {
	if lt := t.LogicalType(); lt != nil {
		return t.Kind().String() + " " + lt.String()
	}
	return t.Kind().String()
}
