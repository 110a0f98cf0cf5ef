package source

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
)

// dupRow is a ticket id, its creation month (1 = January 2024) and nothing else:
// the source row is its position in the export, 1-based.
type dupRow struct {
	id    string
	month int
}

func dupTickets(rows []dupRow) []schema.Ticket {
	out := make([]schema.Ticket, len(rows))
	for i, r := range rows {
		created := time.Date(2024, time.Month(r.month), 10, 8, 0, i, 0, shanghai).UTC()
		out[i] = schema.Ticket{
			TicketID: r.id, CreatedAt: created, AssigneeID: fmt.Sprintf("E%d", i%3), Category: schema.CategorySimple,
			Status: ptr(schema.StatusOpen), Channel: ptr(fmt.Sprintf("row %d", i+1)), Lineage: lineage(int64(i + 1)),
		}
	}
	return out
}

// writeWithDups writes rows like the ingest does: every id goes to the DupFinder too.
func writeWithDups(t *testing.T, bits uint64, rows []schema.Ticket) ([]normalized.File, *normalized.DupFinder) {
	t.Helper()
	d := normalized.NewDupFinder(bits)
	for _, r := range rows {
		d.Add(r.TicketID)
	}
	return writeAll(t, normalized.Options{}, monthOfTicket, rows), d
}

func TestRemoveTicketDuplicates(t *testing.T) {
	distinct := func(n int) []dupRow {
		var rows []dupRow
		for i := range n {
			rows = append(rows, dupRow{fmt.Sprintf("U%03d", i), 1 + i%2})
		}
		return rows
	}
	twice := func(n int) []dupRow {
		var rows []dupRow
		for range 2 {
			for i := range n {
				rows = append(rows, dupRow{fmt.Sprintf("X%02d", i), 1 + i%3})
			}
		}
		return rows
	}
	tests := []struct {
		name string
		bits uint64
		rows []dupRow
		// wantRemoved are the source rows removed; wantKept the source rows
		// left in each month; wantRewritten the months whose file changed.
		wantRemoved   []int64
		wantKept      map[string][]int64
		wantRewritten []string
	}{
		{
			name:     "no duplicates",
			rows:     []dupRow{{"A", 1}, {"B", 1}, {"C", 2}},
			wantKept: map[string][]int64{"2024-01": {1, 2}, "2024-02": {3}},
		},
		{
			name:          "within a month",
			rows:          []dupRow{{"A", 1}, {"B", 1}, {"A", 1}, {"C", 2}},
			wantRemoved:   []int64{1},
			wantKept:      map[string][]int64{"2024-01": {2, 3}, "2024-02": {4}},
			wantRewritten: []string{"2024-01"},
		},
		{
			name:          "January then February keeps February",
			rows:          []dupRow{{"A", 1}, {"B", 1}, {"A", 2}},
			wantRemoved:   []int64{1},
			wantKept:      map[string][]int64{"2024-01": {2}, "2024-02": {3}},
			wantRewritten: []string{"2024-01"},
		},
		{
			name:          "the later row may be in the earlier month",
			rows:          []dupRow{{"A", 2}, {"B", 2}, {"A", 1}},
			wantRemoved:   []int64{1},
			wantKept:      map[string][]int64{"2024-01": {3}, "2024-02": {2}},
			wantRewritten: []string{"2024-02"},
		},
		{
			name:          "three occurrences, months emptied",
			rows:          []dupRow{{"A", 1}, {"A", 2}, {"B", 3}, {"A", 3}},
			wantRemoved:   []int64{1, 2},
			wantKept:      map[string][]int64{"2024-03": {3, 4}},
			wantRewritten: []string{"2024-01", "2024-02"},
		},
		{
			name:          "twice in one month, last elsewhere",
			rows:          []dupRow{{"A", 1}, {"B", 1}, {"A", 1}, {"A", 2}},
			wantRemoved:   []int64{1, 3},
			wantKept:      map[string][]int64{"2024-01": {2}, "2024-02": {4}},
			wantRewritten: []string{"2024-01"},
		},
		{
			name:        "export pasted twice",
			rows:        twice(30),
			wantRemoved: seq(1, 30),
			wantKept: map[string][]int64{
				"2024-01": filterSeq(31, 60, func(r int64) bool { return (r-31)%3 == 0 }),
				"2024-02": filterSeq(31, 60, func(r int64) bool { return (r-31)%3 == 1 }),
				"2024-03": filterSeq(31, 60, func(r int64) bool { return (r-31)%3 == 2 }),
			},
			wantRewritten: []string{"2024-01", "2024-02", "2024-03"},
		},
		{
			name: "false positives only",
			bits: 256,
			rows: distinct(300),
			wantKept: map[string][]int64{
				"2024-01": filterSeq(1, 300, func(r int64) bool { return r%2 == 1 }),
				"2024-02": filterSeq(1, 300, func(r int64) bool { return r%2 == 0 }),
			},
		},
		{
			name:        "false positives and a real duplicate",
			bits:        256,
			rows:        append(distinct(300), dupRow{"U007", 1}),
			wantRemoved: []int64{8},
			wantKept: map[string][]int64{
				"2024-01": filterSeq(1, 301, func(r int64) bool { return r%2 == 1 && r != 8 || r == 301 }),
				"2024-02": filterSeq(1, 300, func(r int64) bool { return r%2 == 0 && r != 8 }),
			},
			wantRewritten: []string{"2024-02"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bits := tt.bits
			if bits == 0 {
				bits = normalized.DefaultDupFinderBits
			}
			rows := dupTickets(tt.rows)
			files, d := writeWithDups(t, bits, rows)
			if tt.bits != 0 {
				require.Greater(t, d.Suspects(), 10, "the tiny filter must produce false positives")
			}
			before := map[string]normalized.File{}
			for _, f := range files {
				before[f.Month] = f
			}

			got, removed, err := removeDuplicateTickets(files, d, normalized.Options{Dir: t.TempDir()})
			require.NoError(t, err)

			// Removed rows are the full original rows, by source row.
			var wantRemoved []schema.Ticket
			for _, r := range tt.wantRemoved {
				wantRemoved = append(wantRemoved, rows[r-1])
			}
			require.Equal(t, rejectsOf(wantRemoved), removed)

			months := []string{}
			for _, f := range got {
				months = append(months, f.Month)
				kept := readAll[schema.Ticket](t, f.Path)
				var keptRows []int64
				for _, k := range kept {
					keptRows = append(keptRows, k.SourceRow)
					require.Equal(t, rows[k.SourceRow-1], k)
				}
				require.Equal(t, tt.wantKept[f.Month], keptRows, "month %s", f.Month)
				require.Equal(t, int64(len(kept)), f.Rows)
				require.NoError(t, normalized.Verify[schema.Ticket](f))
				old, ok := before[f.Month]
				if slices.Contains(tt.wantRewritten, f.Month) {
					require.NotEqual(t, old.Path, f.Path, "month %s is rewritten", f.Month)
				} else {
					require.Equal(t, old, f, "month %s is untouched", f.Month)
					require.True(t, ok)
				}
			}
			require.True(t, slices.IsSorted(months))
			require.Len(t, months, len(tt.wantKept))
			for _, m := range tt.wantRewritten {
				_, err := os.Stat(before[m].Path)
				require.ErrorIs(t, err, os.ErrNotExist, "the replaced file of %s is removed", m)
			}
			if len(tt.wantRewritten) == 0 {
				require.Equal(t, files, got)
			}
		})
	}
}

