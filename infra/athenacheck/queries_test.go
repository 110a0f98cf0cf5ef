package athenacheck

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The fixture tests check, over a hand-made bucket (fixture_test.go), the
// rules of the views and queries that the sample month does not exercise;
// the pipeline-based tests (pipeline_test.go, reference_test.go) check
// every file over the Parquet the pipeline writes.

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
			// closed: teams from the 2025-02 scorecards (E1, E2 in A): R10 (5), R11 (1).
			"month=2025-02 team=A responses=2 satisfied=1 satisfied_pct=50.00",
			// teams from v2 of 2025-03 (v1 had everyone in A). E1: R4 (2,
			// supersedes R1; the later R13 is April's), R3 (4, once).
			"month=2025-03 team=A responses=2 satisfied=1 satisfied_pct=50.00",
			// E2, E3 in B: R2 (3, via T2's assignee), R6 (4), R8 (5).
			"month=2025-03 team=B responses=3 satisfied=2 satisfied_pct=66.67",
			// E9 is not on the roster; R5 (unknown ticket) is not scored.
			"month=2025-03 team=NULL responses=1 satisfied=1 satisfied_pct=100.00",
			// not closed: teams from the newest roster upload (2025-04, C).
			"month=2025-04 team=C responses=2 satisfied=2 satisfied_pct=100.00",
		},
	},
	{
		file: "sla_breaches_by_category.sql",
		cols: []string{"month", "category", "evaluated", "breached", "breached_pct"},
		want: []string{
			"month=2024-11 category=simple evaluated=1 breached=1 breached_pct=100.00",  // T10
			"month=2025-02 category=complex evaluated=1 breached=0 breached_pct=0.00",   // T4
			"month=2025-03 category=complex evaluated=1 breached=1 breached_pct=100.00", // T5
			// T1, T7, T9 on time; T2, T8 late; T6 cancelled.
			"month=2025-03 category=simple evaluated=5 breached=2 breached_pct=40.00",
			"month=2025-04 category=complex evaluated=1 breached=0 breached_pct=0.00", // T3
		},
	},
	{
		file: "tickets_dedup.sql",
		cols: []string{"ticket_id", "month", "status", "assignee_id", "resolved_at", "source_key", "source_row", "export_rows"},
		want: []string{
			"ticket_id=T1 month=2025-03 status=resolved assignee_id=E1 resolved_at=2025-03-04 01:00 source_key=raw/crm/2025-03-a.csv source_row=1 export_rows=1",
			"ticket_id=T10 month=2024-11 status=resolved assignee_id=E1 resolved_at=2025-03-10 02:00 source_key=raw/crm/2024-11.csv source_row=1 export_rows=1",
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
	{
		// Pooled satisfaction 4/6 (R4 2, R2 3, R3 4, R6 4, R7 5, R8 5; R5
		// unattributed); everyone below 5 responses, so rate (100·s·6 +
		// 500·4)/(6·(n + 5)) percent. Roster: the newest upload (2025-04),
		// E1-E3 active. E9 is credited with a survey.
		file:   "kpi_reference.sql",
		params: map[string]string{"month": "2025-03"},
		cols: []string{"employee_id", "satisfaction_satisfied", "satisfaction_responses", "small_sample", "on_time_count", "on_time_evaluated",
			"complaints_success", "complaints_decided", "satisfaction_points", "on_time_points", "complaint_success_points"},
		want: []string{
			// 2600/42 = 61.90%: 0 points. T1, T7 on time (T3 is April's);
			// T10 (a complaint resolved in March) is outside the look-back.
			"employee_id=E1 satisfaction_satisfied=1 satisfaction_responses=2 small_sample=true on_time_count=2 on_time_evaluated=2 complaints_success=0 complaints_decided=0 satisfaction_points=0.0000 on_time_points=15.0000 complaint_success_points=15.0000",
			// T2 (attitude complaint, failed) and T8 late.
			"employee_id=E2 satisfaction_satisfied=0 satisfaction_responses=1 small_sample=true on_time_count=0 on_time_evaluated=2 complaints_success=0 complaints_decided=1 satisfaction_points=0.0000 on_time_points=0.0000 complaint_success_points=0.0000",
			// 3200/42 = 76.19%: 30 - 2×13.81 = 100/42 = 2.3810. T5 late, T9
			// (complaint won) on time.
			"employee_id=E3 satisfaction_satisfied=2 satisfaction_responses=2 small_sample=true on_time_count=1 on_time_evaluated=2 complaints_success=1 complaints_decided=1 satisfaction_points=2.3810 on_time_points=0.0000 complaint_success_points=15.0000",
			"employee_id=E9 satisfaction_satisfied=1 satisfaction_responses=1 small_sample=true on_time_count=0 on_time_evaluated=0 complaints_success=0 complaints_decided=0 satisfaction_points=0.0000 on_time_points=15.0000 complaint_success_points=15.0000",
		},
	},
	{
		// T4, created 2025-01-24, is inside February's look-back and on
		// time in February only because of the Spring Festival calendar.
		// Pool 1/2; E3 has no response: the pooled 50%.
		file:   "kpi_reference.sql",
		params: map[string]string{"month": "2025-02"},
		cols:   []string{"employee_id", "satisfaction_satisfied", "satisfaction_responses", "small_sample", "on_time_count", "on_time_evaluated", "satisfaction_points", "on_time_points"},
		want: []string{
			"employee_id=E1 satisfaction_satisfied=1 satisfaction_responses=1 small_sample=true on_time_count=0 on_time_evaluated=0 satisfaction_points=0.0000 on_time_points=15.0000",
			"employee_id=E2 satisfaction_satisfied=0 satisfaction_responses=1 small_sample=true on_time_count=1 on_time_evaluated=1 satisfaction_points=0.0000 on_time_points=15.0000",
			"employee_id=E3 satisfaction_satisfied=0 satisfaction_responses=0 small_sample=true on_time_count=0 on_time_evaluated=0 satisfaction_points=0.0000 on_time_points=15.0000",
		},
	},
}

func TestQueries(t *testing.T) {
	db := openDir(t, writeFixtureBucket(t))
	for _, c := range queryCases {
		name := c.file
		for k, v := range c.params {
			name += fmt.Sprintf("/%s=%s", k, v)
		}
		t.Run(name, func(t *testing.T) {
			rows := runFile(t, db, c.file, c.params)
			diffLines(t, c.file, project(rows, c.cols...), c.want)
		})
	}
}

// emptyParams are parameter values for the query files that need them.
var emptyParams = map[string]map[string]string{
	"employee_kpi_history.sql": {"employee_id": "E1001"},
	"kpi_reference.sql":        {"month": "2026-09"},
	"ticket_metrics.sql":       {"month": "2026-09"},
	"scorecard_reference.sql":  {"month": "2026-09"},
	"record_metrics.sql":       {"month": "2026-09"},
	"team_metrics.sql":         {"month": "2026-09", "team_mean_kpi": "team_score"},
	"proration_days.sql":       {"month": "2026-09"},
}

// TestEmptyBucket runs every query before anything was ingested: the
// tables have their columns and types, and every query runs and returns
// no rows.
func TestEmptyBucket(t *testing.T) {
	db := openDir(t, t.TempDir())
	for _, tbl := range Tables {
		t.Run("columns/"+tbl.Name, func(t *testing.T) {
			if got, want := columnTypes(t, db, tbl.Name), wantColumnTypes(t, tbl); !reflect.DeepEqual(got, want) {
				t.Errorf("columns of %s:\n got %v\nwant %v", tbl.Name, got, want)
			}
		})
	}
	for _, name := range queryFiles(t) {
		t.Run(name, func(t *testing.T) {
			if rows := runFile(t, db, name, emptyParams[name]); len(rows) != 0 {
				t.Errorf("%d rows from an empty bucket: %v", len(rows), rows)
			}
		})
	}
}

// TestQuotedParameter: a quote in a parameter value is data, not SQL.
func TestQuotedParameter(t *testing.T) {
	db := openDir(t, sampleDir(t))
	rows := runFile(t, db, "employee_kpi_history.sql", map[string]string{"employee_id": "E1003' OR '1'='1"})
	if len(rows) != 0 {
		t.Errorf("%d rows for an employee id with a quote", len(rows))
	}
}

// TestEveryQueryFile checks each infra/athena/*.sql file opens with a
// comment saying what it answers (the saved query's description).
func TestEveryQueryFile(t *testing.T) {
	names := append(queryFiles(t), "views.sql")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(AthenaDir(), name))
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(b), "\n")
			want := "-- Answers: "
			if name == "views.sql" {
				want = "-- "
			}
			if !strings.HasPrefix(first, want) {
				t.Errorf("%s starts with %q, want a comment %q...", name, first, want)
			}
			if _, ok := sampleChecks[name]; !ok && name != "views.sql" {
				t.Errorf("%s has no check over the sample bucket in sampleChecks", name)
			}
		})
	}
}
