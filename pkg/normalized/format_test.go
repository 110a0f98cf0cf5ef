package normalized

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var convertedNames = map[deprecated.ConvertedType]string{
	deprecated.UTF8: "UTF8", deprecated.Decimal: "DECIMAL", deprecated.Date: "DATE",
	deprecated.TimestampMillis: "TIMESTAMP_MILLIS", deprecated.TimestampMicros: "TIMESTAMP_MICROS",
	deprecated.Int32: "INT_32", deprecated.Int64: "INT_64",
}

// column is what a schema element says about one leaf column.
type column struct {
	physical, repetition, logical, converted string
	scale, precision                         int32
}

func (c column) String() string {
	s := fmt.Sprintf("%s %s", c.repetition, c.physical)
	if c.logical != "" {
		s += " " + c.logical
	}
	if c.converted != "" {
		s += " converted=" + c.converted
	}
	if c.precision != 0 || c.scale != 0 {
		s += fmt.Sprintf(" scale=%d precision=%d", c.scale, c.precision)
	}
	return s
}

func columnsOf(md *format.FileMetaData) (names []string, cols map[string]column) {
	cols = map[string]column{}
	for _, el := range md.Schema[1:] { // [0] is the root
		c := column{}
		if v, ok := el.Type.Get(); ok {
			c.physical = v.String()
		}
		if v, ok := el.RepetitionType.Get(); ok {
			c.repetition = v.String()
		}
		c.logical = el.LogicalType.String()
		if v, ok := el.ConvertedType.Get(); ok {
			c.converted = convertedNames[v]
			if c.converted == "" {
				c.converted = fmt.Sprint(int32(v))
			}
		}
		c.scale, _ = el.Scale.Get()
		c.precision, _ = el.Precision.Get()
		names = append(names, el.Name)
		cols[el.Name] = c
	}
	return names, cols
}

// pageTypes walks the page headers of every column chunk of the file and
// counts them by type; it fails on any page that is not PLAIN-encoded v1
// data or a dictionary page.
func pageTypes(t *testing.T, path string, pf *parquet.File) map[string]int {
	t.Helper()
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	counts := map[string]int{}
	for _, rg := range pf.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			md := cc.MetaData
			start := md.DataPageOffset
			if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
				start = md.DictionaryPageOffset
			}
			r := bufio.NewReader(io.NewSectionReader(fh, start, md.TotalCompressedSize))
			dec := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(r))
			var values int64
			for values < md.NumValues {
				var h format.PageHeader
				require.NoError(t, dec.Decode(&h), "page header of %v", md.PathInSchema)
				counts[h.Type.String()]++
				require.False(t, h.DataPageHeaderV2.Valid, "column %v has a v2 data page", md.PathInSchema)
				if h.Type == format.DataPage {
					dp := h.DataPageHeader.V
					require.Equal(t, format.Plain, dp.Encoding, "column %v", md.PathInSchema)
					values += int64(dp.NumValues)
				}
				_, err := r.Discard(int(h.CompressedPageSize))
				require.NoError(t, err)
			}
			require.Equal(t, md.NumValues, values)
		}
	}
	return counts
}

