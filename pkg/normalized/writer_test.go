package normalized

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

var (
	jan15 = time.Date(2024, 1, 15, 1, 2, 3, 456e6, time.UTC)
	feb20 = time.Date(2024, 2, 20, 9, 30, 0, 0, time.UTC)
	lin   = schema.Lineage{SourceKey: "raw/crm/工单 2024-01.csv", SourceRow: 1, SourceUploadedAt: time.Date(2024, 2, 1, 8, 0, 0, 1e6, time.UTC)}
)

func lineage(row int64) schema.Lineage { l := lin; l.SourceRow = row; return l }

// writeAll writes rows with a fresh Writer into a temp dir, closes it and
// verifies every file.
func writeAll[T any](t *testing.T, opt Options, monthOf func(*T) string, rows []T) []File {
	t.Helper()
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	w := NewWriter(opt, monthOf)
	for i := range rows {
		require.NoError(t, w.Write(&rows[i]))
	}
	files, err := w.Close()
	require.NoError(t, err)
	for _, f := range files {
		require.NoError(t, Verify[T](f), "verify %s", f.Month)
	}
	return files
}

// readAll reads a local file back with Read.
func readAll[T any](t *testing.T, path string) []T {
	t.Helper()
	var out []T
	require.NoError(t, readPath(path, func(rows []T) error {
		out = append(out, rows...)
		return nil
	}))
	return out
}