func TestRemoveTicketDuplicatesErrors(t *testing.T) {
	rows := dupTickets([]dupRow{{"A", 1}, {"C", 1}, {"B", 2}, {"A", 2}})
	files, d := writeWithDups(t, normalized.DefaultDupFinderBits, rows)
	require.Len(t, files, 2)

	t.Run("missing file", func(t *testing.T) {
		broken := slices.Clone(files)
		broken[1].Path += ".gone"
		_, _, err := removeDuplicateTickets(broken, d, normalized.Options{Dir: t.TempDir()})
		require.ErrorContains(t, err, broken[1].Path)
		for _, f := range files {
			require.NoError(t, normalized.Verify[schema.Ticket](f), "inputs are left in place")
		}
	})
	t.Run("unwritable dir", func(t *testing.T) {
		_, _, err := removeDuplicateTickets(files, d, normalized.Options{Dir: files[0].Path + ".nodir"})
		require.ErrorContains(t, err, "rewriting "+files[0].Path)
		for _, f := range files {
			require.NoError(t, normalized.Verify[schema.Ticket](f), "inputs are left in place")
		}
	})
	t.Run("ok afterwards", func(t *testing.T) {
		got, removed, err := removeDuplicateTickets(files, d, normalized.Options{Dir: t.TempDir()})
		require.NoError(t, err)
		require.Equal(t, rejectsOf([]schema.Ticket{rows[0]}), removed)
		require.Len(t, got, 2)
		require.Equal(t, files[1], got[1])
		require.Equal(t, []schema.Ticket{rows[1]}, readAll[schema.Ticket](t, got[0].Path))
	})
}

// FuzzRemoveTicketDuplicates checks the duplicate removal against a plain map
// over ids drawn from a small alphabet, with a filter small enough to have
// false positives.
func FuzzRemoveTicketDuplicates(f *testing.F) {
	f.Add([]byte{0x01, 0x12, 0x21, 0x01})
	f.Add([]byte("the quick brown fox jumps over the lazy dog"))
	f.Add([]byte{0, 0, 0, 0, 0x10, 0x20})
	f.Fuzz(func(t *testing.T, data []byte) {
		var dr []dupRow
		for _, b := range data[:min(len(data), 300)] {
			dr = append(dr, dupRow{id: fmt.Sprintf("T%02d", b%23), month: 1 + int(b>>5)%3})
		}
		rows := dupTickets(dr)
		last := map[string]int64{}
		for _, r := range rows {
			last[r.TicketID] = r.SourceRow
		}
		var wantRemoved []schema.Ticket
		wantKept := map[string][]schema.Ticket{}
		for _, r := range rows {
			if last[r.TicketID] != r.SourceRow {
				wantRemoved = append(wantRemoved, r)
			} else {
				wantKept[monthOfTicket(&r)] = append(wantKept[monthOfTicket(&r)], r)
			}
		}

		files, d := writeWithDups(t, 512, rows)
		got, removed, err := removeDuplicateTickets(files, d, normalized.Options{Dir: t.TempDir()})
		require.NoError(t, err)
		require.Equal(t, rejectsOf(wantRemoved), removed)
		require.Len(t, got, len(wantKept))
		for _, f := range got {
			require.Equal(t, wantKept[f.Month], readAll[schema.Ticket](t, f.Path), "month %s", f.Month)
		}
	})
}

func seq(from, to int64) []int64 { return filterSeq(from, to, func(int64) bool { return true }) }

func filterSeq(from, to int64, keep func(int64) bool) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		if keep(i) {
			out = append(out, i)
		}
	}
	return out
}
