package normalized

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

// interleaved returns n generated tickets over months months, dealt
// round-robin so that the months interleave (the hardest case for the
// buffer budget), each with its own pointers.
func interleaved(n, months int) []schema.Ticket {
	p := newTicketPool(n, months)
	rows := make([]schema.Ticket, n)
	per := n / months
	for i := range rows {
		p.fill((i%months)*per+i/months, &rows[i])
	}
	return rows
}

// writeAsync writes rows with an AsyncWriter, reusing one row variable the
// way pkg/ingest does, and closes it.
func writeAsync(t *testing.T, opt Options, rows []schema.Ticket) []File {
	t.Helper()
	a := NewAsyncWriter[schema.Ticket](opt, monthOfTicket)
	var row schema.Ticket
	for i := range rows {
		row = rows[i]
		require.NoError(t, a.Write(&row))
	}
	files, err := a.Close()
	require.NoError(t, err)
	return files
}

func groupSizes(t *testing.T, f File) []int64 {
	t.Helper()
	var sizes []int64
	for _, rg := range openParquet(t, f.Path).RowGroups() {
		sizes = append(sizes, rg.NumRows())
	}
	return sizes
}

func TestAsyncWriterMatchesWriter(t *testing.T) {
	tests := []struct {
		name   string
		rows   int
		months int
		opt    Options
	}{
		{"one month, default groups", 3000, 1, Options{}},
		{"small groups", 10_000, 1, Options{RowGroupRows: 1000, PageBufferSize: 8 << 10}},
		{"buffer budget", 30_000, 3, Options{RowGroupRows: 4000, MaxBufferedRows: 8000, PageBufferSize: 16 << 10}},
		{"groups not a multiple of the batch", 9000, 2, Options{RowGroupRows: 1500, MaxBufferedRows: 2100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := interleaved(tt.rows, tt.months)
			opt := tt.opt
			opt.Dir = t.TempDir()
			want := writeAll(t, opt, monthOfTicket, rows)
			got := writeAsync(t, opt, rows)
			again := writeAsync(t, opt, rows)
			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, want[i].Month, got[i].Month)
				require.Equal(t, want[i].Rows, got[i].Rows)
				require.NoError(t, Verify[schema.Ticket](got[i]))
				require.Equal(t, groupSizes(t, want[i]), groupSizes(t, got[i]), "the same row groups as Writer")
				require.Equal(t, readAll[schema.Ticket](t, want[i].Path), readAll[schema.Ticket](t, got[i].Path))

				require.Equal(t, got[i].SHA256, again[i].SHA256, "deterministic")
				a, err := os.ReadFile(got[i].Path)
				require.NoError(t, err)
				b, err := os.ReadFile(again[i].Path)
				require.NoError(t, err)
				require.True(t, bytes.Equal(a, b))
			}
		})
	}
}

func TestAsyncWriterOnWrite(t *testing.T) {
	rows := interleaved(5000, 2)
	a := NewAsyncWriter[schema.Ticket](Options{Dir: t.TempDir()}, monthOfTicket)
	var seen []int64
	a.OnWrite(func(r *schema.Ticket) { seen = append(seen, r.SourceRow) })
	var want []int64
	for i := range rows {
		row := rows[i]
		if i%1000 == 7 {
			row.CreatedAt = time.Time{} // refused: never reaches OnWrite
			var tre *TimeRangeError
			require.ErrorAs(t, a.Write(&row), &tre)
			continue
		}
		require.NoError(t, a.Write(&row))
		want = append(want, row.SourceRow)
	}
	files, err := a.Close()
	require.NoError(t, err)
	require.Equal(t, want, seen, "every written row, in order")
	var n int64
	for _, f := range files {
		n += f.Rows
	}
	require.Equal(t, int64(len(want)), n)
}

