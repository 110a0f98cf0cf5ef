package score

import (
	"fmt"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/schema"
)

// IsWorkingDate makes fakeCal a WorkingDayCounter with the same days as
// its EndOfNthWorkingDay: weekends off, its holidays off, its make-up days
// on, 2026 only.
func (f *fakeCal) IsWorkingDate(year int, month time.Month, day int) (bool, error) {
	d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if d.Year() != 2026 {
		return false, fmt.Errorf("fake calendar: %s: %w", d.Format(time.DateOnly), calendar.ErrNotCovered)
	}
	key := d.Format(time.DateOnly)
	wd := d.Weekday()
	working := wd != time.Saturday && wd != time.Sunday
	if f.makeup[key] {
		working = true
	}
	if f.holidays[key] {
		working = false
	}
	return working, nil
}

// TestProration: payouts of joiners and leavers in March 2026 by hand.
// The fake calendar's March has 22 working days: 23 weekdays, minus the
// 03-02 holiday, plus the 03-07 make-up Saturday.
func TestProration(t *testing.T) {
	cases := []struct {
		name         string
		hired, left  string
		pay          int64
		mult         string
		proration    string
		employed, wd int32 // 0, 0: no days
		payout       int64
	}{
		// Hired Tue 03-17: 17-20, 23-27, 30-31 = 11 of 22.
		// 3333.33 × 1.00 × 11/22 = 1666.665 -> 1666.67 (half-up).
		{"joiner", "2026-03-17", "", 333333, "1.00", "", 11, 22, 166667},
		// Left Fri 03-06: 03, 04, 05, 06 (the 02nd a holiday) = 4 of 22.
		// 5000.05 × 1.20 × 4/22 = 2400024/22 fen = 109092 exactly.
		{"leaver", "2020-01-01", "2026-03-06", 500005, "1.20", "", 4, 22, 109092},
		// Left on the make-up Saturday 03-07: it counts, 5 of 22.
		// 6000.00 × 1.00 × 5/22 = 136363.63… -> 136364.
		{"leaver on a make-up day", "", "2026-03-07", 600000, "1.00", "", 5, 22, 136364},
		// Hired on a Sunday (03-15) = hired on Monday 03-16: 12 of 22.
		// 6000.00 × 1.20 × 12/22 = 392727.27… -> 392727.
		{"joiner on a holiday weekend", "2026-03-15", "", 600000, "1.20", "working_days", 12, 22, 392727},
		// Joined and left within M: 03-09..03-13 = 5 of 22.
		{"joiner and leaver", "2026-03-09", "2026-03-13", 220000, "1.00", "", 5, 22, 50000},
		{"whole month", "2025-01-01", "2026-04-30", 600000, "1.20", "", 22, 22, 720000},
		{"proration none", "2026-03-17", "", 333333, "1.00", "none", 0, 0, 333333},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := `id: pr
timezone: Asia/Shanghai
kpis:
  - {id: communication, dimension: d, metric: communication_errors, weight: 100, deduction: {points: 10, per: 1}}
bands: [{band: A, min: 0, multiplier: "` + c.mult + `"}]
`
			if c.proration != "" {
				doc += "proration: " + c.proration + "\n"
			}
			in := input(mustPolicy(t, doc))
			in.HaveRoster = true
			in.Roster = []schema.Employee{emp("E1", "a", "", i64(c.pay), c.hired, c.left)}
			in.Evaluations = []Evaluation{ev("E1", "2026-03", schema.KindCommunicationError, 0)}
			sc := card(t, compute(t, in), "E1").Scorecard
			var gotE, gotW int32
			if sc.EmployedDays != nil {
				gotE, gotW = *sc.EmployedDays, *sc.WorkingDays
			}
			if gotE != c.employed || gotW != c.wd || sc.PayoutFen == nil || *sc.PayoutFen != c.payout {
				t.Errorf("days %d/%d payout %s, want %d/%d payout %d", gotE, gotW, fmtPtr(sc.PayoutFen), c.employed, c.wd, c.payout)
			}
		})
	}
}

// TestProratedPayoutRounding: the pay rule rounds once, half away from zero.
func TestProratedPayoutRounding(t *testing.T) {
	cases := []struct{ pay, mult, e, w, want int64 }{
		{333333, 100, 11, 22, 166667}, // 166666.5
		{333331, 100, 11, 22, 166666}, // 166665.5 -> 166666
		{-333333, 100, 11, 22, -166667},
		{100, 100, 1, 3, 33}, // 33.33
		{200, 100, 1, 3, 67}, // 66.67
		{123457, 120, 1, 1, 148148},
		{12345, 50, 22, 22, 6173},
		{600000, 120, 0, 22, 0},
	}
	for _, c := range cases {
		got, err := ProratedPayout(c.pay, c.mult, c.e, c.w)
		if err != nil || got != c.want {
			t.Errorf("ProratedPayout(%d, %d, %d, %d) = %d, %v; want %d", c.pay, c.mult, c.e, c.w, got, err, c.want)
		}
	}
	for _, bad := range [][2]int64{{1, 0}, {-1, 22}, {23, 22}} {
		if _, err := ProratedPayout(100, 100, bad[0], bad[1]); err == nil {
			t.Errorf("ProratedPayout(100, 100, %d, %d): no error", bad[0], bad[1])
		}
	}
}
