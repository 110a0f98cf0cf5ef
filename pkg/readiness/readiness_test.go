package readiness

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/policy"
)

var cst = time.FixedZone("Asia/Shanghai", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func ok(dataset string, etag string, months map[string]int64) *ingestreport.Report {
	r := &ingestreport.Report{Status: ingestreport.StatusOK, Dataset: dataset, ETag: etag}
	for m, n := range months {
		r.Outputs = append(r.Outputs, ingestreport.Output{Month: m, Rows: n})
		r.Accepted += n
	}
	return r
}

// ready is a store that holds a complete September.
func ready() []Raw {
	return []Raw{
		{Key: "raw/crm/t.csv", ETag: "a", LastModified: at("2026-10-01 09:00"), Report: ok("tickets", "a", map[string]int64{"2026-08": 3, "2026-09": 120})},
		{Key: "raw/survey/s.csv", ETag: "b", LastModified: at("2026-10-01 09:00"), Report: ok("surveys", "b", map[string]int64{"2026-09": 80})},
		{Key: "raw/roster/r.csv", ETag: "c", LastModified: at("2026-09-20 09:00"), Report: ok("roster", "c", map[string]int64{"2026-09": 12})},
	}
}

func TestEvaluate(t *testing.T) {
	sep, err := calendar.ParseMonth("2026-09")
	if err != nil {
		t.Fatal(err)
	}
	settings := policy.Default().Readiness
	for _, tc := range []struct {
		name   string
		now    string
		raw    func() []Raw
		cal    error
		edit   func(*policy.Readiness)
		failed []string // failed check names, in order
		found  string   // substring of the failed checks' text
	}{
		{"complete", "2026-10-03 02:00", ready, nil, nil, nil, ""},
		{"in progress", "2026-09-30 23:59", ready, nil, nil, []string{"month_ended"}, "still in progress"},
		{"empty month", "2026-11-03 02:00", func() []Raw { return nil }, nil, nil, []string{"tickets", "surveys", "roster"}, "no roster"},
		{"surveys only", "2026-10-03 02:00", func() []Raw { return ready()[1:] }, nil, nil, []string{"tickets"}, "0 accepted rows in 2026-09"},
		{"tickets of other months only", "2026-10-03 02:00", func() []Raw {
			r := ready()
			r[0].Report = ok("tickets", "a", map[string]int64{"2026-08": 50})
			return r
		}, nil, nil, []string{"tickets"}, "0 accepted rows"},
		{"roster missing", "2026-10-03 02:00", func() []Raw { return ready()[:2] }, nil, nil, []string{"roster"}, "no roster"},
		{"roster too old", "2026-10-03 02:00", func() []Raw {
			r := ready()
			r[2].LastModified = at("2026-08-31 23:00")
			return r
		}, nil, nil, []string{"roster"}, "before 2026-09 began"},
		{"roster not required", "2026-10-03 02:00", func() []Raw { return ready()[:2] }, nil, func(s *policy.Readiness) { s.Require = []string{"tickets", "surveys"} }, nil, ""},
		{"evaluations required", "2026-10-03 02:00", ready, nil, func(s *policy.Readiness) { s.Require = append(s.Require, "evaluations") }, []string{"evaluations"}, "0 accepted rows"},
		{"calendar", "2026-10-03 02:00", ready, errors.New("checking working day 2027-01-04: date not covered"), nil, []string{"calendar"}, "2027-01-04"},
		{"upload in flight", "2026-10-03 02:00", func() []Raw {
			return append(ready(), Raw{Key: "raw/crm/late.csv", ETag: "d", LastModified: at("2026-10-03 01:30")})
		}, nil, nil, []string{"ingest"}, "raw/crm/late.csv"},
		{"failed long ago: listed, not blocking", "2026-10-03 02:00", func() []Raw {
			return append(ready(), Raw{Key: "raw/crm/lost.csv", ETag: "d", LastModified: at("2026-10-02 01:30")})
		}, nil, nil, nil, ""},
		{"re-uploaded after its ingest", "2026-10-03 02:00", func() []Raw {
			r := ready()
			r[0].ETag = "a2"
			return r
		}, nil, nil, []string{"tickets", "ingest"}, "ETag differs"},
		{"a failed file has its report", "2026-10-03 02:00", func() []Raw {
			return append(ready(), Raw{Key: "raw/crm/bad.csv", ETag: "e", LastModified: at("2026-10-03 01:59"), Report: &ingestreport.Report{Status: ingestreport.StatusFailed, ETag: "e"}})
		}, nil, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := settings
			s.Require = append([]string(nil), settings.Require...)
			if tc.edit != nil {
				tc.edit(&s)
			}
			r := Evaluate(Input{Month: sep, Now: at(tc.now), Location: cst, Settings: s, Raw: tc.raw(), Calendar: tc.cal, CoveredThrough: at("2026-12-31 00:00")})
			var failed []string
			var text, summary strings.Builder
			for _, c := range r.Failed() {
				failed = append(failed, c.Name)
				text.WriteString(c.Found + "\n")
				summary.WriteString(c.Name + ": " + c.Found + "\n")
			}
			if strings.Join(failed, ",") != strings.Join(tc.failed, ",") {
				t.Fatalf("failed checks %v, want %v\n%s", failed, tc.failed, text.String())
			}
			if r.Ready != (len(tc.failed) == 0) {
				t.Errorf("Ready = %v with failed %v", r.Ready, failed)
			}
			if !strings.Contains(text.String(), tc.found) {
				t.Errorf("found %q, want it to mention %q", text.String(), tc.found)
			}
			if r.Summary() != summary.String() {
				t.Errorf("summary %q, want %q", r.Summary(), summary.String())
			}
		})
	}
}

