package score

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// WorkingDays is what scoring needs of a working-day calendar
// (*calendar.Calendar implements it).
type WorkingDays interface {
	// EndOfNthWorkingDay returns the end (23:59:59.999 local) of the n-th
	// working day strictly after created's local date in loc; an error if a
	// date is outside the years the calendar covers.
	EndOfNthWorkingDay(created time.Time, n int, loc *time.Location) (time.Time, error)
}

// Input is everything one month's scoring reads. Rows may come from any
// number of exports and may repeat; Compute de-duplicates them (spec §5).
type Input struct {
	Month    calendar.Month
	Policy   *policy.Policy
	Calendar WorkingDays
	// Tickets should cover M and the policy's ticket_lookback_months before
	// it; Surveys at least M; Evaluations M and exam_lookback_months
	// before it. Rows outside the windows are read and ignored.
	Tickets     []Ticket
	Surveys     []Survey
	Evaluations []Evaluation
	// Roster is the newest roster upload; HaveRoster says one exists (an
	// existing but empty roster flags everyone not_on_roster).
	Roster     []schema.Employee
	HaveRoster bool
}

// Card is one employee's scorecard.
type Card struct {
	// Scorecard.Version is left 0: the caller sets it.
	Scorecard schema.Scorecard
	// KPIs in policy order; Version left 0.
	KPIs []schema.KPIScore
	// Score is the exact score before rounding. For a no_activity card it
	// is what the KPIs give, not published: Scorecard.ScoreCenti is nil.
	Score *big.Rat
	// Evidence is every item that counted toward the KPIs (spec §9); Version left 0.
	Evidence []schema.Evidence
}

// Counts describe what Compute read, for the close report.
type Counts struct {
	TicketRows             int // rows given
	Tickets                int // distinct ticket ids
	TicketsCancelled       int // distinct tickets whose winning row is cancelled
	TicketsWithoutAssignee int // distinct tickets with an empty assignee (not scored)
	SurveyRows             int // rows given
	Responses              int // distinct response ids
	ResponsesCounted       int // after keeping only the latest response per ticket
	ResponsesInMonth       int // counted responses submitted in M (credited or not)
	EvaluationRows         int // rows given
	EvaluationsUsed        int // records that entered a scorecard
}

// Result is the month's scoring.
type Result struct {
	// Cards, sorted by employee id.
	Cards []Card
	// Unattributed lists the response ids of surveys submitted in M with no
	// employee_id whose ticket is unknown: reported, not scored (sorted).
	Unattributed []string
	// NotOnRoster lists employees with a card who are not on the existing
	// roster (sorted); empty when there is no roster.
	NotOnRoster []string
	// InactiveCredited lists roster employees not active in M (hired after
	// it or left before it) who are credited with work in M: they are
	// scored with their roster data (sorted).
	InactiveCredited []string
	// NoActivity lists employees with a card flagged no_activity (spec §8:
	// no ticket evaluated in M, no survey credited in M, no evaluation
	// record for M), sorted. They have no band and are not in BandCounts.
	NoActivity []string
	// PoolSatisfied of PoolResponses: all responses in M credited to
	// anyone. PooledSatisfaction is the rate in percent, nil when there are
	// no responses; PooledSatisfactionMicro is it ×10^4, rounded half-up.
	PoolSatisfied, PoolResponses int64
	PooledSatisfaction           *big.Rat
	PooledSatisfactionMicro      *int64
	// BandCounts counts cards per band name; no_activity cards have no
	// band and are counted in NoActivity instead.
	BandCounts map[string]int
	// TotalPayoutFen sums the payouts that are known (Compute fails rather
	// than let it overflow int64); an excluded no_activity card has none.
	TotalPayoutFen int64
	// Employees is len(Cards).
	Employees int
	Counts    Counts
}

// PooledSatisfactionText describes the pooled satisfaction rate for a
// report: "83.33% (10/12)", or "no responses".
func (r *Result) PooledSatisfactionText() string {
	if r.PooledSatisfaction == nil {
		return "no responses"
	}
	return fmt.Sprintf("%s%% (%d/%d)", fixed(r.PooledSatisfaction, 2), r.PoolSatisfied, r.PoolResponses)
}

