// Package closejob is the monthly close: the normalized inputs of a month in,
// a write-once payroll version out. Run reads top to bottom as its steps,
// each a function of values and the small Store interface below:
//
//  1. request    which month, from a manual request or the schedule's own time
//  2. settings   the policy (config/policy.yaml or the embedded default) and
//     the working-day calendar (embedded, replaced per year by config/calendar/)
//  3. raw        the raw/ listing with each export's ingest report, read once
//  4. inputs     the month's Parquet partitions (only outputs of complete,
//     current reports) and the newest roster
//  5. sources    those inputs' reports, taken from step 3
//  6. score      pkg/score, pure and exact
//  7. readiness  pkg/readiness over steps 3-6 and the clock: not ready
//     publishes nothing unless allowed with a reason
//  8. decide     against the published versions: unchanged, reopen required,
//     or publish v<N+1>
//  9. render     scorecards, KPI lines, evidence, rankings, the payroll
//     CSV and Parquet, and the pages for people (pkg/statement: the
//     manager's report and one statement per employee, with the last six
//     published months read after step 8), in memory
//  10. publish   every file with If-None-Match: *, the manifest last, then
//     the published-version marker
//  11. report    the close report, for people
//  12. notify    one event for the outcome (pkg/notify)
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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/adjust"
	"github.com/scorecard/scorecard/pkg/approval"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/notify"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/readiness"
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
//
// {"approve": {"month","version","by","note"}} approves a published version
// instead (spec §8; see Handle).
type Request struct {
	Month         string `json:"month,omitempty"`
	Reopen        bool   `json:"reopen,omitempty"`
	ScheduledTime string `json:"scheduled_time,omitempty"`
	// AllowIncomplete, when not empty, is the reason to close a month
	// that is not ready (spec §8); it is recorded with the failed checks.
	AllowIncomplete string          `json:"allow_incomplete,omitempty"`
	Approve         *ApproveRequest `json:"approve,omitempty"`
	// Readiness runs the scheduled readiness check instead of the close.
	Readiness *ReadinessRequest `json:"readiness,omitempty"`
	// Year runs the annual close of that year instead (annual.go); the
	// schedule sends AnnualScheduledTime, whose year before is closed.
	Year                int    `json:"year,omitempty"`
	AnnualScheduledTime string `json:"annual_scheduled_time,omitempty"`
}

// ReadinessRequest is the scheduled readiness check (spec §8): the months
// checked are the one in progress at ScheduledTime (the policy time zone)
// and the one before. An empty ScheduledTime means now.
type ReadinessRequest struct {
	ScheduledTime string `json:"scheduled_time,omitempty"`
}

// ApproveRequest asks to approve a published version (approval.Approve).
type ApproveRequest struct {
	Month   string `json:"month"`
	Version int32  `json:"version"`
	By      string `json:"by"`
	Note    string `json:"note,omitempty"`
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
	// ManifestSHA256 is the SHA-256 of that version's manifest.json.
	ManifestSHA256 string
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
	// Now is the clock: it decides whether the month has ended (readiness)
	// and stamps approvals and events; nothing else. Required.
	Now func() time.Time
	// Metrics receives the readiness check's CloudWatch Embedded Metric
	// Format lines (in Lambda, stdout); nil emits none.
	Metrics io.Writer
	// Notify receives the published, approved, not_ready, reopen_required
	// and failed events (spec §8); nil sends none.
	Notify notify.Notifier
	// Progress, if not nil, is told how far the reading of the inputs has
	// got (the CLI draws a bar on a terminal; the Lambda sets none).
	Progress Progress

	// scorePolicy, when set, replaces the store's policy (WhatIf only).
	scorePolicy *policy.Policy
}

// Progress follows a long close: done of total bytes of the Parquet inputs
// of one step (a table's month, e.g. "tickets 2026-09") read, called at
// the step's start and after each object.
type Progress interface {
	Progress(step string, done, total int64)
}

