package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
	"github.com/scorecard/scorecard/pkg/store"
)

// CloseRequest is the close's input: a manual {"month":"YYYY-MM","reopen":bool},
// or the EventBridge Scheduler input {"scheduled_time":"<aws.scheduler.scheduled-time>"},
// in which case the month closed is the one before the scheduled time's month
// in the policy time zone (never the clock's).
type CloseRequest struct {
	Month         string `json:"month,omitempty"`
	Reopen        bool   `json:"reopen,omitempty"`
	ScheduledTime string `json:"scheduled_time,omitempty"`
}

// Close outcomes.
const (
	ClosePublished      = "published"       // a new version was published
	CloseUnchanged      = "unchanged"       // inputs equal the latest version's: nothing written
	CloseReopenRequired = "reopen_required" // inputs changed since the latest version; rerun with reopen
	CloseRaceLost       = "published_by_another_close"
)

// CloseResult is what a close did.
type CloseResult struct {
	Status  string
	Month   string
	Version int32 // the version published, or the latest one standing
	Report  *CloseReport
	Payroll []schema.PayrollRow
}

// Closer runs the monthly close.
type Closer struct {
	Store  Bucket
	Config Config
}

// errConflict reports that a version's file exists with other content.
var errConflict = errors.New("version files exist with different content")

// MonthFor works out which month a request closes.
func MonthFor(req CloseRequest, loc *time.Location) (calendar.Month, error) {
	if req.Month != "" {
		return calendar.ParseMonth(req.Month)
	}
	if req.ScheduledTime == "" {
		return calendar.Month{}, errors.New(`close request has neither "month" nor "scheduled_time"`)
	}
	t, err := time.Parse(time.RFC3339, req.ScheduledTime)
	if err != nil {
		return calendar.Month{}, fmt.Errorf("parsing scheduled_time %q: %w", req.ScheduledTime, err)
	}
	return calendar.MonthOf(t, loc).Add(-1), nil
}