// pick is the record chosen among several: the latest by (month, upload,
// key, row).
type pick struct {
	month string
	up    int64
	key   string
	row   int64
	centi int64
}

func (p *pick) newer(month string, e *Evaluation) bool {
	if p == nil {
		return true
	}
	if month != p.month {
		return month > p.month
	}
	return cmpLineage(e.UploadedAt, e.SourceKey, e.SourceRow, p.up, p.key, p.row) >= 0
}

// acc accumulates one employee's counts with plain integers; big.Rat is
// used only once per employee and KPI.
type acc struct {
	id       string
	name     string // assignee name of the latest-created ticket (ties: larger id)
	nameAt   int64
	nameID   string
	credited bool // credited with a ticket or survey in M
	active   bool // active on the roster in M
	evalInM  bool // has an evaluation record for M (no_activity, spec §8)

	satN, satS           int64 // responses in M, satisfied ones
	otEval, otOn         int64 // tickets evaluated in M, on time
	csSucc, csFail       int64 // complaints resolved in M
	attTickets           int64 // attitude complaints created in M
	created, complaints  int64 // tickets and complaints created in M
	resolved, repeat     int64 // tickets resolved in M, reopened ones
	resMs                int64 // Σ resolved − created, tickets resolved in M
	frN, frMs            int64 // tickets resolved in M with a first response; Σ first response − created
	costN, costFen       int64 // tickets resolved in M with a cost; Σ cost
	respN, respCenti     int64 // responsibility_incident records for M
	attN, attCenti       int64 // attitude_complaint records for M
	commN, commCenti     int64 // communication_error records for M
	peerN, peerCenti     int64 // peer_review records for M
	exam, problemSolving *pick
}

// Compute scores month M (spec §5). It fails on an invalid input (no
// policy, no calendar, an invalid month or policy) or when the calendar
// does not cover a date a deadline needs; nothing else is fatal.
func Compute(in Input) (*Result, error) {
	switch {
	case in.Policy == nil:
		return nil, errors.New("scoring: no policy")
	case in.Calendar == nil:
		return nil, errors.New("scoring: no working-day calendar")
	case !in.Month.Valid():
		return nil, fmt.Errorf("scoring: invalid month %s", in.Month)
	case len(in.Tickets) > math.MaxInt32 || len(in.Surveys) > math.MaxInt32:
		return nil, errors.New("scoring: too many rows")
	}
	if err := in.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("scoring %s: %w", in.Month, err)
	}
	c := &scoring{in: in, p: in.Policy, loc: in.Policy.Location(), accs: map[string]*acc{}}
	c.start = in.Month.Start(c.loc).UnixMilli()
	c.end = in.Month.End(c.loc).UnixMilli()
	c.res.Counts = Counts{TicketRows: len(in.Tickets), SurveyRows: len(in.Surveys), EvaluationRows: len(in.Evaluations)}

	// The two de-duplications are independent, so they run side by side.
	var counted []int32
	var unique int
	var wg sync.WaitGroup
	wg.Go(func() { counted, unique = dedupSurveys(in.Surveys) })
	winners, byID := dedupTickets(in.Tickets)
	wg.Wait()
	if err := c.tickets(winners); err != nil {
		return nil, err
	}
	c.surveys(byID, counted, unique)
	c.roster()
	c.evaluations()
	if err := c.cards(); err != nil {
		return nil, err
	}
	return &c.res, nil
}

// scoring is the state of one Compute call.
type scoring struct {
	in         Input
	p          *policy.Policy
	loc        *time.Location
	start, end int64 // M as [start, end) in Unix ms
	accs       map[string]*acc
	rosterByID map[string]*schema.Employee
	res        Result
}

func (c *scoring) inM(t int64) bool { return t >= c.start && t < c.end }

func (c *scoring) get(id string) *acc {
	a := c.accs[id]
	if a == nil {
		a = &acc{id: id}
		c.accs[id] = a
	}
	return a
}