func TestAsyncWriterErrors(t *testing.T) {
	row := schema.Ticket{TicketID: "x", CreatedAt: jan15, AssigneeID: "a", Category: "simple", Lineage: lineage(1)}
	t.Run("time out of range", func(t *testing.T) {
		a := NewAsyncWriter[schema.Ticket](Options{Dir: t.TempDir()}, monthOfTicket)
		bad := row
		bad.ResolvedAt = ptr(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		var tre *TimeRangeError
		require.ErrorAs(t, a.Write(&bad), &tre)
		require.Equal(t, "resolved_at", tre.Column)
		require.NoError(t, a.Write(&row), "the writer stays usable")
		files, err := a.Close()
		require.NoError(t, err)
		require.Len(t, files, 1)
		require.Equal(t, []schema.Ticket{row}, readAll[schema.Ticket](t, files[0].Path))
	})
	t.Run("bad month", func(t *testing.T) {
		dir := t.TempDir()
		a := NewAsyncWriter[schema.Ticket](Options{Dir: dir}, func(r *schema.Ticket) string { return r.TicketID })
		good := row
		good.TicketID = "2024-01"
		bad := row
		bad.TicketID = "2024-13"
		var err error
		for i := 0; i < 10*AsyncBatchRows && err == nil; i++ {
			r := good
			if i == AsyncBatchRows+5 {
				r = bad
			}
			err = a.Write(&r)
		}
		// The error surfaces at a later Write (or else at Close).
		_, cerr := a.Close()
		if err == nil {
			err = cerr
		}
		require.ErrorContains(t, err, `partition month "2024-13" is not YYYY-MM`)
		require.ErrorContains(t, cerr, `partition month "2024-13" is not YYYY-MM`)
		require.Empty(t, dirNames(t, dir), "files are removed")
		require.ErrorContains(t, a.Write(&good), "closed")
	})
	t.Run("missing dir", func(t *testing.T) {
		a := NewAsyncWriter[schema.Ticket](Options{Dir: filepath.Join(t.TempDir(), "nope")}, monthOfTicket)
		require.NoError(t, a.Write(&row), "the file is created in the goroutine")
		_, err := a.Close()
		require.ErrorContains(t, err, "creating parquet file for month 2024-01")
		require.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("abort", func(t *testing.T) {
		dir := t.TempDir()
		a := NewAsyncWriter[schema.Ticket](Options{Dir: dir}, monthOfTicket)
		for _, r := range interleaved(3*AsyncBatchRows, 2) {
			require.NoError(t, a.Write(&r))
		}
		a.Abort()
		require.Empty(t, dirNames(t, dir))
		_, err := a.Close()
		require.ErrorContains(t, err, "already closed")
		require.ErrorContains(t, a.Write(&row), "closed")
		a.Abort() // twice is fine
	})
	t.Run("abort after close", func(t *testing.T) {
		dir := t.TempDir()
		a := NewAsyncWriter[schema.Ticket](Options{Dir: dir}, monthOfTicket)
		require.NoError(t, a.Write(&row))
		files, err := a.Close()
		require.NoError(t, err)
		require.Len(t, files, 1)
		_, err = a.Close()
		require.ErrorContains(t, err, "already closed")
		a.Abort()
		require.Empty(t, dirNames(t, dir))
	})
	t.Run("panic in OnWrite", func(t *testing.T) {
		dir := t.TempDir()
		a := NewAsyncWriter[schema.Ticket](Options{Dir: dir}, monthOfTicket)
		a.OnWrite(func(*schema.Ticket) { panic("boom") })
		require.NoError(t, a.Write(&row))
		_, err := a.Close()
		require.ErrorContains(t, err, "boom")
		require.Empty(t, dirNames(t, dir))
	})
	t.Run("no rows", func(t *testing.T) {
		a := NewAsyncWriter[schema.Ticket](Options{Dir: t.TempDir()}, monthOfTicket)
		files, err := a.Close()
		require.NoError(t, err)
		require.Empty(t, files)
	})
}

// TestAsyncWriterStops checks that Close and Abort end the goroutine.
func TestAsyncWriterStops(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := range 20 {
		a := NewAsyncWriter[schema.Ticket](Options{Dir: t.TempDir()}, monthOfTicket)
		for _, r := range interleaved(AsyncBatchRows+1, 1) {
			require.NoError(t, a.Write(&r))
		}
		if i%2 == 0 {
			_, err := a.Close()
			require.NoError(t, err)
		} else {
			a.Abort()
		}
	}
	ok := false
	for range 500 {
		if ok = runtime.NumGoroutine() <= before; ok {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !ok {
		buf := make([]byte, 1<<16)
		t.Fatalf("goroutines: %d before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	}
}

// BenchmarkAsyncWriteTickets is BenchmarkWriteTickets with an AsyncWriter:
// rows are handed over in batches and encoded in its goroutine, which also
// feeds a DupFinder as the pipeline does.
func BenchmarkAsyncWriteTickets(b *testing.B) {
	benchWriteTickets(b, func(opt Options) ticketWriter {
		w := NewAsyncWriter[schema.Ticket](opt, monthOfTicket)
		d := NewDupFinder(DefaultDupFinderBits)
		w.OnWrite(func(t *schema.Ticket) { d.Add(t.TicketID) })
		return w
	})
}
