package score

import (
	"fmt"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// Team metrics (spec §11, seed 004's 客服管理员). A KPI of scope team is
// computed over the employee's roster team instead of the employee: the
// team is every card (credited or active in M) whose newest roster row has
// the same team, the employee included. Counts and records are summed over
// the members, so a team rate is the share over all the team's items, not
// a mean of members' rates. Two metrics exist only for a team:
//
//   - team_turnover: roster leavers of the team (left_at in the 12 months
//     ending with M) / the team's average headcount over those 12 months
//     (a month's headcount: rows active in it, hired_at on/before its last
//     day and left_at empty or on/after its first day), in percent. The
//     close reads only the newest roster upload (spec §3.4), so both come
//     from its hired_at and left_at: someone deleted from the roster
//     instead of given a left_at is not counted as a leaver.
//   - team_mean_score: the mean rounded score in M of the team's other
//     members that have a score (no_activity cards have none). Cards that
//     themselves use team_mean_score are scored in a second pass, after
//     everyone else's, and are not part of another's mean.

// scoringExt is the state of one Compute call the §11 metrics need.
type scoringExt struct {
	teamOnce sync.Once
	teamAccs map[string]*acc // merged counts per team

	// teamScores: per team, the rounded scores of the first-pass cards
	// with a score, by employee id (written between the passes).
	teamScores map[string]map[string]int64

	workOnce       sync.Once
	workingDays    int32
	workingCounted bool
	workingErr     error
}

// teamOf returns the roster team of an employee ("" when none).
func (c *scoring) teamOf(id string) string {
	if e := c.rosterByID[id]; e != nil {
		return str(e.Team)
	}
	return ""
}

// usesTeamMean reports whether a resolved KPI list needs the second pass.
func usesTeamMean(r *policy.Resolved) bool {
	return r != nil && slices.ContainsFunc(r.KPIs, func(k policy.KPI) bool { return k.Metric == policy.MetricTeamMeanScore })
}

// noteScore records a first-pass card's rounded score for its team.
func (c *scoring) noteScore(card *Card) {
	team := str(card.Scorecard.Team)
	if team == "" || card.Scorecard.ScoreCenti == nil {
		return
	}
	if c.ext.teamScores == nil {
		c.ext.teamScores = map[string]map[string]int64{}
	}
	if c.ext.teamScores[team] == nil {
		c.ext.teamScores[team] = map[string]int64{}
	}
	c.ext.teamScores[team][card.Scorecard.EmployeeID] = *card.Scorecard.ScoreCenti
}

// measureTeam measures a KPI of scope team for employee a.
func (c *scoring) measureTeam(k policy.KPI, a *acc) measure {
	team := c.teamOf(a.id)
	if team == "" {
		return measure{empty: "no roster team"}
	}
	switch k.Metric {
	case policy.MetricTeamTurnover:
		return c.turnover(team)
	case policy.MetricTeamMeanScore:
		var sum, n int64
		for id, s := range c.ext.teamScores[team] {
			if id != a.id {
				sum += s
				n++
			}
		}
		if n == 0 {
			return measure{empty: "no other member of team " + team + " has a score in " + c.in.Month.String()}
		}
		v := new(big.Rat).SetFrac(big.NewInt(sum), big.NewInt(100*n))
		return measure{value: v, sample: n, text: fmt.Sprintf("team %s: mean score %s of %d other members", team, fixed(v, 2), n)}
	}
	c.ext.teamOnce.Do(c.buildTeams)
	own := k
	own.Scope = ""
	m := c.measure(own, c.ext.teamAccs[team])
	if m.text != "" {
		m.text = "team " + team + ": " + m.text
	}
	if m.empty != "" {
		m.empty = "team " + team + ": " + m.empty
	}
	return m
}

// buildTeams sums the counts of every card's acc per roster team. It runs
// once, while the cards are built (the accs are only read by then).
func (c *scoring) buildTeams() {
	c.ext.teamAccs = map[string]*acc{}
	ids := make([]string, 0, len(c.accs))
	for id, a := range c.accs {
		if a.credited || a.active {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids) // response delays in a fixed order
	for _, id := range ids {
		team := c.teamOf(id)
		if team == "" {
			continue
		}
		t := c.ext.teamAccs[team]
		if t == nil {
			t = &acc{id: "team:" + team}
			c.ext.teamAccs[team] = t
		}
		t.add(c.accs[id])
	}
}

// add sums b's counts into a (a team's counts; exam and problem-solving
// picks are per employee and never computed over a team).
func (a *acc) add(b *acc) {
	a.satN += b.satN
	a.satS += b.satS
	a.otEval += b.otEval
	a.otOn += b.otOn
	a.csSucc += b.csSucc
	a.csFail += b.csFail
	a.attTickets += b.attTickets
	a.created += b.created
	a.complaints += b.complaints
	a.resolved += b.resolved
	a.repeat += b.repeat
	a.resMs += b.resMs
	a.frN += b.frN
	a.frMs += b.frMs
	a.costN += b.costN
	a.costFen += b.costFen
	a.respN += b.respN
	a.respCenti += b.respCenti
	a.attN += b.attN
	a.attCenti += b.attCenti
	a.commN += b.commN
	a.commCenti += b.commCenti
	a.peerN += b.peerN
	a.peerCenti += b.peerCenti
	a.respDelays = append(a.respDelays, b.respDelays...)
	a.handled += b.handled
	for kind, r := range b.records {
		if a.records == nil {
			a.records = map[string]*recordAcc{}
		}
		t := a.records[kind]
		if t == nil {
			t = &recordAcc{}
			a.records[kind] = t
		}
		t.n += r.n
		t.centi += r.centi
		if r.latest != nil && (t.latest == nil || cmpPick(r.latest, t.latest) > 0) {
			t.latest = r.latest
		}
	}
}

func cmpPick(a, b *pick) int {
	if a.month != b.month {
		if a.month > b.month {
			return 1
		}
		return -1
	}
	return cmpLineage(a.up, a.key, a.row, b.up, b.key, b.row)
}

// turnover is team_turnover over the newest roster's rows of team.
func (c *scoring) turnover(team string) measure {
	var leavers, headSum int64
	windowStart := schema.DayNumber(c.in.Month.Add(-11).Start(time.UTC))
	windowEnd := schema.DayNumber(c.in.Month.End(time.UTC)) - 1
	for i := -11; i <= 0; i++ {
		m := c.in.Month.Add(i)
		first := schema.DayNumber(m.Start(time.UTC))
		last := schema.DayNumber(m.End(time.UTC)) - 1
		for _, e := range c.rosterByID {
			if str(e.Team) != team {
				continue
			}
			if (e.HiredAt == nil || *e.HiredAt <= last) && (e.LeftAt == nil || *e.LeftAt >= first) {
				headSum++
			}
		}
	}
	for _, e := range c.rosterByID {
		if str(e.Team) == team && e.LeftAt != nil && *e.LeftAt >= windowStart && *e.LeftAt <= windowEnd {
			leavers++
		}
	}
	if headSum == 0 {
		return measure{empty: "team " + team + " has no headcount in the 12 months to " + c.in.Month.String()}
	}
	// leavers / (headSum / 12), in percent
	v := new(big.Rat).SetFrac(big.NewInt(100*12*leavers), big.NewInt(headSum))
	avg := new(big.Rat).SetFrac(big.NewInt(headSum), big.NewInt(12))
	return measure{value: v, num: ptr(leavers), sample: leavers,
		text: fmt.Sprintf("team %s: %d leavers / %s average headcount (12 months to %s) = %s%%", team, leavers, fixed(avg, 2), c.in.Month, fixed(v, 2))}
}