func (j *Job) log() *slog.Logger {
	if j.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Log
}

// Run computes the month's scorecards and publishes a payroll version when
// the month is ready and there is something new to publish. A month that
// is not ready publishes nothing: the error is a *NotReadyError listing
// every failed check, unless the request allows an incomplete close with a
// reason (recorded in the manifest and the close report).
func (j *Job) Run(ctx context.Context, req Request) (*Result, error) {
	res, err := j.run(ctx, req)
	j.notifyRun(ctx, req, res, err)
	return res, err
}

func (j *Job) run(ctx context.Context, req Request) (*Result, error) {
	when, err := parseRequest(req)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(j.TempDir, "close-*")
	if err != nil {
		return nil, fmt.Errorf("closing: %w", err)
	}
	defer os.RemoveAll(work)
	if j.Now == nil {
		return nil, errors.New("closing: no clock (closejob.Job.Now is nil)")
	}
	p, err := j.prepare(ctx, when, work, j.Now())
	if err != nil {
		return nil, err
	}
	month, pol, in, res := p.month, p.pol, p.in, p.res
	log := j.log().With("month", month.String())
	override, err := allowIncomplete(p.ready, req.AllowIncomplete)
	if err != nil {
		log.Warn("not ready: nothing published", "failed", p.ready.Summary())
		return nil, err
	}
	if override != nil {
		log.Warn("closing a month that is not ready, as asked", "reason", override.Reason, "failed", p.ready.Summary())
	}
	digest := payroll.InputsDigest(pol.SHA256, in.objects)
	report := newReport(month, pol, res, in)
	report.AllowIncomplete = override
	report.addAdjustments(p.adj)
	rankings := rank(res, pol)
	report.Ranking = topLines(rankings)
	adjustments := adjustmentRefs(p.adj.Applied)

	d, err := j.decide(ctx, month, digest, req.Reopen)
	if err != nil {
		return nil, err
	}
	if d.latest > 0 {
		// A close that stopped between the latest version's manifest and its
		// published-version marker left it out of the latest_* views: finish it.
		if err := j.markPublished(ctx, month, d.latest, d.manifestSHA256); err != nil {
			return nil, err
		}
	}
	version := d.latest + 1
	rows, err := payroll.Rows(month.String(), version, cardsOf(res, version), pol.NoActivity.Exclude)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	switch d.status {
	case Unchanged:
		if err := j.completeReport(ctx, month, d, *report); err != nil {
			return nil, err
		}
		report.Status, report.Version = Unchanged, d.latest
		log.Info("inputs unchanged since the latest version: nothing published", "version", d.latest)
		return &Result{Status: Unchanged, Month: month, Version: d.latest, Report: report, Payroll: d.prevRows, ManifestSHA256: d.manifestSHA256}, nil
	case ReopenRequired:
		report.Status, report.Version = ReopenRequired, d.latest
		report.Changes = payroll.Diff(d.prevRows, rows)
		report.AdjustmentChanges = adjustmentChanges(d.manifest.Adjustments, adjustments)
		log.Warn("inputs changed since the latest version; rerun with reopen to publish", "version", d.latest, "changes", len(report.Changes))
		return &Result{Status: ReopenRequired, Month: month, Version: d.latest, Report: report, Payroll: d.prevRows, ManifestSHA256: d.manifestSHA256}, nil
	}
	if d.latest > 0 {
		report.Changes = payroll.Diff(d.prevRows, rows)
		report.AdjustmentChanges = adjustmentChanges(d.manifest.Adjustments, adjustments)
		p := d.latest
		report.PreviousVersion = &p
	}
	report.Status, report.Version = Published, version

	hist, err := j.history(ctx, month)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	// The tables (the evidence's Parquet the longest) and the pages are
	// rendered at the same time; neither changes what the other reads.
	stampEvidence(res, version)
	var (
		pages    []file
		pagesErr error
		rendered = make(chan struct{})
	)
	pagesIn := pagesInput{month: month, version: version, previous: d.latest, pol: pol, res: res, rows: rows,
		report: report, sources: in.sources, history: hist, why: d.inputChanges(in),
		rankings: rankingsTable(rankings, report.Ranking)}
	go func() {
		defer close(rendered)
		pages, pagesErr = renderPages(pagesIn)
	}()
	files, err := render(month, version, res, rows)
	<-rendered
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	rf, err := rankingsFile(month, version, rankings)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	files = append(files, rf)
	if pagesErr != nil {
		return nil, fmt.Errorf("closing %s: %w", month, pagesErr)
	}
	files = append(files, pages...)
	man := j.manifest(month, version, d.latest, pol, in, digest, req.ScheduledTime, files)
	man.AllowIncomplete = override
	man.Adjustments = adjustments
	sha, err := j.publish(ctx, month, version, files, man)
	if err != nil {
		return j.conflict(ctx, month, version, err, report, digest, rows)
	}
	if err := j.writeReport(ctx, report); err != nil {
		return nil, err
	}
	log.Info("published", "version", version, "employees", len(res.Cards), "payroll_rows", len(rows))
	return &Result{Status: Published, Month: month, Version: version, Report: report, Payroll: rows, ManifestSHA256: sha}, nil
}

