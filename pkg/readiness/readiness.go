// Package readiness decides whether month M may be closed (spec §8): the
// month has ended, the inputs the policy requires are present, the
// working-day calendar covers every deadline the close needs, and no raw
// export is still waiting for its ingest, has changed since it, or (of
// those the month reads) was read with other config/mapping.yaml settings
// than the current ones.
//
// Evaluate is pure: the listings, the ingest reports, the time and the
// calendar's answer come in as values (pkg/closejob gathers them), and the
// result lists every check with what was found. readiness imports no store,
// no AWS and no clock.
package readiness

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/policy"
)

// Check names.
const (
	CheckMonthEnded  = "month_ended"
	CheckTickets     = policy.RequireTickets
	CheckSurveys     = policy.RequireSurveys
	CheckEvaluations = policy.RequireEvaluations
	CheckRoster      = policy.RequireRoster
	CheckCalendar    = "calendar"
	CheckIngest      = "ingest"
)

// CalendarWarnDays is how many days of calendar coverage left make the
// check warn (the stack's CalendarDaysLeft alarm uses the same number).
const CalendarWarnDays = 45

// plural is "1 export", "2 exports".
func plural(n int64, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Raw is one object under raw/ as listed now, with its ingest report (nil
// when it has none).
type Raw struct {
	Key          string
	ETag         string
	LastModified time.Time
	Report       *ingestreport.Report
}

// Input is everything Evaluate looks at.
type Input struct {
	Month    calendar.Month
	Now      time.Time
	Location *time.Location
	Settings policy.Readiness
	// Raw is every object under raw/.
	Raw []Raw
	// Calendar is the error computing the month's deadlines gave (nil: the
	// calendar covers them); it names the first date not covered.
	Calendar error
	// CoveredThrough is the last day the working-day calendar covers
	// (zero: not even the current year).
	CoveredThrough time.Time
	// Orphans are the normalized files of the month's partitions that no
	// ok ingest report of a current raw object lists (an ingest that
	// crashed before its report; an export deleted and not yet withdrawn).
	// The close does not read them, and they fail the ingest check.
	Orphans []string
	// Read are the raw keys whose rows the close read for M (the month's
	// inputs); with Mapping they make the stale-mapping part of the ingest
	// check.
	Read []string
	// Mapping is the digest of each source's section of the current
	// config/mapping.yaml (pkg/mappingdigest; a source without one is
	// absent). An input whose report recorded another digest
	// (ingestreport.Report.MappingSHA256, "" for none) was read with
	// another mapping: it fails the ingest check until re-ingested.
	Mapping map[string]string
	// MappingErr is the error reading config/mapping.yaml gave (nil: read,
	// or there is none); it fails the ingest check, as it stops every
	// ingest.
	MappingErr error
}

// Check is one readiness condition.
type Check struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	// Found says what was found, for people.
	Found string `json:"found"`
	// Keys are the raw objects behind a failed ingest check (and the
	// orphaned normalized files, see Input.Orphans), or listed
	// (non-blocking) ones.
	Keys []string `json:"keys,omitempty"`
}

// Count is what the month holds of one input.
type Count struct {
	Exports int   `json:"exports"`
	Rows    int64 `json:"rows"`
}

// Result is the answer.
type Result struct {
	Month  calendar.Month `json:"month"`
	Ready  bool           `json:"ready"`
	Checks []Check        `json:"checks"`
	// Counts are the accepted rows of M per input (tickets, surveys,
	// evaluations; roster: the rows of the newest upload), from ingest
	// reports of exports that are still current.
	Counts map[string]Count `json:"counts"`
	// Listed are raw objects older than the ingest lag without a report:
	// taken for failed ingests, listed but not blocking.
	Listed []string `json:"listed,omitempty"`
	// CalendarDaysLeft is the number of days from Now to the last day the
	// calendar covers (negative or zero: already past).
	CalendarDaysLeft int `json:"calendar_days_left"`
}

// Failed returns the checks that failed.
func (r *Result) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// Summary is one line per failed check: "tickets: 0 accepted rows ...".
func (r *Result) Summary() string {
	var b strings.Builder
	for _, c := range r.Failed() {
		fmt.Fprintf(&b, "%s: %s\n", c.Name, c.Found)
	}
	return b.String()
}

// tableOf maps a report's dataset to the input name a policy requires.
var tableOf = map[string]string{
	bucket.TableTickets:     CheckTickets,
	bucket.TableSurveys:     CheckSurveys,
	bucket.TableEvaluations: CheckEvaluations,
}

// Evaluate runs every check.
func Evaluate(in Input) *Result {
	r := &Result{Month: in.Month, Counts: map[string]Count{}}
	loc := in.Location
	start, end := in.Month.Start(loc), in.Month.End(loc)

	// The month has ended.
	ended := Check{Name: CheckMonthEnded, OK: !in.Now.Before(end)}
	if ended.OK {
		ended.Found = fmt.Sprintf("%s ended %s", in.Month, end.In(loc).Format("2006-01-02 15:04 MST"))
	} else {
		ended.Found = fmt.Sprintf("%s is still in progress until %s (now %s)", in.Month, end.In(loc).Format("2006-01-02 15:04 MST"), in.Now.In(loc).Format("2006-01-02 15:04 MST"))
	}
	r.Checks = append(r.Checks, ended)

	// Counts from current, successful reports.
	var pending, changed, stale []string
	read := make(map[string]bool, len(in.Read))
	for _, k := range in.Read {
		read[k] = true
	}
	var newestRoster *Raw
	for i := range in.Raw {
		o := &in.Raw[i]
		rep := o.Report
		switch {
		case rep == nil:
			if in.Now.Sub(o.LastModified) > in.Settings.MaxIngestLag {
				r.Listed = append(r.Listed, o.Key)
			} else {
				pending = append(pending, o.Key)
			}
			continue
		case rep.ETag != o.ETag:
			changed = append(changed, o.Key)
			continue
		case rep.Status != ingestreport.StatusOK:
			continue
		}
		if read[o.Key] && in.MappingErr == nil && rep.MappingSHA256 != in.Mapping[rep.Source] {
			stale = append(stale, o.Key)
		}
		if rep.Dataset == bucket.TableRoster {
			if newestRoster == nil || o.LastModified.After(newestRoster.LastModified) || (o.LastModified.Equal(newestRoster.LastModified) && o.Key > newestRoster.Key) {
				newestRoster = o
			}
			continue
		}
		name, ok := tableOf[rep.Dataset]
		if !ok {
			continue
		}
		var rows int64
		for _, out := range rep.Outputs {
			if out.Month == in.Month.String() {
				rows += out.Rows
			}
		}
		if rows > 0 {
			c := r.Counts[name]
			c.Exports++
			c.Rows += rows
			r.Counts[name] = c
		}
	}

	for _, name := range []string{CheckTickets, CheckSurveys, CheckEvaluations} {
		if !in.Settings.Requires(name) {
			continue
		}
		c := r.Counts[name]
		chk := Check{Name: name, OK: c.Rows > 0}
		chk.Found = fmt.Sprintf("%s in %s from %s", plural(c.Rows, "accepted row"), in.Month, plural(int64(c.Exports), "export"))
		r.Checks = append(r.Checks, chk)
	}
	if newestRoster != nil {
		r.Counts[CheckRoster] = Count{Exports: 1, Rows: newestRoster.Report.Accepted}
	}
	if in.Settings.Requires(CheckRoster) {
		chk := Check{Name: CheckRoster}
		switch {
		case newestRoster == nil:
			chk.Found = "no roster has been ingested"
		case newestRoster.LastModified.Before(start):
			chk.Found = fmt.Sprintf("the newest roster (%s) was uploaded %s, before %s began", newestRoster.Key, newestRoster.LastModified.In(loc).Format("2006-01-02"), in.Month)
			chk.Keys = []string{newestRoster.Key}
		default:
			chk.OK = true
			chk.Found = fmt.Sprintf("%s, uploaded %s, %d employees", newestRoster.Key, newestRoster.LastModified.In(loc).Format("2006-01-02"), newestRoster.Report.Accepted)
		}
		r.Checks = append(r.Checks, chk)
	}

	// The calendar covers every deadline.
	cal := Check{Name: CheckCalendar, OK: in.Calendar == nil}
	if in.CoveredThrough.IsZero() {
		r.CalendarDaysLeft = 0
	} else {
		r.CalendarDaysLeft = int(in.CoveredThrough.Sub(in.Now).Hours() / 24)
	}
	if cal.OK {
		cal.Found = "every deadline of the month is covered"
		if !in.CoveredThrough.IsZero() {
			cal.Found += fmt.Sprintf("; the calendar ends %s (%d days left)", in.CoveredThrough.Format("2006-01-02"), r.CalendarDaysLeft)
			if r.CalendarDaysLeft < CalendarWarnDays {
				cal.Found += fmt.Sprintf(": fewer than %d, add config/calendar/%d.json before a close needs it", CalendarWarnDays, in.CoveredThrough.Year()+1)
			}
		}
	} else {
		cal.Found = in.Calendar.Error() + " (add config/calendar/YYYY.json)"
	}
	r.Checks = append(r.Checks, cal)

	// No export in flight, none changed since its ingest.
	sort.Strings(pending)
	sort.Strings(changed)
	sort.Strings(stale)
	sort.Strings(r.Listed)
	orphans := append([]string{}, in.Orphans...)
	sort.Strings(orphans)
	ing := Check{Name: CheckIngest, OK: len(pending) == 0 && len(changed) == 0 && len(orphans) == 0 && len(stale) == 0 && in.MappingErr == nil}
	var parts []string
	if len(pending) > 0 {
		parts = append(parts, fmt.Sprintf("%d exports without an ingest report (in flight or failed): %s", len(pending), strings.Join(pending, ", ")))
	}
	if len(changed) > 0 {
		parts = append(parts, fmt.Sprintf("%d exports changed since their ingest (ETag differs): %s", len(changed), strings.Join(changed, ", ")))
	}
	if len(stale) > 0 {
		parts = append(parts, fmt.Sprintf("%s of the month read with other %s settings than the current ones: %s; run scorecard ingest (mapping.yaml changed since these were read)", plural(int64(len(stale)), "export"), bucket.MappingKey, strings.Join(stale, ", ")))
	}
	if in.MappingErr != nil {
		parts = append(parts, fmt.Sprintf("%v: fix it and run scorecard ingest", in.MappingErr))
	}
	if len(orphans) > 0 {
		parts = append(parts, fmt.Sprintf("%s without a complete ingest report (an ingest that did not finish, or an export deleted since; not read): %s", plural(int64(len(orphans)), "normalized file"), strings.Join(orphans, ", ")))
	}
	if len(parts) == 0 {
		parts = append(parts, "every raw export is ingested")
	}
	if len(r.Listed) > 0 {
		parts = append(parts, fmt.Sprintf("listed, not blocking: %d exports older than %v without a report: %s", len(r.Listed), in.Settings.MaxIngestLag, strings.Join(r.Listed, ", ")))
	}
	ing.Found = strings.Join(parts, "; ")
	ing.Keys = append(append(append(append([]string{}, pending...), changed...), stale...), orphans...)
	r.Checks = append(r.Checks, ing)

	r.Ready = true
	for _, c := range r.Checks {
		r.Ready = r.Ready && c.OK
	}
	return r
}
