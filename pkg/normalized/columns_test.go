package normalized

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

// ticketColumns is a ticket read back column by column.
type ticketColumns struct {
	id, assignee, source string
	name, status         *string
	created, uploaded    int64
	resolved, cost       *int64
	reopened             *int32
	complaint            bool
}

func readTicketColumns(t *testing.T, data []byte, workers int) []ticketColumns {
	t.Helper()
	n, err := NumRows(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	got := make([]ticketColumns, n)
	rows, err := ReadColumns[schema.Ticket](bytes.NewReader(data), int64(len(data)), workers,
		Column{Name: "ticket_id", String: func(r int, v string, _ bool) { got[r].id = v }},
		Column{Name: "assignee_id", Intern: true, String: func(r int, v string, _ bool) { got[r].assignee = v }},
		Column{Name: "source_key", Intern: true, String: func(r int, v string, _ bool) { got[r].source = v }},
		Column{Name: "assignee_name", String: func(r int, v string, ok bool) {
			if ok {
				got[r].name = &v
			}
		}},
		Column{Name: "status", Bytes: func(r int, v []byte, ok bool) {
			if ok {
				s := string(v)
				got[r].status = &s
			}
		}},
		Column{Name: "created_at", Int64: func(r int, v int64, _ bool) { got[r].created = v }},
		Column{Name: "source_uploaded_at", Int64: func(r int, v int64, _ bool) { got[r].uploaded = v }},
		Column{Name: "resolved_at", Int64: func(r int, v int64, ok bool) {
			if ok {
				got[r].resolved = &v
			}
		}},
		Column{Name: "cost", Int64: func(r int, v int64, ok bool) {
			if ok {
				got[r].cost = &v
			}
		}},
		Column{Name: "reopened_count", Int32: func(r int, v int32, ok bool) {
			if ok {
				got[r].reopened = &v
			}
		}},
		Column{Name: "is_complaint", Bool: func(r int, v bool, _ bool) { got[r].complaint = v }},
	)
	require.NoError(t, err)
	require.EqualValues(t, n, rows)
	return got
}

func TestReadColumnsMatchesRead(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).UTC()
	g := newTicketGen(11, start, 1, 20_000)
	w := NewWriter[schema.Ticket](Options{Dir: t.TempDir(), RowGroupRows: 3000, PageBufferSize: 8 << 10}, func(*schema.Ticket) string { return "2024-01" })
	var row schema.Ticket
	for i := range 20_000 {
		g.ticket(i, &row)
		require.NoError(t, w.Write(&row))
	}
	files, err := w.Close()
	require.NoError(t, err)
	require.Len(t, files, 1)
	data, err := os.ReadFile(files[0].Path)
	require.NoError(t, err)

	var want []ticketColumns
	require.NoError(t, Read(bytes.NewReader(data), int64(len(data)), func(rows []schema.Ticket) error {
		for _, r := range rows {
			c := ticketColumns{id: r.TicketID, assignee: r.AssigneeID, source: r.SourceKey, name: r.AssigneeName, status: r.Status,
				created: r.CreatedAt.UnixMilli(), uploaded: r.SourceUploadedAt.UnixMilli(), cost: r.CostFen, reopened: r.ReopenedCount, complaint: r.IsComplaint}
			if r.ResolvedAt != nil {
				c.resolved = ptr(r.ResolvedAt.UnixMilli())
			}
			want = append(want, c)
		}
		return nil
	}))
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			require.Equal(t, want, readTicketColumns(t, data, workers))
		})
	}

	t.Run("an optional column missing from the file reads as null", func(t *testing.T) {
		type newer struct {
			TicketID string  `parquet:"ticket_id"`
			Extra    *string `parquet:"extra,optional"`
		}
		calls, nulls := 0, 0
		_, err := ReadColumns[newer](bytes.NewReader(data), int64(len(data)), 1, Column{Name: "extra", String: func(_ int, _ string, ok bool) {
			calls++
			if !ok {
				nulls++
			}
		}})
		require.NoError(t, err)
		require.Equal(t, len(want), calls)
		require.Equal(t, len(want), nulls)
	})
	t.Run("mismatched columns are refused", func(t *testing.T) {
		for _, c := range []Column{
			{Name: "ticket_id", Int64: func(int, int64, bool) {}},
			{Name: "no_such_column", Int64: func(int, int64, bool) {}},
			{Name: "ticket_id"},
			{Name: "ticket_id", String: func(int, string, bool) {}, Bytes: func(int, []byte, bool) {}},
		} {
			_, err := ReadColumns[schema.Ticket](bytes.NewReader(data), int64(len(data)), 2, c)
			require.Error(t, err, c.Name)
		}
		type required struct {
			Status string `parquet:"status"`
		}
		_, err := ReadColumns[required](bytes.NewReader(data), int64(len(data)), 2, Column{Name: "status", Bytes: func(int, []byte, bool) {}})
		require.ErrorContains(t, err, "optional in the file but required")
	})
	t.Run("a truncated file is an error", func(t *testing.T) {
		_, err := ReadColumns[schema.Ticket](bytes.NewReader(data[:len(data)/2]), int64(len(data)/2), 2, Column{Name: "ticket_id", Bytes: func(int, []byte, bool) {}})
		require.Error(t, err)
	})
}