// prepared is what the close has read and worked out before deciding.
type prepared struct {
	month calendar.Month
	pol   *policy.Policy
	in    *inputs
	res   *score.Result // nil when scoring was impossible (calendar)
	ready *readiness.Result
	adj   adjust.Result // the adjustments applied and not (spec §10)
}

// prepare runs the steps shared by the close and the readiness check:
// settings, the raw listing, the inputs, their reports, the scoring and the
// readiness evaluation. A calendar that does not cover a deadline fails the
// calendar check rather than the call.
func (j *Job) prepare(ctx context.Context, w when, work string, now time.Time) (*prepared, error) {
	pol, cal, err := j.settings(ctx)
	if err != nil {
		return nil, err
	}
	if j.scorePolicy != nil {
		pol = j.scorePolicy
	}
	month := w.month(pol.Location())
	raw, err := j.rawExports(ctx)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	in, err := j.inputs(ctx, month, pol, work, completeOutputs(raw))
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	sources(in, raw)
	in.warnings = linkAgents(in)
	adj := adjust.Apply(adjust.Input{
		Month: month, Policy: pol, Adjustments: in.adjustments,
		Tickets: in.tickets, Surveys: in.surveys, Evaluations: in.evaluations, Roster: in.roster,
	})
	res, err := score.Compute(score.Input{
		Month: month, Policy: pol, Calendar: cal,
		Tickets: adj.Tickets, Surveys: adj.Surveys, Evaluations: in.evaluations,
		Roster: in.roster, HaveRoster: in.haveRoster, PointAdjustments: adj.Points,
	})
	var calErr error
	switch {
	case errors.Is(err, calendar.ErrNotCovered):
		calErr, res = err, nil
	case err != nil:
		return nil, fmt.Errorf("closing %s: %w", month, err)
	default:
		finishAdjustments(&adj, res)
	}
	in.warnings = append(in.warnings, degenerate(res)...)
	through, _ := cal.CoveredThrough(now, pol.Location())
	mapping, mappingErr, err := j.mappingDigests(ctx)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	ready := readiness.Evaluate(readiness.Input{
		Month: month, Now: now, Location: pol.Location(), Settings: pol.Readiness,
		Raw: raw, Calendar: calErr, CoveredThrough: through, Orphans: in.orphans,
		Read: in.readKeys(), Mapping: mapping, MappingErr: mappingErr,
	})
	return &prepared{month: month, pol: pol, in: in, res: res, ready: ready, adj: adj}, nil
}

// Check runs the readiness checks of a month without publishing anything.
func (j *Job) Check(ctx context.Context, month calendar.Month) (*readiness.Result, error) {
	if j.Now == nil {
		return nil, errors.New("checking: no clock (closejob.Job.Now is nil)")
	}
	return j.checkAt(ctx, month, j.Now())
}

