package closejob

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/scorecard/scorecard/pkg/adjust"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/score"
)

// Report summarizes a close for the people who run it: written as
// reports/close/month=M/v<N>.json and .md when a version is published, and
// returned (printed by the CLI) on every run.
type Report struct {
	Month           calendar.Month `json:"month"`
	Status          string         `json:"status"`
	Version         int32          `json:"version"`
	PreviousVersion *int32         `json:"previous_version,omitempty"`
	Policy          struct {
		ID     string `json:"id"`
		SHA256 string `json:"sha256"`
	} `json:"policy"`
	EmployeesScored    int            `json:"employees_scored"`
	PayrollRows        int            `json:"payroll_rows"`
	BandCounts         map[string]int `json:"band_counts"`
	TotalPayout        string         `json:"total_payout"`
	PooledSatisfaction string         `json:"pooled_satisfaction"`
	// PoolSatisfied of PoolResponses is the pooled rate exactly.
	PoolSatisfied       int64            `json:"pool_satisfied"`
	PoolResponses       int64            `json:"pool_responses"`
	UnattributedSurveys []string         `json:"unattributed_surveys"`
	NotOnRoster         []string         `json:"not_on_roster"`
	ToReview            []ReviewLine     `json:"to_review"`
	Quarantined         []QuarantineLine `json:"quarantined"`
	InputObjects        int              `json:"input_objects"`
	PartitionsRead      []string         `json:"partitions_read"`
	Changes             []payroll.Change `json:"changes,omitempty"`
	// Adjustments applied and not applied (spec §10), and on a reopen the
	// adjustments that differ from the previous version's (adjustments.go).
	Adjustments           []adjust.Line      `json:"adjustments,omitempty"`
	AdjustmentsNotApplied []adjust.Line      `json:"adjustments_not_applied,omitempty"`
	AdjustmentChanges     []AdjustmentChange `json:"adjustment_changes,omitempty"`
	// Ranking is the overall top of the month's rankings (rankings.go).
	Ranking []RankLine `json:"ranking,omitempty"`
	// AllowIncomplete is set when the month was closed although not ready.
	AllowIncomplete *payroll.Override `json:"allow_incomplete,omitempty"`
	// Warnings say what a person should check before trusting the result:
	// agents linked to nobody, a CRM whose agents are not on the roster, a
	// weighted KPI assessed for nobody, every score identical.
	Warnings []string `json:"warnings,omitempty"`
}

// ReviewLine is an employee a person should look at before payroll runs,
// and why: reason ReasonNoActivity (spec §8) for now.
type ReviewLine struct {
	EmployeeID string `json:"employee_id"`
	Reason     string `json:"reason"`
	// Payroll says what the payroll table does with them: "multiplier
	// 1.00" (no_activity.multiplier) or "excluded" (no_activity.exclude).
	Payroll string `json:"payroll"`
}

// ReasonNoActivity: no ticket evaluated, no survey credited and no
// evaluation record in the month; no score, no band.
const ReasonNoActivity = "no_activity"

// QuarantineLine counts the rows rejected from one input export.
type QuarantineLine struct {
	SourceKey string           `json:"source_key"`
	Rejected  int64            `json:"rejected"`
	ByReason  map[string]int64 `json:"by_reason"`
}

