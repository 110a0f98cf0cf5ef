// Package closejob is the monthly close: the normalized inputs of a month in,
// a write-once payroll version out. Run reads top to bottom as its steps,
// each a function of values and the small Store interface below:
//
//  1. request   which month, from a manual request or the schedule's own time
//  2. settings  the policy (config/policy.yaml or the embedded default) and
//     the working-day calendar (embedded, replaced per year by config/calendar/)
//  3. inputs    the month's Parquet partitions and the newest roster
//  4. sources   the ingest reports behind those inputs
//  5. score     pkg/score, pure and exact
//  6. decide    against the published versions: unchanged, reopen required,
//     or publish v<N+1>
//  7. render    scorecards, KPI lines, the payroll CSV and Parquet, in memory
//  8. publish   every file with If-None-Match: *, the manifest last
//  9. report    the close report, for people
//
// A crash between any two steps leaves either nothing of the version or a
// version directory without its manifest, which payroll ignores and the
// rerun completes with the same bytes. Two closes racing publish one version.
//
// closejob imports no AWS package, no Lambda and no export reader
// (pkg/ingest): the close binary links only what the close needs.
package closejob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
	"github.com/scorecard/scorecard/pkg/store"
)

// Store is what the close calls on a store.
type Store interface {
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
	Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error)
	List(ctx context.Context, prefix string, fn func(store.Object) error) error
}

// Request is the close's input: a manual {"month":"YYYY-MM","reopen":bool},
// or the EventBridge Scheduler input {"scheduled_time":"<aws.scheduler.scheduled-time>"},
// in which case the month closed is the one before the scheduled time's month
// in the policy time zone (never the clock's).
type Request struct {
	Month         string `json:"month,omitempty"`
	Reopen        bool   `json:"reopen,omitempty"`
	ScheduledTime string `json:"scheduled_time,omitempty"`
}

// Outcomes.
const (
	Published      = "published"       // a new version was published
	Unchanged      = "unchanged"       // inputs equal the latest version's: nothing written
	ReopenRequired = "reopen_required" // inputs changed since the latest version; rerun with reopen
	RaceLost       = "published_by_another_close"
)

// Result is what a close did.
type Result struct {
	Status  string
	Month   calendar.Month
	Version int32 // the version published, or the latest one standing
	Report  *Report
	Payroll []schema.PayrollRow
}

// Job runs the monthly close.
type Job struct {
	Store Store
	// TempDir holds working files ("" = os.TempDir()).
	TempDir string
	// CodeVersion is recorded in manifests.
	CodeVersion string
	// Log receives structured logs; nil discards them.
	Log *slog.Logger
}

func (j *Job) log() *slog.Logger {
	if j.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Log
}

// Run computes the month's scorecards and publishes a payroll version when
// there is something new to publish.
func (j *Job) Run(ctx context.Context, req Request) (*Result, error) {
	when, err := parseRequest(req)
	if err != nil {
		return nil, err
	}
	pol, cal, err := j.settings(ctx)
	if err != nil {
		return nil, err
	}
	month := when.month(pol.Location())
	log := j.log().With("month", month.String())

	work, err := os.MkdirTemp(j.TempDir, "close-*")
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	defer os.RemoveAll(work)
	in, err := j.inputs(ctx, month, pol, work)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	if err := j.sources(ctx, in); err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}

	res, err := score.Compute(score.Input{
		Month: month, Policy: pol, Calendar: cal,
		Tickets: in.tickets, Surveys: in.surveys, Evaluations: in.evaluations,
		Roster: in.roster, HaveRoster: in.haveRoster,
	})
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	digest := payroll.InputsDigest(pol.SHA256, in.objects)
	report := newReport(month, pol, res, in)

	d, err := j.decide(ctx, month, digest, req.Reopen)
	if err != nil {
		return nil, err
	}
	version := d.latest + 1
	rows, err := payroll.Rows(month.String(), version, cardsOf(res, version))
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	switch d.status {
	case Unchanged:
		report.Status, report.Version = Unchanged, d.latest
		log.Info("inputs unchanged since the latest version: nothing published", "version", d.latest)
		return &Result{Status: Unchanged, Month: month, Version: d.latest, Report: report, Payroll: d.prevRows}, nil
	case ReopenRequired:
		report.Status, report.Version = ReopenRequired, d.latest
		report.Changes = payroll.Diff(d.prevRows, rows)
		log.Warn("inputs changed since the latest version; rerun with reopen to publish", "version", d.latest, "changes", len(report.Changes))
		return &Result{Status: ReopenRequired, Month: month, Version: d.latest, Report: report, Payroll: d.prevRows}, nil
	}
	if d.latest > 0 {
		report.Changes = payroll.Diff(d.prevRows, rows)
		p := d.latest
		report.PreviousVersion = &p
	}
	report.Status, report.Version = Published, version

	files, err := render(month, version, res, rows)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	man := j.manifest(month, version, d.latest, pol, in, digest, req.ScheduledTime, files)
	if err := j.publish(ctx, month, version, files, man); err != nil {
		return j.conflict(ctx, month, version, err, report)
	}
	if err := j.writeReport(ctx, report); err != nil {
		return nil, err
	}
	log.Info("published", "version", version, "employees", len(res.Cards), "payroll_rows", len(rows))
	return &Result{Status: Published, Month: month, Version: version, Report: report, Payroll: rows}, nil
}

