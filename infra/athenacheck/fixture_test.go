package athenacheck

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/scorecard/scorecard/pkg/schema"
)

// cst is Asia/Shanghai (no daylight saving since 1991), fixed so the tests
// need no tzdata.
var cst = time.FixedZone("CST", 8*3600)

// at parses a local Asia/Shanghai time "2006-01-02 15:04" and returns it in UTC.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func atp(s string) *time.Time { t := at(s); return &t }
func str(s string) *string    { return &s }
func i64(n int64) *int64      { return &n }

func writeParquet[T any](t *testing.T, dir, key string, rows []T) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := parquet.WriteFile(path, rows, parquet.Compression(&parquet.Zstd)); err != nil {
		t.Fatalf("writing %s: %v", key, err)
	}
}

// export is one raw upload: its key and upload time.
type export struct {
	key      string
	uploaded time.Time
}

func (e export) lineage(row int64) schema.Lineage {
	return schema.Lineage{SourceKey: e.key, SourceRow: row, SourceUploadedAt: e.uploaded}
}

// ticket builds a ticket row; resolved "" means unresolved.
func ticket(e export, row int64, id, category, status, assignee, created, resolved string) schema.Ticket {
	tk := schema.Ticket{
		TicketID:   id,
		CreatedAt:  at(created),
		Status:     str(status),
		AssigneeID: assignee,
		Category:   category,
		Lineage:    e.lineage(row),
	}
	if resolved != "" {
		tk.ResolvedAt = atp(resolved)
	}
	return tk
}

func survey(e export, row int64, id string, ticketID, employee *string, submitted string, rating int32) schema.Survey {
	return schema.Survey{ResponseID: id, TicketID: ticketID, EmployeeID: employee, SubmittedAt: at(submitted), Rating: rating, Lineage: e.lineage(row)}
}

func employee(e export, row int64, id, team string) schema.Employee {
	return schema.Employee{EmployeeID: id, Name: str("name " + id), Team: str(team), PerformancePayFen: i64(300000), Lineage: e.lineage(row)}
}

// scorecardRow builds a scorecard row; team "" is null (not on the roster).
func scorecardRow(id string, version int32, team string) schema.Scorecard {
	sc := schema.Scorecard{
		EmployeeID: id, Version: version, ScoreCenti: i64(9000), Band: str("A"), BandLabel: str("优秀"),
		WeightAssessedCenti: 10000, NotOnRoster: team == "",
		PolicyID: "default", PolicySHA256: "0000",
	}
	if team != "" {
		sc.Team = str(team)
	}
	return sc
}

