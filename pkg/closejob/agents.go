package closejob

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/scorecard/scorecard/pkg/score"
)

// Agent links (docs/mapping.md "Agents"). CRMs name the agent of a ticket
// by a login, an e-mail or a display name, not by the payroll employee id.
// The roster's agent_ids column lists, per employee, what the exports use
// for them; the close (not the ingest: the roster is its own source, and a
// roster fix must not need a re-ingest of every export) rewrites a ticket's
// assignee and a survey's employee to the employee id when the cell is not
// itself a roster employee id but one of those names. Compared case-folded
// and trimmed. A name two employees claim links to nobody, and is warned of.

// linkAgents rewrites tickets' and surveys' agents through the roster's
// agent_ids, and returns the warnings of the close report: ambiguous links
// and a CRM whose agents barely overlap the roster.
func linkAgents(in *inputs) []string {
	if !in.haveRoster {
		return nil
	}
	ids := map[string]bool{}
	link := map[string]string{}
	claimed := map[string][]string{}
	for i := range in.roster {
		e := &in.roster[i]
		if e.EmployeeID == "" {
			continue
		}
		ids[e.EmployeeID] = true
		if e.AgentIDs == nil {
			continue
		}
		for _, a := range splitAgents(*e.AgentIDs) {
			if !contains(claimed[a], e.EmployeeID) {
				claimed[a] = append(claimed[a], e.EmployeeID)
			}
		}
	}
	var warnings []string
	names := make([]string, 0, len(claimed))
	for a := range claimed {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		if emps := claimed[a]; len(emps) == 1 {
			link[a] = emps[0]
		} else {
			sort.Strings(emps)
			warnings = append(warnings, fmt.Sprintf("roster agent_ids: %q is listed for %s: linked to nobody", a, strings.Join(emps, ", ")))
		}
	}
	resolve := func(id string) string {
		if id == "" || ids[id] {
			return id
		}
		if e, ok := link[agentKey(id)]; ok {
			return e
		}
		return id
	}
	agents, onRoster := map[string]bool{}, 0
	for i := range in.tickets {
		t := &in.tickets[i]
		t.Assignee = resolve(t.Assignee)
		if t.Assignee != "" && !agents[t.Assignee] {
			agents[t.Assignee] = true
			if ids[t.Assignee] {
				onRoster++
			}
		}
	}
	for i := range in.surveys {
		s := &in.surveys[i]
		s.EmployeeID = resolve(s.EmployeeID)
	}
	// Fewer than half of the CRM's agents on the roster: the exports and
	// the roster probably name people differently.
	if n := len(agents); n > 0 && onRoster*2 < n {
		var off []string
		for a := range agents {
			if !ids[a] {
				off = append(off, a)
			}
		}
		sort.Strings(off)
		if len(off) > 5 {
			off = append(off[:5], "…")
		}
		warnings = append(warnings, fmt.Sprintf("the CRM's agents and the roster barely overlap: %d of %d ticket assignees are roster employees (not on it: %s); list their logins, e-mails or names in the roster's agent_ids column",
			onRoster, n, strings.Join(off, ", ")))
	}
	return warnings
}

// splitAgents splits an agent_ids cell into its case-folded names.
func splitAgents(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '|' || r == '\n' || r == '；' || r == '，' }) {
		if k := agentKey(p); k != "" {
			out = append(out, k)
		}
	}
	return out
}

func agentKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// degenerate returns the warnings of a result nobody should pay from
// without a look: a weighted KPI assessed for no one, or every scored
// employee with the same score.
func degenerate(res *score.Result) []string {
	if res == nil {
		return nil
	}
	var warnings []string
	type kpiSeen struct {
		weighted bool
		assessed bool
	}
	var order []string
	seen := map[string]*kpiSeen{}
	var scores []*big.Rat
	for _, c := range res.Cards {
		if c.Scorecard.NoActivity {
			continue
		}
		if c.Score != nil {
			scores = append(scores, c.Score)
		}
		for _, k := range c.KPIs {
			s := seen[k.KPI]
			if s == nil {
				s = &kpiSeen{}
				seen[k.KPI] = s
				order = append(order, k.KPI)
			}
			s.weighted = s.weighted || k.WeightCenti > 0
			s.assessed = s.assessed || !k.NotAssessed
		}
	}
	for _, k := range order {
		if s := seen[k]; s.weighted && !s.assessed {
			warnings = append(warnings, fmt.Sprintf("KPI %s has a weight but was assessed for nobody: its data is missing or not mapped", k))
		}
	}
	if len(scores) >= 2 {
		same := true
		for _, s := range scores[1:] {
			same = same && s.Cmp(scores[0]) == 0
		}
		if same {
			warnings = append(warnings, fmt.Sprintf("every one of the %d employees scored has the same score (%s): check the exports' mapping before paying from it", len(scores), scores[0].FloatString(2)))
		}
	}
	return warnings
}
