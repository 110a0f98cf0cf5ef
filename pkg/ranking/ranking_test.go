package ranking

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

func card(id, team string, scoreCenti int64, onTime int64, flags string) score.Card {
	sc := schema.Scorecard{EmployeeID: id, Team: &team}
	if strings.Contains(flags, "n") {
		sc.NoActivity = true
	} else {
		sc.ScoreCenti = &scoreCenti
	}
	sc.SmallSample = strings.Contains(flags, "s")
	sc.NotOnRoster = strings.Contains(flags, "r")
	return score.Card{Scorecard: sc, KPIs: []schema.KPIScore{
		{EmployeeID: id, KPI: "on_time", WeightCenti: 1500, PointsMicro: onTime},
		{EmployeeID: id, KPI: "survey_count", WeightCenti: 0, PointsMicro: 0},
	}}
}

func lines(rs []schema.Ranking, scope string) string {
	var out []string
	for _, r := range rs {
		if r.Scope != scope {
			continue
		}
		s := fmt.Sprintf("%s%s#%d/%d", r.KPI, r.EmployeeID, r.Rank, r.Of)
		if r.Star {
			s += "*"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestRankTiesAndStars(t *testing.T) {
	pol := policy.Default()
	cards := []score.Card{
		card("E1", "一组", 9500, 15_0000, ""),
		card("E2", "一组", 9000, 10_0000, ""),
		card("E3", "二组", 9000, 15_0000, ""),
		card("E4", "二组", 8000, 10_0000, ""),
		card("E5", "一组", 9800, 12_0000, "s"), // small sample: ranked, not a star
		card("E6", "二组", 0, 15_0000, "n"),    // no activity: ranked last, not a star
		card("E7", "一组", 9900, 15_0000, "r"), // not on the roster: not ranked
	}
	rs := Rank(cards, pol)
	// Overall: E5 98, E1 95, E2 = E3 90 (rank 3, shared), E4 80 (rank 5), E6 last.
	// Stars: the top 3 ranks, without the flagged E5: E1, E2, E3.
	if got, want := lines(rs, schema.RankOverall), "E5#1/6 E1#2/6* E2#3/6* E3#3/6* E4#5/6 E6#6/6"; got != want {
		t.Errorf("overall %s, want %s", got, want)
	}
	if got, want := lines(rs, schema.RankTeam), "E5#1/3 E1#2/3 E2#3/3 E3#1/3 E4#2/3 E6#3/3"; got != want {
		t.Errorf("team %s, want %s", got, want)
	}
	if got, want := lines(rs, schema.RankKPI), "on_timeE1#1/6 on_timeE3#1/6 on_timeE6#1/6 on_timeE5#4/6 on_timeE2#5/6 on_timeE4#5/6"; got != want {
		t.Errorf("kpi %s, want %s", got, want)
	}

	pol.Rankings.StarsIncludeFlagged = true
	pol.Rankings.Stars = 1
	if got, want := lines(Rank(cards, pol), schema.RankOverall), "E5#1/6* E1#2/6 E2#3/6 E3#3/6 E4#5/6 E6#6/6"; got != want {
		t.Errorf("with flagged stars: %s, want %s", got, want)
	}
}