// tickets runs over the winning ticket rows once, counting per assignee
// (spec §5: on_time, complaint_success, service_attitude and the analysis
// metrics).
func (c *scoring) tickets(winners []int32) error {
	c.res.Counts.Tickets = len(winners)
	simple := c.p.SLA.Simple().Milliseconds()
	nDays := c.p.SLA.ComplexWorkingDays
	deadlines := map[int32]int64{} // complex deadline by local creation day
	for _, w := range winners {
		t := &c.in.Tickets[w]
		if t.Status == StatusCancelled {
			c.res.Counts.TicketsCancelled++
			continue
		}
		if t.Assignee == "" {
			c.res.Counts.TicketsWithoutAssignee++
			continue
		}
		a := c.get(t.Assignee)
		if t.AssigneeName != "" && (a.name == "" || t.CreatedAt > a.nameAt || (t.CreatedAt == a.nameAt && t.ID > a.nameID)) {
			a.name, a.nameAt, a.nameID = t.AssigneeName, t.CreatedAt, t.ID
		}
		credited := false
		if c.inM(t.CreatedAt) {
			credited = true
			a.created++
			if t.Complaint {
				a.complaints++
			}
			if t.AttitudeComplaint {
				a.attTickets++
			}
		}
		resolved := t.ResolvedAt != NoTime
		if resolved && c.inM(t.ResolvedAt) {
			credited = true
			a.resolved++
			a.resMs += t.ResolvedAt - t.CreatedAt
			if t.FirstResponseAt != NoTime {
				a.frN++
				a.frMs += t.FirstResponseAt - t.CreatedAt
			}
			if t.Reopened > 0 {
				a.repeat++
			}
			if t.HasCost {
				a.costN++
				a.costFen += t.CostFen
			}
			if t.Complaint {
				switch t.Outcome {
				case OutcomeSuccess:
					a.csSucc++
				case OutcomeFailure:
					a.csFail++
				}
			}
		}
		// on_time: the evaluation time is the resolution if it met the
		// deadline, else the deadline. A ticket created after M, or
		// resolved before M, cannot be evaluated in M.
		if t.CreatedAt != NoTime && t.CreatedAt < c.end && (!resolved || t.ResolvedAt >= c.start) {
			deadline := t.CreatedAt + simple
			if t.Complex {
				created := time.UnixMilli(t.CreatedAt).In(c.loc)
				day := schema.DayNumber(created)
				d, ok := deadlines[day]
				if !ok {
					end, err := c.in.Calendar.EndOfNthWorkingDay(created, nDays, c.loc)
					if err != nil {
						return fmt.Errorf("scoring %s: deadline of ticket %s (%s): %w", c.in.Month, t.ID, t.SourceKey, err)
					}
					d = end.UnixMilli()
					deadlines[day] = d
				}
				deadline = d
			}
			eval, onTime := deadline, false
			if resolved && t.ResolvedAt <= deadline {
				eval, onTime = t.ResolvedAt, true
			}
			if c.inM(eval) {
				credited = true
				a.otEval++
				if onTime {
					a.otOn++
				}
			}
		}
		if credited {
			a.credited = true
		}
	}
	return nil
}

// surveys credits the counted responses submitted in M (of unique
// response ids, see dedupSurveys).
func (c *scoring) surveys(tickets *rowIndex, counted []int32, unique int) {
	c.res.Counts.Responses = unique
	c.res.Counts.ResponsesCounted = len(counted)
	minRating := c.p.Surveys.SatisfiedMinRating
	for _, i := range counted {
		s := &c.in.Surveys[i]
		if !c.inM(s.SubmittedAt) {
			continue
		}
		c.res.Counts.ResponsesInMonth++
		emp := s.EmployeeID
		if emp == "" && s.TicketID != "" {
			if w, ok := tickets.lookup(s.TicketID); ok {
				emp = c.in.Tickets[w].Assignee
			}
		}
		if emp == "" {
			c.res.Unattributed = append(c.res.Unattributed, s.ResponseID)
			continue
		}
		a := c.get(emp)
		a.credited = true
		a.satN++
		c.res.PoolResponses++
		if s.Rating >= minRating {
			a.satS++
			c.res.PoolSatisfied++
		}
	}
	slices.Sort(c.res.Unattributed)
	if c.res.PoolResponses > 0 {
		p := percentOf(c.res.PoolSatisfied, c.res.PoolResponses)
		c.res.PooledSatisfaction = p
		c.res.PooledSatisfactionMicro = ptr(roundScaled(p, 10000))
	}
}

