package closejob

import (
	"context"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
	"github.com/scorecard/scorecard/pkg/statement"
)

// HistoryMonths is how many months before the closed one the statements
// chart (the closed month makes six).
const HistoryMonths = 5

// published is one earlier month's latest published version, as the pages
// need it: its scorecards, and for the month just before also its payroll.
type published struct {
	month   calendar.Month
	version int32
	cards   []schema.Scorecard
	payroll []schema.PayrollRow
}

// history reads, for each of the HistoryMonths months before month, the
// scorecards of its latest published version (one listing and one file a
// month), and the payroll of the month just before (for the report's
// comparison). Months never published are left out.
func (j *Job) history(ctx context.Context, month calendar.Month) ([]published, error) {
	var out []published
	for i := HistoryMonths; i >= 1; i-- {
		m := month.Add(-i)
		versions, err := listVersions(ctx, j.Store, m)
		if err != nil {
			return nil, err
		}
		v := versions.latestComplete()
		if v == 0 {
			continue
		}
		p := published{month: m, version: v}
		if p.cards, err = readTable[schema.Scorecard](ctx, j.Store, bucket.ScorecardFile(bucket.ScorecardEmployees, m, v)); err != nil {
			return nil, err
		}
		if i == 1 {
			if p.payroll, err = readPayroll(ctx, j.Store, m, v); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// pagesInput is what the pages of a version are rendered from.
type pagesInput struct {
	month    calendar.Month
	version  int32
	previous int32
	pol      *policy.Policy
	res      *score.Result
	rows     []schema.PayrollRow
	report   *Report
	sources  []payroll.SourceObject
	history  []published
	why      []string
	rankings *statement.Rankings
}

// renderPages renders the manager's report and one statement per card
// (spec §9), in key order after the report.
func renderPages(in pagesInput) ([]file, error) {
	byEmployee := map[string][]statement.Point{}
	var prevMonth *statement.MonthSummary
	for _, h := range in.history {
		for _, c := range h.cards {
			byEmployee[c.EmployeeID] = append(byEmployee[c.EmployeeID], statement.Point{Month: h.month, Version: h.version, ScoreCenti: c.ScoreCenti, Band: deref(c.Band)})
		}
		if h.month == in.month.Add(-1) {
			prevMonth = &statement.MonthSummary{Month: h.month, Version: h.version, Cards: h.cards, Payroll: h.payroll}
		}
	}
	changes := map[string]*payroll.Change{}
	for i := range in.report.Changes {
		changes[in.report.Changes[i].EmployeeID] = &in.report.Changes[i]
	}
	rep := &statement.Report{
		Month: in.month, Version: in.version, Previous: in.previous, Policy: in.pol,
		Cards: in.res.Cards, Payroll: in.rows, Pooled: in.res.PooledSatisfactionText(),
		PrevMonth: prevMonth, Override: in.report.AllowIncomplete, Changes: in.report.Changes,
		Why: in.why, Unattributed: in.res.Unattributed, Rankings: in.rankings,
	}
	quarantine := map[string]map[string]int64{}
	for _, q := range in.report.Quarantined {
		quarantine[q.SourceKey] = q.ByReason
	}
	for _, s := range in.sources {
		rep.Inputs = append(rep.Inputs, statement.Input{SourceKey: s.Key, RowsRead: s.RowsRead, Rejected: s.Rejected, ByReason: quarantine[s.Key]})
	}
	data, err := rep.HTML()
	if err != nil {
		return nil, err
	}
	files := make([]file, 1+len(in.res.Cards))
	files[0] = file{bucket.CloseReport(in.month, in.version, "html"), data, 0}
	err = forEach(len(in.res.Cards), renderWorkers(), func(i int) error {
		c := in.res.Cards[i]
		c.Scorecard.Version = in.version
		st := &statement.Statement{
			Month: in.month, Version: in.version, Policy: in.pol, Card: c, Pooled: rep.Pooled,
			PoolSatisfied: in.res.PoolSatisfied, PoolResponses: in.res.PoolResponses,
			History: byEmployee[c.Scorecard.EmployeeID], Previous: in.previous,
			Change: changes[c.Scorecard.EmployeeID], Why: in.why, Override: in.report.AllowIncomplete,
		}
		data, err := st.HTML()
		if err != nil {
			return err
		}
		files[1+i] = file{bucket.Statement(in.month, in.version, c.Scorecard.EmployeeID), data, 0}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

// inputChanges says what changed in the inputs since the version before:
// the raw exports added, removed or uploaded again (another ETag), from
// the manifests' sources; versions without sources compare their inputs.
func inputChanges(before, after *payroll.Manifest) []string {
	type obj struct{ key, etag string }
	list := func(m *payroll.Manifest) []obj {
		var out []obj
		if len(before.Sources) > 0 && len(after.Sources) > 0 {
			for _, s := range m.Sources {
				out = append(out, obj{s.Key, s.ETag})
			}
			return out
		}
		for _, in := range m.Inputs {
			out = append(out, obj{in.Key, in.ETag})
		}
		return out
	}
	old := map[string]string{}
	for _, o := range list(before) {
		old[o.key] = o.etag
	}
	now := map[string]bool{}
	var out []string
	for _, o := range list(after) {
		now[o.key] = true
		switch etag, ok := old[o.key]; {
		case !ok:
			out = append(out, "新增 "+o.key)
		case etag != o.etag:
			out = append(out, "更新 "+o.key)
		}
	}
	for _, o := range list(before) {
		if !now[o.key] {
			out = append(out, "移除 "+o.key)
		}
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// inputChanges is, for a reopen, what changed in the inputs since the
// latest version; nil for a first version.
func (d decision) inputChanges(in *inputs) []string {
	if d.manifest == nil {
		return nil
	}
	return inputChanges(d.manifest, &payroll.Manifest{Inputs: in.objects, Sources: in.sources})
}
