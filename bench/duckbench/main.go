// Command duckbench is the DuckDB side of the side-by-side benchmark
// (bench/run.sh, docs/benchmarks.md): the same work as `scorecard ingest`
// and `scorecard close`, written as SQL and run by DuckDB in this process,
// so that /usr/bin/time can measure it the way it measures the scorecard
// CLI.
//
//	duckbench ingest -csv FILE -out DIR [-key K] [-script full|lean] [-threads 1]
//	duckbench close -bucket DIR -month YYYY-MM -sql FILE -out FILE [-threads 1]
//	duckbench schema -dir DIR
//	duckbench version
//
// ingest runs ingest_tickets.sql (embedded; -script lean:
// ingest_tickets_lean.sql, the leanest script for the same columns): one
// UTF-8 CRM export in, partitioned zstd Parquet out. DuckDB 1.5 reads only
// UTF-8, UTF-16 and Latin-1 without its encodings extension, which cannot
// be installed here, so a GB18030 export is converted to UTF-8 before the
// timing.
//
// schema prints the columns and DuckDB types of the Parquet files an
// ingest wrote (for the types the lean script's read_csv detected).
//
// close opens the bucket directory the way infra/athenacheck does for the
// analysts' queries (one view per Glue table, then infra/athena/views.sql),
// runs the one query in -sql with its :month parameter bound, and writes
// the result to a zstd Parquet file.
//
// Each prints one JSON line on standard output: the rows written and the
// seconds from the command's start to its end (the process's own start-up
// is not in it; the harness times the whole process).
//
// It is a module of its own because DuckDB needs cgo and the main module
// stays pure Go. Build it without -trimpath: infra/athenacheck finds
// infra/athena from its own source path.
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver
	"github.com/scorecard/scorecard/infra/athenacheck"
	"github.com/scorecard/scorecard/infra/gluecheck"
)

//go:embed ingest_tickets.sql
var ingestSQL string

//go:embed ingest_tickets_lean.sql
var ingestLeanSQL string

// ingestScripts are the scripts of `duckbench ingest -script`.
var ingestScripts = map[string]string{"full": ingestSQL, "lean": ingestLeanSQL}

// Result is the JSON line a command prints.
type Result struct {
	Command string  `json:"command"`
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
	// Columns are the columns schema found, in order.
	Columns []Column `json:"columns,omitempty"`
}

// Column is one column of a Parquet schema, as DuckDB types it.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	var (
		res Result
		err error
	)
	start := time.Now()
	switch os.Args[1] {
	case "ingest":
		res, err = ingestCmd(os.Args[2:])
	case "close":
		res, err = closeCmd(os.Args[2:])
	case "schema":
		res, err = schemaCmd(os.Args[2:])
	case "version":
		err = versionCmd(os.Stdout)
		if err == nil {
			return
		}
	case "-h", "-help", "--help", "help":
		usage(os.Stdout)
		return
	default:
		fmt.Fprintf(os.Stderr, "duckbench: unknown command %q\n", os.Args[1])
		usage(os.Stderr)
		os.Exit(2)
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(os.Stderr, "duckbench:", err)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "duckbench:", err)
		os.Exit(1)
	}
	res.Command = os.Args[1]
	res.Seconds = time.Since(start).Seconds()
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "duckbench: writing the result:", err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  duckbench ingest -csv FILE -out DIR [-key K] [-source-key KEY] [-script full|lean] [-threads N]
  duckbench close  -bucket DIR -month YYYY-MM -sql FILE -out FILE [-threads N]
  duckbench schema -dir DIR
  duckbench version