// writeFixtureBucket lays out a small bucket whose answers are worked out by
// hand in queries_test.go: the rules the sample month does not reach.
// Tickets T1..T10 exercise de-duplication ties, SLA deadlines across the
// Spring Festival and a month end, complaints and the close's look-back;
// surveys R1..R13 crediting and de-duplication month by month; three roster
// uploads the newest-roster rule; two versions of 2025-03 the team taken
// from the latest scorecards.
func writeFixtureBucket(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()

	crmA := export{"raw/crm/2025-03-a.csv", at("2025-03-13 09:00")}
	crmB := export{"raw/crm/2025-03-b.csv", at("2025-03-20 09:00")}
	crmC := export{"raw/crm/2025-03-c.csv", at("2025-03-25 09:00")}
	crmD := export{"raw/crm/2025-03-d.csv", at("2025-03-25 09:00")}
	crmE := export{"raw/crm/2025-03-e.csv", at("2025-04-05 09:00")}
	crmJ := export{"raw/crm/2025-01.csv", at("2025-02-07 09:00")}
	crmK := export{"raw/crm/2024-11.csv", at("2025-03-11 09:00")}

	t7 := ticket(crmA, 5, "T7", "simple", "resolved", "E1", "2025-03-12 10:00", "2025-03-12 12:00")
	t7.UpdatedAt = atp("2025-03-12 12:00")
	// An attitude complaint without is_complaint: still a complaint (failed).
	t2 := ticket(crmA, 2, "T2", "simple", "resolved", "E2", "2025-03-10 10:00", "2025-03-11 11:00")
	t2.ComplaintType, t2.ComplaintOutcome = str("attitude"), str("failure")
	t9 := ticket(crmD, 1, "T9", "simple", "resolved", "E3", "2025-03-24 10:00", "2025-03-24 11:00")
	t9.IsComplaint, t9.ComplaintOutcome = true, str("success")
	// A complaint resolved in March but created more than 3 months
	// before: outside the close's look-back, so in no March KPI.
	t10 := ticket(crmK, 1, "T10", "simple", "resolved", "E1", "2024-11-20 10:00", "2025-03-10 10:00")
	t10.IsComplaint, t10.ComplaintOutcome = true, str("success")
	writeParquet(t, dir, "normalized/tickets/month=2025-03/aaaaaaaaaaaaaaaa.parquet", []schema.Ticket{
		// on time: resolved 23h after creation.
		ticket(crmA, 1, "T1", "simple", "resolved", "E1", "2025-03-03 10:00", "2025-03-04 09:00"),
		// late: resolved 25h after creation; deadline 2025-03-11 10:00.
		t2,
		// complex, created Thursday: working days Fri 21, Mon 24, Tue 25;
		// unresolved, so a breach in 2025-03.
		ticket(crmA, 3, "T5", "complex", "open", "E3", "2025-03-20 10:00", ""),
		// cancelled: counts nowhere.
		ticket(crmA, 4, "T6", "simple", "cancelled", "E1", "2025-03-05 10:00", ""),
		// has updated_at, so it beats the later upload in export B.
		t7,
		// loses to export B (both without updated_at; B uploaded later).
		ticket(crmA, 6, "T8", "simple", "resolved", "E2", "2025-03-14 10:00", "2025-03-15 09:00"),
	})
	writeParquet(t, dir, "normalized/tickets/month=2025-03/bbbbbbbbbbbbbbbb.parquet", []schema.Ticket{
		ticket(crmB, 1, "T7", "simple", "open", "E2", "2025-03-12 10:00", ""),
		ticket(crmB, 2, "T8", "simple", "resolved", "E2", "2025-03-14 10:00", "2025-03-16 09:00"),
	})
	writeParquet(t, dir, "normalized/tickets/month=2025-03/cccccccccccccccc.parquet", []schema.Ticket{
		ticket(crmC, 1, "T9", "simple", "open", "E3", "2025-03-24 10:00", ""),
	})
	// Same upload time as C: the greater key (d) wins.
	writeParquet(t, dir, "normalized/tickets/month=2025-03/dddddddddddddddd.parquet", []schema.Ticket{
		t9,
	})
	writeParquet(t, dir, "normalized/tickets/month=2024-11/kkkkkkkkkkkkkkkk.parquet", []schema.Ticket{t10})
	// Complex, created Friday 28 March: Mon 31, Tue 1, Wed 2 April; resolved
	// on the deadline day, so on time in 2025-04.
	writeParquet(t, dir, "normalized/tickets/month=2025-03/eeeeeeeeeeeeeeee.parquet", []schema.Ticket{
		ticket(crmE, 1, "T3", "complex", "resolved", "E1", "2025-03-28 15:00", "2025-04-02 20:00"),
	})
	// Complex, created Friday 24 January 2025, before the Spring Festival:
	// Sun 26 (make-up day) is working day 1, Mon 27 day 2, 28 Jan - 4 Feb are
	// holidays, Wed 5 Feb is day 3. Resolved 5 Feb: on time, in 2025-02
	// (Monday-Friday alone would make it a breach in 2025-01).
	writeParquet(t, dir, "normalized/tickets/month=2025-01/jjjjjjjjjjjjjjjj.parquet", []schema.Ticket{
		ticket(crmJ, 1, "T4", "complex", "resolved", "E2", "2025-01-24 15:00", "2025-02-05 18:00"),
	})

	sv1 := export{"raw/survey/2025-03.csv", at("2025-03-28 09:00")}
	sv2 := export{"raw/survey/2025-03-again.csv", at("2025-03-29 09:00")}
	sv3 := export{"raw/survey/2025-02.csv", at("2025-03-01 09:00")}
	writeParquet(t, dir, "normalized/surveys/month=2025-03/1111111111111111.parquet", []schema.Survey{
		// superseded by R4, a later response for the same ticket.
		survey(sv1, 1, "R1", str("T1"), str("E1"), "2025-03-05 10:00", 5),
		// no employee: credited to T2's assignee E2.
		survey(sv1, 2, "R2", str("T2"), nil, "2025-03-12 10:00", 3),
		// repeated in sv2: counts once.
		survey(sv1, 3, "R3", nil, str("E1"), "2025-03-15 10:00", 4),
		survey(sv1, 4, "R4", str("T1"), str("E1"), "2025-03-06 10:00", 2),
		// unknown ticket, no employee: not scored.
		survey(sv1, 5, "R5", str("T404"), nil, "2025-03-16 10:00", 5),
		survey(sv1, 6, "R6", nil, str("E3"), "2025-03-17 10:00", 4),
		// not on the roster: no team.
		survey(sv1, 7, "R7", nil, str("E9"), "2025-03-18 10:00", 5),
		survey(sv1, 8, "R8", nil, str("E3"), "2025-03-19 10:00", 5),
	})
	writeParquet(t, dir, "normalized/surveys/month=2025-03/2222222222222222.parquet", []schema.Survey{
		survey(sv2, 1, "R3", nil, str("E1"), "2025-03-15 10:00", 4),
	})
	sv4 := export{"raw/survey/2025-04.csv", at("2025-04-05 09:00")}
	writeParquet(t, dir, "normalized/surveys/month=2025-04/7777777777777777.parquet", []schema.Survey{
		// A later response for T1 than R4, in April: R4 still counts in
		// March, as on March's payroll.
		survey(sv4, 1, "R13", str("T1"), str("E1"), "2025-04-02 10:00", 5),
		survey(sv4, 2, "R12", nil, str("E2"), "2025-04-03 10:00", 4),
	})
	writeParquet(t, dir, "normalized/surveys/month=2025-02/3333333333333333.parquet", []schema.Survey{
		survey(sv3, 1, "R10", nil, str("E1"), "2025-02-10 10:00", 5),
		survey(sv3, 2, "R11", nil, str("E2"), "2025-02-11 10:00", 1),
	})

	r1 := export{"raw/roster/2025-01.csv", at("2025-01-10 09:00")}
	r2 := export{"raw/roster/2025-03.csv", at("2025-03-20 09:00")}
	r3 := export{"raw/roster/2025-04.csv", at("2025-04-02 09:00")}
	writeParquet(t, dir, "normalized/roster/month=2025-01/4444444444444444.parquet", []schema.Employee{
		employee(r1, 1, "E1", "A"), employee(r1, 2, "E2", "A"), employee(r1, 3, "E3", "A"),
	})
	writeParquet(t, dir, "normalized/roster/month=2025-03/5555555555555555.parquet", []schema.Employee{
		employee(r2, 1, "E1", "A"), employee(r2, 2, "E2", "B"), employee(r2, 3, "E3", "B"),
	})
	writeParquet(t, dir, "normalized/roster/month=2025-04/6666666666666666.parquet", []schema.Employee{
		employee(r3, 1, "E1", "C"), employee(r3, 2, "E2", "C"), employee(r3, 3, "E3", "C"),
	})

	writeParquet(t, dir, "scorecards/employees/month=2025-02/v1.parquet", []schema.Scorecard{
		scorecardRow("E1", 1, "A"), scorecardRow("E2", 1, "A"),
	})
	writeParquet(t, dir, "scorecards/employees/month=2025-03/v1.parquet", []schema.Scorecard{
		scorecardRow("E1", 1, "A"), scorecardRow("E2", 1, "A"), scorecardRow("E3", 1, "A"),
	})
	// v2 moved E2 and E3 to team B and added E9, not on the roster.
	writeParquet(t, dir, "scorecards/employees/month=2025-03/v2.parquet", []schema.Scorecard{
		scorecardRow("E1", 2, "A"), scorecardRow("E2", 2, "B"), scorecardRow("E3", 2, "B"), scorecardRow("E9", 2, ""),
	})
	// Each version's published-version marker, as the close writes it right
	// after the manifest.
	for _, v := range []struct {
		month   string
		version int32
	}{{"2025-02", 1}, {"2025-03", 1}, {"2025-03", 2}} {
		writeParquet(t, dir, fmt.Sprintf("scorecards/published/month=%s/v%d.parquet", v.month, v.version),
			[]schema.PublishedVersion{{Version: v.version, ManifestSHA256: "00"}})
	}
	return dir
}
