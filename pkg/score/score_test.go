package score

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

func TestRoundCentiAndBand(t *testing.T) {
	p := policy.Default()
	cases := []struct {
		score string
		centi int64
		band  string
	}{
		{"89.99", 8999, "B"},
		{"90.00", 9000, "A"},
		{"89.995", 9000, "A"},
		{"89.994999", 8999, "B"},
		{"69.995", 7000, "C"},
		{"69.994", 6999, "D"},
		{"79.994999", 7999, "C"},
		{"79.995", 8000, "B"},
		{"100", 10000, "A"},
		{"0", 0, "D"},
		{"0.004999", 0, "D"},
		{"1700/19", 8947, "B"}, // 89.473684…
		{"2/3", 67, "D"},       // 0.6666… rounds up
		{"1/200", 1, "D"},      // 0.005 exactly: half-up
	}
	for _, c := range cases {
		t.Run(c.score, func(t *testing.T) {
			r, ok := new(big.Rat).SetString(c.score)
			if !ok {
				t.Fatal("bad rat")
			}
			got := roundCenti(r)
			if got != c.centi {
				t.Fatalf("roundCenti(%s) = %d, want %d", c.score, got, c.centi)
			}
			if b := p.BandFor(got).Name; b != c.band {
				t.Errorf("band of %d = %s, want %s", got, b, c.band)
			}
		})
	}
}

func TestFixed(t *testing.T) {
	cases := []struct {
		r    *big.Rat
		dec  int
		want string
	}{
		{big.NewRat(875, 10), 2, "87.50"},
		{big.NewRat(1, 200), 2, "0.01"},
		{big.NewRat(1, 300), 2, "0.00"},
		{big.NewRat(-50, 1), 2, "-50.00"},
		{big.NewRat(-1, 200), 2, "-0.01"},
		{big.NewRat(2, 3), 0, "1"},
		{big.NewRat(123456, 1), 2, "123456.00"},
	}
	for _, c := range cases {
		if got := fixed(c.r, c.dec); got != c.want {
			t.Errorf("fixed(%s, %d) = %s, want %s", c.r.RatString(), c.dec, got, c.want)
		}
	}
}

// TestPayout is the pay rule's table: pay (fen) × multiplier (hundredths),
// rounded half-up to the fen, halves away from zero for negatives, and an
// error rather than a wrong number outside int64.
func TestPayout(t *testing.T) {
	cases := []struct {
		name      string
		pay, mult int64
		want      int64
	}{
		{"0.80 exact", 300000, 80, 240000},                                   // 3000.00 × 0.80
		{"half fen up", 444445, 50, 222223},                                  // 2222.225 -> 2222.23
		{"below half down", 444444, 120, 533333},                             // 5333.328 -> 5333.33
		{"1.20 rounds .4 down", 123457, 120, 148148},                         // 148148.40
		{"0.50 on an odd fen rounds .5 up", 12345, 50, 6173},                 // 6172.50
		{"0.80 with a remainder", 123457, 80, 98766},                         // 98765.60
		{"1.25", 123457, 125, 154321},                                        // 154321.25
		{"one fen × 0.50 is exactly half: up", 1, 50, 1},                     // 0.005 -> 0.01
		{"one fen × 0.49 just below half: down", 1, 49, 0},                   // 0.0049 -> 0
		{".49 down", 3, 83, 2},                                               // 2.49
		{".51 up", 3, 117, 4},                                                // 3.51
		{"0.036 up", 3, 120, 4},                                              // 0.036 -> 0.04
		{"1.00 is identity", 12345, 100, 12345},                              //
		{"zero pay", 0, 120, 0},                                              //
		{"zero multiplier", 600000, 0, 0},                                    //
		{"zero both", 0, 0, 0},                                               //
		{"negative half away from zero", -12345, 50, -6173},                  // -6172.5
		{"negative just below half", -1, 49, 0},                              // -0.49
		{"negative exactly half", -1, 50, -1},                                // -0.5
		{"negative .4", -123457, 120, -148148},                               // -148148.4
		{"negative multiplier", 12345, -50, -6173},                           // -6172.5
		{"both negative", -12345, -50, 6173},                                 // 6172.5
		{"ten billion yuan", 999999999999, 120, 1199999999999},               // 11,999,999,999.988 -> .99
		{"DECIMAL(18,2) limit", 9999999999999999, 100, 9999999999999999},     //
		{"2^53 × 1.20", 1 << 53, 120, 10808639105689190},                     // ...190.4
		{"large multiplier", 12345, 1 << 20, 129446707},                      // 1294467.072
		{"largest int64 pay × 1.00", math.MaxInt64, 100, math.MaxInt64},      //
		{"smallest int64 pay × 1.00", math.MinInt64, 100, math.MinInt64},     //
		{"largest int64 pay × 0.50", math.MaxInt64, 50, 4611686018427387904}, // ...903.5 -> ...904
		{"largest int64 pay × 0.01", math.MaxInt64, 1, 92233720368547758},    // ...758.07
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Payout(c.pay, c.mult)
			if err != nil || got != c.want {
				t.Errorf("Payout(%d, %d) = %d, %v; want %d", c.pay, c.mult, got, err, c.want)
			}
		})
	}
	for _, c := range []struct{ pay, mult int64 }{
		{math.MaxInt64, 101}, {math.MaxInt64, 200}, {math.MinInt64, 101}, {math.MinInt64, -100},
		{math.MaxInt64, math.MaxInt64}, {1 << 62, 1000},
	} {
		got, err := Payout(c.pay, c.mult)
		if !errors.Is(err, errPayoutOverflow) {
			t.Errorf("Payout(%d, %d) = %d, %v; want errPayoutOverflow", c.pay, c.mult, got, err)
		}
	}
}

