package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/scorecard/scorecard/pkg/store"
)

// customerColumns are the raw exports' columns that hold customer data.
var customerColumns = []string{"客户姓名", "客户名称", "联系电话", "手机号", "客户电话", "客户编号", "客户ID", "客户id", "邮箱", "电子邮件", "Email", "email"}

// customerValues reads every raw export under dir (CSV and TXT in UTF-8,
// UTF-16 or GB18030; XLSX) and returns every non-empty value of a customer
// column, with the file it came from.
func customerValues(t *testing.T, dir string) map[string]string {
	t.Helper()
	values := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var tables [][][]string
		switch strings.ToLower(filepath.Ext(p)) {
		case ".xlsx":
			f, err := excelize.OpenFile(p)
			require.NoError(t, err, p)
			defer f.Close()
			for _, sheet := range f.GetSheetList() {
				rows, err := f.GetRows(sheet)
				require.NoError(t, err, p)
				tables = append(tables, rows)
			}
		case ".csv", ".txt":
			raw, err := os.ReadFile(p)
			require.NoError(t, err)
			tables = append(tables, readText(t, p, raw))
		default:
			return nil
		}
		for _, rows := range tables {
			if len(rows) == 0 {
				continue
			}
			var cols []int
			for i, h := range rows[0] {
				h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
				for _, c := range customerColumns {
					if strings.Contains(h, c) {
						cols = append(cols, i)
						break
					}
				}
			}
			for _, row := range rows[1:] {
				for _, i := range cols {
					if i < len(row) {
						if v := strings.TrimSpace(row[i]); v != "" {
							values[v] = filepath.Base(p)
						}
					}
				}
			}
		}
		return nil
	}))
	return values
}

// readText decodes a text export (UTF-16 with a BOM, UTF-8, else GB18030)
// and splits it on tabs or commas.
func readText(t *testing.T, path string, raw []byte) [][]string {
	t.Helper()
	var text string
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(raw)
		require.NoError(t, err, path)
		text = string(b)
	case utf8.Valid(raw):
		text = string(raw)
	default:
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
		require.NoError(t, err, path)
		text = string(b)
	}
	text = strings.TrimPrefix(text, "\uFEFF")
	r := csv.NewReader(strings.NewReader(text))
	first, _, _ := strings.Cut(text, "\n")
	if strings.Contains(first, "\t") {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	require.NoError(t, err, path)
	return rows
}

// objectText is what an object says: every value of a Parquet file, the
// bytes of anything else.
func objectText(t *testing.T, key string, data []byte) string {
	t.Helper()
	if !strings.HasSuffix(key, ".parquet") {
		return string(data)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err, key)
	var b strings.Builder
	for _, rg := range f.RowGroups() {
		rows := rg.Rows()
		buf := make([]parquet.Row, 64)
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				for _, v := range row {
					if !v.IsNull() {
						b.WriteString(v.String())
						b.WriteByte('\n')
					}
				}
			}
			if err == io.EOF {
				break
			}
			require.NoError(t, err, key)
			if n == 0 {
				break
			}
		}
		require.NoError(t, rows.Close(), key)
	}
	return b.String()
}

// requireNoCustomerData fails naming each object (or extra text, such as a
// log) that holds a customer value of the raw exports under rawDir. Objects
// under raw/ are the exports themselves and are skipped.
func requireNoCustomerData(t *testing.T, st interface {
	List(ctx context.Context, prefix string, fn func(store.Object) error) error
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
}, rawDir string, extra map[string]string) {
	t.Helper()
	ctx := context.Background()
	values := customerValues(t, rawDir)
	require.NotEmpty(t, values, "no customer values found in the raw exports")
	texts := map[string]string{}
	for name, text := range extra {
		texts[name] = text
	}
	require.NoError(t, st.List(ctx, "", func(o store.Object) error {
		if strings.HasPrefix(o.Key, "raw/") {
			return nil
		}
		rc, _, err := st.Get(ctx, o.Key)
		if err != nil {
			return err
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			return err
		}
		texts[o.Key] = objectText(t, o.Key, data)
		return nil
	}))
	require.Greater(t, len(texts), len(extra), "no objects scanned")
	hits := customerHits(texts, values)
	require.Empty(t, hits, "customer data outside raw/")
	t.Logf("no customer data in %d objects and logs (%d customer values checked)", len(texts), len(values))
}

// customerHits lists "name: value (from export)" for each text holding a value.
func customerHits(texts, values map[string]string) []string {
	var hits []string
	for name, text := range texts {
		for v, from := range values {
			if strings.Contains(text, v) {
				hits = append(hits, name+": "+v+" (from "+from+")")
			}
		}
	}
	sort.Strings(hits)
	return hits
}

// TestCustomerDataScanFindsPlantedValues: the scan reads the raw exports'
// customer columns (GB18030 CSV, XLSX) and finds their values inside
// Parquet values and plain objects.
func TestCustomerDataScanFindsPlantedValues(t *testing.T) {
	values := customerValues(t, "../../testdata/raw")
	require.Contains(t, values, "王磊", "a name of the GB18030 CRM export")
	require.Contains(t, values, "13800133127", "a phone of the CRM export")
	require.Contains(t, values, "C271090", "a customer id of the CRM export")
	var pq bytes.Buffer
	type row struct {
		Key   string `parquet:"key"`
		Phone string `parquet:"phone"`
	}
	require.NoError(t, parquet.Write(&pq, []row{{"a", "x"}, {"b", "tel 13800133127"}}))
	texts := map[string]string{
		"normalized/x.parquet": objectText(t, "normalized/x.parquet", pq.Bytes()),
		"reports/x.json":       `{"name":"王磊"}`,
		"clean.json":           `{"id":"C0"}`,
	}
	hits := customerHits(texts, values)
	require.Len(t, hits, 2, "%v", hits)
	require.Contains(t, hits[0], "normalized/x.parquet: 13800133127")
	require.Contains(t, hits[1], "reports/x.json: 王磊")
}
