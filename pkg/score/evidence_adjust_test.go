package score

import (
	"slices"
	"strings"
	"testing"

	"github.com/scorecard/scorecard/pkg/schema"
)

// TestCheckEvidenceCardAdjustments: the card-level adjustment rows
// (exclusions and reassignments, KPI "") pass after every KPI row in
// adjustment id order, each naming itself, its reason and its item; each
// way of breaking that is caught.
func TestCheckEvidenceCardAdjustments(t *testing.T) {
	in := exampleInput(t)
	r := compute(t, in)
	base := card(t, r, "E001")
	cardRow := func(id, action string, ticket, response string) schema.Evidence {
		e := schema.Evidence{EmployeeID: "E001", Item: schema.EvidenceAdjustment, ItemID: id, AdjustmentID: ptr(id), Reason: ptr("原因 " + id), Action: ptr(action)}
		if ticket != "" {
			e.TicketID = ptr(ticket)
		}
		if response != "" {
			e.ResponseID = ptr(response)
		}
		return e
	}
	good := []schema.Evidence{
		cardRow("ADJ-1", schema.ActionExcludeTicket, "T1", ""),
		cardRow("ADJ-2", schema.ActionReassignTicket, "T2", ""),
		cardRow("ADJ-3", schema.EvidenceReassignedAway, "T3", ""),
		cardRow("ADJ-4", schema.ActionExcludeSurvey, "", "R4"),
	}
	with := func(rows []schema.Evidence, before bool) *Card {
		c := base
		if before {
			c.Evidence = append(slices.Clone(rows), base.Evidence...)
		} else {
			c.Evidence = append(slices.Clone(base.Evidence), rows...)
		}
		return &c
	}
	if err := CheckEvidence(with(good, false), in.Policy); err != nil {
		t.Fatal(err)
	}
	change := func(i int, f func(*schema.Evidence)) []schema.Evidence {
		rows := slices.Clone(good)
		f(&rows[i])
		return rows
	}
	for _, tc := range []struct {
		name   string
		rows   []schema.Evidence
		before bool
		want   string
	}{
		{"before the KPI rows", good, true, "after the card-level adjustment rows"},
		{"out of id order", []schema.Evidence{good[1], good[0]}, false, "out of order"},
		{"twice", []schema.Evidence{good[0], good[0]}, false, "out of order"},
		{"no reason", change(0, func(e *schema.Evidence) { e.Reason = ptr("") }), false, "no reason"},
		{"no action", change(0, func(e *schema.Evidence) { e.Action = nil }), false, "no action"},
		{"points with no KPI", change(0, func(e *schema.Evidence) { e.Action = ptr(schema.ActionPoints) }), false, "with no KPI"},
		{"points value", change(0, func(e *schema.Evidence) { e.PointsMicro = ptr(int64(10000)) }), false, "points"},
		{"no ticket", change(1, func(e *schema.Evidence) { e.TicketID = nil }), false, "names no ticket"},
		{"no response", change(3, func(e *schema.Evidence) { e.ResponseID = nil }), false, "names no response"},
		{"another employee", change(2, func(e *schema.Evidence) { e.EmployeeID = "E002" }), false, "names employee E002"},
		{"not an adjustment", change(2, func(e *schema.Evidence) { e.Item = schema.EvidenceTicket }), false, "item ticket"},
		{"id mismatch", change(2, func(e *schema.Evidence) { e.AdjustmentID = ptr("ADJ-9") }), false, "adjustment_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckEvidence(with(tc.rows, tc.before), in.Policy)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
	// a KPI's adjustment row is a points adjustment
	c := with(nil, false)
	c.Evidence = append(c.Evidence, schema.Evidence{})
	copy(c.Evidence[1:], c.Evidence)
	k := c.Evidence[1].KPI
	c.Evidence[0] = schema.Evidence{EmployeeID: "E001", KPI: k, Item: schema.EvidenceAdjustment, ItemID: "ADJ-0", AdjustmentID: ptr("ADJ-0"), Reason: ptr("r"), Action: ptr(schema.ActionExcludeTicket)}
	if err := CheckEvidence(c, in.Policy); err == nil || !strings.Contains(err.Error(), "not a points adjustment") {
		t.Fatalf("got %v for an exclusion on KPI %s", err, k)
	}
}
