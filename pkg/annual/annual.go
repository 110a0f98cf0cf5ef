// Package annual is the annual close (spec §10): for a year, the newest
// trusted version of each month's payroll table (approval.Verify: approved,
// or with policy approval none the newest published) in, a write-once
// annual version out. Per employee it gives the months scored, the mean
// score (exact, rounded half-up to 2 decimals), the annual band from the
// policy's annual.bands, the count of months in the top monthly band, and
// consecutive_excellent when the previous year's newest annual version put
// the employee in the top annual band too.
//
// Run reads top to bottom as its steps: policy, months, previous year,
// compute (pure: Compute), decide (unchanged or the next version), publish
// (the Parquet table file with If-None-Match, then the manifest last). A
// year with no trusted month is not ready and publishes nothing.
//
// It imports no AWS package: the store comes in as the small Store below.
package annual

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/approval"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

// Store is what the annual close calls on a store.
type Store interface {
	Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error)
	Put(ctx context.Context, key string, body io.Reader, size int64, opt store.PutOptions) (store.Object, error)
	List(ctx context.Context, prefix string, fn func(store.Object) error) error
}

// Month statuses (MonthInput.Status).
const (
	MonthUsed       = "used"       // its trusted version was read
	MonthMissing    = "missing"    // no published version
	MonthUnapproved = "unapproved" // published, no version approved
	MonthUnverified = "unverified" // the trusted version's files do not verify
)

// Outcomes.
const (
	Published = "published"
	Unchanged = "unchanged"
	NotReady  = "not_ready"
)

// MonthInput is what the annual close found for one month.
type MonthInput struct {
	Month  string `json:"month"`
	Status string `json:"status"`
	// Version and ManifestSHA256 are the version read (MonthUsed).
	Version        int32  `json:"version,omitempty"`
	ManifestSHA256 string `json:"manifest_sha256,omitempty"`
	// Problem says why an unverified month was not used.
	Problem string `json:"problem,omitempty"`
}

// Manifest is payroll/annual/year=YYYY/v<N>/manifest.json, written last.
type Manifest struct {
	Year    int               `json:"year"`
	Version int32             `json:"version"`
	Policy  payroll.PolicyRef `json:"policy"`
	Months  []MonthInput      `json:"months"`
	// PreviousYear is the previous year's annual version read for
	// consecutive_excellent, when there is one.
	PreviousYear *YearRef `json:"previous_year,omitempty"`
	// InputsDigest covers the policy, every month's status and version and
	// the previous year's version: equal digests, equal inputs.
	InputsDigest string                 `json:"inputs_digest"`
	Outputs      []payroll.OutputObject `json:"outputs"`
	Previous     *int32                 `json:"previous_version,omitempty"`
	CodeVersion  string                 `json:"code_version"`
}

// YearRef names an annual version.
type YearRef struct {
	Year           int    `json:"year"`
	Version        int32  `json:"version"`
	ManifestSHA256 string `json:"manifest_sha256"`
}

// Result is what an annual close did.
type Result struct {
	Status  string
	Year    int
	Version int32 // the version published, or the latest standing
	Months  []MonthInput
	Rows    []schema.AnnualScorecard
}

// Missing lists the months not used, with their status ("2026-03 missing").
func (r *Result) Missing() []string {
	var out []string
	for _, m := range r.Months {
		if m.Status != MonthUsed {
			out = append(out, m.Month+" "+m.Status)
		}
	}
	return out
}

// NotReadyError: no month of the year is trusted.
type NotReadyError struct {
	Year   int
	Months []MonthInput
}

func (e *NotReadyError) Error() string {
	var ms []string
	for _, m := range e.Months {
		ms = append(ms, m.Month+" "+m.Status)
	}
	return fmt.Sprintf("annual close %d: not ready: no month of the year is approved (%s)", e.Year, strings.Join(ms, ", "))
}

// Job runs the annual close.
type Job struct {
	Store       Store
	CodeVersion string
}

