package normalized

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"
)

// Column names one column for ReadColumns and receives its values. Exactly
// one of the functions must be set, the one of the column's physical type.
// Each is called once per row with the row's index in the file (0-based,
// in file order), its value, and ok = false for a null (the value is then
// the zero value). A required column never passes a null.
//
// The functions of one row group are called from one goroutine, but
// different row groups are decoded concurrently: a function may write to
// the row it is given (say, a field of a preallocated slice element), and
// must synchronise anything else.
type Column struct {
	Name string

	Int64 func(row int, v int64, ok bool) // INT64: integers, timestamps, decimals
	Int32 func(row int, v int32, ok bool) // INT32: integers, dates
	Bool  func(row int, v bool, ok bool)  // BOOLEAN
	// Bytes receives a BYTE_ARRAY value that is valid only during the call
	// (no string is allocated: for values mapped to something else).
	Bytes func(row int, v []byte, ok bool)
	// String receives a BYTE_ARRAY value as a string the callee may keep.
	String func(row int, v string, ok bool)
	// Intern makes the String values of a row group that are equal share
	// one string: for columns with few distinct values (ids of people,
	// source keys), it saves an allocation per row.
	Intern bool
}

func (c *Column) kind() (parquet.Kind, error) {
	var kinds []parquet.Kind
	if c.Int64 != nil {
		kinds = append(kinds, parquet.Int64)
	}
	if c.Int32 != nil {
		kinds = append(kinds, parquet.Int32)
	}
	if c.Bool != nil {
		kinds = append(kinds, parquet.Boolean)
	}
	if c.Bytes != nil {
		kinds = append(kinds, parquet.ByteArray)
	}
	if c.String != nil {
		kinds = append(kinds, parquet.ByteArray)
	}
	if len(kinds) != 1 {
		return 0, fmt.Errorf("column %s: %d value functions set, want 1", c.Name, len(kinds))
	}
	return kinds[0], nil
}

// ReadColumns decodes the named columns of a Parquet file of rows of type T
// page by page, straight from parquet-go's pages: no row is assembled and
// the pages of other columns are never fetched. It is Read for a caller
// that wants a few columns of many rows in its own layout.
//
// Every column must be a top-level column of T, and is checked against the
// file as by Read: same physical and logical type, not required in T where
// the file's is optional, and an optional column missing from the file
// reads as null. Row groups are decoded on up to workers goroutines (see
// Column for what that means for the functions). Every column must hold the
// row group's rows, and the rows must add up to the footer's count, which
// is returned.
func ReadColumns[T any](r io.ReaderAt, size int64, workers int, cols ...Column) (int64, error) {
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return 0, fmt.Errorf("opening parquet: %w", err)
	}
	want := parquet.SchemaOf(new(T))
	plan := make([]columnPlan, len(cols))
	for i := range cols {
		if plan[i], err = planColumn(&cols[i], want, pf.Schema()); err != nil {
			return 0, err
		}
	}
	groups := pf.RowGroups()
	firsts := make([]int, len(groups))
	var total int64
	for g, rg := range groups {
		firsts[g] = int(total)
		total += rg.NumRows()
	}
	if total != pf.NumRows() {
		return 0, fmt.Errorf("reading parquet columns: row groups hold %d rows, footer says %d", total, pf.NumRows())
	}
	errs := make([]error, len(groups))
	var next atomic.Int64
	work := func() {
		for {
			g := int(next.Add(1) - 1)
			if g >= len(groups) {
				return
			}
			if errs[g] = readGroupColumns(groups[g], firsts[g], plan); errs[g] != nil {
				next.Store(int64(len(groups))) // stop the others early
				return
			}
		}
	}
	var wg sync.WaitGroup
	for range max(1, min(workers, len(groups))) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			return 0, fmt.Errorf("reading parquet columns: row group %d: %w", g, err)
		}
	}
	return total, nil
}

// columnPlan is a checked Column: where it is in the file (index -1: not
// in the file, all null) and whether the file may hold nulls in it.
type columnPlan struct {
	col      *Column
	kind     parquet.Kind
	index    int
	optional bool
}

func planColumn(c *Column, want, file *parquet.Schema) (columnPlan, error) {
	kind, err := c.kind()
	if err != nil {
		return columnPlan{}, fmt.Errorf("reading parquet as %s: %w", want.Name(), err)
	}
	w, ok := want.Lookup(c.Name)
	if !ok {
		return columnPlan{}, fmt.Errorf("reading parquet as %s: %s is not a column of the row type", want.Name(), c.Name)
	}
	if w.MaxRepetitionLevel != 0 {
		return columnPlan{}, fmt.Errorf("reading parquet as %s: column %s is repeated", want.Name(), c.Name)
	}
	if k := w.Node.Type().Kind(); k != kind {
		return columnPlan{}, fmt.Errorf("reading parquet as %s: column %s is %s, read as %s", want.Name(), c.Name, k, kind)
	}
	if err := compatibleColumn(want, file, []string{c.Name}); err != nil {
		return columnPlan{}, err
	}
	f, ok := file.Lookup(c.Name)
	if !ok {
		return columnPlan{col: c, kind: kind, index: -1, optional: true}, nil
	}
	return columnPlan{col: c, kind: kind, index: f.ColumnIndex, optional: f.MaxDefinitionLevel > 0}, nil
}

