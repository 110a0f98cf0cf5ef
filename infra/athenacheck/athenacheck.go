// Package athenacheck runs the analysts' Athena SQL (infra/athena/*.sql)
// against a local directory laid out like the scorecard bucket, with DuckDB
// standing in for Athena. It is a separate Go module because DuckDB needs
// cgo; the main module stays pure Go.
//
// OpenBucketDir creates one DuckDB view per Glue table, named like it and
// reading the same prefix (tickets reads normalized/tickets/month=*/*.parquet,
// scorecards reads scorecards/employees/month=*/*.parquet, ...), with the
// Hive partition column month taken from the path as VARCHAR, as Athena's
// partition projection does. A table with no files yet is an empty view with
// the table's columns, so every query runs on a partly filled bucket. It then
// creates the views of infra/athena/views.sql. The session time zone is UTC,
// as in Athena.
//
// Parquet TIMESTAMP(isAdjustedToUTC=true) columns read as TIMESTAMP WITH TIME
// ZONE in DuckDB and as timestamp (UTC wall clock) in Athena; with a UTC
// session both give the same answers to the expressions the queries use
// (comparisons, + INTERVAL, AT TIME ZONE then CAST AS DATE).
//
// RunQueryFile runs one query file and returns its rows, with DECIMAL values
// as exact strings at the column's scale ("87.50") so results compare
// exactly; RunQuery does the same for one statement.
package athenacheck

import (
	"database/sql"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/parquet-go/parquet-go"
	"github.com/scorecard/scorecard/infra/gluecheck"
	"github.com/scorecard/scorecard/pkg/schema"
)

// TableDef is one Glue table: its name, its prefix in the bucket and the row
// type whose Parquet schema it has.
type TableDef struct {
	Name   string
	Prefix string
	Row    any
}

// Tables are the Glue tables of template.yaml, in the order they are created.
var Tables = []TableDef{
	{Name: "tickets", Prefix: "normalized/tickets/", Row: schema.Ticket{}},
	{Name: "surveys", Prefix: "normalized/surveys/", Row: schema.Survey{}},
	{Name: "evaluations", Prefix: "normalized/evaluations/", Row: schema.Evaluation{}},
	{Name: "roster", Prefix: "normalized/roster/", Row: schema.Employee{}},
	{Name: "scorecards", Prefix: "scorecards/employees/", Row: schema.Scorecard{}},
	{Name: "scorecard_kpis", Prefix: "scorecards/kpis/", Row: schema.KPIScore{}},
	{Name: "scorecard_evidence", Prefix: "scorecards/evidence/", Row: schema.Evidence{}},
	{Name: "published_versions", Prefix: "scorecards/published/", Row: schema.PublishedVersion{}},
}

// AthenaDir returns the directory of the SQL files, infra/athena in the
// source tree this package was built from.
func AthenaDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("..", "athena")
	}
	return filepath.Join(filepath.Dir(file), "..", "athena")
}

// OpenBucketDir opens an in-memory DuckDB database whose views read the
// bucket laid out under dir, and creates the views of views.sql in
// AthenaDir. The caller closes the database.
func OpenBucketDir(dir string) (*sql.DB, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolving bucket directory %s: %w", dir, err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("opening duckdb: %w", err)
	}
	// One connection: settings and views are per database, but an
	// in-memory database is per connector, and a single connection keeps
	// every statement on it.
	db.SetMaxOpenConns(1)
	if err := setUp(db, abs); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func setUp(db *sql.DB, dir string) error {
	if _, err := db.Exec("SET TimeZone = 'UTC'"); err != nil {
		return fmt.Errorf("setting the session time zone: %w", err)
	}
	for _, t := range Tables {
		q, err := tableView(dir, t)
		if err != nil {
			return err
		}
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("creating table view %s over %s: %w", t.Name, filepath.Join(dir, t.Prefix), err)
		}
	}
	views := filepath.Join(AthenaDir(), "views.sql")
	src, err := os.ReadFile(views)
	if err != nil {
		return fmt.Errorf("reading views: %w", err)
	}
	stmts, err := gluecheck.SplitStatements(string(src))
	if err != nil {
		return fmt.Errorf("reading %s: %w", views, err)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("running %s statement %q: %w", views, firstLine(s), err)
		}
	}
	return nil
}