// Run closes year.
func (j *Job) Run(ctx context.Context, year int) (*Result, error) {
	if year < 1000 || year > 9999 {
		return nil, fmt.Errorf("annual close: year %d, want four digits", year)
	}
	pol, err := loadPolicy(ctx, j.Store)
	if err != nil {
		return nil, err
	}
	months, tables, err := j.months(ctx, year, pol.Approval)
	if err != nil {
		return nil, err
	}
	if len(tables) == 0 {
		return &Result{Status: NotReady, Year: year, Months: months}, &NotReadyError{Year: year, Months: months}
	}
	prev, prevRows, err := j.latestYear(ctx, year-1)
	if err != nil {
		return nil, err
	}
	rows := Compute(pol, tables, prevRows)
	digest := inputsDigest(pol.SHA256, months, prev)

	latest, latestMan, err := j.latest(ctx, year)
	if err != nil {
		return nil, err
	}
	if latestMan != nil && latestMan.InputsDigest == digest {
		return &Result{Status: Unchanged, Year: year, Version: latest, Months: months, Rows: rows}, nil
	}
	version := latest + 1
	for i := range rows {
		rows[i].Version = version
	}
	var buf bytes.Buffer
	if err := normalized.WriteAll(&buf, rows); err != nil {
		return nil, fmt.Errorf("annual close %d: writing annual scorecards: %w", year, err)
	}
	key := bucket.Annual(year, version)
	man := &Manifest{Year: year, Version: version, Months: months, PreviousYear: prev, InputsDigest: digest,
		Outputs: []payroll.OutputObject{payroll.OutputOf(key, buf.Bytes(), int64(len(rows)))}, CodeVersion: j.CodeVersion}
	man.Policy.ID, man.Policy.SHA256 = pol.ID, pol.SHA256
	if latest > 0 {
		p := latest
		man.Previous = &p
	}
	mb, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("annual close %d: encoding the manifest: %w", year, err)
	}
	if err := objects.PutOnce(ctx, j.Store, key, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("annual close %d: %w", year, err)
	}
	if err := objects.PutOnce(ctx, j.Store, bucket.AnnualManifest(year, version), append(mb, '\n')); err != nil {
		return nil, fmt.Errorf("annual close %d: %w", year, err)
	}
	return &Result{Status: Published, Year: year, Version: version, Months: months, Rows: rows}, nil
}

// months finds each month's trusted version and reads its payroll table.
func (j *Job) months(ctx context.Context, year int, approvalSetting string) ([]MonthInput, map[string][]schema.PayrollRow, error) {
	var months []MonthInput
	tables := map[string][]schema.PayrollRow{}
	for mo := time.January; mo <= time.December; mo++ {
		m := calendar.Month{Year: year, Month: mo}
		in := MonthInput{Month: m.String()}
		published, err := hasManifest(ctx, j.Store, m)
		if err != nil {
			return nil, nil, err
		}
		v, err := approval.Verify(ctx, j.Store, m, 0, approvalSetting)
		var verr *approval.Error
		switch {
		case err == nil:
			rows, rerr := readPayroll(ctx, j.Store, v.CSVKey)
			if rerr != nil {
				return nil, nil, rerr
			}
			in.Status, in.Version, in.ManifestSHA256 = MonthUsed, v.Version, v.ManifestSHA256
			tables[in.Month] = rows
		case !published:
			in.Status = MonthMissing
		case errors.As(err, &verr) && verr.Version == 0:
			in.Status = MonthUnapproved // no version is trusted: none approved
		case errors.As(err, &verr):
			in.Status, in.Version, in.Problem = MonthUnverified, verr.Version, err.Error()
		default:
			return nil, nil, err
		}
		months = append(months, in)
	}
	return months, tables, nil
}

