package main

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"time"
)

// This file is an independent, deliberately plain implementation of spec §5
// for the sample month only (default policy, 2026-09). It exists so the
// expected results under testdata/expected/ are computed, not typed in.

// The mainland-China calendar for August-October 2026 (holiday-cn 2026.json).
var (
	offDays  = map[string]bool{"2026-09-25": true, "2026-09-26": true, "2026-09-27": true}
	makeupOn = map[string]bool{"2026-09-20": true, "2026-10-10": true}
)

func init() {
	for d := 1; d <= 7; d++ {
		offDays[fmt.Sprintf("2026-10-%02d", d)] = true
	}
}

func isWorkingDay(d time.Time) bool {
	if d.Year() != 2026 || d.Month() < time.August || d.Month() > time.October {
		panic("oracle calendar covers 2026-08..2026-10 only, asked " + d.Format("2006-01-02"))
	}
	k := d.Format("2006-01-02")
	if makeupOn[k] {
		return true
	}
	if offDays[k] {
		return false
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

func isComplex(category string) bool {
	return category == "复杂" || category == "疑难" || category == "complex"
}

// deadline is spec §5's SLA deadline.
func deadline(t *ticket) time.Time {
	if !isComplex(t.Category) {
		return t.Created.Add(24 * time.Hour)
	}
	c := t.Created.In(cst)
	d := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, cst)
	for n := 0; n < 3; {
		d = d.AddDate(0, 0, 1)
		if isWorkingDay(d) {
			n++
		}
	}
	return d.AddDate(0, 0, 1).Add(-time.Millisecond)
}

func inSept(t time.Time) bool {
	l := t.In(cst)
	return l.Year() == 2026 && l.Month() == time.September
}

func cancelled(t *ticket) bool {
	return t.Status == "已取消" || t.Status == "作废" || t.Status == "cancelled"
}

func outcome(t *ticket) string {
	switch t.Outcome {
	case "成功", "已解决", "success":
		return "success"
	case "失败", "未解决", "failure":
		return "failure"
	}
	return ""
}

func attitude(t *ticket) bool {
	return t.CType == "服务态度" || t.CType == "态度" || t.CType == "attitude"
}

// versioned is a ticket row with where it came from, for cross-export de-duplication.
type versioned struct {
	t        *ticket
	uploaded time.Time
	key      string
	row      int
}

// dedupTickets keeps, per ticket_id, the row with the latest updated_at
// (none is oldest), then the latest upload, then the larger key.
func dedupTickets(m *month, files map[string]*rawFile) map[string]versioned {
	best := map[string]versioned{}
	consider := func(v versioned) {
		cur, ok := best[v.t.ID]
		if !ok || later(v, cur) {
			best[v.t.ID] = v
		}
	}
	for i, t := range m.CSV {
		if t.Reject == "" {
			consider(versioned{t, files[keyCRM].uploaded, keyCRM, i + 1})
		}
	}
	for i, t := range m.XLSX {
		consider(versioned{t, files[keyXLSX].uploaded, keyXLSX, i + 1})
	}
	return best
}

func later(a, b versioned) bool {
	if !a.t.Updated.Equal(b.t.Updated) {
		return a.t.Updated.After(b.t.Updated)
	}
	if !a.uploaded.Equal(b.uploaded) {
		return a.uploaded.After(b.uploaded)
	}
	if a.key != b.key {
		return a.key > b.key
	}
	return a.row > b.row
}

// card is one employee's expected scorecard.
type card struct {
	ID, Name, Team, Role            string
	PayFen                          int64
	OnRoster                        bool
	SatN, SatS                      int64
	SatRate, SatUsed                *big.Rat
	SmallSample                     bool
	Evaluated, OnTime               int64
	Decided, Success                int64
	Incidents, Attitude, CommErrors int64
	AttitudeTickets                 int64
	Exam, ProblemSolving            *big.Rat // nil: not assessed
	ExamMonth                       string
	Points                          map[string]*big.Rat
	Assessed                        *big.Rat
	Score                           *big.Rat
	// NoActivity (spec §8): no ticket evaluated in September, no survey
	// credited in it and no evaluation record for it. Score is then what
	// the KPIs give, but the card shows no score and no band (Band "")
	// and the multiplier is no_activity.multiplier, 1.00.
	NoActivity bool
	// Employed and Working are the working days of September the card's
	// roster row was employed (hired_at to left_at) and September's
	// working days: the payout's proration (spec §11).
	Employed, Working int64
	Band              string
	Lines             []string // the explanation, line by line
}

var kpis = []struct {
	name   string
	weight int64
}{
	{"satisfaction", 30}, {"on_time", 15}, {"complaint_success", 15},
	{"responsibility", 10}, {"service_attitude", 10},
	{"skill_exam", 10}, {"communication", 5}, {"problem_solving", 5},
}

func rat(a, b int64) *big.Rat { return big.NewRat(a, b) }

// linear is weight - per×(target - pct) clamped to [0, weight]; pct and target in percent.
func linear(weight int64, pct, target *big.Rat, per int64) *big.Rat {
	if pct.Cmp(target) >= 0 {
		return rat(weight, 1)
	}
	short := new(big.Rat).Sub(target, pct)
	p := new(big.Rat).Sub(rat(weight, 1), short.Mul(short, rat(per, 1)))
	if p.Sign() < 0 {
		return new(big.Rat)
	}
	return p
}

func deduct(weight, per, count int64) *big.Rat {
	p := weight - per*count
	if p < 0 {
		p = 0
	}
	return rat(p, 1)
}

// roundHalfUp renders a non-negative rational with d decimals, half up.
func roundHalfUp(x *big.Rat, d int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)
	v := new(big.Rat).Mul(x, new(big.Rat).SetInt(scale))
	v.Add(v, rat(1, 2))
	q := new(big.Int).Quo(v.Num(), v.Denom())
	s := q.String()
	if d == 0 {
		return s
	}
	for len(s) <= d {
		s = "0" + s
	}
	return s[:len(s)-d] + "." + s[len(s)-d:]
}