// TestPayoutSymmetricHalfUp: Payout(-p, m) = -Payout(p, m), and the result
// is within half a fen of the exact product, halves rounding up.
func TestPayoutSymmetricHalfUp(t *testing.T) {
	for pay := int64(0); pay < 2000; pay += 7 {
		for _, m := range []int64{1, 49, 50, 51, 80, 99, 100, 120, 133} {
			got, err := Payout(pay, m)
			if err != nil {
				t.Fatal(err)
			}
			if neg, _ := Payout(-pay, m); neg != -got {
				t.Errorf("Payout(%d, %d) = %d but Payout(%d, %d) = %d", pay, m, got, -pay, m, neg)
			}
			if diff := 100*got - pay*m; diff <= -50 || diff > 50 {
				t.Errorf("Payout(%d, %d) = %d is not the product rounded half-up", pay, m, got)
			}
		}
	}
}

func TestComputeRefusesAPayoutThatOverflows(t *testing.T) {
	// Nobody has any activity: the no_activity multiplier, 2.00 here, goes
	// through Payout like a band's.
	p := mustPolicy(t, strings.Replace(string(policy.DefaultYAML()), `multiplier: "1.00"
  exclude: false`, `multiplier: "2.00"`, 1))
	for _, pays := range [][]int64{{math.MaxInt64}, {1 << 62, 1 << 62}} {
		var roster []schema.Employee
		for i, p := range pays {
			roster = append(roster, schema.Employee{EmployeeID: fmt.Sprintf("E%d", i), PerformancePayFen: i64(p)})
		}
		_, err := Compute(Input{Month: march, Policy: p, Calendar: newFakeCal(), Roster: roster, HaveRoster: true})
		if !errors.Is(err, errPayoutOverflow) {
			t.Errorf("pays %v: err = %v, want errPayoutOverflow", pays, err)
		}
	}
}

func ExamplePayout() {
	for _, c := range []struct{ pay, mult int64 }{{123457, 120}, {12345, 50}, {-12345, 50}} {
		fen, err := Payout(c.pay, c.mult)
		fmt.Println(fen, err)
	}
	_, err := Payout(math.MaxInt64, 200)
	fmt.Println(err)
	// Output:
	// 148148 <nil>
	// 6173 <nil>
	// -6173 <nil>
	// 9223372036854775807 fen × 200/100: payout overflows int64 fen
}

