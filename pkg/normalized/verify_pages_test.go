package normalized

import (
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

// TestVerifyPageHeaders corrupts the value count in the header of the
// first data page of a column (outside the page data, so the page's CRC
// still matches), and checks that Verify's page-by-page read finds it.
func TestVerifyPageHeaders(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).UTC()
	g := newTicketGen(9, start, 1, 3000)
	rows := make([]schema.Ticket, 3000)
	for i := range rows {
		g.ticket(i, &rows[i])
	}
	orig := writeAll(t, Options{RowGroupRows: 1000, PageBufferSize: 8 << 10}, monthOfTicket, rows)[0]
	content, err := os.ReadFile(orig.Path)
	require.NoError(t, err)
	md := openParquet(t, orig.Path).Metadata()

	for _, column := range []string{"ticket_id", "source_row", "resolved_at", "is_complaint"} {
		t.Run(column, func(t *testing.T) {
			var cc *format.ColumnChunk
			for i := range md.RowGroups[1].Columns {
				if c := &md.RowGroups[1].Columns[i]; slices.Equal(c.MetaData.PathInSchema, []string{column}) {
					cc = c
				}
			}
			require.NotNil(t, cc)
			off := cc.MetaData.DataPageOffset
			var h format.PageHeader
			dec := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(bytes.NewReader(content[off:])))
			require.NoError(t, dec.Decode(&h))
			enc, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(content[off:], enc), "the header re-encodes to its bytes")
			require.True(t, h.DataPageHeader.Valid)
			h.DataPageHeader.V.NumValues--
			bad, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
			require.NoError(t, err)
			require.Len(t, bad, len(enc), "same header length")

			data := slices.Clone(content)
			copy(data[off:], bad)
			p := filepath.Join(t.TempDir(), "x.parquet")
			require.NoError(t, os.WriteFile(p, data, 0o600))
			f := orig
			f.Path, f.SHA256 = p, sha256File(t, p)
			err = Verify[schema.Ticket](f)
			require.Error(t, err)
			require.ErrorContains(t, err, "row group 1 column "+column)
		})
	}
}

// TestVerifyDecompresses damages the zstd frame of a data page and gives
// the page a matching CRC: only decompressing the page finds it.
func TestVerifyDecompresses(t *testing.T) {
	rows := []schema.Ticket{{TicketID: "GD1", CreatedAt: jan15, AssigneeID: "E1", Category: schema.CategorySimple, Lineage: lineage(1)}}
	orig := writeAll(t, Options{}, monthOfTicket, rows)[0]
	content, err := os.ReadFile(orig.Path)
	require.NoError(t, err)
	md := openParquet(t, orig.Path).Metadata()
	off := md.RowGroups[0].Columns[0].MetaData.DataPageOffset

	var h format.PageHeader
	dec := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(bytes.NewReader(content[off:])))
	require.NoError(t, dec.Decode(&h))
	enc, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(content[off:], enc))
	page := content[off+int64(len(enc)) : off+int64(len(enc))+int64(h.CompressedPageSize)]
	require.Equal(t, []byte{0x28, 0xB5, 0x2F, 0xFD}, page[:4], "a zstd frame")

	data := slices.Clone(content)
	page = data[off+int64(len(enc)) : off+int64(len(enc))+int64(h.CompressedPageSize)]
	page[0] ^= 0xFF // not a zstd frame any more
	h.CRC = int32(crc32.ChecksumIEEE(page))
	fixed, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
	require.NoError(t, err)
	require.Len(t, fixed, len(enc), "same header length")
	copy(data[off:], fixed)

	p := filepath.Join(t.TempDir(), "x.parquet")
	require.NoError(t, os.WriteFile(p, data, 0o600))
	f := orig
	f.Path, f.SHA256 = p, sha256File(t, p)
	err = Verify[schema.Ticket](f)
	require.ErrorContains(t, err, "row group 0 column ticket_id")
	require.ErrorContains(t, err, "decompressing")
}