// roster keeps the last row per employee (by upload, key, row) and marks
// who is active in M.
func (c *scoring) roster() {
	c.rosterByID = map[string]*schema.Employee{}
	if !c.in.HaveRoster {
		return
	}
	first := schema.DayNumber(c.in.Month.Start(time.UTC))
	last := schema.DayNumber(c.in.Month.End(time.UTC)) - 1
	for i := range c.in.Roster {
		e := &c.in.Roster[i]
		if e.EmployeeID == "" {
			continue
		}
		if old := c.rosterByID[e.EmployeeID]; old != nil &&
			cmpLineage(e.SourceUploadedAt.UnixMilli(), e.SourceKey, e.SourceRow,
				old.SourceUploadedAt.UnixMilli(), old.SourceKey, old.SourceRow) < 0 {
			continue
		}
		c.rosterByID[e.EmployeeID] = e
	}
	for id, e := range c.rosterByID {
		if (e.HiredAt == nil || *e.HiredAt <= last) && (e.LeftAt == nil || *e.LeftAt >= first) {
			c.get(id).active = true
		}
	}
}

// evaluations adds the evaluation records of employees with a card.
func (c *scoring) evaluations() {
	m := c.in.Month.String()
	examMonths := make([]string, 0, c.p.ExamLookbackMonths+1)
	for i := 0; i <= c.p.ExamLookbackMonths; i++ {
		examMonths = append(examMonths, c.in.Month.Add(-i).String())
	}
	for i := range c.in.Evaluations {
		e := &c.in.Evaluations[i]
		a := c.accs[e.EmployeeID]
		if a == nil || !(a.credited || a.active) {
			continue
		}
		used := true
		switch {
		case e.Kind == schema.KindExamScore && slices.Contains(examMonths, e.Month):
			if a.exam.newer(e.Month, e) {
				a.exam = &pick{e.Month, e.UploadedAt, e.SourceKey, e.SourceRow, e.ValueCenti}
			}
		case e.Month != m:
			used = false
		case e.Kind == schema.KindResponsibilityIncident:
			a.respN++
			a.respCenti += e.ValueCenti
		case e.Kind == schema.KindAttitudeComplaint:
			a.attN++
			a.attCenti += e.ValueCenti
		case e.Kind == schema.KindCommunicationError:
			a.commN++
			a.commCenti += e.ValueCenti
		case e.Kind == schema.KindProblemSolving:
			if a.problemSolving.newer(e.Month, e) {
				a.problemSolving = &pick{e.Month, e.UploadedAt, e.SourceKey, e.SourceRow, e.ValueCenti}
			}
		case e.Kind == schema.KindPeerReview:
			a.peerN++
			a.peerCenti += e.ValueCenti
		default:
			used = false
		}
		if used {
			c.res.Counts.EvaluationsUsed++
			if e.Month == m {
				a.evalInM = true
			}
		}
	}
}