func TestWhoGetsACard(t *testing.T) {
	pay := i64(500000)
	rosterRows := []schema.Employee{
		emp("R1", "在职", "", pay, "", ""),                         // active, no work
		emp("R2", "三月入职", "", pay, "2026-03-31", ""),             // hired on M's last day
		emp("R3", "四月入职", "", pay, "2026-04-01", ""),             // hired after M
		emp("R4", "三月一日离职", "", pay, "2025-01-01", "2026-03-01"), // left on M's first day
		emp("R5", "二月离职", "", pay, "2025-01-01", "2026-02-28"),   // left before M, no work
		emp("R6", "二月离职有工单", "", pay, "", "2026-02-28"),          // left before M, credited with a ticket
	}
	tickets := []Ticket{
		res(tk("T1", "R6", "2026-03-02 09:00"), "2026-03-02 10:00"),
		res(tk("T2", "X1", "2026-03-02 09:00"), "2026-03-02 10:00"),                                       // not on the roster
		func() Ticket { x := tk("T3", "X2", "2026-03-02 09:00"); x.Status = StatusCancelled; return x }(), // cancelled only
		res(tk("T4", "X3", "2025-12-01 09:00"), "2025-12-01 10:00"),                                       // only outside M
		func() Ticket {
			x := res(tk("T5", "X4", "2026-03-02 09:00"), "2026-03-02 10:00")
			x.AssigneeName = "小明"
			return x
		}(), // named by ticket
	}
	surveys := []Survey{sv("S1", "X5", "", "2026-03-10 10:00", 5)} // credited by a survey only
	evals := []Evaluation{ev("X6", "2026-03", schema.KindExamScore, 9000)}
	cases := []struct {
		name        string
		haveRoster  bool
		roster      []schema.Employee
		wantCards   []string
		notOnRoster []string
		inactive    []string
	}{
		{"with a roster", true, rosterRows,
			[]string{"R1", "R2", "R4", "R6", "X1", "X4", "X5"}, []string{"X1", "X4", "X5"}, []string{"R6"}},
		{"without a roster", false, nil,
			[]string{"R6", "X1", "X4", "X5"}, nil, nil},
		{"with an empty roster", true, nil,
			[]string{"R6", "X1", "X4", "X5"}, []string{"R6", "X1", "X4", "X5"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(nil)
			in.Tickets, in.Surveys, in.Evaluations = tickets, surveys, evals
			in.Roster, in.HaveRoster = c.roster, c.haveRoster
			r := compute(t, in)
			var ids []string
			for _, cd := range r.Cards {
				ids = append(ids, cd.Scorecard.EmployeeID)
				flag := slices.Contains(c.notOnRoster, cd.Scorecard.EmployeeID)
				if cd.Scorecard.NotOnRoster != flag {
					t.Errorf("%s: not_on_roster = %v, want %v", cd.Scorecard.EmployeeID, cd.Scorecard.NotOnRoster, flag)
				}
				for _, k := range cd.KPIs {
					if k.NotOnRoster != flag || k.EmployeeID != cd.Scorecard.EmployeeID {
						t.Errorf("%s/%s: not_on_roster = %v employee %s", cd.Scorecard.EmployeeID, k.KPI, k.NotOnRoster, k.EmployeeID)
					}
				}
			}
			if !slices.Equal(ids, c.wantCards) {
				t.Errorf("cards = %v, want %v", ids, c.wantCards)
			}
			if !slices.Equal(r.NotOnRoster, c.notOnRoster) {
				t.Errorf("NotOnRoster = %v, want %v", r.NotOnRoster, c.notOnRoster)
			}
			if !slices.Equal(r.InactiveCredited, c.inactive) {
				t.Errorf("InactiveCredited = %v, want %v", r.InactiveCredited, c.inactive)
			}
			if r.Employees != len(r.Cards) {
				t.Errorf("Employees = %d", r.Employees)
			}
			x4 := card(t, r, "X4")
			if x4.Scorecard.EmployeeName == nil || *x4.Scorecard.EmployeeName != "小明" {
				t.Errorf("X4 name = %v, want the ticket's assignee name", x4.Scorecard.EmployeeName)
			}
		})
	}
}