func TestCountsAndListed(t *testing.T) {
	sep, _ := calendar.ParseMonth("2026-09")
	raw := append(ready(),
		Raw{Key: "raw/crm/t2.xlsx", ETag: "f", LastModified: at("2026-10-01 10:00"), Report: ok("tickets", "f", map[string]int64{"2026-09": 5})},
		Raw{Key: "raw/crm/lost.csv", ETag: "g", LastModified: at("2026-10-01 01:30")},
	)
	r := Evaluate(Input{Month: sep, Now: at("2026-10-03 02:00"), Location: cst, Settings: policy.Default().Readiness, Raw: raw, CoveredThrough: at("2026-12-31 00:00")})
	if got := r.Counts["tickets"]; got.Exports != 2 || got.Rows != 125 {
		t.Errorf("tickets %+v, want 2 exports, 125 rows (August rows not counted)", got)
	}
	if got := r.Counts["roster"]; got.Rows != 12 {
		t.Errorf("roster %+v", got)
	}
	if len(r.Listed) != 1 || r.Listed[0] != "raw/crm/lost.csv" {
		t.Errorf("listed %v", r.Listed)
	}
	if r.CalendarDaysLeft != 88 {
		t.Errorf("calendar days left %d, want 88 (3 Oct to 31 Dec)", r.CalendarDaysLeft)
	}
}

// TestOrphanedNormalizedFiles: Parquet no complete ingest report lists
// fails the ingest check, naming each key.
func TestOrphanedNormalizedFiles(t *testing.T) {
	sep, err := calendar.ParseMonth("2026-09")
	if err != nil {
		t.Fatal(err)
	}
	orphans := []string{"normalized/tickets/month=2026-09/b.parquet", "normalized/tickets/month=2026-09/a.parquet"}
	r := Evaluate(Input{Month: sep, Now: at("2026-10-03 02:00"), Location: cst, Settings: policy.Default().Readiness, Raw: ready(), CoveredThrough: at("2026-12-31 00:00"), Orphans: orphans})
	if r.Ready {
		t.Fatal("ready with orphaned normalized files")
	}
	failed := r.Failed()
	if len(failed) != 1 || failed[0].Name != CheckIngest {
		t.Fatalf("failed %+v, want only ingest", failed)
	}
	want := "2 normalized files without a complete ingest report"
	if !strings.Contains(failed[0].Found, want) || !strings.Contains(failed[0].Found, orphans[0]) || !strings.Contains(failed[0].Found, orphans[1]) {
		t.Errorf("found %q, want %q and both keys", failed[0].Found, want)
	}
	if strings.Join(failed[0].Keys, ",") != orphans[1]+","+orphans[0] {
		t.Errorf("keys %v", failed[0].Keys)
	}
}