// checkAt is Check as of the time now.
func (j *Job) checkAt(ctx context.Context, month calendar.Month, now time.Time) (*readiness.Result, error) {
	work, err := os.MkdirTemp(j.TempDir, "check-*")
	if err != nil {
		return nil, fmt.Errorf("checking %s: %w", month, err)
	}
	defer os.RemoveAll(work)
	p, err := j.prepare(ctx, when{m: month}, work, now)
	if err != nil {
		return nil, err
	}
	return p.ready, nil
}

// NotReadyError is the error of a close of a month that is not ready.
type NotReadyError struct {
	Readiness *readiness.Result
}

func (e *NotReadyError) Error() string {
	var names []string
	for _, c := range e.Readiness.Failed() {
		names = append(names, c.Name+" ("+c.Found+")")
	}
	return fmt.Sprintf("closing %s: not ready: %s", e.Readiness.Month, strings.Join(names, "; "))
}

// allowIncomplete decides what a month that is not ready does: nothing
// (the error), or go on with the override recorded. The calendar check
// cannot be overridden: a deadline the calendar does not cover cannot be
// computed at all.
func allowIncomplete(r *readiness.Result, reason string) (*payroll.Override, error) {
	if r.Ready {
		return nil, nil
	}
	reason = strings.TrimSpace(reason)
	notReady := &NotReadyError{Readiness: r}
	if reason == "" {
		return nil, notReady
	}
	o := &payroll.Override{Reason: reason}
	for _, c := range r.Failed() {
		if c.Name == readiness.CheckCalendar {
			return nil, fmt.Errorf("%w (the calendar check cannot be overridden)", notReady)
		}
		o.Failed = append(o.Failed, payroll.FailedCheck{Name: c.Name, Found: c.Found})
	}
	return o, nil
}