// readGroupColumns decodes the planned columns of one row group whose first
// row is row first of the file.
func readGroupColumns(rg parquet.RowGroup, first int, plan []columnPlan) (err error) {
	defer func() {
		if p := recover(); p != nil { // parquet-go panics on some corrupt pages
			err = fmt.Errorf("decoding pages: %v", p)
		}
	}()
	chunks := rg.ColumnChunks()
	rows := rg.NumRows()
	for i := range plan {
		p := &plan[i]
		if p.index < 0 {
			for r := first; r < first+int(rows); r++ {
				p.null(r)
			}
			continue
		}
		d := pageDecoder{columnPlan: p}
		if p.col.Intern {
			d.interned = map[string]string{}
		}
		n, err := eachPage(chunks[p.index], func(page parquet.Page, at int64) error {
			return d.page(page, first+int(at))
		})
		if err == nil && n != rows {
			err = fmt.Errorf("column %s holds %d rows, the row group %d", p.col.Name, n, rows)
		}
		if err != nil {
			return fmt.Errorf("column %s: %w", p.col.Name, err)
		}
	}
	return nil
}

// null passes a null to the column's function.
func (p *columnPlan) null(row int) {
	c := p.col
	switch {
	case c.Int64 != nil:
		c.Int64(row, 0, false)
	case c.Int32 != nil:
		c.Int32(row, 0, false)
	case c.Bool != nil:
		c.Bool(row, false, false)
	case c.Bytes != nil:
		c.Bytes(row, nil, false)
	default:
		c.String(row, "", false)
	}
}

// pageDecoder hands the values of one column chunk's pages to its Column.
type pageDecoder struct {
	*columnPlan
	interned map[string]string
}

// page decodes one page whose first row is row first of the file.
func (d *pageDecoder) page(page parquet.Page, first int) error {
	if page.Dictionary() != nil {
		return errors.New("dictionary-encoded pages are not supported")
	}
	n := int(page.NumRows())
	if page.NumValues() != int64(n) {
		return fmt.Errorf("page holds %d values for %d rows", page.NumValues(), n)
	}
	var levels []byte // nil: every row has a value
	if d.optional {
		if levels = page.DefinitionLevels(); len(levels) != n {
			return fmt.Errorf("page holds %d definition levels for %d rows", len(levels), n)
		}
	}
	present := n - int(page.NumNulls())
	// row returns the file row of the k-th value and calls null for the
	// rows without one before it; rows is advanced past it.
	row := 0
	nextRow := func() int {
		for levels != nil && levels[row] == 0 {
			d.null(first + row)
			row++
		}
		row++
		return first + row - 1
	}
	values := page.Data()
	c := d.col
	switch d.kind {
	case parquet.Int64:
		vs := values.Int64()
		if len(vs) != present {
			return fmt.Errorf("page holds %d values, want %d", len(vs), present)
		}
		for _, v := range vs {
			c.Int64(nextRow(), v, true)
		}
	case parquet.Int32:
		vs := values.Int32()
		if len(vs) != present {
			return fmt.Errorf("page holds %d values, want %d", len(vs), present)
		}
		for _, v := range vs {
			c.Int32(nextRow(), v, true)
		}
	case parquet.Boolean:
		// Booleans are bit-packed; the page's value reader unpacks them.
		buf := make([]parquet.Value, 256)
		vr := page.Values()
		for {
			k, err := vr.ReadValues(buf)
			for _, v := range buf[:k] {
				if row >= n {
					return fmt.Errorf("page holds more than %d values", n)
				}
				c.Bool(first+row, !v.IsNull() && v.Boolean(), !v.IsNull())
				row++
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
		}
	case parquet.ByteArray:
		data, offsets := values.ByteArray()
		if len(offsets) != present+1 && !(present == 0 && len(offsets) == 0) {
			return fmt.Errorf("page holds %d offsets for %d values", len(offsets), present)
		}
		for k := range present {
			v := data[offsets[k]:offsets[k+1]]
			r := nextRow()
			switch {
			case c.Bytes != nil:
				c.Bytes(r, v, true)
			case d.interned != nil:
				s, ok := d.interned[string(v)]
				if !ok {
					s = string(v)
					d.interned[s] = s
				}
				c.String(r, s, true)
			default:
				c.String(r, string(v), true)
			}
		}
	default:
		return fmt.Errorf("unsupported column type %s", d.kind)
	}
	if d.kind != parquet.Boolean {
		for ; row < n && levels != nil; row++ { // trailing nulls
			if levels[row] != 0 {
				return fmt.Errorf("page holds %d values, its definition levels more", present)
			}
			d.null(first + row)
		}
	}
	if row != n {
		return fmt.Errorf("page holds %d values for %d rows", row, n)
	}
	return nil
}

// compatibleColumn checks that the column at path of want can be read from
// the file schema (see compatible).
func compatibleColumn(want, file *parquet.Schema, path []string) error {
	w, _ := want.Lookup(path...)
	f, ok := file.Lookup(path...)
	name := strings.Join(path, ".")
	switch {
	case !ok && w.MaxDefinitionLevel == 0:
		return fmt.Errorf("reading parquet as %s: required column %s is not in the file", want.Name(), name)
	case !ok:
		return nil
	case w.MaxRepetitionLevel != f.MaxRepetitionLevel:
		return fmt.Errorf("reading parquet as %s: column %s is repeated in one and not the other", want.Name(), name)
	case !parquet.EqualTypes(w.Node.Type(), f.Node.Type()):
		return fmt.Errorf("reading parquet as %s: column %s is %s in the file, want %s", want.Name(), name, typeString(f.Node.Type()), typeString(w.Node.Type()))
	case w.MaxDefinitionLevel < f.MaxDefinitionLevel:
		return fmt.Errorf("reading parquet as %s: column %s is optional in the file but required in the row type", want.Name(), name)
	}
	return nil
}
