package payroll

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

func TestParquetRoundTrip(t *testing.T) {
	rows := sampleRows()
	for i := range rows {
		rows[i].Version = 2
	}
	var buf bytes.Buffer
	require.NoError(t, WriteParquet(&buf, rows))

	got, err := readParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	assert.Equal(t, rows, got)

	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	assert.EqualValues(t, len(rows), f.NumRows())

	decimals := map[string][2]int32{ // column -> {precision, scale}
		"score":           {10, 2},
		"multiplier":      {10, 2},
		"performance_pay": {18, 2},
		"payout":          {18, 2},
	}
	var names []string
	for _, el := range f.Metadata().Schema[1:] { // [0] is the root
		names = append(names, el.Name)
		want, isDecimal := decimals[el.Name]
		if !isDecimal {
			continue
		}
		dec, ok := el.LogicalType.Value.(*format.DecimalType)
		require.True(t, ok, "%s: logical type %v, want DECIMAL", el.Name, el.LogicalType.String())
		assert.Equal(t, want, [2]int32{dec.Precision, dec.Scale}, "%s DECIMAL(precision, scale)", el.Name)
		typ, _ := el.Type.Get()
		assert.Equal(t, format.Int64, typ, "%s is backed by int64", el.Name)
	}
	assert.Equal(t, []string{"month", "employee_id", "employee_name", "team", "score", "band", "multiplier", "performance_pay", "payout", "version", "employed_days", "working_days"}, names)

	for _, rg := range f.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			assert.Equal(t, format.Zstd, cc.MetaData.Codec, "column %v", cc.MetaData.PathInSchema)
		}
	}
	assertDataPagesV1(t, f, buf.Bytes())

	var again bytes.Buffer
	require.NoError(t, WriteParquet(&again, rows))
	assert.Equal(t, buf.Bytes(), again.Bytes(), "deterministic bytes")
}

// assertDataPagesV1 walks every page header of every column chunk and
// checks the data pages are v1 (what Athena's reader expects).
func assertDataPagesV1(t *testing.T, f *parquet.File, file []byte) {
	t.Helper()
	dataPages := 0
	for _, rg := range f.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			md := cc.MetaData
			off := md.DataPageOffset
			if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < off {
				off = md.DictionaryPageOffset
			}
			end := off + md.TotalCompressedSize
			for off < end {
				r := new(thrift.CompactProtocol).NewReaderFromBytes(file[off:end])
				var h format.PageHeader
				require.NoError(t, thrift.NewDecoder(r).Decode(&h))
				switch h.Type {
				case format.DataPage:
					dataPages++
				case format.DictionaryPage:
				default:
					t.Errorf("column %v: page type %v, want DATA_PAGE (v1)", md.PathInSchema, h.Type)
				}
				off += int64(r.BytesRead()) + int64(h.CompressedPageSize)
			}
		}
	}
	assert.Positive(t, dataPages)
}

func TestParquetEmpty(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteParquet(&buf, nil))
	got, err := readParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestReadParquetError(t *testing.T) {
	_, err := readParquet(bytes.NewReader([]byte("not parquet")), 11)
	assert.ErrorContains(t, err, "reading payroll Parquet")
}

// readParquet reads a salary_multipliers.parquet file of size bytes.
func readParquet(r io.ReaderAt, size int64) ([]schema.PayrollRow, error) {
	rows, err := parquet.Read[schema.PayrollRow](r, size)
	if err != nil {
		return nil, fmt.Errorf("reading payroll Parquet: %w", err)
	}
	return rows, nil
}