func hasManifest(ctx context.Context, s Store, m calendar.Month) (bool, error) {
	found := false
	prefix := bucket.PayrollMonth(m)
	err := s.List(ctx, prefix, func(o store.Object) error {
		if mm, _, file, ok := bucket.ParsePayroll(o.Key); ok && mm == m && file == bucket.ManifestName {
			found = true
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("listing %s: %w", prefix, err)
	}
	return found, nil
}

func readPayroll(ctx context.Context, s Store, key string) ([]schema.PayrollRow, error) {
	data, err := objects.ReadOptional(ctx, s, key)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, fmt.Errorf("reading %s: %w", key, store.ErrNotExist)
	}
	rows, err := payroll.ReadCSV(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	return rows, nil
}

// latest returns the newest complete annual version of year and its manifest.
func (j *Job) latest(ctx context.Context, year int) (int32, *Manifest, error) {
	var latest int32
	prefix := bucket.AnnualPayroll(year)
	err := j.Store.List(ctx, prefix, func(o store.Object) error {
		if y, v, ok := bucket.ParseAnnualManifest(o.Key); ok && y == year && v > latest {
			latest = v
		}
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("listing %s: %w", prefix, err)
	}
	if latest == 0 {
		return 0, nil, nil
	}
	key := bucket.AnnualManifest(year, latest)
	data, err := objects.ReadOptional(ctx, j.Store, key)
	if err != nil {
		return 0, nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return 0, nil, fmt.Errorf("reading %s: %w", key, err)
	}
	return latest, &m, nil
}

// latestYear reads the newest complete annual version of year, if any,
// checking its table file against the manifest.
func (j *Job) latestYear(ctx context.Context, year int) (*YearRef, []schema.AnnualScorecard, error) {
	v, m, err := j.latest(ctx, year)
	if err != nil || m == nil {
		return nil, nil, err
	}
	key := bucket.AnnualManifest(year, v)
	mb, err := objects.ReadOptional(ctx, j.Store, key)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(mb)
	ref := &YearRef{Year: year, Version: v, ManifestSHA256: hex.EncodeToString(sum[:])}
	tkey := bucket.Annual(year, v)
	data, err := objects.ReadOptional(ctx, j.Store, tkey)
	if err != nil {
		return nil, nil, err
	}
	if data == nil || len(m.Outputs) != 1 || m.Outputs[0].Key != tkey || payroll.OutputOf(tkey, data, 0).SHA256 != m.Outputs[0].SHA256 {
		return nil, nil, fmt.Errorf("reading %s: missing, or does not match %s", tkey, key)
	}
	var rows []schema.AnnualScorecard
	if err := normalized.Read(bytes.NewReader(data), int64(len(data)), func(b []schema.AnnualScorecard) error {
		rows = append(rows, b...)
		return nil
	}); err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", tkey, err)
	}
	return ref, rows, nil
}

func inputsDigest(policySHA string, months []MonthInput, prev *YearRef) string {
	h := sha256.New()
	fmt.Fprintf(h, "policy %s\n", policySHA)
	for _, m := range months {
		fmt.Fprintf(h, "%s %s %d %s\n", m.Month, m.Status, m.Version, m.ManifestSHA256)
	}
	if prev != nil {
		fmt.Fprintf(h, "previous %d %d %s\n", prev.Year, prev.Version, prev.ManifestSHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func loadPolicy(ctx context.Context, s Store) (*policy.Policy, error) {
	data, err := objects.ReadOptional(ctx, s, bucket.PolicyKey)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return policy.Default(), nil
	}
	p, err := policy.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", bucket.PolicyKey, err)
	}
	return p, nil
}

// Compute is the pure part: per employee on any of the months' payroll
// tables (by month "YYYY-MM"), the annual row (version left 0), sorted by
// employee id. Name and team are the latest month's. prev is the previous
// year's annual rows (consecutive_excellent).
func Compute(pol *policy.Policy, tables map[string][]schema.PayrollRow, prev []schema.AnnualScorecard) []schema.AnnualScorecard {
	top := topMonthlyBand(pol)
	topAnnual := pol.AnnualBands()[0].Name
	prevTop := map[string]bool{}
	for _, r := range prev {
		prevTop[r.EmployeeID] = r.Band != nil && *r.Band == topAnnual
	}
	type acc struct {
		row      schema.AnnualScorecard
		sum      int64
		months   []string
		lastSeen string
	}
	accs := map[string]*acc{}
	monthKeys := make([]string, 0, len(tables))
	for m := range tables {
		monthKeys = append(monthKeys, m)
	}
	slices.Sort(monthKeys)
	for _, m := range monthKeys {
		for _, r := range tables[m] {
			a := accs[r.EmployeeID]
			if a == nil {
				a = &acc{row: schema.AnnualScorecard{EmployeeID: r.EmployeeID}}
				accs[r.EmployeeID] = a
			}
			a.row.EmployeeName, a.row.Team, a.lastSeen = r.EmployeeName, r.Team, m
			if r.ScoreCenti == nil {
				continue // no_activity: paid, not scored
			}
			a.sum += *r.ScoreCenti
			a.months = append(a.months, m)
			if r.Band != nil && *r.Band == top {
				a.row.AMonths++
			}
		}
	}
	out := make([]schema.AnnualScorecard, 0, len(accs))
	for _, a := range accs {
		r := a.row
		r.MonthsScored = int32(len(a.months))
		r.Months = strings.Join(a.months, ",")
		if n := int64(len(a.months)); n > 0 {
			// sum/n rounded half-up to a whole centi (scores are >= 0).
			mean := (2*a.sum + n) / (2 * n)
			r.MeanScoreCenti = &mean
			b, isTop := pol.AnnualBandFor(mean)
			name, label, action := b.Name, b.Label, b.Action
			r.Band, r.BandLabel, r.Action = &name, &label, &action
			r.ConsecutiveExcellent = isTop && prevTop[r.EmployeeID]
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b schema.AnnualScorecard) int { return strings.Compare(a.EmployeeID, b.EmployeeID) })
	return out
}

// topMonthlyBand is the name of the monthly band with the highest min (A).
func topMonthlyBand(pol *policy.Policy) string {
	best := -1
	for i, b := range pol.Bands {
		if best < 0 || b.Min.Cmp(pol.Bands[best].Min) > 0 {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return pol.Bands[best].Name
}