func TestRosterData(t *testing.T) {
	team := "北区"
	old := emp("E1", "旧名", "客服", i64(100000), "", "")
	old.SourceUploadedAt = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cur := emp("E1", "张三", "VIP客服", i64(444445), "", "")
	cur.Team = &team
	cur.SourceUploadedAt = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	noName := emp("E2", "", "", nil, "", "")
	p := mustPolicy(t, string(policy.DefaultYAML())+`
variants:
  - id: vip-desk
    roles: [VIP客服]
    kpis:
      satisfaction: {weight: 40}
      on_time: {weight: 5}
`)
	in := input(p)
	in.Roster, in.HaveRoster = []schema.Employee{cur, old, noName}, true
	in.Tickets = []Ticket{func() Ticket { x := tk("T", "E2", "2026-03-03 09:00"); x.AssigneeName = "李四"; return x }()}
	in.Surveys = responses("E9", 5) // pool 100%: E1's satisfaction is full
	// A peer review (weight 0) so that E1, with no tickets or surveys, is
	// not no_activity.
	in.Evaluations = []Evaluation{ev("E1", "2026-03", schema.KindPeerReview, 9000)}
	r := compute(t, in)
	e1 := card(t, r, "E1").Scorecard
	if *e1.EmployeeName != "张三" || *e1.Team != "北区" || *e1.Role != "VIP客服" || e1.PolicyVariant != "vip-desk" {
		t.Errorf("E1 = %+v, want the later roster row and the vip-desk variant", e1)
	}
	if row(t, card(t, r, "E1"), "satisfaction").WeightCenti != 4000 {
		t.Error("variant weight not used")
	}
	if e1.PolicyID != p.ID || e1.PolicySHA256 != p.SHA256 || e1.Version != 0 {
		t.Errorf("policy fields = %q %q %d", e1.PolicyID, e1.PolicySHA256, e1.Version)
	}
	// E1: everything full but exam and problem solving: 100, A, 1.20.
	if scoreOf(e1) != 10000 || bandOf(e1) != "A" || e1.BandLabel == nil || *e1.BandLabel != "优秀" || e1.MultiplierCenti != 120 ||
		*e1.PerformancePayFen != 444445 || *e1.PayoutFen != 533334 {
		t.Errorf("E1 = score %d band %s %v ×%d pay %s payout %s", scoreOf(e1), bandOf(e1), e1.BandLabel, e1.MultiplierCenti,
			fmtPtr(e1.PerformancePayFen), fmtPtr(e1.PayoutFen))
	}
	e2 := card(t, r, "E2").Scorecard
	if e2.EmployeeName == nil || *e2.EmployeeName != "李四" || e2.PolicyVariant != "" || e2.PerformancePayFen != nil || e2.PayoutFen != nil || e2.Team != nil {
		t.Errorf("E2 = %+v: want the ticket name, the base policy, no pay", e2)
	}
	if r.TotalPayoutFen != 533334 {
		t.Errorf("TotalPayoutFen = %d", r.TotalPayoutFen)
	}
}