func newReport(month calendar.Month, pol *policy.Policy, res *score.Result, in *inputs) *Report {
	r := &Report{
		Month:               month,
		EmployeesScored:     len(res.Cards),
		BandCounts:          res.BandCounts,
		TotalPayout:         payroll.FormatFen(res.TotalPayoutFen),
		PooledSatisfaction:  res.PooledSatisfactionText(),
		PoolSatisfied:       res.PoolSatisfied,
		PoolResponses:       res.PoolResponses,
		UnattributedSurveys: nonNil(res.Unattributed),
		NotOnRoster:         nonNil(res.NotOnRoster),
		ToReview:            []ReviewLine{},
		Quarantined:         in.quarantined,
		InputObjects:        len(in.objects),
		PartitionsRead:      in.partitions,
		Warnings:            in.warnings,
	}
	r.Policy.ID, r.Policy.SHA256 = pol.ID, pol.SHA256
	inactivePay := "multiplier " + payroll.FormatCenti(pol.NoActivity.MultiplierCenti())
	if pol.NoActivity.Exclude {
		inactivePay = "excluded"
	}
	for _, c := range res.Cards {
		sc := &c.Scorecard
		if sc.NoActivity {
			r.ToReview = append(r.ToReview, ReviewLine{EmployeeID: sc.EmployeeID, Reason: ReasonNoActivity, Payroll: inactivePay})
		}
		if !sc.NotOnRoster && !(sc.NoActivity && pol.NoActivity.Exclude) {
			r.PayrollRows++
		}
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Markdown renders the report for people.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Monthly close %s — v%d (%s)\n\n", r.Month, r.Version, r.Status)
	fmt.Fprintf(&b, "- Policy: `%s` (sha256 `%s`)\n", r.Policy.ID, r.Policy.SHA256)
	fmt.Fprintf(&b, "- Employees scored: %d; on the payroll table: %d\n", r.EmployeesScored, r.PayrollRows)
	fmt.Fprintf(&b, "- Total payout: %s\n", r.TotalPayout)
	fmt.Fprintf(&b, "- Pooled satisfaction: %s\n", r.PooledSatisfaction)
	fmt.Fprintf(&b, "- Input objects read: %d\n", r.InputObjects)
	if r.PreviousVersion != nil {
		fmt.Fprintf(&b, "- Replaces: v%d\n", *r.PreviousVersion)
	}
	if o := r.AllowIncomplete; o != nil {
		fmt.Fprintf(&b, "\n**Closed although not ready**, as asked: %s\n\n", o.Reason)
		for _, c := range o.Failed {
			fmt.Fprintf(&b, "- %s: %s\n", c.Name, c.Found)
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n## Warnings\n\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	b.WriteString("\n## Bands\n\n| band | employees |\n|---|---|\n")
	bands := make([]string, 0, len(r.BandCounts))
	for k := range r.BandCounts {
		bands = append(bands, k)
	}
	sort.Strings(bands)
	for _, k := range bands {
		fmt.Fprintf(&b, "| %s | %d |\n", k, r.BandCounts[k])
	}
	b.WriteString("\n## To review\n\n")
	if len(r.ToReview) == 0 {
		b.WriteString("none\n")
	} else {
		b.WriteString("| employee | reason | payroll |\n|---|---|---|\n")
		for _, l := range r.ToReview {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", l.EmployeeID, l.Reason, l.Payroll)
		}
	}
	fmt.Fprintf(&b, "\n## Not on the roster (not paid from this table)\n\n%s\n", bullet(r.NotOnRoster))
	fmt.Fprintf(&b, "\n## Surveys not attributed to anyone\n\n%s\n", bullet(r.UnattributedSurveys))
	b.WriteString("\n## Rows quarantined from this month's inputs\n\n")
	if len(r.Quarantined) == 0 {
		b.WriteString("none\n")
	} else {
		b.WriteString("| export | rejected | reasons |\n|---|---|---|\n")
		for _, q := range r.Quarantined {
			var rs []string
			for _, k := range sortedKeys(q.ByReason) {
				rs = append(rs, fmt.Sprintf("%s %d", k, q.ByReason[k]))
			}
			fmt.Fprintf(&b, "| %s | %d | %s |\n", q.SourceKey, q.Rejected, strings.Join(rs, ", "))
		}
	}
	r.rankingMarkdown(&b)
	r.adjustmentsMarkdown(&b)
	if len(r.Changes) > 0 {
		b.WriteString("\n## Changes from the previous version\n\n| employee | change | details |\n|---|---|---|\n")
		for _, ch := range r.Changes {
			var fs []string
			for _, f := range ch.Fields {
				fs = append(fs, fmt.Sprintf("%s %s → %s", f.Field, f.Before, f.After))
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", ch.EmployeeID, ch.Kind, strings.Join(fs, "; "))
		}
	}
	return b.String()
}

func bullet(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return "- " + strings.Join(items, "\n- ")
}

func (r *Report) marshal() ([]byte, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding close report: %w", err)
	}
	return append(data, '\n'), nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
