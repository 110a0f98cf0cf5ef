package normalized

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scorecard/scorecard/pkg/schema"
)

// TestPageIndexBoundsAreValidUTF8: parquet-go cut page-index min/max strings
// at 16 bytes, mid character, and incremented the last byte of the max; a
// reader that checks UTF-8 (or compares text) was given invalid bounds.
func TestPageIndexBoundsAreValidUTF8(t *testing.T) {
	rows := make([]schema.Ticket, 3000)
	for i := range rows {
		rows[i] = schema.Ticket{
			TicketID: fmt.Sprintf("GD%06d", i), CreatedAt: jan15, AssigneeID: "E1",
			Category: schema.CategorySimple, Lineage: lineage(int64(i + 1)),
			Channel: ptr(strings.Repeat("电话回访渠道", 1+i%5) + fmt.Sprint(i)),
		}
	}
	files := writeAll(t, Options{PageBufferSize: 4 << 10}, monthOfTicket, rows)
	pf := openParquet(t, files[0].Path)
	col, ok := pf.Schema().Lookup("channel")
	if !ok {
		t.Fatal("no channel column")
	}
	checked := 0
	for _, rg := range pf.RowGroups() {
		idx, err := rg.ColumnChunks()[col.ColumnIndex].ColumnIndex()
		if err != nil {
			t.Fatal(err)
		}
		for p := range idx.NumPages() {
			for _, v := range []string{string(idx.MinValue(p).ByteArray()), string(idx.MaxValue(p).ByteArray())} {
				checked++
				if !utf8.ValidString(v) {
					t.Errorf("page %d bound %q is not valid UTF-8", p, v)
				}
			}
		}
	}
	if checked < 4 {
		t.Fatalf("only %d bounds checked", checked)
	}
}