func TestComputeErrors(t *testing.T) {
	bad := policy.Default()
	bad.KPIs[0].Weight = big.NewRat(10, 1)
	cases := []struct {
		name string
		edit func(in *Input)
		want string
	}{
		{"no policy", func(in *Input) { in.Policy = nil }, "scoring: no policy"},
		{"no calendar", func(in *Input) { in.Calendar = nil }, "scoring: no working-day calendar"},
		{"invalid month", func(in *Input) { in.Month = calendar.Month{} }, "scoring: invalid month"},
		{"invalid policy", func(in *Input) { in.Policy = bad }, "kpis: weights add up to 80, want 100"},
		{"calendar does not cover a deadline", func(in *Input) {
			in.Tickets = []Ticket{cx(tk("OLD-1", "E1", "2025-12-30 10:00"))}
		}, "scoring 2026-03: deadline of ticket OLD-1 (raw/crm/2026-03.csv): fake calendar: 2025-12-31"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input(nil)
			c.edit(&in)
			_, err := Compute(in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	t.Run("not covered is wrapped", func(t *testing.T) {
		in := input(nil)
		in.Tickets = []Ticket{cx(tk("OLD-1", "E1", "2025-12-30 10:00"))}
		_, err := Compute(in)
		if !errors.Is(err, calendar.ErrNotCovered) {
			t.Errorf("err = %v, want it to wrap calendar.ErrNotCovered", err)
		}
	})
	t.Run("old tickets that cannot be in M need no calendar", func(t *testing.T) {
		in := input(nil)
		in.Tickets = []Ticket{
			res(cx(tk("OLD-2", "E1", "2025-12-30 10:00")), "2026-01-05 10:00"), // resolved before M
			cx(tk("NEW-1", "E1", "2027-01-05 10:00")),                          // created after M
			func() Ticket { x := cx(tk("NULL", "E2", "2026-03-05 10:00")); x.CreatedAt = NoTime; return x }(),
		}
		if r := compute(t, in); len(r.Cards) != 0 {
			t.Errorf("%d cards, want none", len(r.Cards))
		}
	})
}

func TestCalendarCalledOncePerDay(t *testing.T) {
	in := input(nil)
	cal := newFakeCal()
	in.Calendar = cal
	for i := range 50 {
		in.Tickets = append(in.Tickets, cx(tk("T"+string(rune('A'+i%26))+string(rune('a'+i/26)), "E1", "2026-03-10 09:00")))
	}
	in.Tickets = append(in.Tickets, cx(tk("U", "E1", "2026-03-11 09:00")))
	compute(t, in)
	if cal.calls != 2 {
		t.Errorf("calendar called %d times for 2 creation days", cal.calls)
	}
}

// TestDeterministic shuffles every input slice: the result is the same.
func TestDeterministic(t *testing.T) {
	in := exampleInput(t)
	want := compute(t, in)
	rev := in
	rev.Tickets = reversed(in.Tickets)
	rev.Surveys = reversed(in.Surveys)
	rev.Evaluations = reversed(in.Evaluations)
	rev.Roster = reversed(in.Roster)
	got := compute(t, rev)
	if d := diffResults(want, got); d != "" {
		t.Fatal(d)
	}
}

// TestConcurrentCompute shares one policy and one set of rows between
// goroutines (run with -race). Each has its own fake calendar, which counts
// calls; the real calendar is immutable.
func TestConcurrentCompute(t *testing.T) {
	in := exampleInput(t)
	want := compute(t, in)
	errs := make(chan string, 4)
	for range 4 {
		go func() {
			in := in
			in.Calendar = newFakeCal()
			r, err := Compute(in)
			if err != nil {
				errs <- err.Error()
				return
			}
			errs <- diffResults(want, r)
		}()
	}
	for range 4 {
		if d := <-errs; d != "" {
			t.Error(d)
		}
	}
}

// roundScaledSmall must agree with the big.Int rounding wherever it answers.
func TestRoundScaledSmallAgreesWithBig(t *testing.T) {
	slow := func(r *big.Rat, scale int64) *big.Int {
		n := new(big.Int).Mul(r.Num(), big.NewInt(scale))
		neg := n.Sign() < 0
		n.Abs(n)
		d := r.Denom()
		n.Lsh(n, 1).Add(n, d)
		n.Quo(n, new(big.Int).Lsh(d, 1))
		if neg {
			n.Neg(n)
		}
		return n
	}
	rng := rand.New(rand.NewPCG(3, 4))
	edges := []int64{0, 1, -1, 2, 3, 5, 7, 99, 100, 10000, math.MaxInt64, math.MinInt64, math.MaxInt64 / 2, math.MaxInt64/100 + 1, math.MaxInt32}
	answered := 0
	for i := range 200_000 {
		var n, d int64
		if i < len(edges)*len(edges) {
			n, d = edges[i/len(edges)], edges[i%len(edges)]
		} else {
			n, d = rng.Int64N(1<<uint(rng.IntN(62)+1))-rng.Int64N(1<<40), rng.Int64N(1<<uint(rng.IntN(62)+1))
		}
		if d == 0 {
			continue
		}
		r := big.NewRat(n, d)
		for _, scale := range []int64{1, 100, 10000} {
			want := slow(r, scale)
			if v, ok := roundScaledSmall(r, scale); ok {
				answered++
				if !want.IsInt64() || want.Int64() != v {
					t.Fatalf("roundScaledSmall(%s, %d) = %d, want %s", r.RatString(), scale, v, want)
				}
			}
			if got := roundScaledBig(r, scale); got.Cmp(want) != 0 {
				t.Fatalf("roundScaledBig(%s, %d) = %s, want %s", r.RatString(), scale, got, want)
			}
		}
	}
	if answered < 100_000 {
		t.Fatalf("only %d answered in int64", answered)
	}
}
