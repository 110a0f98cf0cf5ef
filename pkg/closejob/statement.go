package closejob

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
	"github.com/scorecard/scorecard/pkg/statement"
	"github.com/scorecard/scorecard/pkg/store"
)

// Statement reads one employee's statement of a published version (0: the
// latest) back from the store: the scorecard, KPI lines and evidence as
// published, the payroll row's pay, the history and, on a reopen, the
// change since the version before. The policy is the store's when its
// sha256 is the version's, else none (KPIs are then named by id).
func (j *Job) Statement(ctx context.Context, month calendar.Month, version int32, employeeID string) (*statement.Statement, error) {
	if version == 0 {
		versions, err := listVersions(ctx, j.Store, month)
		if err != nil {
			return nil, err
		}
		if version = versions.latestComplete(); version == 0 {
			return nil, fmt.Errorf("statement of %s: %s has no published version: %w", employeeID, bucket.PayrollMonth(month), store.ErrNotExist)
		}
	}
	man, err := readManifest(ctx, j.Store, month, version)
	if err != nil {
		return nil, err
	}
	cards, err := readTable[schema.Scorecard](ctx, j.Store, bucket.ScorecardFile(bucket.ScorecardEmployees, month, version))
	if err != nil {
		return nil, err
	}
	var card *schema.Scorecard
	for i := range cards {
		if cards[i].EmployeeID == employeeID {
			card = &cards[i]
		}
	}
	if card == nil {
		return nil, fmt.Errorf("statement: %s is not in %s v%d: %w", employeeID, month, version, store.ErrNotExist)
	}
	c := score.Card{Scorecard: *card}
	kpis, err := readTable[schema.KPIScore](ctx, j.Store, bucket.ScorecardFile(bucket.ScorecardKPIs, month, version))
	if err != nil {
		return nil, err
	}
	for _, k := range kpis {
		if k.EmployeeID == employeeID {
			c.KPIs = append(c.KPIs, k)
		}
	}
	evidence, err := readTable[schema.Evidence](ctx, j.Store, bucket.ScorecardFile(bucket.ScorecardEvidence, month, version))
	if err != nil {
		return nil, err
	}
	for _, e := range evidence {
		if e.EmployeeID == employeeID {
			c.Evidence = append(c.Evidence, e)
		}
	}
	rows, err := readPayroll(ctx, j.Store, month, version)
	if err != nil {
		return nil, err
	}
	var before []schema.PayrollRow
	st := &statement.Statement{Month: month, Version: version, Override: man.AllowIncomplete}
	if man.Previous != nil {
		st.Previous = *man.Previous
		if before, err = readPayroll(ctx, j.Store, month, st.Previous); err != nil {
			return nil, err
		}
		if prev, err := readManifest(ctx, j.Store, month, st.Previous); err == nil {
			st.Why = inputChanges(prev, man)
		}
	}
	// The pay fields are published only in the payroll table.
	for _, r := range rows {
		if r.EmployeeID == employeeID {
			c.Scorecard.MultiplierCenti, c.Scorecard.PerformancePayFen, c.Scorecard.PayoutFen = r.MultiplierCenti, r.PerformancePayFen, r.PayoutFen
		}
	}
	for _, ch := range payroll.Diff(before, rows) {
		if ch.EmployeeID == employeeID && st.Previous > 0 {
			st.Change = &ch
		}
	}
	st.Card = c
	if pol, err := loadPolicy(ctx, j.Store); err == nil && pol.SHA256 == man.Policy.SHA256 {
		st.Policy = pol
	}
	if data, err := objects.ReadOptional(ctx, j.Store, bucket.CloseReport(month, version, "json")); err == nil && data != nil {
		var r struct {
			Pooled    string `json:"pooled_satisfaction"`
			Satisfied int64  `json:"pool_satisfied"`
			Responses int64  `json:"pool_responses"`
		}
		if json.Unmarshal(data, &r) == nil {
			st.Pooled, st.PoolSatisfied, st.PoolResponses = r.Pooled, r.Satisfied, r.Responses
		}
	}
	hist, err := j.history(ctx, month)
	if err != nil {
		return nil, err
	}
	for _, h := range hist {
		for _, hc := range h.cards {
			if hc.EmployeeID == employeeID {
				st.History = append(st.History, statement.Point{Month: h.month, Version: h.version, ScoreCenti: hc.ScoreCenti, Band: deref(hc.Band)})
			}
		}
	}
	return st, nil
}

// readTable reads a published Parquet table; a table not published
// (evidence before the scorer wrote it) is empty.
func readTable[T any](ctx context.Context, s Store, key string) ([]T, error) {
	data, err := objects.ReadOptional(ctx, s, key)
	if err != nil || data == nil {
		return nil, err
	}
	var out []T
	err = normalized.Read(bytes.NewReader(data), int64(len(data)), func(rows []T) error {
		out = append(out, rows...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	return out, nil
}
