package normalized

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

func TestReadConcurrentReadsEveryRowOnce(t *testing.T) {
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]schema.Ticket, 10_000)
	for i := range rows {
		rows[i] = schema.Ticket{TicketID: fmt.Sprintf("T%05d", i), CreatedAt: base.Add(time.Duration(i) * time.Minute),
			AssigneeID: "E1", Category: schema.CategorySimple, Lineage: schema.Lineage{SourceKey: "k", SourceRow: int64(i + 1), SourceUploadedAt: base}}
	}
	w := NewWriter[schema.Ticket](Options{Dir: t.TempDir(), RowGroupRows: 1000}, func(*schema.Ticket) string { return "2026-09" })
	for i := range rows {
		require.NoError(t, w.Write(&rows[i]))
	}
	files, err := w.Close()
	require.NoError(t, err)
	require.Len(t, files, 1)
	data, err := os.ReadFile(files[0].Path)
	require.NoError(t, err)

	n, err := NumRows(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.EqualValues(t, len(rows), n)

	for _, workers := range []int{1, 2, 4, 16} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			var got []string
			err := ReadConcurrent[schema.Ticket](bytes.NewReader(data), int64(len(data)), workers, func(b []schema.Ticket) error {
				for _, r := range b {
					got = append(got, r.TicketID)
				}
				return nil
			})
			require.NoError(t, err)
			sort.Strings(got)
			require.Len(t, got, len(rows))
			for i := range rows {
				require.Equal(t, rows[i].TicketID, got[i])
			}
		})
	}

	t.Run("wrong column types are refused", func(t *testing.T) {
		type wrong struct {
			TicketID int64 `parquet:"ticket_id"`
		}
		err := ReadConcurrent[wrong](bytes.NewReader(data), int64(len(data)), 2, func([]wrong) error { return nil })
		require.ErrorContains(t, err, "ticket_id")
	})
	t.Run("an error from batch stops the read", func(t *testing.T) {
		err := ReadConcurrent[schema.Ticket](bytes.NewReader(data), int64(len(data)), 2, func([]schema.Ticket) error { return fmt.Errorf("stop") })
		require.ErrorContains(t, err, "stop")
	})
	t.Run("truncated file", func(t *testing.T) {
		err := ReadConcurrent[schema.Ticket](bytes.NewReader(data[:len(data)/2]), int64(len(data)/2), 2, func([]schema.Ticket) error { return nil })
		require.Error(t, err)
	})
}
