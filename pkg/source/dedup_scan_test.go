package source

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
)

// TestRemoveTicketDuplicatesManyPages runs the duplicate removal over files
// of many row groups and pages (the id scan reads pages directly), with
// duplicates in other months, other row groups and the same page, against a
// plain map.
func TestRemoveTicketDuplicatesManyPages(t *testing.T) {
	const n = 20_000
	var dr []dupRow
	for i := range n {
		id := fmt.Sprintf("GD%06d", i)
		switch {
		case i%997 == 5: // repeats an id from far back, maybe in another month
			id = fmt.Sprintf("GD%06d", i/3)
		case i%101 == 1: // repeats the previous row's id
			id = fmt.Sprintf("GD%06d", i-1)
		}
		dr = append(dr, dupRow{id: id, month: 1 + i*3/n})
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
	require.NotEmpty(t, wantRemoved)

	for _, bits := range []uint64{normalized.DefaultDupFinderBits, 4096} { // 4096: many false positives
		t.Run(fmt.Sprintf("bits=%d", bits), func(t *testing.T) {
			d := normalized.NewDupFinder(bits)
			for _, r := range rows {
				d.Add(r.TicketID)
			}
			opt := normalized.Options{RowGroupRows: 3000, PageBufferSize: 4 << 10}
			files := writeAll(t, opt, monthOfTicket, rows)
			require.Len(t, files, 3)
			require.Greater(t, len(openParquet(t, files[0].Path).RowGroups()), 1)

			got, removed, err := removeDuplicateTickets(files, d, normalized.Options{Dir: t.TempDir()})
			require.NoError(t, err)
			require.Equal(t, rejectsOf(wantRemoved), removed)
			require.Len(t, got, len(wantKept))
			for _, f := range got {
				require.Equal(t, wantKept[f.Month], readAll[schema.Ticket](t, f.Path), "month %s", f.Month)
			}
		})
	}
}
