package annual

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/approval"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

var ctx = context.Background()

func newStore(t *testing.T) *store.Dir {
	t.Helper()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// publish writes version v of month m: a payroll CSV of the given scores
// (employee -> score centi, -1 for no_activity) and its manifest; approve
// approves it.
func publish(t *testing.T, st *store.Dir, m calendar.Month, v int32, scores map[string]int64, approve bool) {
	t.Helper()
	pol := policy.Default()
	var rows []schema.PayrollRow
	for _, id := range []string{"E1", "E2", "E3", "E4"} {
		c, ok := scores[id]
		if !ok {
			continue
		}
		team := "一组"
		r := schema.PayrollRow{Month: m.String(), EmployeeID: id, Team: &team, MultiplierCenti: 100, Version: v}
		if c >= 0 {
			b := pol.BandFor(c)
			r.ScoreCenti, r.Band, r.MultiplierCenti = &c, &b.Name, b.MultiplierCenti()
		}
		rows = append(rows, r)
	}
	var buf bytes.Buffer
	if err := payroll.WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	key := bucket.PayrollCSV(m, v)
	if err := objects.PutOnce(ctx, st, key, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	man := &payroll.Manifest{Month: m.String(), Version: v, Outputs: []payroll.OutputObject{payroll.OutputOf(key, buf.Bytes(), int64(len(rows)))}}
	man.Policy.ID, man.Policy.SHA256 = pol.ID, pol.SHA256
	man.InputsDigest = payroll.InputsDigest(pol.SHA256, nil)
	mb, err := man.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := objects.PutOnce(ctx, st, bucket.Manifest(m, v), mb); err != nil {
		t.Fatal(err)
	}
	if approve {
		if _, _, err := approval.Approve(ctx, st, m, v, "HR", "", time.Date(m.Year+1, 1, 5, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
}

func month(y int, m time.Month) calendar.Month { return calendar.Month{Year: y, Month: m} }

func byID(rows []schema.AnnualScorecard) map[string]schema.AnnualScorecard {
	out := map[string]schema.AnnualScorecard{}
	for _, r := range rows {
		out[r.EmployeeID] = r
	}
	return out
}

func describe(r schema.AnnualScorecard) string {
	mean, band := "-", "-"
	if r.MeanScoreCenti != nil {
		mean = payroll.FormatCenti(*r.MeanScoreCenti)
		band = *r.Band + "/" + *r.Action
	}
	return fmt.Sprintf("%s n=%d mean=%s band=%s A=%d consecutive=%v", r.EmployeeID, r.MonthsScored, mean, band, r.AMonths, r.ConsecutiveExcellent)
}

// TestAnnualOverTwelveMonths: March is missing, June is published but not
// approved, September has an approved v1 and an unapproved v2 (v1 counts).
func TestAnnualOverTwelveMonths(t *testing.T) {
	st := newStore(t)
	for mo := time.January; mo <= time.December; mo++ {
		m := month(2026, mo)
		switch mo {
		case time.March:
			continue
		case time.June:
			publish(t, st, m, 1, map[string]int64{"E1": 5000, "E2": 5000}, false)
			continue
		}
		// E1: 95.00 every month but one 90.01 (in November).
		// E2: 89.99, 90.00, alternating: the mean is exact and rounds half up.
		// E3: no activity in January (no score), 70.00 after.
		e1 := int64(9500)
		if mo == time.November {
			e1 = 9001
		}
		e2 := int64(8999)
		if mo%2 == 0 {
			e2 = 9000
		}
		e3 := int64(7000)
		if mo == time.January {
			e3 = -1
		}
		publish(t, st, m, 1, map[string]int64{"E1": e1, "E2": e2, "E3": e3}, true)
		if mo == time.September {
			publish(t, st, m, 2, map[string]int64{"E1": 0, "E2": 0, "E3": 0}, false)
		}
	}
	res, err := (&Job{Store: st}).Run(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Published || res.Version != 1 {
		t.Fatalf("status %s v%d", res.Status, res.Version)
	}
	if got := strings.Join(res.Missing(), "; "); got != "2026-03 missing; 2026-06 unapproved" {
		t.Fatalf("missing %q", got)
	}
	for _, m := range res.Months {
		if m.Month == "2026-09" && m.Version != 1 {
			t.Fatalf("September used v%d, want the approved v1", m.Version)
		}
	}
	// E1: 9 months of 95.00 and one 90.01: 945.01/10 = 94.501 → 94.50, A every month.
	// E2: months 1,2,4,5,7,8,9,10,11,12: even 2,4,8,10,12 (5×90.00), odd 1,5,7,9,11 (5×89.99): 89.995 → 90.00 (half up).
	// E3: 9 months of 70.00 (January has no score): 70.00, 合格.
	rows := byID(res.Rows)
	want := map[string]string{
		"E1": "E1 n=10 mean=94.50 band=excellent/raise A=10 consecutive=false",
		"E2": "E2 n=10 mean=90.00 band=excellent/raise A=5 consecutive=false",
		"E3": "E3 n=9 mean=70.00 band=qualified/unchanged A=0 consecutive=false",
	}
	for id, w := range want {
		if got := describe(rows[id]); got != w {
			t.Errorf("got  %s\nwant %s", got, w)
		}
	}
	if rows["E3"].Months != "2026-02,2026-04,2026-05,2026-07,2026-08,2026-09,2026-10,2026-11,2026-12" {
		t.Errorf("E3 months %s", rows["E3"].Months)
	}

	// The table file and the manifest exist; a rerun publishes nothing.
	if data, _ := objects.ReadOptional(ctx, st, bucket.AnnualManifest(2026, 1)); data == nil {
		t.Fatal("no manifest")
	}
	again, err := (&Job{Store: st}).Run(ctx, 2026)
	if err != nil || again.Status != Unchanged || again.Version != 1 {
		t.Fatalf("rerun: %v %+v", err, again)
	}
	// Approving June changes the inputs: v2.
	if _, _, err := approval.Approve(ctx, st, month(2026, time.June), 1, "HR", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	v2, err := (&Job{Store: st}).Run(ctx, 2026)
	if err != nil || v2.Status != Published || v2.Version != 2 {
		t.Fatalf("after June approved: %v %+v", err, v2)
	}
	if got := describe(byID(v2.Rows)["E1"]); got != "E1 n=11 mean=90.46 band=excellent/raise A=10 consecutive=false" {
		t.Errorf("E1 with June's 50.00: %s", got) // (945.01 + 50)/11 = 90.455 → 90.46
	}
}

func TestAnnualNotReadyWithoutApprovedMonth(t *testing.T) {
	st := newStore(t)
	publish(t, st, month(2026, time.May), 1, map[string]int64{"E1": 9000}, false)
	res, err := (&Job{Store: st}).Run(ctx, 2026)
	var nr *NotReadyError
	if !errors.As(err, &nr) || res.Status != NotReady {
		t.Fatalf("err %v, result %+v", err, res)
	}
	if !strings.Contains(err.Error(), "2026-05 unapproved") {
		t.Fatalf("error %v does not list May", err)
	}
	if data, _ := objects.ReadOptional(ctx, st, bucket.AnnualManifest(2026, 1)); data != nil {
		t.Fatal("a year that is not ready published a manifest")
	}
}

func TestConsecutiveExcellentAcrossTwoYears(t *testing.T) {
	st := newStore(t)
	// 2025: E1 and E2 excellent (95), E3 qualified (80).
	publish(t, st, month(2025, time.December), 1, map[string]int64{"E1": 9500, "E2": 9500, "E3": 8000}, true)
	// 2026: E1 and E3 excellent, E2 qualified, E4 new and excellent.
	publish(t, st, month(2026, time.January), 1, map[string]int64{"E1": 9600, "E2": 8500, "E3": 9200, "E4": 9900}, true)
	job := &Job{Store: st}
	if _, err := job.Run(ctx, 2026); err != nil {
		t.Fatal(err) // before 2025's annual exists: no one is consecutive
	}
	if _, err := job.Run(ctx, 2025); err != nil {
		t.Fatal(err)
	}
	res, err := job.Run(ctx, 2026)
	if err != nil || res.Version != 2 {
		t.Fatalf("2026 after 2025's annual: %v %+v (the previous year is an input: v2)", err, res)
	}
	rows := byID(res.Rows)
	for id, want := range map[string]bool{"E1": true, "E2": false, "E3": false, "E4": false} {
		if rows[id].ConsecutiveExcellent != want {
			t.Errorf("%s consecutive_excellent %v, want %v (%s)", id, rows[id].ConsecutiveExcellent, want, describe(rows[id]))
		}
	}
}

func TestApprovalNoneUsesNewestPublished(t *testing.T) {
	st := newStore(t)
	y := strings.Replace(string(policy.DefaultYAML()), "id: default-2026-v1", "id: default-2026-v1\napproval: none", 1)
	if err := objects.Put(ctx, st, bucket.PolicyKey, []byte(y)); err != nil {
		t.Fatal(err)
	}
	publish(t, st, month(2026, time.May), 1, map[string]int64{"E1": 6000}, false)
	publish(t, st, month(2026, time.May), 2, map[string]int64{"E1": 9000}, false)
	res, err := (&Job{Store: st}).Run(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(byID(res.Rows)["E1"]); got != "E1 n=1 mean=90.00 band=excellent/raise A=1 consecutive=false" {
		t.Fatalf("%s: want v2's 90.00", got)
	}
}