// when is a validated request: a month, or a scheduled time whose month
// depends on the policy time zone.
type when struct {
	m         calendar.Month
	scheduled time.Time
}

func (w when) month(loc *time.Location) calendar.Month {
	if w.scheduled.IsZero() {
		return w.m
	}
	return calendar.MonthOf(w.scheduled, loc).Add(-1)
}

// parseRequest validates a request before anything is read.
func parseRequest(req Request) (when, error) {
	if req.Month != "" {
		m, err := calendar.ParseMonth(req.Month)
		return when{m: m}, err
	}
	if req.ScheduledTime == "" {
		return when{}, errors.New(`close request has neither "month" nor "scheduled_time"`)
	}
	t, err := time.Parse(time.RFC3339, req.ScheduledTime)
	if err != nil {
		return when{}, fmt.Errorf("parsing scheduled_time %q: %w", req.ScheduledTime, err)
	}
	return when{scheduled: t}, nil
}

// MonthFor works out which month a request closes in the time zone loc.
func MonthFor(req Request, loc *time.Location) (calendar.Month, error) {
	w, err := parseRequest(req)
	if err != nil {
		return calendar.Month{}, err
	}
	return w.month(loc), nil
}

// settings loads the policy and the calendar.
func (j *Job) settings(ctx context.Context) (*policy.Policy, *calendar.Calendar, error) {
	pol, err := loadPolicy(ctx, j.Store)
	if err != nil {
		return nil, nil, err
	}
	cal, err := loadCalendar(ctx, j.Store)
	if err != nil {
		return nil, nil, err
	}
	return pol, cal, nil
}

// decision is what the published versions say about this close.
type decision struct {
	status   string // Unchanged, ReopenRequired, or Published (go ahead)
	latest   int32  // the latest complete version, 0 if none
	prevRows []schema.PayrollRow
}

func (j *Job) decide(ctx context.Context, month calendar.Month, digest string, reopen bool) (decision, error) {
	versions, err := listVersions(ctx, j.Store, month)
	if err != nil {
		return decision{}, err
	}
	d := decision{status: Published, latest: versions.latestComplete()}
	if d.latest == 0 {
		return d, nil
	}
	m, err := readManifest(ctx, j.Store, month, d.latest)
	if err != nil {
		return decision{}, err
	}
	if d.prevRows, err = readPayroll(ctx, j.Store, month, d.latest); err != nil {
		return decision{}, err
	}
	switch {
	case m.InputsDigest == digest:
		d.status = Unchanged
	case !reopen:
		d.status = ReopenRequired
	}
	return d, nil
}

// file is one rendered file of a version.
type file struct {
	key  string
	data []byte
	rows int64
}

// render produces every file of a version but the manifest, in the order
// they are written: scorecards, then the payroll table.
func render(month calendar.Month, version int32, res *score.Result, rows []schema.PayrollRow) ([]file, error) {
	cards := cardsOf(res, version)
	n := 0
	for _, card := range res.Cards {
		n += len(card.KPIs)
	}
	kpis := make([]schema.KPIScore, 0, n)
	for _, card := range res.Cards {
		for _, k := range card.KPIs {
			k.Version = version
			kpis = append(kpis, k)
		}
	}
	var sc, kp, csvBuf, pq bytes.Buffer
	if err := normalized.WriteAll(&sc, cards); err != nil {
		return nil, fmt.Errorf("writing scorecards: %w", err)
	}
	if err := normalized.WriteAll(&kp, kpis); err != nil {
		return nil, fmt.Errorf("writing scorecard KPIs: %w", err)
	}
	if err := payroll.WriteCSV(&csvBuf, rows); err != nil {
		return nil, fmt.Errorf("writing payroll CSV: %w", err)
	}
	if err := payroll.WriteParquet(&pq, rows); err != nil {
		return nil, fmt.Errorf("writing payroll Parquet: %w", err)
	}
	return []file{
		{bucket.ScorecardFile(bucket.ScorecardEmployees, month, version), sc.Bytes(), int64(len(cards))},
		{bucket.ScorecardFile(bucket.ScorecardKPIs, month, version), kp.Bytes(), int64(len(kpis))},
		{bucket.PayrollCSV(month, version), csvBuf.Bytes(), int64(len(rows))},
		{bucket.PayrollParquet(month, version), pq.Bytes(), int64(len(rows))},
	}, nil
}

