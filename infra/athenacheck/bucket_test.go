package athenacheck

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/ingestjob"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

// The pipeline-based tests build buckets with the real ingest and close
// (pkg/ingestjob and pkg/closejob, in process, as `scorecard demo` does) and check the SQL of
// infra/athena over the Parquet they write against values known
// independently: testdata/expected, written by the sample generator's own
// implementation of the spec.

// repoRoot is the main module's directory.
func repoRoot() string { return filepath.Join(AthenaDir(), "..", "..") }

// expectedDir holds the sample month's expected results.
func expectedDir() string { return filepath.Join(repoRoot(), "testdata", "expected") }

var customerKey = []byte("k")

// ingestAll ingests every raw/ object of the store that has no report yet;
// a file that cannot be read is an error.
func ingestAll(st *store.Dir) (map[string]*ingestreport.Report, error) {
	ctx := context.Background()
	in := &ingestjob.Job{Store: st, CustomerKey: customerKey}
	keys, err := in.Pending(ctx)
	if err != nil {
		return nil, err
	}
	reports := map[string]*ingestreport.Report{}
	for _, k := range keys {
		rep, err := in.Run(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("ingesting %s: %w", k, err)
		}
		reports[k] = rep
	}
	return reports, nil
}

// closeMonth runs the close and checks it published the wanted version.
func closeMonth(st *store.Dir, month string, reopen bool, wantVersion int32) error {
	c := &closejob.Job{Store: st, Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }}
	res, err := c.Run(context.Background(), closejob.Request{Month: month, Reopen: reopen, AllowIncomplete: "athenacheck: every month of the generated data is compared, complete or not"})
	if err != nil {
		return fmt.Errorf("closing %s: %w", month, err)
	}
	if res.Status != closejob.Published || res.Version != wantVersion {
		return fmt.Errorf("closing %s: status %s, version %d; want %s, version %d", month, res.Status, res.Version, closejob.Published, wantVersion)
	}
	return nil
}

// buildSampleBucket lays out the sample exports in dir, ingests them,
// checks the ingest counts of expected/ingest.json and closes 2026-09 (v1).
func buildSampleBucket(dir string) error {
	if err := scorecard.CopySamples(dir); err != nil {
		return err
	}
	st, err := store.NewDir(dir)
	if err != nil {
		return err
	}
	reports, err := ingestAll(st)
	if err != nil {
		return err
	}
	want, err := expectedIngest()
	if err != nil {
		return err
	}
	for _, w := range want {
		rep := reports[w.Key]
		if rep == nil {
			return fmt.Errorf("%s was not ingested", w.Key)
		}
		if rep.RowsRead != w.RowsRead || rep.Accepted != w.Accepted {
			return fmt.Errorf("%s: %d rows read, %d accepted; expected/ingest.json says %d, %d", w.Key, rep.RowsRead, rep.Accepted, w.RowsRead, w.Accepted)
		}
	}
	return closeMonth(st, scorecard.SampleMonth, false, 1)
}

var sample struct {
	once sync.Once
	dir  string
	err  error
}

// sampleDir returns the sample bucket, built once per test binary; tests
// must not change it (TestSampleReopen builds its own).
func sampleDir(t *testing.T) string {
	t.Helper()
	sample.once.Do(func() {
		sample.dir, sample.err = os.MkdirTemp("", "athenacheck-sample-*")
		if sample.err == nil {
			sample.err = buildSampleBucket(sample.dir)
		}
	})
	if sample.err != nil {
		t.Fatalf("building the sample bucket: %v", sample.err)
	}
	return sample.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sample.dir != "" {
		os.RemoveAll(sample.dir)
	}
	os.Exit(code)
}

// openDir opens a DuckDB over a bucket directory for one test.
func openDir(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := OpenBucketDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// query runs one statement and fails the test on error.
func query(t *testing.T, db *sql.DB, q string, args ...any) []map[string]any {
	t.Helper()
	rows, err := RunQuery(db, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rows
}

// runFile runs one infra/athena file and fails the test on error.
func runFile(t *testing.T, db *sql.DB, file string, params map[string]string) []map[string]any {
	t.Helper()
	rows, err := RunQueryFile(db, filepath.Join(AthenaDir(), file), params)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// ingestExpectation is one entry of expected/ingest.json.
type ingestExpectation struct {
	Key             string           `json:"key"`
	RowsRead        int64            `json:"rows_read"`
	Accepted        int64            `json:"accepted"`
	AcceptedByMonth map[string]int64 `json:"accepted_by_month"`
}

func expectedIngest() ([]ingestExpectation, error) {
	b, err := os.ReadFile(filepath.Join(expectedDir(), "ingest.json"))
	if err != nil {
		return nil, err
	}
	var out []ingestExpectation
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("parsing expected/ingest.json: %w", err)
	}
	return out, nil
}

// expectedCard is one row of expected/scorecards-2026-09.csv, by column.
type expectedCard map[string]string

// expectedCards reads expected/scorecards-2026-09.csv, sorted by employee.
func expectedCards(t *testing.T) []expectedCard {
	t.Helper()
	var out []expectedCard
	for _, r := range readCSV(t, filepath.Join(expectedDir(), "scorecards-"+scorecard.SampleMonth+".csv")) {
		out = append(out, expectedCard(r))
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["employee_id"] < out[j]["employee_id"] })
	return out
}

// int64Of parses a count column of the expected CSV.
func (c expectedCard) int64Of(t *testing.T, col string) int64 {
	t.Helper()
	v, ok := c[col]
	if !ok {
		t.Fatalf("expected scorecards have no column %s", col)
	}
	var n int64
	if _, err := fmt.Sscan(v, &n); err != nil {
		t.Fatalf("expected scorecards, %s of %s: %q: %v", col, c["employee_id"], v, err)
	}
	return n
}

// readParquet reads every row of one Parquet file of the bucket with the
// pipeline's row type: the Go side of comparisons with DuckDB.
func readParquet[T any](t *testing.T, path string) []T {
	t.Helper()
	rows, err := parquet.ReadFile[T](path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return rows
}

// readDataset reads every file of one table prefix.
func readDataset[T any](t *testing.T, dir, prefix string) []T {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(prefix), "*", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Parquet under %s in %s (%v)", prefix, dir, err)
	}
	var out []T
	for _, f := range files {
		out = append(out, readParquet[T](t, f)...)
	}
	return out
}

// kpiRows reads the Go scorer's KPI lines of one published version.
func kpiRows(t *testing.T, dir, month string, version int32) []schema.KPIScore {
	t.Helper()
	return readParquet[schema.KPIScore](t, filepath.Join(dir, "scorecards", "kpis", "month="+month, fmt.Sprintf("v%d.parquet", version)))
}

// scorecardRows reads the scorecards the close published for month and version.
func scorecardRows(t *testing.T, dir, month string, version int32) []schema.Scorecard {
	t.Helper()
	return readParquet[schema.Scorecard](t, filepath.Join(dir, "scorecards", "employees", "month="+month, fmt.Sprintf("v%d.parquet", version)))
}

// writeExport writes a raw export with an upload (modification) time.
func writeExport(t *testing.T, dir, key string, data []byte, uploaded time.Time) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, uploaded, uploaded); err != nil {
		t.Fatal(err)
	}
}
