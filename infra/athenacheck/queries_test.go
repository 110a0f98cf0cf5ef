package athenacheck

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/scorecard/scorecard/infra/gluecheck"
)

func openFixture(t *testing.T) *sql.DB {
	t.Helper()
	db, err := OpenBucketDir(writeFixtureBucket(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// columnTypes returns DuckDB's column name -> type of a table or view.
func columnTypes(t *testing.T, db *sql.DB, table string) map[string]string {
	t.Helper()
	rows, err := db.Query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		got[name] = typ
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestTableColumnTypes checks every table view, over Parquet files and over
// an empty bucket, has the Glue table's columns with the DuckDB types that
// Parquet gives them, and month as VARCHAR from the path.
func TestTableColumnTypes(t *testing.T) {
	emptyDB, err := OpenBucketDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer emptyDB.Close()
	dbs := map[string]*sql.DB{"parquet": openFixture(t), "empty": emptyDB}
	for _, kind := range []string{"parquet", "empty"} {
		for _, tbl := range Tables {
			t.Run(kind+"/"+tbl.Name, func(t *testing.T) {
				cols, err := gluecheck.HiveColumns(parquet.SchemaOf(tbl.Row))
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"month": "VARCHAR"}
				for _, c := range cols {
					want[c.Name] = duckType(c.Type)
				}
				if got := columnTypes(t, dbs[kind], tbl.Name); !reflect.DeepEqual(got, want) {
					t.Errorf("columns of %s:\n got %v\nwant %v", tbl.Name, got, want)
				}
			})
		}
	}
	// The types the analysts' queries rely on, spelled out.
	spot := []struct{ table, column, want string }{
		{"tickets", "created_at", "TIMESTAMP WITH TIME ZONE"},
		{"tickets", "cost", "DECIMAL(18,2)"},
		{"tickets", "reopened_count", "INTEGER"},
		{"tickets", "source_row", "BIGINT"},
		{"tickets", "is_complaint", "BOOLEAN"},
		{"roster", "hired_at", "DATE"},
		{"scorecards", "score", "DECIMAL(10,2)"},
		{"scorecard_kpis", "points", "DECIMAL(18,4)"},
		{"scorecard_kpis", "weight", "DECIMAL(10,2)"},
		{"tickets", "month", "VARCHAR"},
	}
	for _, s := range spot {
		t.Run("spot/"+s.table+"."+s.column, func(t *testing.T) {
			if got := columnTypes(t, dbs["parquet"], s.table)[s.column]; got != s.want {
				t.Errorf("%s.%s is %s, want %s", s.table, s.column, got, s.want)
			}
		})
	}
}

// TestPredicates checks = on string and partition columns, and that
// DECIMAL and DATE values read back exactly.
func TestPredicates(t *testing.T) {
	db := openFixture(t)
	cases := []struct {
		name, query string
		want        []string
	}{
		{"string column", "SELECT DISTINCT ticket_id FROM tickets WHERE assignee_id = 'E2' ORDER BY 1", []string{"T2", "T4", "T7", "T8"}},
		{"partition column", "SELECT DISTINCT ticket_id FROM tickets WHERE month = '2025-01' ORDER BY 1", []string{"T4"}},
		{"partition from path", "SELECT DISTINCT month FROM roster ORDER BY 1", []string{"2025-01", "2025-03", "2025-04"}},
		{"decimal exact", "SELECT CAST(score AS VARCHAR) FROM scorecards WHERE employee_id = 'E1' AND month = '2025-02'", []string{"92.50"}},
		{"money exact", "SELECT DISTINCT CAST(performance_pay AS VARCHAR) FROM roster", []string{"3000.00"}},
		{"timestamp instant", "SELECT CAST(created_at AS VARCHAR) FROM tickets WHERE ticket_id = 'T1'", []string{"2025-03-03 02:00:00+00"}},
		{"local date", "SELECT CAST(CAST(created_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS VARCHAR) FROM tickets WHERE ticket_id = 'T4'", []string{"2025-01-24"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := db.Query(c.query)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// project keeps the named columns of each row, as "col=value" strings in the
// given order, so expectations stay readable.
func project(rows []map[string]any, cols ...string) []string {
	var out []string
	for _, r := range rows {
		var parts []string
		for _, c := range cols {
			v, ok := r[c]
			switch x := v.(type) {
			case nil:
				if !ok {
					v = "<no such column>"
				} else {
					v = "NULL"
				}
			case time.Time:
				v = x.UTC().Format("2006-01-02 15:04")
			}
			parts = append(parts, fmt.Sprintf("%s=%v", c, v))
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

type queryCase struct {
	file   string
	params map[string]string
	cols   []string
	want   []string
}

// queryCases are the hand-worked answers over writeFixtureBucket.
var queryCases = []queryCase{
	{
		file: "satisfaction_by_team.sql",
		cols: []string{"month", "team", "responses", "satisfied", "satisfied_pct"},
		want: []string{
			// roster of 2025-01 (E1, E2 in A): R10 (5), R11 (1).
			"month=2025-02 team=A responses=2 satisfied=1 satisfied_pct=50.00",
			// roster of 2025-03: E1 in A: R4 (2, supersedes R1), R3 (4, once).
			"month=2025-03 team=A responses=2 satisfied=1 satisfied_pct=50.00",
			// E2, E3 in B: R2 (3, via T2's assignee), R6 (4), R8 (5).
			"month=2025-03 team=B responses=3 satisfied=2 satisfied_pct=66.67",
			// E9 is on no roster; R5 (unknown ticket) is not scored.
			"month=2025-03 team=NULL responses=1 satisfied=1 satisfied_pct=100.00",
		},
	},
	{
		file: "sla_breaches_by_category.sql",
		cols: []string{"month", "category", "evaluated", "breached", "breached_pct"},
		want: []string{
			"month=2025-02 category=complex evaluated=1 breached=0 breached_pct=0.00",   // T4
			"month=2025-03 category=complex evaluated=1 breached=1 breached_pct=100.00", // T5
			// T1, T7, T9 on time; T2, T8 late; T6 cancelled.
			"month=2025-03 category=simple evaluated=5 breached=2 breached_pct=40.00",
			"month=2025-04 category=complex evaluated=1 breached=0 breached_pct=0.00", // T3
		},
	},
	{
		file: "band_distribution.sql",
		cols: []string{"month", "band", "band_label", "employees", "on_payroll", "share_pct"},
		want: []string{
			"month=2025-02 band=A band_label=优秀 employees=1 on_payroll=1 share_pct=50.00",
			"month=2025-02 band=B band_label=良好 employees=1 on_payroll=1 share_pct=50.00",
			// v2 of 2025-03, not v1.
			"month=2025-03 band=A band_label=优秀 employees=2 on_payroll=1 share_pct=50.00",
			"month=2025-03 band=C band_label=合格 employees=1 on_payroll=1 share_pct=25.00",
			"month=2025-03 band=D band_label=待改进 employees=1 on_payroll=1 share_pct=25.00",
		},
	},
	{
		file:   "employee_kpi_history.sql",
		params: map[string]string{"employee_id": "E1"},
		cols:   []string{"month", "version", "score", "band", "kpi", "weight", "points", "explanation"},
		want: []string{
			"month=2025-02 version=1 score=92.50 band=A kpi=on_time weight=30.00 points=15.0000 explanation=on_time explained",
			"month=2025-02 version=1 score=92.50 band=A kpi=satisfaction weight=30.00 points=30.0000 explanation=satisfaction explained",
			"month=2025-03 version=2 score=91.00 band=A kpi=on_time weight=30.00 points=14.0000 explanation=on_time explained",
			"month=2025-03 version=2 score=91.00 band=A kpi=satisfaction weight=30.00 points=25.0000 explanation=satisfaction explained",
		},
	},
	{
		// A quote in the value is data, not SQL.
		file:   "employee_kpi_history.sql",
		params: map[string]string{"employee_id": "E1' OR '1'='1"},
		cols:   []string{"month"},
		want:   nil,
	},
	{
		file: "tickets_dedup.sql",
		cols: []string{"ticket_id", "month", "status", "assignee_id", "resolved_at", "source_key", "source_row", "export_rows"},
		want: []string{
			"ticket_id=T1 month=2025-03 status=resolved assignee_id=E1 resolved_at=2025-03-04 01:00 source_key=raw/crm/2025-03-a.csv source_row=1 export_rows=1",
			"ticket_id=T2 month=2025-03 status=resolved assignee_id=E2 resolved_at=2025-03-11 03:00 source_key=raw/crm/2025-03-a.csv source_row=2 export_rows=1",
			"ticket_id=T3 month=2025-03 status=resolved assignee_id=E1 resolved_at=2025-04-02 12:00 source_key=raw/crm/2025-03-e.csv source_row=1 export_rows=1",
			"ticket_id=T4 month=2025-01 status=resolved assignee_id=E2 resolved_at=2025-02-05 10:00 source_key=raw/crm/2025-01.csv source_row=1 export_rows=1",
			"ticket_id=T5 month=2025-03 status=open assignee_id=E3 resolved_at=NULL source_key=raw/crm/2025-03-a.csv source_row=3 export_rows=1",
			"ticket_id=T6 month=2025-03 status=cancelled assignee_id=E1 resolved_at=NULL source_key=raw/crm/2025-03-a.csv source_row=4 export_rows=1",
			// updated_at beats a later upload without one.
			"ticket_id=T7 month=2025-03 status=resolved assignee_id=E1 resolved_at=2025-03-12 04:00 source_key=raw/crm/2025-03-a.csv source_row=5 export_rows=2",
			// neither has updated_at: the later upload wins.
			"ticket_id=T8 month=2025-03 status=resolved assignee_id=E2 resolved_at=2025-03-16 01:00 source_key=raw/crm/2025-03-b.csv source_row=2 export_rows=2",
			// same upload time: the greater key wins.
			"ticket_id=T9 month=2025-03 status=resolved assignee_id=E3 resolved_at=2025-03-24 03:00 source_key=raw/crm/2025-03-d.csv source_row=1 export_rows=2",
		},
	},
}

func TestQueries(t *testing.T) {
	db := openFixture(t)
	for _, c := range queryCases {
		name := c.file
		for k, v := range c.params {
			name += fmt.Sprintf("/%s=%s", k, v)
		}
		t.Run(name, func(t *testing.T) {
			rows, err := RunQueryFile(db, filepath.Join(AthenaDir(), c.file), c.params)
			if err != nil {
				t.Fatal(err)
			}
			if got := project(rows, c.cols...); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s:\n got %s\nwant %s", c.file, strings.Join(got, "\n     "), strings.Join(c.want, "\n     "))
			}
		})
	}
}

// TestQueriesOnEmptyBucket runs every query before anything was ingested:
// no error, no rows.
func TestQueriesOnEmptyBucket(t *testing.T) {
	db, err := OpenBucketDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range queryCases {
		t.Run(c.file, func(t *testing.T) {
			rows, err := RunQueryFile(db, filepath.Join(AthenaDir(), c.file), c.params)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 0 {
				t.Errorf("%d rows from an empty bucket: %v", len(rows), rows)
			}
		})
	}
}

// TestEveryQueryFile checks each infra/athena/*.sql file opens with a
// comment saying what it answers and has answers checked above.
func TestEveryQueryFile(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(AthenaDir(), "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, c := range queryCases {
		tested[c.file] = true
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	sort.Strings(names)
	if len(names) < 6 {
		t.Fatalf("found only %v in %s", names, AthenaDir())
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(AthenaDir(), name))
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(b), "\n")
			if name == "views.sql" {
				if !strings.HasPrefix(first, "-- ") {
					t.Errorf("%s does not start with a comment", name)
				}
				return
			}
			if !strings.HasPrefix(first, "-- Answers: ") {
				t.Errorf("%s starts with %q, want a comment \"-- Answers: ...\"", name, first)
			}
			if !tested[name] {
				t.Errorf("%s has no hand-worked answers in queryCases", name)
			}
		})
	}
}