// tableView returns the CREATE VIEW statement of one table.
func tableView(dir string, t TableDef) (string, error) {
	glob := filepath.Join(dir, filepath.FromSlash(t.Prefix), "*", "*.parquet")
	files, err := filepath.Glob(glob)
	if err != nil {
		return "", fmt.Errorf("listing %s: %w", glob, err)
	}
	if len(files) > 0 {
		return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM read_parquet(%s, hive_partitioning = true, hive_types = {'month': 'VARCHAR'})",
			t.Name, quote(filepath.ToSlash(glob))), nil
	}
	cols, err := gluecheck.HiveColumns(parquet.SchemaOf(t.Row))
	if err != nil {
		return "", fmt.Errorf("columns of table %s: %w", t.Name, err)
	}
	var sel []string
	for _, c := range cols {
		sel = append(sel, fmt.Sprintf("CAST(NULL AS %s) AS %s", duckType(c.Type), c.Name))
	}
	sel = append(sel, "CAST(NULL AS VARCHAR) AS month")
	return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT %s WHERE false", t.Name, strings.Join(sel, ", ")), nil
}

// duckType returns the DuckDB type DuckDB gives a Parquet column whose Hive
// type is hive.
func duckType(hive string) string {
	switch hive {
	case "string":
		return "VARCHAR"
	case "timestamp":
		return "TIMESTAMP WITH TIME ZONE"
	case "int":
		return "INTEGER"
	}
	return strings.ToUpper(hive)
}

var paramRE = regexp.MustCompile(`(^|[^:\w]):([A-Za-z_][A-Za-z0-9_]*)`)

// BindParams replaces every :name placeholder in q with params[name] as a
// quoted SQL string literal. A placeholder without a value, or a value no
// placeholder uses, is an error. "::" casts are left alone.
func BindParams(q string, params map[string]string) (string, error) {
	used := map[string]bool{}
	var missing []string
	out := paramRE.ReplaceAllStringFunc(q, func(m string) string {
		sub := paramRE.FindStringSubmatch(m)
		v, ok := params[sub[2]]
		if !ok {
			missing = append(missing, sub[2])
			return m
		}
		used[sub[2]] = true
		return sub[1] + "'" + strings.ReplaceAll(v, "'", "''") + "'"
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("no value for parameter :%s", strings.Join(missing, ", :"))
	}
	for name := range params {
		if !used[name] {
			return "", fmt.Errorf("parameter %s is not used by the query", name)
		}
	}
	return out, nil
}

// RunQueryFile runs the one query in the file at path, with its :name
// placeholders bound from params, and returns its rows as column name ->
// value. DECIMAL values are strings at the column's scale ("66.67");
// integers are int64 (a HUGEINT too large for it stays *big.Int);
// timestamps and dates are time.Time in UTC; NULL is nil.
func RunQueryFile(db *sql.DB, path string, params map[string]string) ([]map[string]any, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading query: %w", err)
	}
	stmts, err := gluecheck.SplitStatements(string(src))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(stmts) != 1 {
		return nil, fmt.Errorf("reading %s: want one statement, found %d", path, len(stmts))
	}
	q, err := BindParams(stmts[0], params)
	if err != nil {
		return nil, fmt.Errorf("binding %s: %w", path, err)
	}
	rows, err := RunQuery(db, q)
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", path, err)
	}
	return rows, nil
}

// RunQuery runs one statement with its ? placeholders bound from args and
// returns its rows as RunQueryFile does.
func RunQuery(db *sql.DB, q string, args ...any) ([]map[string]any, error) {
	rows, err := db.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("reading a row: %w", err)
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			row[c] = plain(vals[i])
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the rows: %w", err)
	}
	return out, nil
}

// plain turns DuckDB decimals into exact strings and every integer type
// into int64 (DuckDB sums integers into HUGEINT); other values pass through.
func plain(v any) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return FormatDecimal(x.Value, int(x.Scale))
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	}
	return v
}

// FormatDecimal writes unscaled × 10^-scale with exactly scale decimals.
func FormatDecimal(unscaled *big.Int, scale int) string {
	s := new(big.Int).Abs(unscaled).String()
	sign := ""
	if unscaled.Sign() < 0 {
		sign = "-"
	}
	if scale <= 0 {
		return sign + s
	}
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	return sign + s[:len(s)-scale] + "." + s[len(s)-scale:]
}

func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func firstLine(s string) string {
	s = strings.TrimSpace(gluecheck.StripComments(s))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
