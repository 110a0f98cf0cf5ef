package score

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

var march = calendar.Month{Year: 2026, Month: time.March}

// at parses "2006-01-02 15:04[:05]" in Asia/Shanghai to Unix ms.
func at(s string) int64 {
	for _, layout := range []string{"2006-01-02 15:04:05.000", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, shanghai); err == nil {
			return t.UnixMilli()
		}
	}
	panic("bad time " + s)
}

// fakeCal is a working-day calendar covering 2026 only: weekends off,
// 2026-03-02 (Mon) a holiday, 2026-03-07 (Sat) a make-up working day.
type fakeCal struct {
	holidays map[string]bool
	makeup   map[string]bool
	calls    int
}

func newFakeCal() *fakeCal {
	return &fakeCal{
		holidays: map[string]bool{"2026-03-02": true},
		makeup:   map[string]bool{"2026-03-07": true},
	}
}

func (f *fakeCal) EndOfNthWorkingDay(created time.Time, n int, loc *time.Location) (time.Time, error) {
	f.calls++
	y, m, d := created.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if day.Year() != 2026 {
			return time.Time{}, fmt.Errorf("fake calendar: %s: %w", day.Format(time.DateOnly), calendar.ErrNotCovered)
		}
		key := day.Format(time.DateOnly)
		wd := day.Weekday()
		working := wd != time.Saturday && wd != time.Sunday
		if f.makeup[key] {
			working = true
		}
		if f.holidays[key] {
			working = false
		}
		if working {
			n--
		}
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, int(999*time.Millisecond), loc), nil
}

const crmKey = "raw/crm/2026-03.csv"

// tk is a simple open ticket.
func tk(id, who, created string) Ticket {
	return Ticket{
		ID: id, Assignee: who, SourceKey: crmKey, Status: StatusOpen,
		CreatedAt: at(created), ResolvedAt: NoTime, FirstResponseAt: NoTime, UpdatedAt: NoTime,
		UploadedAt: at("2026-04-01 08:00"),
	}
}

// res marks t resolved at s.
func res(t Ticket, s string) Ticket {
	t.ResolvedAt = at(s)
	t.Status = StatusResolved
	return t
}

func cx(t Ticket) Ticket { t.Complex = true; return t }

func complaint(t Ticket, o Outcome) Ticket { t.Complaint = true; t.Outcome = o; return t }

func sv(id, who, ticket, submitted string, rating int32) Survey {
	return Survey{
		ResponseID: id, EmployeeID: who, TicketID: ticket, SubmittedAt: at(submitted), Rating: rating,
		SourceKey: "raw/survey/2026-03.csv", UploadedAt: at("2026-04-01 08:00"),
	}
}

func ev(who, month, kind string, centi int64) Evaluation {
	return Evaluation{EmployeeID: who, Month: month, Kind: kind, ValueCenti: centi,
		SourceKey: "raw/evaluations/2026-03.csv", UploadedAt: at("2026-04-01 08:00")}
}

func emp(id, name, role string, payFen *int64, hired, left string) schema.Employee {
	e := schema.Employee{EmployeeID: id, Name: &name, PerformancePayFen: payFen, Lineage: schema.Lineage{SourceKey: "raw/roster/r.csv"}}
	if role != "" {
		e.Role = &role
	}
	if hired != "" {
		d := date(hired)
		e.HiredAt = &d
	}
	if left != "" {
		d := date(left)
		e.LeftAt = &d
	}
	return e
}

func date(s string) int32 {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return schema.DayNumber(t)
}

func input(p *policy.Policy) Input {
	if p == nil {
		p = policy.Default()
	}
	return Input{Month: march, Policy: p, Calendar: newFakeCal()}
}

func compute(t *testing.T, in Input) *Result {
	t.Helper()
	r, err := Compute(in)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return r
}

func card(t *testing.T, r *Result, id string) Card {
	t.Helper()
	for _, c := range r.Cards {
		if c.Scorecard.EmployeeID == id {
			return c
		}
	}
	t.Fatalf("no card for %s", id)
	return Card{}
}

func row(t *testing.T, c Card, kpi string) schema.KPIScore {
	t.Helper()
	for _, k := range c.KPIs {
		if k.KPI == kpi {
			return k
		}
	}
	t.Fatalf("card %s has no kpi %s", c.Scorecard.EmployeeID, kpi)
	return schema.KPIScore{}
}

func mustPolicy(t testing.TB, doc string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// micro converts a decimal string to ×10^4 for expectations.
func micro(s string) int64 {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	r.Mul(r, big.NewRat(10000, 1))
	if !r.IsInt() {
		panic("micro: more than 4 decimals: " + s)
	}
	return r.Num().Int64()
}

func i64(v int64) *int64 { return &v }

func fmtPtr(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// scoreOf is a card's ScoreCenti, -1 when it has none (no_activity).
func scoreOf(sc schema.Scorecard) int64 {
	if sc.ScoreCenti == nil {
		return -1
	}
	return *sc.ScoreCenti
}

// bandOf is a card's band, "" when it has none (no_activity).
func bandOf(sc schema.Scorecard) string {
	if sc.Band == nil {
		return ""
	}
	return *sc.Band
}