// roundTrip writes rows that all fall in month, and checks that one file
// holding exactly those rows comes back.
func roundTrip[T any](t *testing.T, month string, rows []T) {
	t.Helper()
	files := writeAll(t, Options{}, func(*T) string { return month }, rows)
	require.Len(t, files, 1)
	require.Equal(t, month, files[0].Month)
	require.Equal(t, int64(len(rows)), files[0].Rows)
	require.Equal(t, rows, readAll[T](t, files[0].Path))
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"tickets", func(t *testing.T) {
			roundTrip(t, "2024-01", []schema.Ticket{
				{TicketID: "GD001", CreatedAt: jan15, AssigneeID: "E0001", Category: schema.CategorySimple, Lineage: lineage(1)},
				{
					TicketID: "GD002", CreatedAt: jan15, FirstResponseAt: ptr(jan15.Add(time.Minute)), ResolvedAt: ptr(jan15.Add(time.Hour)),
					Status: ptr(schema.StatusResolved), AssigneeID: "E0002", AssigneeName: ptr("王芳"), Category: schema.CategoryComplex,
					IsComplaint: true, ComplaintType: ptr(schema.ComplaintTypeAttitude), ComplaintOutcome: ptr(schema.OutcomeSuccess),
					ReopenedCount: ptr(int32(2)), CostFen: ptr(int64(123456)), CustomerKey: ptr(strings.Repeat("ab", 32)),
					Channel: ptr("微信"), UpdatedAt: ptr(feb20), Lineage: lineage(2),
				},
				{TicketID: "GD003", CreatedAt: jan15, AssigneeID: "E0001", Category: schema.CategorySimple, ReopenedCount: ptr(int32(0)), CostFen: ptr(int64(0)), Status: ptr(""), Lineage: lineage(3)},
			})
		}},
		{"surveys", func(t *testing.T) {
			roundTrip(t, "2024-02", []schema.Survey{
				{ResponseID: "R1", SubmittedAt: feb20, Rating: 5, Lineage: lineage(1)},
				{ResponseID: "R2", TicketID: ptr("GD002"), EmployeeID: ptr("E0002"), SubmittedAt: feb20, Rating: 1, Method: ptr("phone"), Comment: ptr("态度很好，\n但是太慢"), Lineage: lineage(2)},
			})
		}},
		{"evaluations", func(t *testing.T) {
			roundTrip(t, "2024-01", []schema.Evaluation{
				{EmployeeID: "E0001", Month: "2024-01", Kind: schema.KindExamScore, ValueCenti: 8750, Lineage: lineage(1)},
				{EmployeeID: "E0002", Month: "2024-01", Kind: schema.KindResponsibilityIncident, ValueCenti: 100, Note: ptr("推诿客户"), Lineage: lineage(2)},
			})
		}},
		{"roster", func(t *testing.T) {
			roundTrip(t, "2024-02", []schema.Employee{
				{EmployeeID: "E0001", Lineage: lineage(1)},
				{
					// No PerformancePayFen: it is not stored in the roster (roster_pay below).
					EmployeeID: "E0002", Name: ptr("李娜"), Team: ptr("华东"), Role: ptr("客服"),
					HiredAt: ptr(schema.DayNumber(time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC))), LeftAt: ptr(schema.DayNumber(time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC))), Lineage: lineage(2),
				},
			})
		}},
		{"roster_pay", func(t *testing.T) {
			roundTrip(t, "2024-02", []schema.RosterPay{
				{EmployeeID: "E0001", Lineage: lineage(1)},
				{EmployeeID: "E0002", PerformancePayFen: ptr(int64(300000)), Lineage: lineage(2)},
			})
		}},
		{"scorecards", func(t *testing.T) {
			roundTrip(t, "2024-01", []schema.Scorecard{
				{EmployeeID: "E0001", Version: 1, ScoreCenti: ptr(int64(9250)), Band: ptr("A"), BandLabel: ptr("优秀"), WeightAssessedCenti: 10000, PolicyID: "default", PolicySHA256: strings.Repeat("0f", 32)},
				{
					EmployeeID: "E0002", EmployeeName: ptr("李娜"), Team: ptr("华东"), Role: ptr("客服"), Version: 2, ScoreCenti: ptr(int64(6999)), Band: ptr("D"), BandLabel: ptr("待改进"),
					// No pay fields: they are not stored (TestScorecardsHoldNoPay).
					WeightAssessedCenti: 9000, SmallSample: true, NotOnRoster: true, PolicyID: "default", PolicySHA256: strings.Repeat("0f", 32), PolicyVariant: "vip",
				},
			})
		}},
		{"kpis", func(t *testing.T) {
			roundTrip(t, "2024-01", []schema.KPIScore{
				{EmployeeID: "E0001", Version: 1, KPI: "skill_exam", Dimension: "ability", WeightCenti: 1000, NotAssessed: true, Explanation: "no exam"},
				{
					EmployeeID: "E0002", Version: 1, KPI: "satisfaction", Dimension: "performance", WeightCenti: 3000, Numerator: ptr(int64(7)), Denominator: ptr(int64(8)),
					ValueMicro: ptr(int64(875000)), AdjustedMicro: ptr(int64(-1)), SampleSize: 8, TargetMicro: ptr(int64(900000)), PointsMicro: 250000, SmallSample: true,
					NotOnRoster: true, Explanation: "7/8 = 87.50% < 90%: 30 - 2×2.5 = 25",
				},
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

// TestTimestampsAreInstants checks that a local time is stored as its UTC
// instant and reads back in UTC.
func TestTimestampsAreInstants(t *testing.T) {
	local := time.Date(2024, 2, 1, 0, 30, 0, 0, shanghai) // 2024-01-31T16:30Z
	rows := []schema.Survey{{ResponseID: "R", SubmittedAt: local, Rating: 4, Lineage: lineage(1)}}
	files := writeAll(t, Options{}, func(s *schema.Survey) string { return s.SubmittedAt.In(shanghai).Format("2006-01") }, rows)
	require.Len(t, files, 1)
	require.Equal(t, "2024-02", files[0].Month)
	got := readAll[schema.Survey](t, files[0].Path)
	require.True(t, got[0].SubmittedAt.Equal(local), "got %v", got[0].SubmittedAt)
	require.Equal(t, time.UTC, got[0].SubmittedAt.Location())
	require.Equal(t, "2024-01-31T16:30:00Z", got[0].SubmittedAt.Format(time.RFC3339Nano))
}

func TestPartitionByMonth(t *testing.T) {
	start := time.Date(2023, 12, 1, 0, 0, 0, 0, shanghai).UTC()
	g := newTicketGen(1, start, 4, 4000)
	rows := make([]schema.Ticket, 4000)
	for i := range rows {
		g.ticket(i, &rows[i])
	}
	// Interleave the months: rows arrive out of creation order.
	slices.SortStableFunc(rows, func(a, b schema.Ticket) int { return int(a.SourceRow%7) - int(b.SourceRow%7) })
	// The first instant of February in Shanghai is still January in UTC.
	rows[0].CreatedAt = time.Date(2024, 1, 31, 16, 0, 0, 0, time.UTC)

	files := writeAll(t, Options{}, monthOfTicket, rows)
	months := []string{}
	for _, f := range files {
		months = append(months, f.Month)
	}
	require.Equal(t, []string{"2023-12", "2024-01", "2024-02", "2024-03"}, months)

	want := map[string][]schema.Ticket{}
	for _, r := range rows {
		m := monthOfTicket(&r)
		want[m] = append(want[m], r)
	}
	require.Equal(t, "2024-02", monthOfTicket(&rows[0]))
	var total int64
	for _, f := range files {
		got := readAll[schema.Ticket](t, f.Path)
		require.Equal(t, want[f.Month], got, "month %s", f.Month)
		require.Equal(t, int64(len(got)), f.Rows)
		st, err := os.Stat(f.Path)
		require.NoError(t, err)
		require.Equal(t, st.Size(), f.Bytes)
		require.Equal(t, sha256File(t, f.Path), f.SHA256)
		total += f.Rows
	}
	require.Equal(t, int64(len(rows)), total)
}

func TestRowGroupsBounded(t *testing.T) {
	tests := []struct {
		name            string
		rows, months    int
		opt             Options
		minGroupsPerMon int
		maxRowsPerGroup int64
	}{
		// 300k rows in one month: 128Ki + 128Ki + the rest.
		{name: "default 300k", rows: 300_000, months: 1, minGroupsPerMon: 3, maxRowsPerGroup: DefaultRowGroupRows},
		{name: "small groups", rows: 10_000, months: 1, opt: Options{RowGroupRows: 1000}, minGroupsPerMon: 10, maxRowsPerGroup: 1000},
		// Three interleaved months with room for only 2 groups' worth of rows
		// in memory: partitions are cut early, never above the bound.
		{name: "buffer budget", rows: 30_000, months: 3, opt: Options{RowGroupRows: 4000, MaxBufferedRows: 8000}, minGroupsPerMon: 3, maxRowsPerGroup: 4000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTicketPool(tt.rows, tt.months)
			opt := tt.opt
			opt.Dir = t.TempDir()
			w := NewWriter[schema.Ticket](opt, monthOfTicket)
			var row schema.Ticket
			// Deal rows round-robin over the months so they interleave.
			per := tt.rows / tt.months
			for i := range tt.rows {
				j := (i%tt.months)*per + i/tt.months
				p.fill(j, &row)
				require.NoError(t, w.Write(&row))
				require.LessOrEqual(t, w.buffered, w.opt.MaxBufferedRows)
			}
			files, err := w.Close()
			require.NoError(t, err)
			require.Len(t, files, tt.months)
			for _, f := range files {
				require.NoError(t, Verify[schema.Ticket](f))
				pf := openParquet(t, f.Path)
				groups := pf.RowGroups()
				require.GreaterOrEqual(t, len(groups), tt.minGroupsPerMon, "month %s", f.Month)
				var sum int64
				for _, g := range groups {
					require.LessOrEqual(t, g.NumRows(), tt.maxRowsPerGroup)
					require.Positive(t, g.NumRows())
					sum += g.NumRows()
				}
				require.Equal(t, f.Rows, sum)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).UTC()
	write := func() []File {
		g := newTicketGen(3, start, 3, 20_000)
		rows := make([]schema.Ticket, 20_000)
		for i := range rows {
			g.ticket(i, &rows[i])
		}
		return writeAll(t, Options{RowGroupRows: 5000}, monthOfTicket, rows)
	}
	a, b := write(), write()
	require.Len(t, b, len(a))
	for i := range a {
		require.NotEqual(t, a[i].Path, b[i].Path)
		require.Equal(t, a[i].Month, b[i].Month)
		require.Equal(t, a[i].SHA256, b[i].SHA256, "month %s", a[i].Month)
		require.Equal(t, a[i].Bytes, b[i].Bytes)
		ab, err := os.ReadFile(a[i].Path)
		require.NoError(t, err)
		bb, err := os.ReadFile(b[i].Path)
		require.NoError(t, err)
		require.True(t, bytes.Equal(ab, bb))
	}
}

// TestWriterCopiesRow reuses one row and the variables it points to.
func TestWriterCopiesRow(t *testing.T) {
	w := NewWriter[schema.Ticket](Options{Dir: t.TempDir()}, monthOfTicket)
	var (
		row    schema.Ticket
		status string
		cost   int64
		idBuf  = []byte("GD000")
	)
	row.Status, row.CostFen = &status, &cost
	var want []schema.Ticket
	for i := range 3000 {
		idBuf[4] = byte('0' + i%10)
		row.TicketID = string(idBuf)
		row.CreatedAt = jan15
		row.AssigneeID = "E1"
		row.Category = schema.CategorySimple
		row.SourceRow = int64(i + 1)
		row.SourceUploadedAt = feb20
		status = []string{"open", "resolved", "closed"}[i%3]
		cost = int64(i)
		require.NoError(t, w.Write(&row))
		want = append(want, schema.Ticket{TicketID: row.TicketID, CreatedAt: jan15, AssigneeID: "E1", Category: schema.CategorySimple,
			Status: ptr(status), CostFen: ptr(cost), Lineage: schema.Lineage{SourceRow: int64(i + 1), SourceUploadedAt: feb20}})
	}
	files, err := w.Close()
	require.NoError(t, err)
	require.Len(t, files, 1)
	got := readAll[schema.Ticket](t, files[0].Path)
	require.Equal(t, want, got)
}

func TestWriterErrors(t *testing.T) {
	t.Run("bad month", func(t *testing.T) {
		dir := t.TempDir()
		w := NewWriter[schema.Survey](Options{Dir: dir}, func(s *schema.Survey) string { return s.ResponseID })
		good := schema.Survey{ResponseID: "2024-01", SubmittedAt: jan15, Rating: 3, Lineage: lineage(1)}
		require.NoError(t, w.Write(&good))
		for _, m := range []string{"2024-13", "2024-1", "24-01", "", "2024-01-01"} {
			bad := good
			bad.ResponseID = m
			w2 := NewWriter[schema.Survey](Options{Dir: dir}, func(s *schema.Survey) string { return s.ResponseID })
			err := w2.Write(&bad)
			require.ErrorContains(t, err, "is not YYYY-MM", "month %q", m)
			require.ErrorIs(t, w2.Write(&good), err, "a failed writer stays failed")
			_, cerr := w2.Close()
			require.Error(t, cerr)
		}
		files, err := w.Close()
		require.NoError(t, err)
		require.Len(t, files, 1)
		_, err = w.Close()
		require.ErrorContains(t, err, "already closed")
		require.ErrorContains(t, w.Write(&good), "closed")
		require.Equal(t, []string{filepath.Base(files[0].Path)}, dirNames(t, dir))
	})
	t.Run("abort", func(t *testing.T) {
		dir := t.TempDir()
		w := NewWriter[schema.Ticket](Options{Dir: dir}, monthOfTicket)
		g := newTicketGen(1, time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).UTC(), 2, 100)
		var row schema.Ticket
		for i := range 100 {
			g.ticket(i, &row)
			require.NoError(t, w.Write(&row))
		}
		require.Len(t, dirNames(t, dir), 2)
		w.Abort()
		require.Empty(t, dirNames(t, dir))
		_, err := w.Close()
		require.Error(t, err)
		w.Abort() // twice is fine
	})
	t.Run("abort after close", func(t *testing.T) {
		dir := t.TempDir()
		w := NewWriter[schema.Ticket](Options{Dir: dir}, monthOfTicket)
		row := schema.Ticket{TicketID: "x", CreatedAt: jan15, AssigneeID: "a", Category: "simple", Lineage: lineage(1)}
		require.NoError(t, w.Write(&row))
		files, err := w.Close()
		require.NoError(t, err)
		require.Len(t, files, 1)
		w.Abort()
		require.Empty(t, dirNames(t, dir))
	})
	t.Run("missing dir", func(t *testing.T) {
		w := NewWriter[schema.Ticket](Options{Dir: filepath.Join(t.TempDir(), "nope")}, monthOfTicket)
		row := schema.Ticket{TicketID: "x", CreatedAt: jan15, AssigneeID: "a", Category: "simple", Lineage: lineage(1)}
		err := w.Write(&row)
		require.ErrorContains(t, err, "creating parquet file for month 2024-01")
		require.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("time out of range", func(t *testing.T) {
		w := NewWriter[schema.Ticket](Options{Dir: t.TempDir()}, monthOfTicket)
		ok := schema.Ticket{TicketID: "ok", CreatedAt: jan15, AssigneeID: "a", Category: "simple", Lineage: lineage(1)}
		lowest := time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
		highest := time.Date(2261, 12, 31, 23, 59, 59, 999e6, time.UTC)
		edges := ok
		edges.TicketID, edges.FirstResponseAt, edges.ResolvedAt, edges.SourceRow = "edges", &lowest, &highest, 2
		tests := []struct {
			column string
			set    func(*schema.Ticket)
		}{
			{"created_at", func(r *schema.Ticket) { r.CreatedAt = time.Time{} }},
			{"source_uploaded_at", func(r *schema.Ticket) { r.SourceUploadedAt = time.Time{} }},
			{"resolved_at", func(r *schema.Ticket) { r.ResolvedAt = ptr(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)) }},
			{"updated_at", func(r *schema.Ticket) { r.UpdatedAt = ptr(time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)) }},
			{"first_response_at", func(r *schema.Ticket) { r.FirstResponseAt = ptr(lowest.Add(-time.Millisecond)) }},
		}
		require.NoError(t, w.Write(&ok))
		for _, tt := range tests {
			bad := ok
			tt.set(&bad)
			err := w.Write(&bad)
			var tre *TimeRangeError
			require.ErrorAs(t, err, &tre)
			require.Equal(t, tt.column, tre.Column)
		}
		require.NoError(t, w.Write(&edges), "the writer stays usable after a time range error")
		files, err := w.Close()
		require.NoError(t, err)
		require.Len(t, files, 1)
		require.NoError(t, Verify[schema.Ticket](files[0]))
		require.Equal(t, []schema.Ticket{ok, edges}, readAll[schema.Ticket](t, files[0].Path))
	})
	t.Run("no rows", func(t *testing.T) {
		w := NewWriter[schema.Ticket](Options{Dir: t.TempDir()}, monthOfTicket)
		files, err := w.Close()
		require.NoError(t, err)
		require.Empty(t, files)
	})
}

func TestVerify(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).UTC()
	g := newTicketGen(5, start, 1, 5000)
	rows := make([]schema.Ticket, 5000)
	for i := range rows {
		g.ticket(i, &rows[i])
	}
	files := writeAll(t, Options{RowGroupRows: 1000}, monthOfTicket, rows)
	require.Len(t, files, 1)
	orig := files[0]
	content, err := os.ReadFile(orig.Path)
	require.NoError(t, err)

	// rewrite puts data in a fresh file and returns a File describing it truthfully.
	rewrite := func(t *testing.T, data []byte) File {
		p := filepath.Join(t.TempDir(), "x.parquet")
		require.NoError(t, os.WriteFile(p, data, 0o600))
		f := orig
		f.Path, f.Bytes, f.SHA256 = p, int64(len(data)), sha256File(t, p)
		return f
	}
	flip := func(at int) []byte {
		b := slices.Clone(content)
		b[at] ^= 0x5a
		return b
	}
	tests := []struct {
		name    string
		file    func(t *testing.T) File
		verify  func(File) error
		wantErr string
	}{
		{"ok", func(t *testing.T) File { return orig }, Verify[schema.Ticket], ""},
		{"truncated, stale size", func(t *testing.T) File {
			f := rewrite(t, content[:len(content)/2])
			f.Bytes, f.SHA256 = orig.Bytes, orig.SHA256
			return f
		}, Verify[schema.Ticket], "size is"},
		{"truncated, size and hash updated", func(t *testing.T) File { return rewrite(t, content[:len(content)-100]) }, Verify[schema.Ticket], "opening parquet"},
		{"footer only kept", func(t *testing.T) File { return rewrite(t, content[len(content)-1000:]) }, Verify[schema.Ticket], "opening parquet"},
		{"empty", func(t *testing.T) File { return rewrite(t, nil) }, Verify[schema.Ticket], "opening parquet"},
		{"byte flipped in a page", func(t *testing.T) File { return rewrite(t, flip(len(content)/3)) }, Verify[schema.Ticket], "crc32 checksum mismatch"},
		{"hash mismatch", func(t *testing.T) File { f := orig; f.SHA256 = strings.Repeat("0", 64); return f }, Verify[schema.Ticket], "sha256 is"},
		{"row count mismatch", func(t *testing.T) File { f := orig; f.Rows++; return f }, Verify[schema.Ticket], "footer says 5000 rows, want 5001"},
		{"other schema", func(t *testing.T) File { return orig }, Verify[schema.Survey], "schema differs"},
		{"missing", func(t *testing.T) File { f := orig; f.Path += ".gone"; return f }, Verify[schema.Ticket], "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.file(t)
			err := tt.verify(f)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			require.ErrorContains(t, err, f.Path)
		})
	}
}

func TestReadProjection(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).UTC()
	g := newTicketGen(9, start, 1, 20_000)
	rows := make([]schema.Ticket, 20_000)
	for i := range rows {
		g.ticket(i, &rows[i])
	}
	files := writeAll(t, Options{RowGroupRows: 8000}, monthOfTicket, rows)
	require.Len(t, files, 1)
	data, err := os.ReadFile(files[0].Path)
	require.NoError(t, err)

	type narrow struct {
		Cost      *int64     `parquet:"cost,decimal(2:18),optional"`
		TicketID  string     `parquet:"ticket_id"`
		SourceRow int64      `parquet:"source_row"`
		Resolved  *time.Time `parquet:"resolved_at,timestamp(millisecond),optional"`
	}
	full := &countingReaderAt{r: bytes.NewReader(data)}
	var all []schema.Ticket
	require.NoError(t, Read(full, int64(len(data)), func(b []schema.Ticket) error { all = append(all, b...); return nil }))
	require.Equal(t, rows, all)

	proj := &countingReaderAt{r: bytes.NewReader(data)}
	var got []narrow
	require.NoError(t, Read(proj, int64(len(data)), func(b []narrow) error {
		require.LessOrEqual(t, len(b), ReadBatchRows)
		got = append(got, b...)
		return nil
	}))
	require.Len(t, got, len(rows))
	for i, r := range rows {
		require.Equal(t, narrow{Cost: r.CostFen, TicketID: r.TicketID, SourceRow: r.SourceRow, Resolved: r.ResolvedAt}, got[i], "row %d", i)
	}
	// Only the pages of the four columns were fetched: the 64-hex-digit
	// customer keys alone are most of the file.
	require.Less(t, proj.n*2, full.n, "projection read %d bytes, full read %d", proj.n, full.n)
	t.Logf("file %d bytes; full read %d bytes, projection %d bytes", len(data), full.n, proj.n)
}

func TestReadErrors(t *testing.T) {
	rows := []schema.Survey{}
	for i := range 3000 {
		rows = append(rows, schema.Survey{ResponseID: "R", SubmittedAt: jan15, Rating: int32(i%5 + 1), Lineage: lineage(int64(i + 1))})
	}
	files := writeAll(t, Options{}, func(*schema.Survey) string { return "2024-01" }, rows)
	data, err := os.ReadFile(files[0].Path)
	require.NoError(t, err)

	t.Run("batch error stops the read", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := Read(bytes.NewReader(data), int64(len(data)), func([]schema.Survey) error { calls++; return stop })
		require.Same(t, stop, err)
		require.Equal(t, 1, calls)
	})
	t.Run("not parquet", func(t *testing.T) {
		junk := []byte("ticket_id,created_at\nA,2024-01-01\n")
		err := Read(bytes.NewReader(junk), int64(len(junk)), func([]schema.Survey) error { return nil })
		require.ErrorContains(t, err, "opening parquet")
	})
	t.Run("column type differs", func(t *testing.T) {
		type wrong struct {
			Rating string `parquet:"rating"`
		}
		err := Read(bytes.NewReader(data), int64(len(data)), func([]wrong) error { return nil })
		require.ErrorContains(t, err, "column rating is INT32 INT(32,true) in the file, want BYTE_ARRAY STRING")
	})
	t.Run("timestamp unit differs", func(t *testing.T) {
		type wrong struct {
			SubmittedAt time.Time `parquet:"submitted_at,timestamp(microsecond)"`
		}
		err := Read(bytes.NewReader(data), int64(len(data)), func([]wrong) error { return nil })
		require.ErrorContains(t, err, "column submitted_at is")
	})
	t.Run("required column missing", func(t *testing.T) {
		type wrong struct {
			Score int64 `parquet:"score"`
		}
		err := Read(bytes.NewReader(data), int64(len(data)), func([]wrong) error { return nil })
		require.ErrorContains(t, err, "required column score is not in the file")
	})
	t.Run("optional in file, required in row type", func(t *testing.T) {
		type wrong struct {
			Method string `parquet:"method"`
		}
		err := Read(bytes.NewReader(data), int64(len(data)), func([]wrong) error { return nil })
		require.ErrorContains(t, err, "column method is optional in the file but required in the row type")
	})
	t.Run("optional column missing reads as null", func(t *testing.T) {
		type newer struct {
			ResponseID string  `parquet:"response_id"`
			Rating     *int32  `parquet:"rating,optional"`
			Channel    *string `parquet:"channel_added_later,optional"`
		}
		var got []newer
		err := Read(bytes.NewReader(data), int64(len(data)), func(b []newer) error { got = append(got, b...); return nil })
		require.NoError(t, err)
		require.Len(t, got, len(rows))
		require.Equal(t, newer{ResponseID: "R", Rating: ptr(int32(2))}, got[1])
	})
	t.Run("kept rows are not overwritten", func(t *testing.T) {
		var kept []*schema.Survey
		err := Read(bytes.NewReader(data), int64(len(data)), func(b []schema.Survey) error {
			for i := range b {
				r := b[i]
				kept = append(kept, &r)
			}
			return nil
		})
		require.NoError(t, err)
		require.Len(t, kept, len(rows))
		for i := range rows {
			require.Equal(t, rows[i], *kept[i])
		}
	})
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := []string{}
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func openParquet(t *testing.T, path string) *parquet.File {
	t.Helper()
	fh, err := os.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { fh.Close() })
	st, err := fh.Stat()
	require.NoError(t, err)
	pf, err := parquet.OpenFile(fh, st.Size())
	require.NoError(t, err)
	return pf
}

// surveyMicros is schema.Survey with submitted_at in microseconds.
type surveyMicros struct {
	ResponseID  string    `parquet:"response_id"`
	TicketID    *string   `parquet:"ticket_id,optional"`
	EmployeeID  *string   `parquet:"employee_id,optional"`
	SubmittedAt time.Time `parquet:"submitted_at,timestamp(microsecond)"`
	Rating      int32     `parquet:"rating"`
	Method      *string   `parquet:"method,optional"`
	Comment     *string   `parquet:"comment,optional"`
	schema.Lineage
}

// surveyRenamed is schema.Survey with one column renamed.
type surveyRenamed struct {
	ResponseID  string    `parquet:"response_id"`
	TicketID    *string   `parquet:"ticket_id,optional"`
	EmployeeID  *string   `parquet:"employee_id,optional"`
	SubmittedAt time.Time `parquet:"submitted_at,timestamp(millisecond)"`
	Rating      int32     `parquet:"score"`
	Method      *string   `parquet:"method,optional"`
	Comment     *string   `parquet:"comment,optional"`
	schema.Lineage
}

func TestVerifySchemaDetail(t *testing.T) {
	rows := []schema.Survey{{ResponseID: "R1", SubmittedAt: jan15, Rating: 5, Lineage: lineage(1)}}
	f := writeAll(t, Options{}, func(*schema.Survey) string { return "2024-01" }, rows)[0]
	require.NoError(t, Verify[schema.Survey](f))
	require.ErrorContains(t, Verify[surveyMicros](f), "schema differs")
	require.ErrorContains(t, Verify[surveyRenamed](f), "schema differs")
}
