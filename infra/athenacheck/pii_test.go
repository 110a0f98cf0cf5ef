package athenacheck

import (
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scorecard/scorecard"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// customerData returns the clear customer ids, names and phone numbers of
// the sample CRM CSV (GBK), the only export with customer columns.
func customerData(t *testing.T) []string {
	t.Helper()
	raw, err := scorecard.SampleExports.ReadFile("testdata/" + crmCSVKey)
	if err != nil {
		t.Fatal(err)
	}
	text, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatalf("decoding %s: %v", crmCSVKey, err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(text))).ReadAll()
	if err != nil {
		t.Fatalf("reading %s: %v", crmCSVKey, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var ids, namesAndPhones []string
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		for _, h := range []string{"客户编号", "客户姓名", "联系电话"} {
			i, ok := col[h]
			if !ok {
				t.Fatalf("%s has no column %s", crmCSVKey, h)
			}
			v := strings.TrimSpace(r[i])
			if v == "" || seen[v] {
				continue
			}
			seen[v] = true
			if h == "客户编号" {
				ids = append(ids, v)
			} else {
				namesAndPhones = append(namesAndPhones, v)
			}
		}
	}
	if len(ids) < 10 || len(namesAndPhones) < 20 {
		t.Fatalf("only %d customer ids and %d names and phones in %s", len(ids), len(namesAndPhones), crmCSVKey)
	}
	return append(ids, namesAndPhones...)
}

// leaks returns the secrets s contains.
func leaks(s string, secrets []string) []string {
	var out []string
	for _, x := range secrets {
		if strings.Contains(s, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestNoCustomerDataInParquet scans every string column of every Parquet
// file of the sample bucket for the sample's customer ids, names and phone
// numbers (as whole values or inside longer text), and every other file
// the pipeline wrote (reports, quarantine records, payroll CSV, manifest)
// for the same.
func TestNoCustomerDataInParquet(t *testing.T) {
	dir := sampleDir(t)
	all := customerData(t)
	raw, _ := scorecard.SampleExports.ReadFile("testdata/" + crmCSVKey)
	decoded, _ := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if len(leaks(string(decoded), all)) != len(all) {
		t.Fatal("the scan does not find the customer data in the export itself")
	}

	db := openDir(t, dir)
	var parquetFiles, otherFiles []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case strings.HasPrefix(filepath.ToSlash(rel), "raw/"):
		case strings.HasSuffix(p, ".parquet"):
			parquetFiles = append(parquetFiles, p)
		default:
			otherFiles = append(otherFiles, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(parquetFiles)
	columns, values := 0, 0
	for _, f := range parquetFiles {
		rel, _ := filepath.Rel(dir, f)
		src := "read_parquet(" + quote(filepath.ToSlash(f)) + ", hive_partitioning = false)"
		for _, c := range query(t, db, "DESCRIBE SELECT * FROM "+src) {
			typ := c["column_type"].(string)
			if typ != "VARCHAR" && typ != "BLOB" {
				continue
			}
			name := c["column_name"].(string)
			columns++
			q := "SELECT DISTINCT CAST(" + name + " AS VARCHAR) AS v FROM " + src + " WHERE " + name + " IS NOT NULL"
			for _, r := range query(t, db, q) {
				values++
				if l := leaks(r["v"].(string), all); len(l) > 0 {
					t.Errorf("%s column %s holds customer data %v in %q", rel, name, l, r["v"])
				}
			}
		}
	}
	if len(parquetFiles) < 10 || columns < 50 || values < 500 {
		t.Fatalf("scanned only %d files, %d string columns, %d values", len(parquetFiles), columns, values)
	}
	for _, f := range otherFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, f)
		if l := leaks(string(b), all); len(l) > 0 {
			t.Errorf("%s holds customer data %v", rel, l)
		}
	}
	t.Logf("scanned %d Parquet files (%d string columns, %d distinct values) and %d other files", len(parquetFiles), columns, values, len(otherFiles))
}