`)
}

// versionCmd prints the DuckDB library version.
func versionCmd(w io.Writer) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("opening duckdb: %w", err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("SELECT version()").Scan(&v); err != nil {
		return fmt.Errorf("reading the duckdb version: %w", err)
	}
	_, err = fmt.Fprintln(w, v)
	return err
}

// usageError is bad command-line usage (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func ingestCmd(args []string) (Result, error) {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	csvPath := fs.String("csv", "", "UTF-8 CRM ticket export")
	out := fs.String("out", "", "output directory (must not exist)")
	key := fs.String("key", "", "customer key (customer_key = sha256(key || customer id))")
	sourceKey := fs.String("source-key", "", "source_key written in every row (default raw/crm/<file name>)")
	uploaded := fs.String("uploaded-at", "2026-10-02T00:00:00Z", "source_uploaded_at written in every row (RFC 3339)")
	threads := fs.Int("threads", 1, "DuckDB threads")
	script := fs.String("script", "full", "full (ingest_tickets.sql) or lean (ingest_tickets_lean.sql)")
	if err := fs.Parse(args); err != nil {
		return Result{}, usageError{err.Error()}
	}
	if *csvPath == "" || *out == "" || fs.NArg() > 0 {
		return Result{}, usageError{"ingest needs -csv and -out and no other arguments"}
	}
	if _, ok := ingestScripts[*script]; !ok {
		return Result{}, usageError{fmt.Sprintf("-script %q: want full or lean", *script)}
	}
	if *sourceKey == "" {
		*sourceKey = "raw/crm/" + filepath.Base(*csvPath)
	}
	if _, err := time.Parse(time.RFC3339, *uploaded); err != nil {
		return Result{}, usageError{fmt.Sprintf("-uploaded-at: %v", err)}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return Result{}, fmt.Errorf("opening duckdb: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	n, err := Ingest(context.Background(), db, IngestParams{
		CSVPath: *csvPath, OutDir: *out, CustomerKey: *key, SourceKey: *sourceKey,
		UploadedAt: *uploaded, Threads: *threads, Script: *script,
	})
	return Result{Rows: n}, err
}

// IngestParams are the inputs of Ingest.
type IngestParams struct {
	CSVPath, OutDir, CustomerKey, SourceKey string
	UploadedAt                              string // RFC 3339
	Threads                                 int
	// Script is full (ingest_tickets.sql, the default) or lean
	// (ingest_tickets_lean.sql).
	Script string
}

// Ingest runs ingest_tickets.sql (or the lean script) on db (one
// connection) and returns the number of rows written.
func Ingest(ctx context.Context, db *sql.DB, p IngestParams) (int64, error) {
	if _, err := os.Stat(p.OutDir); err == nil {
		return 0, fmt.Errorf("ingesting %s: output directory %s already exists", p.CSVPath, p.OutDir)
	}
	if p.Script == "" {
		p.Script = "full"
	}
	script, ok := ingestScripts[p.Script]
	if !ok {
		return 0, fmt.Errorf("unknown ingest script %q", p.Script)
	}
	if err := setThreads(ctx, db, p.Threads); err != nil {
		return 0, err
	}
	q, err := athenacheck.BindParams(script, map[string]string{
		"csv_path": p.CSVPath, "out_dir": p.OutDir, "customer_key": p.CustomerKey,
		"source_key": p.SourceKey, "uploaded_at": p.UploadedAt,
	})
	if err != nil {
		return 0, fmt.Errorf("binding ingest_tickets.sql: %w", err)
	}
	stmts, err := gluecheck.SplitStatements(q)
	if err != nil {
		return 0, fmt.Errorf("reading ingest_tickets.sql: %w", err)
	}
	if len(stmts) == 0 {
		return 0, errors.New("ingest_tickets.sql has no statement")
	}
	for _, s := range stmts[:len(stmts)-1] {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return 0, fmt.Errorf("ingesting %s: %w", p.CSVPath, err)
		}
	}
	var n int64
	if err := db.QueryRowContext(ctx, stmts[len(stmts)-1]).Scan(&n); err != nil {
		return 0, fmt.Errorf("ingesting %s into %s: %w", p.CSVPath, p.OutDir, err)
	}
	return n, nil
}

func schemaCmd(args []string) (Result, error) {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory of Parquet files (an ingest's -out)")
	if err := fs.Parse(args); err != nil {
		return Result{}, usageError{err.Error()}
	}
	if *dir == "" || fs.NArg() > 0 {
		return Result{}, usageError{"schema needs -dir and no other arguments"}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return Result{}, fmt.Errorf("opening duckdb: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	cols, n, err := Schema(context.Background(), db, *dir)
	return Result{Rows: n, Columns: cols}, err
}

// Schema returns the columns of the Parquet files under dir (the partition
// column of the directory names left out, as it is not in the files) and
// their row count.
func Schema(ctx context.Context, db *sql.DB, dir string) ([]Column, int64, error) {
	src := fmt.Sprintf("read_parquet('%s/**/*.parquet', hive_partitioning = false)", escape(filepath.ToSlash(dir)))
	rows, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM "+src)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the schema of %s: %w", dir, err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, 0, err
	}
	var cols []Column
	for rows.Next() {
		v := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range v {
			ptrs[i] = &v[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, 0, fmt.Errorf("reading the schema of %s: %w", dir, err)
		}
		// DESCRIBE: column_name, column_type, null, key, default, extra.
		cols = append(cols, Column{Name: fmt.Sprint(v[0]), Type: fmt.Sprint(v[1])})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("reading the schema of %s: %w", dir, err)
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+src).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("counting the rows of %s: %w", dir, err)
	}
	return cols, n, nil
}

func closeCmd(args []string) (Result, error) {
	fs := flag.NewFlagSet("close", flag.ContinueOnError)
	bucket := fs.String("bucket", "", "bucket directory (the scorecard store)")
	month := fs.String("month", "", "month YYYY-MM, bound to the query's :month")
	sqlPath := fs.String("sql", "", "query file, e.g. infra/athena/kpi_reference.sql")
	out := fs.String("out", "", "Parquet file for the result")
	threads := fs.Int("threads", 1, "DuckDB threads")
	if err := fs.Parse(args); err != nil {
		return Result{}, usageError{err.Error()}
	}
	if *bucket == "" || *month == "" || *sqlPath == "" || *out == "" || fs.NArg() > 0 {
		return Result{}, usageError{"close needs -bucket, -month, -sql and -out and no other arguments"}
	}
	if _, err := time.Parse("2006-01", *month); err != nil {
		return Result{}, usageError{fmt.Sprintf("-month %q: want YYYY-MM", *month)}
	}
	db, err := athenacheck.OpenBucketDir(*bucket)
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	n, err := Close(context.Background(), db, *sqlPath, *month, *out, *threads)
	return Result{Rows: n}, err
}

// Close runs the one query in the file at sqlPath on db (opened with
// athenacheck.OpenBucketDir), with :month bound, and copies its result to
// a Parquet file at out. It returns the number of rows written.
func Close(ctx context.Context, db *sql.DB, sqlPath, month, out string, threads int) (int64, error) {
	if err := setThreads(ctx, db, threads); err != nil {
		return 0, err
	}
	src, err := os.ReadFile(sqlPath)
	if err != nil {
		return 0, fmt.Errorf("reading query: %w", err)
	}
	stmts, err := gluecheck.SplitStatements(string(src))
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", sqlPath, err)
	}
	if len(stmts) != 1 {
		return 0, fmt.Errorf("reading %s: want one statement, found %d", sqlPath, len(stmts))
	}
	q, err := athenacheck.BindParams(stmts[0], map[string]string{"month": month})
	if err != nil {
		return 0, fmt.Errorf("binding %s: %w", sqlPath, err)
	}
	cp := fmt.Sprintf("COPY (%s\n) TO '%s' (FORMAT parquet, COMPRESSION zstd)", q, escape(out))
	var n int64
	if err := db.QueryRowContext(ctx, cp).Scan(&n); err != nil {
		return 0, fmt.Errorf("running %s into %s: %w", sqlPath, out, err)
	}
	return n, nil
}

func setThreads(ctx context.Context, db *sql.DB, n int) error {
	if n < 1 {
		return fmt.Errorf("threads must be at least 1, got %d", n)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", n)); err != nil {
		return fmt.Errorf("setting DuckDB threads: %w", err)
	}
	return nil
}

func escape(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(out)
}
