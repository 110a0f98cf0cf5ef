package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scorecard/scorecard/pkg/ingestjob"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/store"
)

// fixture is a CRM export written by bench/gen (-kind crm -rows 400
// -seed 7 -bad 0.05 -encoding utf-8): every timestamp form, money styles,
// and rows of each kind ingest rejects.
const fixture = "testdata/crm.csv"

// ingestWithPipeline ingests the fixture with the Go pipeline into a
// directory store and returns the store's root.
func ingestWithPipeline(t *testing.T) (string, *ingestreport.Report) {
	t.Helper()
	root := t.TempDir()
	dst := filepath.Join(root, "raw", "crm", "crm.csv")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, src, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	in := &ingestjob.Job{Store: st, CustomerKey: []byte("k"), TempDir: t.TempDir()}
	rep, err := in.Run(context.Background(), "raw/crm/crm.csv")
	if err != nil {
		t.Fatal(err)
	}
	return root, rep
}

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB, q string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestIngestMatchesPipeline checks that the SQL baseline does the work the
// Go ingest does: the same rows accepted, with the same typed values in
// every column but customer_key (SHA-256 there, HMAC in Go), in the same
// month partitions.
func TestIngestMatchesPipeline(t *testing.T) {
	goRoot, rep := ingestWithPipeline(t)
	duckOut := filepath.Join(t.TempDir(), "out")
	db := openDB(t)
	n, err := Ingest(context.Background(), db, IngestParams{
		CSVPath: fixture, OutDir: duckOut, CustomerKey: "k", SourceKey: "raw/crm/crm.csv",
		UploadedAt: "2026-10-02T00:00:00Z", Threads: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != rep.Accepted {
		t.Fatalf("duckdb wrote %d rows, the pipeline accepted %d", n, rep.Accepted)
	}
	if rep.Rejected == 0 {
		t.Fatal("the fixture has no rejected rows; regenerate it with -bad")
	}
	const cols = `ticket_id, created_at, first_response_at, resolved_at, status, assignee_id,
		assignee_name, category, is_complaint, complaint_type, complaint_outcome,
		reopened_count, cost, channel, updated_at, source_key, source_row, month,
		customer_key IS NULL AS no_customer_key`
	goRows := "SELECT " + cols + " FROM read_parquet('" + filepath.ToSlash(goRoot) + "/normalized/tickets/*/*.parquet', hive_partitioning = true)"
	duckRows := "SELECT " + cols + " FROM read_parquet('" + filepath.ToSlash(duckOut) + "/*/*.parquet', hive_partitioning = true)"
	tests := []struct{ name, q string }{
		{"go rows not in duckdb", goRows + " EXCEPT ALL " + duckRows},
		{"duckdb rows not in go", duckRows + " EXCEPT ALL " + goRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := count(t, db, "SELECT count(*) FROM ("+tt.q+")"); got != 0 {
				t.Errorf("%d rows differ", got)
			}
		})
	}
	t.Run("rows compared", func(t *testing.T) {
		if got := count(t, db, "SELECT count(*) FROM ("+goRows+")"); got != rep.Accepted {
			t.Errorf("read %d rows of the pipeline's Parquet, want %d", got, rep.Accepted)
		}
	})
}

// TestIngestLean runs the lean script on the fixture: it writes every data
// row (it rejects nothing), the same columns as the full script, in
// month partitions, with the types read_csv detected, which schema reports.
func TestIngestLean(t *testing.T) {
	db := openDB(t)
	params := IngestParams{
		CSVPath: fixture, CustomerKey: "k", SourceKey: "raw/crm/crm.csv",
		UploadedAt: "2026-10-02T00:00:00Z", Threads: 2,
	}
	lean, full := params, params
	lean.Script, lean.OutDir = "lean", filepath.Join(t.TempDir(), "lean")
	full.OutDir = filepath.Join(t.TempDir(), "full")
	n, err := Ingest(context.Background(), db, lean)
	if err != nil {
		t.Fatal(err)
	}
	_, rep := ingestWithPipeline(t)
	if rows := rep.Accepted + rep.Rejected; n != rows {
		t.Errorf("the lean script wrote %d rows, want every data row (%d)", n, rows)
	}
	if _, err := Ingest(context.Background(), db, full); err != nil {
		t.Fatal(err)
	}
	leanCols, leanRows, err := Schema(context.Background(), db, lean.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	fullCols, _, err := Schema(context.Background(), db, full.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	if leanRows != n {
		t.Errorf("schema counted %d rows, ingest wrote %d", leanRows, n)
	}
	names := func(cols []Column) []string {
		var s []string
		for _, c := range cols {
			s = append(s, c.Name)
		}
		return s
	}
	if got, want := names(leanCols), names(fullCols); !slices.Equal(got, want) {
		t.Errorf("lean columns %v, full %v", got, want)
	}
	types := map[string]string{}
	for _, c := range leanCols {
		types[c.Name] = c.Type
	}
	// The fixture mixes timestamp forms: read_csv falls back to text.
	for col, want := range map[string]string{"created_at": "VARCHAR", "ticket_id": "VARCHAR", "source_row": "BIGINT"} {
		if types[col] != want {
			t.Errorf("%s is %s, want %s", col, types[col], want)
		}
	}
	if got := count(t, db, "SELECT count(*) FROM glob('"+filepath.ToSlash(lean.OutDir)+"/month=*/*.parquet')"); got == 0 {
		t.Error("no month=* partition")
	}
}

func TestIngestRefusesExistingOutput(t *testing.T) {
	_, err := Ingest(context.Background(), openDB(t), IngestParams{
		CSVPath: fixture, OutDir: t.TempDir(), SourceKey: "raw/crm/crm.csv",
		UploadedAt: "2026-10-02T00:00:00Z", Threads: 1,
	})
	if err == nil {
		t.Fatal("ingest into an existing directory succeeded")
	}
}

// TestClose runs a query file over a bucket the pipeline filled, the way
// the benchmark runs infra/athena/kpi_reference.sql.
func TestClose(t *testing.T) {
	root, rep := ingestWithPipeline(t)
	tests := []struct {
		name, query string
		want        int64
		wantErr     bool
	}{
		{"one row per employee", "SELECT assignee_id, count(*) AS n FROM tickets_dedup WHERE month = :month GROUP BY assignee_id;\n", -1, false},
		{"no rows for another month", "SELECT * FROM tickets WHERE month = :month AND month <> :month;\n", 0, false},
		{"two statements", "SELECT 1;\nSELECT 2;\n", 0, true},
		{"unbound parameter", "SELECT * FROM tickets WHERE month = :month AND ticket_id = :ticket;\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			q := filepath.Join(dir, "q.sql")
			if err := os.WriteFile(q, []byte(tt.query), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "result.parquet")
			res, err := closeCmd([]string{"-bucket", root, "-month", "2026-09", "-sql", q, "-out", out})
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, %d rows", res.Rows)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want < 0 {
				want = count(t, openDB(t), "SELECT count(DISTINCT assignee_id) FROM read_parquet('"+filepath.ToSlash(root)+"/normalized/tickets/*/*.parquet')")
				if want == 0 || rep.Accepted == 0 {
					t.Fatal("the fixture bucket has no tickets")
				}
			}
			if res.Rows != want {
				t.Errorf("wrote %d rows, want %d", res.Rows, want)
			}
			if got := count(t, openDB(t), "SELECT count(*) FROM read_parquet('"+filepath.ToSlash(out)+"')"); got != want {
				t.Errorf("the result file has %d rows, want %d", got, want)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		run  func([]string) (Result, error)
		args []string
	}{
		{"ingest without -out", ingestCmd, []string{"-csv", fixture}},
		{"ingest with an argument", ingestCmd, []string{"-csv", fixture, "-out", "x", "y"}},
		{"ingest with a bad time", ingestCmd, []string{"-csv", fixture, "-out", "x", "-uploaded-at", "yesterday"}},
		{"ingest with an unknown script", ingestCmd, []string{"-csv", fixture, "-out", "x", "-script", "fast"}},
		{"schema without -dir", schemaCmd, nil},
		{"close without -sql", closeCmd, []string{"-bucket", ".", "-month", "2026-09", "-out", "x"}},
		{"close with a bad month", closeCmd, []string{"-bucket", ".", "-month", "2026-9", "-sql", "q", "-out", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.run(tt.args)
			if _, ok := err.(usageError); !ok {
				t.Errorf("got %v, want a usage error", err)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	var b bytes.Buffer
	if err := versionCmd(&b); err != nil {
		t.Fatal(err)
	}
	// The module is pinned to duckdb-go v2.10506.0, which bundles DuckDB 1.5.6.
	if got := b.String(); got != "v1.5.6\n" {
		t.Errorf("version %q, want v1.5.6", got)
	}
}
