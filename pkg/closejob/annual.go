package closejob

import (
	"context"
	"fmt"
	"time"

	"github.com/scorecard/scorecard/pkg/annual"
)

// annualYear is the year an annual request closes: "year", or the year
// before the one of "annual_scheduled_time" in the policy time zone (the
// 10 January schedule closes the year that has just ended).
func (j *Job) annualYear(ctx context.Context, req Request) (int, error) {
	if req.Year != 0 {
		return req.Year, nil
	}
	t, err := time.Parse(time.RFC3339, req.AnnualScheduledTime)
	if err != nil {
		return 0, fmt.Errorf("annual close: parsing annual_scheduled_time %q: %w", req.AnnualScheduledTime, err)
	}
	pol, err := loadPolicy(ctx, j.Store)
	if err != nil {
		return 0, err
	}
	return t.In(pol.Location()).Year() - 1, nil
}

// annual runs the annual close (pkg/annual) for a {"year": YYYY} request.
// A year with no approved month is an error, like a month that is not
// ready, so the alarm fires and the schedule retries.
func (j *Job) annual(ctx context.Context, req Request) (*Output, error) {
	year, err := j.annualYear(ctx, req)
	if err != nil {
		return nil, err
	}
	res, err := (&annual.Job{Store: j.Store, CodeVersion: j.CodeVersion}).Run(ctx, year)
	if err != nil {
		j.log().Warn("annual close: nothing published", "year", year, "error", err)
		return nil, err
	}
	j.log().Info("annual close", "year", year, "status", res.Status, "version", res.Version, "employees", len(res.Rows), "months_not_used", res.Missing())
	return &Output{Status: res.Status, Year: year, Version: res.Version, Employees: len(res.Rows), MonthsNotUsed: res.Missing()}, nil
}