func TestFileFormat(t *testing.T) {
	const (
		ts     = "TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS)"
		money  = "DECIMAL(18,2)"
		str    = "STRING"
		date   = "DATE"
		noType = ""
	)
	// want lists, per dataset, columns whose types Athena depends on.
	type want struct {
		physical, logical string
		optional          bool
	}
	tests := []struct {
		name  string
		write func(t *testing.T) File
		want  map[string]want
	}{
		{"tickets", func(t *testing.T) File {
			g := newTicketGen(4, time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).UTC(), 1, 3000)
			rows := make([]schema.Ticket, 3000)
			for i := range rows {
				g.ticket(i, &rows[i])
			}
			return writeAll(t, Options{RowGroupRows: 1000, PageBufferSize: 16 << 10}, monthOfTicket, rows)[0]
		}, map[string]want{
			"ticket_id":          {"BYTE_ARRAY", str, false},
			"created_at":         {"INT64", ts, false},
			"first_response_at":  {"INT64", ts, true},
			"resolved_at":        {"INT64", ts, true},
			"updated_at":         {"INT64", ts, true},
			"source_uploaded_at": {"INT64", ts, false},
			"is_complaint":       {"BOOLEAN", noType, false},
			"cost":               {"INT64", money, true},
			"status":             {"BYTE_ARRAY", str, true},
			"reopened_count":     {"INT32", "INT(32,true)", true},
			"source_row":         {"INT64", "INT(64,true)", false},
		}},
		{"roster", func(t *testing.T) File {
			rows := []schema.Employee{
				{EmployeeID: "E1", Lineage: lineage(1)},
				{EmployeeID: "E2", Name: ptr("张伟"), HiredAt: ptr(schema.DayNumber(jan15)), LeftAt: ptr(schema.DayNumber(feb20)), Lineage: lineage(2)},
			}
			return writeAll(t, Options{}, func(*schema.Employee) string { return "2024-02" }, rows)[0]
		}, map[string]want{
			"employee_id": {"BYTE_ARRAY", str, false},
			"hired_at":    {"INT32", date, true},
			"left_at":     {"INT32", date, true},
		}},
		// The roster's pay base, kept apart from the roster (spec §12).
		{"roster_pay", func(t *testing.T) File {
			rows := []schema.RosterPay{
				{EmployeeID: "E1", Lineage: lineage(1)},
				{EmployeeID: "E2", PerformancePayFen: ptr(int64(500000)), Lineage: lineage(2)},
			}
			return writeAll(t, Options{}, func(*schema.RosterPay) string { return "2024-02" }, rows)[0]
		}, map[string]want{
			"employee_id":     {"BYTE_ARRAY", str, false},
			"performance_pay": {"INT64", money, true},
		}},
		{"surveys", func(t *testing.T) File {
			rows := []schema.Survey{{ResponseID: "R1", SubmittedAt: jan15, Rating: 5, Lineage: lineage(1)}}
			return writeAll(t, Options{}, func(*schema.Survey) string { return "2024-01" }, rows)[0]
		}, map[string]want{
			"submitted_at": {"INT64", ts, false},
			"rating":       {"INT32", "INT(32,true)", false},
			"comment":      {"BYTE_ARRAY", str, true},
		}},
		{"evaluations", func(t *testing.T) File {
			rows := []schema.Evaluation{{EmployeeID: "E1", Month: "2024-01", Kind: schema.KindExamScore, ValueCenti: 9000, Lineage: lineage(1)}}
			return writeAll(t, Options{}, func(*schema.Evaluation) string { return "2024-01" }, rows)[0]
		}, map[string]want{
			"value":      {"INT64", money, false},
			"eval_month": {"BYTE_ARRAY", str, false},
		}},
		{"scorecards", func(t *testing.T) File {
			rows := []schema.Scorecard{{EmployeeID: "E1", Version: 1, ScoreCenti: ptr(int64(9000)), Band: ptr("A"), PayoutFen: ptr(int64(1))}}
			return writeAll(t, Options{}, func(*schema.Scorecard) string { return "2024-01" }, rows)[0]
		}, map[string]want{
			"score":        {"INT64", "DECIMAL(10,2)", true}, // null when no_activity
			"band":         {"BYTE_ARRAY", str, true},
			"small_sample": {"BOOLEAN", noType, false},
			"no_activity":  {"BOOLEAN", noType, false},
		}},
		{"kpis", func(t *testing.T) File {
			rows := []schema.KPIScore{{EmployeeID: "E1", Version: 1, KPI: "on_time", ValueMicro: ptr(int64(955000))}}
			return writeAll(t, Options{}, func(*schema.KPIScore) string { return "2024-01" }, rows)[0]
		}, map[string]want{
			"raw_value":     {"INT64", "DECIMAL(18,4)", true},
			"points":        {"INT64", "DECIMAL(18,4)", false},
			"not_on_roster": {"BOOLEAN", noType, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.write(t)
			pf := openParquet(t, f.Path)
			md := pf.Metadata()
			names, cols := columnsOf(md)
			for name, w := range tt.want {
				c, ok := cols[name]
				require.True(t, ok, "column %s missing", name)
				require.Equal(t, w.physical, c.physical, name)
				require.Equal(t, w.logical, c.logical, name)
				rep := "REQUIRED"
				if w.optional {
					rep = "OPTIONAL"
				}
				require.Equal(t, rep, c.repetition, name)
			}
			for _, name := range names {
				require.Equal(t, strings.ToLower(name), name, "column names are lower case")
				c := cols[name]
				if strings.HasPrefix(c.logical, "DECIMAL(") {
					require.Equal(t, c.logical, fmt.Sprintf("DECIMAL(%d,%d)", c.precision, c.scale), "decimal %s carries scale and precision", name)
					require.Equal(t, "DECIMAL", c.converted, name)
				}
				if c.logical == ts {
					require.Equal(t, "TIMESTAMP_MILLIS", c.converted, name)
				}
			}
			for _, rg := range md.RowGroups {
				for _, cc := range rg.Columns {
					require.Equal(t, format.Zstd, cc.MetaData.Codec, "column %v", cc.MetaData.PathInSchema)
					for _, es := range cc.MetaData.EncodingStats {
						require.NotEqual(t, format.DataPageV2, es.PageType)
					}
				}
			}
			pages := pageTypes(t, f.Path, pf)
			require.Positive(t, pages["DATA_PAGE"])
			require.Zero(t, pages["DATA_PAGE_V2"])

			// The golden file records the whole footer that Athena and Glue see.
			var b strings.Builder
			fmt.Fprintf(&b, "created_by: %s\nrows: %d\nrow groups: %d\n", md.CreatedBy, md.NumRows, len(md.RowGroups))
			for _, name := range names {
				fmt.Fprintf(&b, "%s: %s\n", name, cols[name])
			}
			fmt.Fprintf(&b, "pages: %v\n", pages)
			checkGolden(t, filepath.Join("testdata", tt.name+".footer.golden"), b.String())
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	require.Equal(t, string(want), got, "%s differs; run go test -update if the change is intended", path)
}

func TestCompressionOption(t *testing.T) {
	rows := []schema.Survey{{ResponseID: "R1", SubmittedAt: jan15, Rating: 5, Comment: ptr("好"), Lineage: lineage(1)}}
	for _, tt := range []struct {
		name  string
		codec compress.Codec
		want  format.CompressionCodec
	}{
		{"default", nil, format.Zstd},
		{"parquet-go zstd", &parquet.Zstd, format.Zstd},
		{"snappy", &parquet.Snappy, format.Snappy},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := writeAll(t, Options{Compression: tt.codec}, func(*schema.Survey) string { return "2024-01" }, rows)[0]
			for _, rg := range openParquet(t, f.Path).Metadata().RowGroups {
				for _, cc := range rg.Columns {
					require.Equal(t, tt.want, cc.MetaData.Codec)
				}
			}
			require.Equal(t, rows, readAll[schema.Survey](t, f.Path))
		})
	}
}

func TestZstdCodec(t *testing.T) {
	src := []byte(strings.Repeat("工单 GD2024010100001 resolved;", 20_000)) // longer than the window
	enc, err := defaultZstd.Encode(nil, src)
	require.NoError(t, err)
	require.Less(t, len(enc), len(src)/10)
	for _, dec := range []compress.Codec{defaultZstd, &parquet.Zstd} {
		got, err := dec.Decode(nil, enc)
		require.NoError(t, err)
		require.Equal(t, src, got, dec.String())
	}
	again, err := defaultZstd.Encode(make([]byte, 0, 10), src)
	require.NoError(t, err)
	require.Equal(t, enc, again, "deterministic")
}

// TestScorecardsHoldNoPay: a scorecard carries its pay in memory (from
// score.Compute to payroll.Rows), but the Parquet file analysts read has no
// pay column (spec §12; pay is published only under payroll/).
func TestScorecardsHoldNoPay(t *testing.T) {
	rows := []schema.Scorecard{{EmployeeID: "E1", Version: 1, MultiplierCenti: 120, PerformancePayFen: ptr(int64(300000)), PayoutFen: ptr(int64(360000))}}
	f := writeAll(t, Options{}, func(*schema.Scorecard) string { return "2024-01" }, rows)[0]
	_, cols := columnsOf(openParquet(t, f.Path).Metadata())
	require.Contains(t, cols, "employee_id")
	for _, pay := range schema.PayColumns {
		require.NotContains(t, cols, pay)
	}
}