func cardsOf(res *score.Result, version int32) []schema.Scorecard {
	cards := make([]schema.Scorecard, len(res.Cards))
	for i, c := range res.Cards {
		cards[i] = c.Scorecard
		cards[i].Version = version
	}
	return cards
}

func (j *Job) manifest(month calendar.Month, version, previous int32, pol *policy.Policy, in *inputs, digest, scheduled string, files []file) *payroll.Manifest {
	man := &payroll.Manifest{
		Month:        month.String(),
		Version:      version,
		Inputs:       in.objects,
		Sources:      in.sources,
		InputsDigest: digest,
		CodeVersion:  j.CodeVersion,
		ScheduledFor: scheduled,
	}
	man.Policy.ID, man.Policy.SHA256 = pol.ID, pol.SHA256
	if previous > 0 {
		p := previous
		man.Previous = &p
	}
	for _, f := range files {
		man.Outputs = append(man.Outputs, payroll.OutputOf(f.key, f.data, f.rows))
	}
	sort.Slice(man.Outputs, func(i, k int) bool { return man.Outputs[i].Key < man.Outputs[k].Key })
	return man
}

// publish writes every file once, and the manifest last.
func (j *Job) publish(ctx context.Context, month calendar.Month, version int32, files []file, man *payroll.Manifest) error {
	for _, f := range files {
		if err := objects.PutOnce(ctx, j.Store, f.key, f.data); err != nil {
			return err
		}
	}
	mb, err := man.Marshal()
	if err != nil {
		return err
	}
	return objects.PutOnce(ctx, j.Store, bucket.Manifest(month, version), mb)
}

// conflict handles a write-once failure: if another close has published the
// same version meanwhile, this run stands down; otherwise it is an error.
func (j *Job) conflict(ctx context.Context, month calendar.Month, version int32, err error, report *Report) (*Result, error) {
	if !errors.Is(err, objects.ErrConflict) {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	if _, merr := readManifest(ctx, j.Store, month, version); merr == nil {
		rows, rerr := readPayroll(ctx, j.Store, month, version)
		if rerr != nil {
			return nil, rerr
		}
		report.Status, report.Version = RaceLost, version
		j.log().Warn("another close published this version first", "month", month.String(), "version", version)
		return &Result{Status: RaceLost, Month: month, Version: version, Report: report, Payroll: rows}, nil
	}
	return nil, fmt.Errorf("closing %s: %s is being published by another close, or an earlier close stopped half-way with other inputs (if no close is running, delete %s, %s and %s and rerun): %w",
		month, bucket.PayrollVersion(month, version), bucket.PayrollVersion(month, version),
		bucket.ScorecardFile(bucket.ScorecardEmployees, month, version), bucket.ScorecardFile(bucket.ScorecardKPIs, month, version), err)
}

func (j *Job) writeReport(ctx context.Context, r *Report) error {
	data, err := r.marshal()
	if err != nil {
		return err
	}
	if err := objects.Put(ctx, j.Store, bucket.CloseReport(r.Month, r.Version, "json"), data); err != nil {
		return err
	}
	return objects.Put(ctx, j.Store, bucket.CloseReport(r.Month, r.Version, "md"), []byte(r.Markdown()))
}

// Output is what the close Lambda returns: small, for the invoker.
type Output struct {
	Status      string `json:"status"`
	Month       string `json:"month"`
	Version     int32  `json:"version"`
	Employees   int    `json:"employees"`
	PayrollRows int    `json:"payroll_rows"`
	TotalPayout string `json:"total_payout"`
	Changes     int    `json:"changes"`
}

// Handle is the Lambda entry point of the close.
func (j *Job) Handle(ctx context.Context, req Request) (*Output, error) {
	res, err := j.Run(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Output{
		Status: res.Status, Month: res.Month.String(), Version: res.Version,
		Employees: res.Report.EmployeesScored, PayrollRows: len(res.Payroll),
		TotalPayout: res.Report.TotalPayout, Changes: len(res.Report.Changes),
	}, nil
}