// Close computes the month's scorecards and publishes a payroll version when
// there is something new to publish.
func (c *Closer) Close(ctx context.Context, req CloseRequest) (*CloseResult, error) {
	pol, err := loadPolicy(ctx, c.Store)
	if err != nil {
		return nil, err
	}
	month, err := MonthFor(req, pol.Location())
	if err != nil {
		return nil, err
	}
	log := c.Config.log().With("month", month.String())
	cal, err := loadCalendar(ctx, c.Store)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(c.Config.tempDir(), "close-*")
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	defer os.RemoveAll(work)

	in, err := c.readInputs(ctx, month, pol, work)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	if err := c.readSourceReports(ctx, in); err != nil {
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

	versions, err := c.versions(ctx, month)
	if err != nil {
		return nil, err
	}
	latest := versions.latestComplete()
	report := newCloseReport(month, pol, res, in)
	version := latest + 1
	var prevRows []schema.PayrollRow
	if latest > 0 {
		m, err := c.manifest(ctx, month, latest)
		if err != nil {
			return nil, err
		}
		prevRows, err = c.payrollRows(ctx, month, latest)
		if err != nil {
			return nil, err
		}
		if m.InputsDigest == digest {
			report.Status, report.Version = CloseUnchanged, latest
			log.Info("inputs unchanged since the latest version: nothing published", "version", latest)
			return &CloseResult{Status: CloseUnchanged, Month: month.String(), Version: latest, Report: report, Payroll: prevRows}, nil
		}
		if !req.Reopen {
			rows := payroll.Rows(month.String(), version, cardsOf(res, version))
			report.Status, report.Version = CloseReopenRequired, latest
			report.Changes = payroll.Diff(prevRows, rows)
			log.Warn("inputs changed since the latest version; rerun with reopen to publish", "version", latest, "changes", len(report.Changes))
			return &CloseResult{Status: CloseReopenRequired, Month: month.String(), Version: latest, Report: report, Payroll: prevRows}, nil
		}
	}

	cards := cardsOf(res, version)
	rows := payroll.Rows(month.String(), version, cards)
	if latest > 0 {
		report.Changes = payroll.Diff(prevRows, rows)
		p := latest
		report.PreviousVersion = &p
	}
	report.Status, report.Version = ClosePublished, version

	man := &payroll.Manifest{
		Month:        month.String(),
		Version:      version,
		Inputs:       in.objects,
		Sources:      in.sources,
		InputsDigest: digest,
		CodeVersion:  c.Config.CodeVersion,
		ScheduledFor: req.ScheduledTime,
	}
	man.Policy.ID, man.Policy.SHA256 = pol.ID, pol.SHA256
	if latest > 0 {
		p := latest
		man.Previous = &p
	}

	outputs, err := c.renderVersion(month, version, res, cards, rows)
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	for _, o := range outputs {
		if err := c.putOnce(ctx, o.key, o.data); err != nil {
			return c.conflict(ctx, month, version, err, report)
		}
		man.Outputs = append(man.Outputs, payroll.OutputObject{Key: o.key, SHA256: sha256Hex(o.data), Rows: o.rows, Bytes: int64(len(o.data))})
	}
	sort.Slice(man.Outputs, func(i, j int) bool { return man.Outputs[i].Key < man.Outputs[j].Key })
	mb, err := man.Marshal()
	if err != nil {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	mk := versionPrefix(month, version) + manifestName
	if err := c.putOnce(ctx, mk, mb); err != nil {
		return c.conflict(ctx, month, version, err, report)
	}
	if err := c.writeCloseReport(ctx, report); err != nil {
		return nil, err
	}
	log.Info("published", "version", version, "employees", len(res.Cards), "payroll_rows", len(rows))
	return &CloseResult{Status: ClosePublished, Month: month.String(), Version: version, Report: report, Payroll: rows}, nil
}

// conflict handles a write-once failure: if another close has published the
// same version meanwhile, this run stands down; otherwise it is an error.
func (c *Closer) conflict(ctx context.Context, month calendar.Month, version int32, err error, report *CloseReport) (*CloseResult, error) {
	if !errors.Is(err, errConflict) {
		return nil, fmt.Errorf("closing %s: %w", month, err)
	}
	if _, merr := c.manifest(ctx, month, version); merr == nil {
		rows, rerr := c.payrollRows(ctx, month, version)
		if rerr != nil {
			return nil, rerr
		}
		report.Status, report.Version = CloseRaceLost, version
		c.Config.log().Warn("another close published this version first", "month", month.String(), "version", version)
		return &CloseResult{Status: CloseRaceLost, Month: month.String(), Version: version, Report: report, Payroll: rows}, nil
	}
	return nil, fmt.Errorf("closing %s: v%d is being published by another close, or an earlier close stopped half-way with other inputs (if no close is running, delete %s and scorecards/*/month=%s/v%d.parquet and rerun): %w",
		month, version, versionPrefix(month, version), month, version, err)
}

type rendered struct {
	key  string
	data []byte
	rows int64
}

// renderVersion produces every file of a version, in the order they are
// written: scorecards, then the payroll table (the manifest comes last).
func (c *Closer) renderVersion(month calendar.Month, version int32, res *score.Result, cards []schema.Scorecard, rows []schema.PayrollRow) ([]rendered, error) {
	var kpis []schema.KPIScore
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
	vp := versionPrefix(month, version)
	name := "v" + strconv.Itoa(int(version)) + ".parquet"
	return []rendered{
		{scorecardsPrefix + "month=" + month.String() + "/" + name, sc.Bytes(), int64(len(cards))},
		{kpisPrefix + "month=" + month.String() + "/" + name, kp.Bytes(), int64(len(kpis))},
		{vp + payrollCSVName, csvBuf.Bytes(), int64(len(rows))},
		{vp + payrollParquetNam, pq.Bytes(), int64(len(rows))},
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

func versionPrefix(month calendar.Month, version int32) string {
	return payrollPrefix + "month=" + month.String() + "/v" + strconv.Itoa(int(version)) + "/"
}

// putOnce writes data with If-None-Match. If the key exists with the same
// bytes (a resumed or concurrent close with the same inputs) that is success;
// with other bytes it is errConflict.
func (c *Closer) putOnce(ctx context.Context, key string, data []byte) error {
	_, err := c.Store.Put(ctx, key, bytes.NewReader(data), int64(len(data)), store.PutOptions{IfNoneMatch: true, ContentType: contentTypeOf(key)})
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	existing, rerr := readOptional(ctx, c.Store, key)
	if rerr != nil {
		return rerr
	}
	if bytes.Equal(existing, data) {
		return nil
	}
	return fmt.Errorf("writing %s: %w", key, errConflict)
}

func contentTypeOf(key string) string {
	switch {
	case strings.HasSuffix(key, ".csv"):
		return "text/csv; charset=utf-8"
	case strings.HasSuffix(key, ".json"):
		return "application/json"
	case strings.HasSuffix(key, ".md"):
		return "text/markdown; charset=utf-8"
	default:
		return "application/vnd.apache.parquet"
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// versionSet lists the versions found under payroll/month=M/.
type versionSet map[int32]bool // version -> has manifest

func (v versionSet) latestComplete() int32 {
	var n int32
	for ver, complete := range v {
		if complete && ver > n {
			n = ver
		}
	}
	return n
}

func (c *Closer) versions(ctx context.Context, month calendar.Month) (versionSet, error) {
	prefix := payrollPrefix + "month=" + month.String() + "/v"
	set := versionSet{}
	err := c.Store.List(ctx, prefix, func(o store.Object) error {
		rest := strings.TrimPrefix(o.Key, prefix)
		num, file, ok := strings.Cut(rest, "/")
		if !ok {
			return nil
		}
		n, err := strconv.Atoi(num)
		if err != nil || n <= 0 {
			return nil
		}
		set[int32(n)] = set[int32(n)] || file == manifestName
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", prefix, err)
	}
	return set, nil
}

func (c *Closer) manifest(ctx context.Context, month calendar.Month, version int32) (*payroll.Manifest, error) {
	key := versionPrefix(month, version) + manifestName
	data, err := readOptional(ctx, c.Store, key)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, fmt.Errorf("reading %s: %w", key, store.ErrNotExist)
	}
	m, err := payroll.ParseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	return m, nil
}

func (c *Closer) payrollRows(ctx context.Context, month calendar.Month, version int32) ([]schema.PayrollRow, error) {
	key := versionPrefix(month, version) + payrollCSVName
	rc, _, err := c.Store.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	defer rc.Close()
	rows, err := payroll.ReadCSV(rc)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	for i := range rows {
		rows[i].Version = version
	}
	return rows, nil
}

// closeInputs is what the close read.
type closeInputs struct {
	tickets     []score.Ticket
	surveys     []score.Survey
	evaluations []score.Evaluation
	roster      []schema.Employee
	haveRoster  bool
	objects     []payroll.InputObject
	sourceKeys  map[string]bool
	partitions  []string
	quarantined []QuarantineLine
	sources     []payroll.SourceObject
}

// readInputs reads only the partitions the month needs: tickets for M and the
// policy's look-back, surveys for M, evaluations for M and the exam look-back,
// and the newest roster upload.
func (c *Closer) readInputs(ctx context.Context, month calendar.Month, pol *policy.Policy, work string) (*closeInputs, error) {
	in := &closeInputs{sourceKeys: map[string]bool{}}
	for i := pol.TicketLookbackMonths; i >= 0; i-- {
		err := readPartition(ctx, c, in, work, schema.DatasetTickets, month.Add(-i), func(n int) { in.tickets = slices.Grow(in.tickets, n) }, func(rows []schema.Ticket) {
			for i := range rows {
				in.tickets = append(in.tickets, score.TicketFromSchema(&rows[i]))
				in.sourceKeys[rows[i].SourceKey] = true
			}
		})
		if err != nil {
			return nil, err
		}
	}
	err := readPartition(ctx, c, in, work, schema.DatasetSurveys, month, func(n int) { in.surveys = slices.Grow(in.surveys, n) }, func(rows []schema.Survey) {
		for i := range rows {
			in.surveys = append(in.surveys, score.SurveyFromSchema(&rows[i]))
			in.sourceKeys[rows[i].SourceKey] = true
		}
	})
	if err != nil {
		return nil, err
	}
	for i := pol.ExamLookbackMonths; i >= 0; i-- {
		err := readPartition(ctx, c, in, work, schema.DatasetEvaluations, month.Add(-i), func(n int) { in.evaluations = slices.Grow(in.evaluations, n) }, func(rows []schema.Evaluation) {
			for i := range rows {
				in.evaluations = append(in.evaluations, score.EvaluationFromSchema(&rows[i]))
				in.sourceKeys[rows[i].SourceKey] = true
			}
		})
		if err != nil {
			return nil, err
		}
	}
	if err := c.readRoster(ctx, in, work); err != nil {
		return nil, err
	}
	sort.Slice(in.objects, func(i, j int) bool { return in.objects[i].Key < in.objects[j].Key })
	return in, nil
}

// readRoster reads every roster partition and keeps the rows of the newest
// roster upload (spec §3.4).
func (c *Closer) readRoster(ctx context.Context, in *closeInputs, work string) error {
	prefix := normalizedPrefix + schema.DatasetRoster + "/"
	var objs []store.Object
	if err := c.Store.List(ctx, prefix, func(o store.Object) error {
		if strings.HasSuffix(o.Key, ".parquet") {
			objs = append(objs, o)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("listing %s: %w", prefix, err)
	}
	type upload struct {
		at  time.Time
		key string
	}
	var newest upload
	var newestObj store.Object
	var newestRows []schema.Employee
	for _, o := range objs {
		var rows []schema.Employee
		if err := readObject(ctx, c.Store, o, work, nil, func(batch []schema.Employee) {
			rows = append(rows, batch...)
		}); err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		u := upload{rows[0].SourceUploadedAt, rows[0].SourceKey}
		if newestRows == nil || u.at.After(newest.at) || (u.at.Equal(newest.at) && u.key > newest.key) {
			newest, newestObj, newestRows = u, o, rows
		}
	}
	if newestRows == nil {
		return nil
	}
	in.roster, in.haveRoster = newestRows, true
	in.sourceKeys[newest.key] = true
	in.objects = append(in.objects, payroll.InputObject{Key: newestObj.Key, ETag: newestObj.ETag, Rows: int64(len(newestRows))})
	return nil
}

// readPartition reads every Parquet object of one dataset partition.
func readPartition[T any](ctx context.Context, c *Closer, in *closeInputs, work, dataset string, month calendar.Month, grow func(int), fn func([]T)) error {
	prefix := normalizedPrefix + dataset + "/month=" + month.String() + "/"
	in.partitions = append(in.partitions, prefix)
	var objs []store.Object
	if err := c.Store.List(ctx, prefix, func(o store.Object) error {
		if strings.HasSuffix(o.Key, ".parquet") {
			objs = append(objs, o)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("listing %s: %w", prefix, err)
	}
	for _, o := range objs {
		var n int64
		if err := readObject(ctx, c.Store, o, work, grow, func(rows []T) {
			n += int64(len(rows))
			fn(rows)
		}); err != nil {
			return err
		}
		in.objects = append(in.objects, payroll.InputObject{Key: o.Key, ETag: o.ETag, Rows: n})
	}
	return nil
}

// readObject copies a Parquet object to a local file (Parquet needs random
// access) and streams its rows.
func readObject[T any](ctx context.Context, b Bucket, o store.Object, work string, grow func(int), fn func([]T)) error {
	rc, _, err := b.Get(ctx, o.Key)
	if err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	defer rc.Close()
	f, err := os.CreateTemp(work, "input-*.parquet")
	if err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	size, err := io.Copy(f, rc)
	if err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	if grow != nil {
		n, err := normalized.NumRows(f, size)
		if err != nil {
			return fmt.Errorf("reading %s: %w", o.Key, err)
		}
		grow(int(n))
	}
	// Row order does not matter to the scorer (its de-duplication orders
	// rows by their own fields), so row groups are decoded on every core.
	if err := normalized.ReadConcurrent[T](f, size, runtime.GOMAXPROCS(0), func(rows []T) error { fn(rows); return nil }); err != nil {
		return fmt.Errorf("reading %s: %w", o.Key, err)
	}
	return nil
}

func (c *Closer) writeCloseReport(ctx context.Context, r *CloseReport) error {
	base := closeReportDir + "month=" + r.Month + "/v" + strconv.Itoa(int(r.Version))
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding close report: %w", err)
	}
	data = append(data, '\n')
	md := []byte(r.Markdown())
	for _, f := range []struct {
		key  string
		data []byte
	}{{base + ".json", data}, {base + ".md", md}} {
		if _, err := c.Store.Put(ctx, f.key, bytes.NewReader(f.data), int64(len(f.data)), store.PutOptions{ContentType: contentTypeOf(f.key)}); err != nil {
			return fmt.Errorf("writing %s: %w", f.key, err)
		}
	}
	return nil
}

// CloseOutput is what the close Lambda returns: small, for the invoker.
type CloseOutput struct {
	Status      string `json:"status"`
	Month       string `json:"month"`
	Version     int32  `json:"version"`
	Employees   int    `json:"employees"`
	PayrollRows int    `json:"payroll_rows"`
	TotalPayout string `json:"total_payout"`
	Changes     int    `json:"changes"`
}

// Handle is the Lambda entry point of the close.
func (c *Closer) Handle(ctx context.Context, req CloseRequest) (*CloseOutput, error) {
	res, err := c.Close(ctx, req)
	if err != nil {
		return nil, err
	}
	return &CloseOutput{
		Status: res.Status, Month: res.Month, Version: res.Version,
		Employees: res.Report.EmployeesScored, PayrollRows: len(res.Payroll),
		TotalPayout: res.Report.TotalPayout, Changes: len(res.Report.Changes),
	}, nil
}
