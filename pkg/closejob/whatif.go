package closejob

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// WhatIf is a what-if of month M under another policy (spec §10).
type WhatIf struct {
	Month calendar.Month
	// OldSource says where the old table came from: the newest published
	// version ("v2") or, with none, "store policy <id>" (scored now).
	OldSource string
	// NewPolicy is the other policy's id.
	NewPolicy  string
	Comparison payroll.Comparison
	// NotReady lists the readiness checks that failed (the what-if runs
	// anyway: it publishes nothing).
	NotReady []string
}

// WhatIf scores M's inputs (with its adjustments) with pol and compares
// the payroll table with the old one: the newest published version's
// payroll of M, or, when M has none, the table the store's own policy
// gives now. It writes nothing.
func (j *Job) WhatIf(ctx context.Context, month calendar.Month, pol *policy.Policy) (*WhatIf, error) {
	if j.Now == nil {
		return nil, errors.New("what-if: no clock (closejob.Job.Now is nil)")
	}
	w := &WhatIf{Month: month, NewPolicy: pol.ID}
	versions, err := listVersions(ctx, j.Store, month)
	if err != nil {
		return nil, err
	}
	var old []schema.PayrollRow
	if v := versions.latestComplete(); v > 0 {
		if old, err = readPayroll(ctx, j.Store, month, v); err != nil {
			return nil, err
		}
		w.OldSource = "published " + bucket.VersionLabel(v)
	} else {
		rows, p, _, err := j.scoreWith(ctx, month, nil)
		if err != nil {
			return nil, err
		}
		old, w.OldSource = rows, "store policy "+p.ID
	}
	rows, _, notReady, err := j.scoreWith(ctx, month, pol)
	if err != nil {
		return nil, err
	}
	w.NotReady = notReady
	w.Comparison = payroll.Compare(old, rows)
	return w, nil
}

// scoreWith runs the close's reading and scoring of month with pol (nil:
// the store's policy) and returns the payroll table it would publish.
func (j *Job) scoreWith(ctx context.Context, month calendar.Month, pol *policy.Policy) ([]schema.PayrollRow, *policy.Policy, []string, error) {
	work, err := os.MkdirTemp(j.TempDir, "whatif-*")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("what-if %s: %w", month, err)
	}
	defer os.RemoveAll(work)
	jj := *j
	jj.scorePolicy = pol
	p, err := jj.prepare(ctx, when{m: month}, work, j.Now())
	if err != nil {
		return nil, nil, nil, err
	}
	if p.res == nil {
		return nil, nil, nil, fmt.Errorf("what-if %s: the calendar does not cover the month's deadlines", month)
	}
	var notReady []string
	for _, c := range p.ready.Failed() {
		notReady = append(notReady, c.Name+": "+c.Found)
	}
	rows, err := payroll.Rows(month.String(), 0, cardsOf(p.res, 0), p.pol.NoActivity.Exclude)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("what-if %s: %w", month, err)
	}
	return rows, p.pol, notReady, nil
}