// cards builds a card for everyone active on the roster in M and everyone
// credited with a ticket or survey in M. The cards are built concurrently
// (each reads only its own counts and shared, read-only state), then added
// up in id order, so the result and the first error are those of building
// them one by one.
func (c *scoring) cards() error {
	var ids []string
	for id, a := range c.accs {
		if a.credited || a.active {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	type job struct {
		id   string
		a    *acc
		emp  *schema.Employee
		r    *policy.Resolved
		card Card
		err  error
	}
	jobs := make([]job, 0, len(ids))
	variants := map[string]*policy.Resolved{}
	for _, id := range ids {
		j := job{id: id, a: c.accs[id], emp: c.rosterByID[id]}
		role := ""
		if j.emp != nil {
			role = str(j.emp.Role)
		}
		r, ok := variants[role]
		if !ok {
			if r, j.err = c.p.ForRole(role); j.err != nil {
				jobs = append(jobs, j) // nothing after it is used
				break
			}
			variants[role] = r
		}
		j.r = r
		jobs = append(jobs, j)
	}
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(jobs) {
				return
			}
			if j := &jobs[i]; j.err == nil {
				j.card, j.err = c.card(j.a, j.emp, j.r)
			}
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()

	c.res.BandCounts = map[string]int{}
	for i := range jobs {
		j := &jobs[i]
		if j.emp != nil && !j.a.active {
			c.res.InactiveCredited = append(c.res.InactiveCredited, j.id)
		}
		if j.err != nil {
			return fmt.Errorf("scoring %s: employee %s: %w", c.in.Month, j.id, j.err)
		}
		card := j.card
		if card.Scorecard.NotOnRoster {
			c.res.NotOnRoster = append(c.res.NotOnRoster, j.id)
		}
		if card.Scorecard.NoActivity {
			c.res.NoActivity = append(c.res.NoActivity, j.id)
		} else {
			c.res.BandCounts[*card.Scorecard.Band]++
		}
		if p := card.Scorecard.PayoutFen; p != nil {
			sum := c.res.TotalPayoutFen + *p
			if (*p > 0 && sum < c.res.TotalPayoutFen) || (*p < 0 && sum > c.res.TotalPayoutFen) {
				return fmt.Errorf("scoring %s: employee %s: total payout: %w", c.in.Month, j.id, errPayoutOverflow)
			}
			c.res.TotalPayoutFen = sum
		}
		c.res.Cards = append(c.res.Cards, card)
	}
	c.res.Employees = len(c.res.Cards)
	return nil
}

func (c *scoring) card(a *acc, emp *schema.Employee, r *policy.Resolved) (Card, error) {
	notOnRoster := c.in.HaveRoster && emp == nil
	sc := schema.Scorecard{
		EmployeeID:    a.id,
		NotOnRoster:   notOnRoster,
		PolicyID:      c.p.ID,
		PolicySHA256:  c.p.SHA256,
		PolicyVariant: r.Variant,
	}
	if emp != nil {
		sc.EmployeeName = nonEmpty(emp.Name)
		sc.Team = nonEmpty(emp.Team)
		sc.Role = nonEmpty(emp.Role)
		if emp.PerformancePayFen != nil {
			sc.PerformancePayFen = ptr(*emp.PerformancePayFen)
		}
	}
	if sc.EmployeeName == nil && a.name != "" {
		sc.EmployeeName = ptr(a.name)
	}

	earned, assessed := new(big.Rat), new(big.Rat)
	rows := make([]schema.KPIScore, 0, len(r.KPIs))
	for _, k := range r.KPIs {
		m := c.measure(k, a)
		row, points := c.score(k, m)
		row.EmployeeID = a.id
		row.NotOnRoster = notOnRoster
		if !row.NotAssessed {
			earned.Add(earned, points)
			assessed.Add(assessed, k.Weight)
		}
		if row.SmallSample {
			sc.SmallSample = true
		}
		rows = append(rows, row)
	}
	// Score = 100 × earned / weights assessed; with every KPI assessed the
	// weights add up to 100 and this is the sum of points. The policy keeps
	// one weighted KPI always assessed, so assessed > 0.
	score := new(big.Rat)
	if assessed.Sign() > 0 {
		score.Mul(earned, ratInt(100)).Quo(score, assessed)
	}
	sc.WeightAssessedCenti = roundScaled(assessed, 100)
	// No activity (spec §8): no ticket evaluated in M, no survey credited
	// in M, no evaluation record for M. The KPIs stay; the score and band
	// are left empty and the policy's no_activity.multiplier applies (with
	// no_activity.exclude the card gets no payout: it is not on the
	// payroll table).
	sc.NoActivity = a.otEval == 0 && a.satN == 0 && !a.evalInM
	if sc.NoActivity {
		sc.MultiplierCenti = c.p.NoActivity.MultiplierCenti()
	} else {
		centi := roundCenti(score)
		band := c.p.BandFor(centi)
		sc.ScoreCenti, sc.Band, sc.BandLabel = &centi, ptr(band.Name), ptr(band.Label)
		sc.MultiplierCenti = band.MultiplierCenti()
	}
	if sc.PerformancePayFen != nil && !(sc.NoActivity && c.p.NoActivity.Exclude) {
		p, err := Payout(*sc.PerformancePayFen, sc.MultiplierCenti)
		if err != nil {
			return Card{}, err
		}
		sc.PayoutFen = &p
	}
	return Card{Scorecard: sc, KPIs: rows, Score: score}, nil
}

func nonEmpty(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return ptr(*s)
}
