// Package ranking ranks a month's scorecards (spec §10): every employee on
// the payroll table by score, overall and within team, and per weighted KPI
// by points. Ties share the rank (1, 2, 2, 4). The top rankings.stars
// overall are flagged star (月度服务之星); employees flagged small_sample or
// no_activity are ranked but, by default, never stars. It is pure: cards
// and a policy in, rows out, sorted.
package ranking

import (
	"cmp"
	"slices"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// OnPayroll reports whether a card is on the payroll table: not flagged
// not_on_roster, and not a no_activity card the policy excludes.
func OnPayroll(c *score.Card, pol *policy.Policy) bool {
	sc := &c.Scorecard
	return !sc.NotOnRoster && !(sc.NoActivity && pol.NoActivity.Exclude)
}

// Rank returns the ranking rows of the month's cards (version left 0):
// overall rows first (by rank, then employee id), then team rows (by team,
// rank, id), then KPI rows (by KPI in policy order of first appearance,
// rank, id).
func Rank(cards []score.Card, pol *policy.Policy) []schema.Ranking {
	var on []*score.Card
	for i := range cards {
		if OnPayroll(&cards[i], pol) {
			on = append(on, &cards[i])
		}
	}
	base := func(c *score.Card, scope string) schema.Ranking {
		sc := &c.Scorecard
		return schema.Ranking{EmployeeID: sc.EmployeeID, EmployeeName: sc.EmployeeName, Team: sc.Team, Scope: scope,
			ScoreCenti: sc.ScoreCenti, SmallSample: sc.SmallSample, NoActivity: sc.NoActivity}
	}
	// by score, higher first; no score (no_activity) last.
	byScore := func(a, b *schema.Ranking) int { return cmpDesc(a.ScoreCenti, b.ScoreCenti) }
	var out []schema.Ranking

	overall := make([]schema.Ranking, 0, len(on))
	for _, c := range on {
		overall = append(overall, base(c, schema.RankOverall))
	}
	rank(overall, byScore)
	stars := pol.Rankings.Stars
	for i := range overall {
		r := &overall[i]
		eligible := pol.Rankings.StarsIncludeFlagged || (!r.SmallSample && !r.NoActivity)
		r.Star = eligible && r.ScoreCenti != nil && int(r.Rank) <= stars
	}
	out = append(out, overall...)

	teams := map[string][]schema.Ranking{}
	var names []string
	for _, c := range on {
		t := ""
		if c.Scorecard.Team != nil {
			t = *c.Scorecard.Team
		}
		if _, ok := teams[t]; !ok {
			names = append(names, t)
		}
		teams[t] = append(teams[t], base(c, schema.RankTeam))
	}
	slices.Sort(names)
	for _, t := range names {
		rs := teams[t]
		rank(rs, byScore)
		out = append(out, rs...)
	}

	var kpis []string
	byKPI := map[string][]schema.Ranking{}
	for _, c := range on {
		for _, k := range c.KPIs {
			if k.WeightCenti == 0 || k.NotAssessed {
				continue
			}
			if _, ok := byKPI[k.KPI]; !ok {
				kpis = append(kpis, k.KPI)
			}
			r := base(c, schema.RankKPI)
			r.KPI, r.ScoreCenti = k.KPI, nil
			p := k.PointsMicro
			r.PointsMicro = &p
			byKPI[k.KPI] = append(byKPI[k.KPI], r)
		}
	}
	for _, k := range kpis {
		rs := byKPI[k]
		rank(rs, func(a, b *schema.Ranking) int { return cmpDesc(a.PointsMicro, b.PointsMicro) })
		out = append(out, rs...)
	}
	return out
}

// rank sorts rs by order (then employee id) and gives tied rows the same
// rank, the next rank skipping as many places as were tied (1, 2, 2, 4).
func rank(rs []schema.Ranking, order func(a, b *schema.Ranking) int) {
	slices.SortStableFunc(rs, func(a, b schema.Ranking) int {
		if c := order(&a, &b); c != 0 {
			return c
		}
		return cmp.Compare(a.EmployeeID, b.EmployeeID)
	})
	for i := range rs {
		rs[i].Of = int32(len(rs))
		if i > 0 && order(&rs[i-1], &rs[i]) == 0 {
			rs[i].Rank = rs[i-1].Rank
		} else {
			rs[i].Rank = int32(i + 1)
		}
	}
}

// cmpDesc orders higher values first and nil last.
func cmpDesc(a, b *int64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*b, *a)
}