// rawExports lists raw/ with each object's ingest report.
func (j *Job) rawExports(ctx context.Context) ([]readiness.Raw, error) {
	var raw []readiness.Raw
	err := j.Store.List(ctx, bucket.RawPrefix, func(o store.Object) error {
		if strings.HasSuffix(o.Key, "/") {
			return nil
		}
		raw = append(raw, readiness.Raw{Key: o.Key, ETag: o.ETag, LastModified: o.LastModified})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", bucket.RawPrefix, err)
	}
	for i := range raw {
		data, err := objects.ReadOptional(ctx, j.Store, bucket.IngestReport(raw[i].Key))
		if err != nil {
			return nil, err
		}
		if data == nil {
			continue
		}
		rep, err := ingestreport.Parse(data)
		if err != nil {
			continue // a damaged report is no report: the export counts as not ingested
		}
		raw[i].Report = rep
	}
	return raw, nil
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

// Validate checks a request's form before anything is read: a month that
// is not YYYY-MM, a scheduled time that is not RFC 3339, or a request that
// names nothing to do is an error.
func (r Request) Validate() error {
	switch {
	case r.Approve != nil:
		if _, err := calendar.ParseMonth(r.Approve.Month); err != nil {
			return fmt.Errorf("approve: %w", err)
		}
		if r.Approve.Version < 1 || strings.TrimSpace(r.Approve.By) == "" {
			return errors.New(`approve needs "version" (1 or more) and "by"`)
		}
		return nil
	case r.Year != 0 || r.AnnualScheduledTime != "":
		if r.Year != 0 && (r.Year < 1000 || r.Year > 9999) {
			return fmt.Errorf("annual close: year %d, want four digits", r.Year)
		}
		if t := r.AnnualScheduledTime; t != "" {
			if _, err := time.Parse(time.RFC3339, t); err != nil {
				return fmt.Errorf("annual close: parsing annual_scheduled_time %q: %w", t, err)
			}
		}
		return nil
	case r.Readiness != nil:
		if t := r.Readiness.ScheduledTime; t != "" {
			if _, err := time.Parse(time.RFC3339, t); err != nil {
				return fmt.Errorf("readiness: parsing scheduled_time %q: %w", t, err)
			}
		}
		return nil
	}
	_, err := parseRequest(r)
	return err
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

// monthFor works out which month a request closes in the time zone loc.
func monthFor(req Request, loc *time.Location) (calendar.Month, error) {
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
	manifest *payroll.Manifest
	// manifestSHA256 is the SHA-256 of the latest version's manifest.json.
	manifestSHA256 string
	prevRows       []schema.PayrollRow // the latest version's payroll rows
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
	m, sha, err := readManifestSHA(ctx, j.Store, month, d.latest)
	if err != nil {
		return decision{}, err
	}
	d.manifest, d.manifestSHA256 = m, sha
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

// completeReport writes the close report of the latest version if a close
// that published it stopped before its report (the manifest is written
// first, the report after): the rerun, finding the inputs unchanged,
// writes the report that close would have written. r is this run's report,
// whose inputs equal that version's.
func (j *Job) completeReport(ctx context.Context, month calendar.Month, d decision, r Report) error {
	complete := true
	for _, ext := range []string{"json", "md"} {
		existing, err := objects.ReadOptional(ctx, j.Store, bucket.CloseReport(month, d.latest, ext))
		if err != nil {
			return err
		}
		complete = complete && existing != nil
	}
	if complete {
		return nil
	}
	r.Status, r.Version, r.PreviousVersion, r.Changes = Published, d.latest, nil, nil
	if p := d.manifest.Previous; p != nil {
		before, err := readPayroll(ctx, j.Store, month, *p)
		if err != nil {
			return err
		}
		prev := *p
		r.PreviousVersion = &prev
		r.Changes = payroll.Diff(before, d.prevRows)
	}
	j.log().Warn("the latest version has no close report (a close stopped after its manifest): writing it", "month", month.String(), "version", d.latest)
	return j.writeReport(ctx, &r)
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
	var sc, kp, ev, csvBuf, pq bytes.Buffer
	if err := normalized.WriteAll(&sc, cards); err != nil {
		return nil, fmt.Errorf("writing scorecards: %w", err)
	}
	if err := normalized.WriteAll(&kp, kpis); err != nil {
		return nil, fmt.Errorf("writing scorecard KPIs: %w", err)
	}
	nEvidence, err := writeEvidence(&ev, res)
	if err != nil {
		return nil, err
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
		{bucket.ScorecardFile(bucket.ScorecardEvidence, month, version), ev.Bytes(), nEvidence},
		{bucket.PayrollCSV(month, version), csvBuf.Bytes(), int64(len(rows))},
		{bucket.PayrollParquet(month, version), pq.Bytes(), int64(len(rows))},
	}, nil
}

// stampEvidence sets the version on every card's evidence rows, before
// the tables and the pages are rendered from them at the same time.
func stampEvidence(res *score.Result, version int32) {
	for i := range res.Cards {
		rows := res.Cards[i].Evidence
		for k := range rows {
			rows[k].Version = version
		}
	}
}

// writeEvidence writes every card's evidence (spec §9) in card order, the
// version set by stampEvidence, and returns how many rows it wrote.
// The rows go card by card, not copied into one slice (a month has about a
// row per ticket and response), with zstd's fastest level.
func writeEvidence(w io.Writer, res *score.Result) (int64, error) {
	var n int64
	err := normalized.WriteBatches(w, normalized.Options{Compression: normalized.FastZstd}, len(res.Cards), func(i int) []schema.Evidence {
		rows := res.Cards[i].Evidence
		n += int64(len(rows))
		return rows
	})
	if err != nil {
		return 0, fmt.Errorf("writing scorecard evidence: %w", err)
	}
	return n, nil
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
func (j *Job) publish(ctx context.Context, month calendar.Month, version int32, files []file, man *payroll.Manifest) (manifestSHA256 string, err error) {
	// The files go on publishWorkers writers; the manifest waits for all
	// of them, so it is still written last (a version without it is
	// ignored, and a rerun writes the same bytes).
	err = forEach(len(files), publishWorkers, func(i int) error {
		return objects.PutOnce(ctx, j.Store, files[i].key, files[i].data)
	})
	if err != nil {
		return "", err
	}
	mb, err := man.Marshal()
	if err != nil {
		return "", err
	}
	if err := objects.PutOnce(ctx, j.Store, bucket.Manifest(month, version), mb); err != nil {
		return "", err
	}
	sha := payroll.OutputOf("", mb, 0).SHA256
	if err := j.markPublished(ctx, month, version, sha); err != nil {
		return "", err
	}
	return sha, nil
}

// markPublished writes the published-version marker of a version whose
// manifest exists (schema.PublishedVersion), once: the latest_* views show
// only versions that have one, so a version whose close stopped before its
// manifest never reaches analysts. The marker is derived from the manifest
// alone, so a rerun writes the same bytes (PutOnce accepts them).
func (j *Job) markPublished(ctx context.Context, month calendar.Month, version int32, manifestSHA256 string) error {
	var buf bytes.Buffer
	if err := normalized.WriteAll(&buf, []schema.PublishedVersion{{Version: version, ManifestSHA256: manifestSHA256}}); err != nil {
		return fmt.Errorf("writing the published-version marker: %w", err)
	}
	return objects.PutOnce(ctx, j.Store, bucket.PublishedVersion(month, version), buf.Bytes())
}

// conflict handles a write-once failure: if another close has published the
// same version meanwhile from the same inputs (equal inputs digest) with the
// same payroll rows, this run stands down (RaceLost); if that close published
// different inputs or rows, this run's result was not published and it is an
// error (ErrRaceLostDifferent); otherwise it is an error too.
func (j *Job) conflict(ctx context.Context, month calendar.Month, version int32, err error, report *Report, digest string, mine []schema.PayrollRow) (*Result, error) {
	if !errors.Is(err, objects.ErrConflict) {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	if winner, merr := readManifest(ctx, j.Store, month, version); merr == nil {
		rows, rerr := readPayroll(ctx, j.Store, month, version)
		if rerr != nil {
			return nil, rerr
		}
		if winner.InputsDigest != digest || len(rows) != len(mine) || len(payroll.Diff(rows, mine)) > 0 {
			j.log().Error("another close published this version first, with different inputs", "month", month.String(), "version", version,
				"winner_inputs_digest", winner.InputsDigest, "inputs_digest", digest)
			return nil, fmt.Errorf("closing %s: %w: %s (inputs digest %s, %d payroll rows) differs from this close's result (inputs digest %s, %d payroll rows); nothing of this close was published: check the inputs and close again (it will report unchanged or reopen_required)",
				month, ErrRaceLostDifferent, bucket.PayrollVersion(month, version), winner.InputsDigest, len(rows), digest, len(mine))
		}
		report.Status, report.Version = RaceLost, version
		j.log().Warn("another close published this version first, from the same inputs", "month", month.String(), "version", version)
		return &Result{Status: RaceLost, Month: month, Version: version, Report: report, Payroll: rows}, nil
	}
	return nil, fmt.Errorf("closing %s: %s is being published by another close, or an earlier close stopped half-way with other inputs (if no close is running, delete %s, %s, %s and %s and rerun): %w",
		month, bucket.PayrollVersion(month, version), bucket.PayrollVersion(month, version),
		bucket.ScorecardFile(bucket.ScorecardEmployees, month, version), bucket.ScorecardFile(bucket.ScorecardKPIs, month, version),
		bucket.ScorecardFile(bucket.ScorecardEvidence, month, version), err)
}

// ErrRaceLostDifferent is the error of a close that lost a race to another
// close which published the same version from different inputs or with a
// different payroll.
var ErrRaceLostDifferent = errors.New("another close published different inputs first")

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
	// Approval is the approval standing after an approve request.
	Approval *approval.Approval `json:"approval,omitempty"`
	// Readiness is what a readiness request found: the month before, then
	// the month in progress.
	Readiness []*readiness.Result `json:"readiness,omitempty"`
	// Year and MonthsNotUsed answer an annual request: the months of the
	// year missing or unapproved ("2026-03 missing").
	Year          int      `json:"year,omitempty"`
	MonthsNotUsed []string `json:"months_not_used,omitempty"`
}

// Handle is the Lambda entry point of the close. A request with "approve"
// runs approval.Approve instead of the close: the status is "approved" or
// "already_approved" and Approval the approval that stands; a version that
// does not verify is an error naming the file.
func (j *Job) Handle(ctx context.Context, req Request) (*Output, error) {
	if req.Approve != nil {
		return j.approve(ctx, *req.Approve)
	}
	if req.Readiness != nil {
		return j.scheduledReadiness(ctx, *req.Readiness)
	}
	if req.Year != 0 || req.AnnualScheduledTime != "" {
		return j.annual(ctx, req)
	}
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

func (j *Job) approve(ctx context.Context, req ApproveRequest) (*Output, error) {
	a, status, err := j.Approve(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Output{Status: status, Month: a.Month, Version: a.Version, Approval: &a}, nil
}

// Approve approves a published version (approval.Approve, spec §8) and
// sends the approved event; approving again is a no-op that sends nothing.
func (j *Job) Approve(ctx context.Context, req ApproveRequest) (approval.Approval, string, error) {
	if j.Now == nil {
		return approval.Approval{}, "", errors.New("approving: this close has no clock (Job.Now is nil)")
	}
	m, err := calendar.ParseMonth(req.Month)
	if err != nil {
		return approval.Approval{}, "", fmt.Errorf("approving: %w", err)
	}
	a, status, err := approval.Approve(ctx, j.Store, m, req.Version, req.By, req.Note, j.Now())
	if err != nil {
		return a, status, err
	}
	j.log().Info(status, "month", a.Month, "version", a.Version, "approved_by", a.ApprovedBy, "approved_at", a.ApprovedAt)
	if status == approval.Approved {
		j.notify(ctx, notify.Event{
			Status: notify.Approved, Month: a.Month, Version: a.Version,
			ManifestKey: bucket.Manifest(m, a.Version), ManifestSHA256: a.ManifestSHA256,
			ApprovedBy: a.ApprovedBy, At: a.ApprovedAt,
		})
	}
	return a, status, nil
}

// notify sends ev if the job has a Notifier. A notification that cannot be
// sent is logged, never a reason to fail a close that has published.
func (j *Job) notify(ctx context.Context, ev notify.Event) {
	if j.Notify == nil {
		return
	}
	if ev.At.IsZero() && j.Now != nil {
		ev.At = j.Now().UTC()
	}
	if err := j.Notify.Notify(ctx, ev); err != nil {
		j.log().Error("notification not sent", "status", ev.Status, "month", ev.Month, "error", err)
	}
}

// notifyRun sends the event of a close's outcome.
func (j *Job) notifyRun(ctx context.Context, req Request, res *Result, err error) {
	var nr *NotReadyError
	switch {
	case errors.As(err, &nr):
		ev := notify.Event{Status: notify.NotReady, Month: nr.Readiness.Month.String()}
		for _, c := range nr.Readiness.Failed() {
			ev.Failed = append(ev.Failed, c.Name+": "+c.Found)
		}
		j.notify(ctx, ev)
	case err != nil:
		j.notify(ctx, notify.Event{Status: notify.Failed, Month: req.Month, Failed: []string{err.Error()}})
	case res.Status == Published || res.Status == ReopenRequired:
		ev := notify.Event{
			Status: res.Status, Month: res.Month.String(), Version: res.Version,
			ManifestKey: bucket.Manifest(res.Month, res.Version), ManifestSHA256: res.ManifestSHA256,
			Counts: map[string]int64{
				"employees": int64(res.Report.EmployeesScored), "payroll_rows": int64(len(res.Payroll)),
				"changes": int64(len(res.Report.Changes)),
			},
			TotalPayout: res.Report.TotalPayout,
		}
		if res.Status == Published {
			ev.ReportKey = bucket.CloseReport(res.Month, res.Version, "json")
		}
		j.notify(ctx, ev)
	}
}

// scheduledReadiness checks the month before and the month in progress,
// records each answer under reports/readiness/ and emits the metrics the
// stack's alarms watch: CloseReadiness (per month), CalendarDaysLeft, and
// CloseDueNotReady (1 when, from the 2nd of the month on, the month before
// is not ready: its scheduled close is due or past).
func (j *Job) scheduledReadiness(ctx context.Context, req ReadinessRequest) (*Output, error) {
	if j.Now == nil {
		return nil, errors.New("checking readiness: no clock (Job.Now is nil)")
	}
	at := j.Now()
	if req.ScheduledTime != "" {
		t, err := time.Parse(time.RFC3339, req.ScheduledTime)
		if err != nil {
			return nil, fmt.Errorf("checking readiness: parsing scheduled_time %q: %w", req.ScheduledTime, err)
		}
		at = t
	}
	pol, err := loadPolicy(ctx, j.Store)
	if err != nil {
		return nil, err
	}
	current := calendar.MonthOf(at, pol.Location())
	out := &Output{Status: "checked", Month: current.Add(-1).String()}
	for _, m := range []calendar.Month{current.Add(-1), current} {
		r, err := j.checkAt(ctx, m, at)
		if err != nil {
			return nil, err
		}
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encoding readiness of %s: %w", m, err)
		}
		if err := objects.Put(ctx, j.Store, bucket.Readiness(m, at), append(data, '\n')); err != nil {
			return nil, err
		}
		out.Readiness = append(out.Readiness, r)
	}
	due := 0
	if at.In(pol.Location()).Day() >= 2 && !out.Readiness[0].Ready {
		due = 1
	}
	j.emitReadiness(at, out.Readiness, due)
	j.log().Info("readiness checked", "previous", out.Readiness[0].Month.String(), "previous_ready", out.Readiness[0].Ready,
		"current", out.Readiness[1].Month.String(), "current_ready", out.Readiness[1].Ready, "calendar_days_left", out.Readiness[0].CalendarDaysLeft)
	return out, nil
}

// emitReadiness writes the readiness metrics in CloudWatch Embedded Metric
// Format: one line per month (dimension Month = previous or current), and
// one for CalendarDaysLeft and CloseDueNotReady.
func (j *Job) emitReadiness(at time.Time, rs []*readiness.Result, due int) {
	if j.Metrics == nil {
		return
	}
	line := func(dims [][]string, metrics []string, fields map[string]any) {
		var ms []any
		for _, m := range metrics {
			ms = append(ms, map[string]string{"Name": m, "Unit": "Count"})
		}
		fields["_aws"] = map[string]any{
			"Timestamp":         at.UnixMilli(),
			"CloudWatchMetrics": []any{map[string]any{"Namespace": "Scorecard", "Dimensions": dims, "Metrics": ms}},
		}
		if b, err := json.Marshal(fields); err == nil {
			fmt.Fprintln(j.Metrics, string(b))
		}
	}
	for i, name := range []string{"previous", "current"} {
		ready := 0
		if rs[i].Ready {
			ready = 1
		}
		line([][]string{{"Month"}}, []string{"CloseReadiness"}, map[string]any{"Month": name, "CloseReadiness": ready, "ClosedMonth": rs[i].Month.String()})
	}
	line([][]string{{}}, []string{"CalendarDaysLeft", "CloseDueNotReady"}, map[string]any{"CalendarDaysLeft": rs[0].CalendarDaysLeft, "CloseDueNotReady": due})
}
