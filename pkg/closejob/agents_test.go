package closejob

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

func TestLinkAgents(t *testing.T) {
	s := func(v string) *string { return &v }
	in := &inputs{
		haveRoster: true,
		roster: []schema.Employee{
			{EmployeeID: "E1", AgentIDs: s("Zhao Li; zhao.li@acme.example")},
			{EmployeeID: "E2", AgentIDs: s("Sun  Qiang，shared")},
			{EmployeeID: "E3", AgentIDs: s("shared")},
		},
		tickets: []score.Ticket{{Assignee: "zhao li"}, {Assignee: "ZHAO.LI@acme.example"}, {Assignee: "sun qiang"}, {Assignee: "E3"}, {Assignee: "shared"}},
		surveys: []score.Survey{{EmployeeID: "Zhao Li"}, {EmployeeID: "E2"}, {EmployeeID: ""}},
	}
	warnings := linkAgents(in)
	var got []string
	for _, tk := range in.tickets {
		got = append(got, tk.Assignee)
	}
	require.Equal(t, []string{"E1", "E1", "E2", "E3", "shared"}, got)
	require.Equal(t, "E1", in.surveys[0].EmployeeID)
	require.Equal(t, "E2", in.surveys[1].EmployeeID)
	require.Equal(t, "", in.surveys[2].EmployeeID)
	require.Len(t, warnings, 1, "%v", warnings)
	require.Contains(t, warnings[0], `"shared" is listed for E2, E3: linked to nobody`)

	// A CRM whose agents are mostly not on the roster.
	in = &inputs{
		haveRoster: true,
		roster:     []schema.Employee{{EmployeeID: "E1"}},
		tickets:    []score.Ticket{{Assignee: "E1"}, {Assignee: "alice"}, {Assignee: "bob"}, {Assignee: "bob"}},
	}
	warnings = linkAgents(in)
	require.Len(t, warnings, 1)
	require.Contains(t, warnings[0], "barely overlap: 1 of 3 ticket assignees are roster employees (not on it: alice, bob)")
	// Half on the roster is fine; no roster, no warning.
	in.tickets = in.tickets[:2]
	require.Empty(t, linkAgents(in))
	in.haveRoster = false
	require.Empty(t, linkAgents(in))
}

func TestDegenerateWarnings(t *testing.T) {
	card := func(points int64, kpis ...schema.KPIScore) score.Card {
		return score.Card{KPIs: kpis, Score: big.NewRat(points, 1)}
	}
	assessed := schema.KPIScore{KPI: "on_time", WeightCenti: 1500}
	none := schema.KPIScore{KPI: "satisfaction", WeightCenti: 3000, NotAssessed: true}
	info := schema.KPIScore{KPI: "survey_count", WeightCenti: 0, NotAssessed: true}
	res := &score.Result{Cards: []score.Card{card(80, assessed, none, info), card(90, assessed, none, info)}}
	w := degenerate(res)
	require.Equal(t, []string{"KPI satisfaction has a weight but was assessed for nobody: its data is missing or not mapped"}, w)
	res.Cards[1].Score = big.NewRat(80, 1)
	w = degenerate(res)
	require.Len(t, w, 2)
	require.True(t, strings.HasPrefix(w[1], "every one of the 2 employees scored has the same score (80.00)"), w[1])
	// One assessed card is enough for a KPI; one card alone is no tie.
	res.Cards = []score.Card{card(80, assessed, schema.KPIScore{KPI: "satisfaction", WeightCenti: 3000})}
	require.Empty(t, degenerate(res))
}
