package source

import (
	"os"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
)

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

func ptr[T any](v T) *T { return &v }

func lineage(row int64) schema.Lineage {
	return schema.Lineage{SourceKey: "raw/crm/工单 2024-01.csv", SourceRow: row, SourceUploadedAt: time.Date(2024, 2, 1, 8, 0, 0, 1e6, time.UTC)}
}

func monthOfTicket(t *schema.Ticket) string { return t.CreatedAt.In(shanghai).Format("2006-01") }

// rejectsOf is what removeDuplicateTickets reports for the removed rows.
func rejectsOf(rows []schema.Ticket) []*ingest.RowError {
	if rows == nil {
		return nil
	}
	out := make([]*ingest.RowError, len(rows))
	for i, r := range rows {
		out[i] = &ingest.RowError{Row: r.SourceRow, Field: "ticket_id", Value: r.TicketID, Reason: ingest.ReasonDuplicateTicketID}
	}
	return out
}

// writeAll writes rows with a fresh Writer into a temp dir, closes it and
// verifies every file.
func writeAll[T any](t *testing.T, opt normalized.Options, monthOf func(*T) string, rows []T) []normalized.File {
	t.Helper()
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	w := normalized.NewWriter[T](opt, monthOf)
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	files, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := normalized.Verify[T](f); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func readAll[T any](t *testing.T, path string) []T {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	if err := normalized.Read(fh, st.Size(), func(rows []T) error { out = append(out, rows...); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func openParquet(t *testing.T, path string) *parquet.File {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fh.Close() })
	st, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	return pf
}