func pct(x *big.Rat) *big.Rat { return new(big.Rat).Mul(x, rat(100, 1)) }

// parseDay reads a roster date (YYYY-MM-DD or YYYY/M/D) as midnight UTC.
func parseDay(s string) time.Time {
	for _, layout := range []string{"2006-01-02", "2006/1/2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	panic("bad roster date " + s)
}

// evalMonth normalizes 考核月份 (YYYY-MM or any date in it).
func evalMonth(s string) string {
	for _, layout := range []string{"2006-01", "2006-01-02", "2006/1/2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01")
		}
	}
	panic("bad 考核月份 " + s)
}

var evalKinds = map[string]string{
	"专业技能考试": "exam_score", "考试成绩": "exam_score", "责任心": "responsibility_incident", "推诿": "responsibility_incident",
	"服务态度投诉": "attitude_complaint", "沟通失误": "communication_error", "问题解决评分": "problem_solving", "内部协作满意度": "peer_review",
}

// score computes every expected September scorecard.
func score(m *month, files map[string]*rawFile) ([]*card, []string) {
	var notes []string
	tickets := dedupTickets(m, files)
	cards := map[string]*card{}
	get := func(id string) *card {
		c, ok := cards[id]
		if !ok {
			c = &card{ID: id, Name: agentNames[id], Points: map[string]*big.Rat{}}
			cards[id] = c
		}
		return c
	}
	for _, e := range roster {
		active := parseDay(e.Hired).Before(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
		if e.Left != "" {
			active = active && !parseDay(e.Left).Before(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
		}
		if active {
			c := get(e.ID)
			c.Name, c.Team, c.Role, c.PayFen, c.OnRoster = e.Name, e.Team, e.Role, e.PayFen, true
			c.Employed, c.Working = employedDays(e)
		}
	}

	ids := make([]string, 0, len(tickets))
	for id := range tickets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t := tickets[id].t
		if cancelled(t) {
			continue
		}
		dl := deadline(t)
		onTime := !t.Resolved.IsZero() && !t.Resolved.After(dl)
		evalAt := dl
		if onTime {
			evalAt = t.Resolved
		}
		if inSept(evalAt) {
			c := get(t.Agent)
			c.Evaluated++
			if onTime {
				c.OnTime++
			}
		}
		if t.Complaint == "是" && !t.Resolved.IsZero() && inSept(t.Resolved) && outcome(t) != "" {
			c := get(t.Agent)
			c.Decided++
			if outcome(t) == "success" {
				c.Success++
			}
		}
		if t.Complaint == "是" && attitude(t) && inSept(t.Created) {
			get(t.Agent).AttitudeTickets++
		}
		if inSept(t.Created) {
			get(t.Agent)
		}
	}

	// Surveys: de-duplicate by response id, keep the latest per ticket, credit.
	type resp struct {
		s  *survey
		id string
	}
	seen := map[string]bool{}
	var rs []resp
	for _, s := range m.WJX {
		if s.Reject == "" && !seen["wjx:"+s.Seq] {
			seen["wjx:"+s.Seq] = true
			rs = append(rs, resp{s, "wjx:" + s.Seq})
		}
	}
	for i, s := range m.Phone {
		rs = append(rs, resp{s, fmt.Sprintf("phone:%d", i+1)})
	}
	latest := map[string]*survey{}
	for _, r := range rs {
		if tid := surveyTicketID(r.s); tid != "" {
			if cur, ok := latest[tid]; !ok || r.s.Submitted.After(cur.Submitted) {
				latest[tid] = r.s
			}
		}
	}
	var poolN, poolS int64
	for _, r := range rs {
		s := r.s
		if tid := surveyTicketID(s); tid != "" && latest[tid] != s {
			continue
		}
		if !inSept(s.Submitted) {
			continue
		}
		who := s.Agent
		if who == "" {
			if v, ok := tickets[surveyTicketID(s)]; ok {
				who = v.t.Agent
			}
		}
		if who == "" {
			notes = append(notes, fmt.Sprintf("survey for unknown ticket %s submitted %s: unattributed", surveyTicketID(s), s.Submitted.Format("2006-01-02 15:04")))
			continue
		}
		c := get(who)
		c.SatN++
		poolN++
		if s.Rating >= 4 {
			c.SatS++
			poolS++
		}
	}
	pool := rat(poolS, poolN)
	notes = append(notes, fmt.Sprintf("pooled satisfaction p = %d/%d = %s%%", poolS, poolN, roundHalfUp(pct(pool), 4)))

	// Evaluations. Any accepted record for September, of any kind, is
	// activity (spec §8).
	evalSept := map[string]bool{}
	for _, e := range m.Evals {
		if e.Reject == "" && evalKinds[e.Kind] != "" && evalMonth(e.Month) == "2026-09" {
			evalSept[e.ID] = true
		}
	}
	exams := map[string]map[string]*big.Rat{}
	for _, e := range m.Evals {
		if e.Reject != "" {
			continue
		}
		kind, mo := evalKinds[e.Kind], evalMonth(e.Month)
		val := rat(1, 1)
		if e.Value != "" {
			n, err := strconv.ParseInt(e.Value, 10, 64)
			if err != nil {
				panic(err)
			}
			val = rat(n, 1)
		}
		switch kind {
		case "exam_score":
			if exams[e.ID] == nil {
				exams[e.ID] = map[string]*big.Rat{}
			}
			exams[e.ID][mo] = val
			continue
		case "peer_review":
			continue
		}
		if mo != "2026-09" {
			continue
		}
		c, ok := cards[e.ID]
		if !ok {
			continue
		}
		n := val.Num().Int64()
		switch kind {
		case "responsibility_incident":
			c.Incidents += n
		case "attitude_complaint":
			c.Attitude += n
		case "communication_error":
			c.CommErrors += n
		case "problem_solving":
			c.ProblemSolving = val
		}
	}
	for id, byMonth := range exams {
		c, ok := cards[id]
		if !ok {
			continue
		}
		for _, mo := range []string{"2026-09", "2026-08", "2026-07"} {
			if v, ok := byMonth[mo]; ok {
				c.Exam, c.ExamMonth = v, mo
				break
			}
		}
	}

	// Points.
	var out []*card
	for _, c := range cards {
		if c.SatN == 0 {
			c.SatRate = nil
			c.SatUsed = pool
			c.SmallSample = true
		} else {
			c.SatRate = rat(c.SatS, c.SatN)
			c.SatUsed = c.SatRate
			if c.SatN < 5 {
				c.SmallSample = true
				num := new(big.Rat).Add(rat(c.SatS, 1), new(big.Rat).Mul(rat(5, 1), pool))
				c.SatUsed = num.Quo(num, rat(c.SatN+5, 1))
			}
		}
		c.Points["satisfaction"] = linear(30, pct(c.SatUsed), rat(90, 1), 2)
		if c.Evaluated == 0 {
			c.Points["on_time"] = rat(15, 1)
		} else {
			c.Points["on_time"] = linear(15, pct(rat(c.OnTime, c.Evaluated)), rat(95, 1), 1)
		}
		if c.Decided == 0 {
			c.Points["complaint_success"] = rat(15, 1)
		} else {
			c.Points["complaint_success"] = linear(15, pct(rat(c.Success, c.Decided)), rat(85, 1), 1)
		}
		c.Points["responsibility"] = deduct(10, 2, c.Incidents)
		c.Points["service_attitude"] = deduct(10, 2, c.AttitudeTickets+c.Attitude)
		if c.Exam != nil {
			below := new(big.Rat).Sub(rat(80, 1), c.Exam)
			if below.Sign() <= 0 {
				c.Points["skill_exam"] = rat(10, 1)
			} else {
				p := new(big.Rat).Sub(rat(10, 1), new(big.Rat).Mul(below, rat(2, 5)))
				if p.Sign() < 0 {
					p = new(big.Rat)
				}
				c.Points["skill_exam"] = p
			}
		}
		c.Points["communication"] = deduct(5, 1, c.CommErrors)
		if c.ProblemSolving != nil {
			c.Points["problem_solving"] = c.ProblemSolving
		}
		earned, assessed := new(big.Rat), new(big.Rat)
		for _, k := range kpis {
			if p, ok := c.Points[k.name]; ok {
				earned.Add(earned, p)
				assessed.Add(assessed, rat(k.weight, 1))
			}
		}
		c.Assessed = assessed
		c.Score = new(big.Rat).Quo(new(big.Rat).Mul(earned, rat(100, 1)), assessed)
		rounded, _ := new(big.Rat).SetString(roundHalfUp(c.Score, 2))
		c.NoActivity = c.Evaluated == 0 && c.SatN == 0 && !evalSept[c.ID]
		switch {
		case c.NoActivity:
			c.Band = ""
		case rounded.Cmp(rat(90, 1)) >= 0:
			c.Band = "A"
		case rounded.Cmp(rat(80, 1)) >= 0:
			c.Band = "B"
		case rounded.Cmp(rat(70, 1)) >= 0:
			c.Band = "C"
		default:
			c.Band = "D"
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, notes
}

var multipliers = map[string]int64{"A": 120, "B": 100, "C": 80, "D": 50}

// noActivityMultiplier is the default policy's no_activity.multiplier ×100.
const noActivityMultiplier = 100

// multiplier is a card's salary multiplier ×100.
func multiplier(c *card) int64 {
	if c.NoActivity {
		return noActivityMultiplier
	}
	return multipliers[c.Band]
}

// shownScore is the score a card shows: "" for no_activity.
func shownScore(c *card) string {
	if c.NoActivity {
		return ""
	}
	return roundHalfUp(c.Score, 2)
}

var bandLabels = map[string]string{"A": "优秀", "B": "良好", "C": "合格", "D": "待改进"}

// employedDays counts September 2026's working days from the roster row's
// hired date (or the 1st) to its left date (or the 30th), and all of them.
func employedDays(e employee) (employed, working int64) {
	first := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	from, to := first, last
	if h := parseDay(e.Hired); h.After(from) {
		from = h
	}
	if e.Left != "" {
		if l := parseDay(e.Left); l.Before(to) {
			to = l
		}
	}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		if isWorkingDay(d) {
			working++
			if !d.Before(from) && !d.After(to) {
				employed++
			}
		}
	}
	return employed, working
}
