// Package bucket is the bucket layout of the product spec (§2 and the
// part-two prefix table) in one place: a constructor for every key the jobs
// write or read, and parsers for the keys they list. Nothing else in the
// repository formats a "month=", "year=" or "v<N>" key; a test fails if
// anything does (see layout_test.go).
//
// Keys are derived from their inputs only (a source key, a table, a month, a
// version), never from a clock or a random number, so that a re-delivered
// event or a rerun close writes the same keys.
//
// bucket imports only pkg/calendar (for Month) and the standard library: no
// store, no AWS, no Parquet.
package bucket

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
)

// Top-level prefixes.
const (
	RawPrefix        = "raw/"
	ConfigPrefix     = "config/"
	NormalizedPrefix = "normalized/"
	QuarantinePrefix = "quarantine/"
	ScorecardsPrefix = "scorecards/"
	RankingsPrefix   = "rankings/"
	PayrollPrefix    = "payroll/"
	ReportsPrefix    = "reports/"

	// IngestReportPrefix holds one ingest report per raw object. Reports
	// live outside quarantine/ so that its lifecycle rule never deletes the
	// record that an object was ingested.
	IngestReportPrefix = "reports/ingest/"
	// CloseReportPrefix holds the close reports, one per published version.
	CloseReportPrefix = "reports/close/"
)

// Operator configuration.
const (
	PolicyKey      = "config/policy.yaml"
	MappingKey     = "config/mapping.yaml"
	CalendarPrefix = "config/calendar/"
	// EventsKey is the local twin's notification log (spec §8); in AWS the
	// same messages go to SNS.
	EventsKey = "reports/events.jsonl"
)

// Tables under normalized/ (one Athena table each).
const (
	TableTickets     = "tickets"
	TableSurveys     = "surveys"
	TableEvaluations = "evaluations"
	TableRoster      = "roster"
	TableAdjustments = "adjustments"
	// TableRosterPay holds the roster's performance_pay apart from the
	// roster (spec §12: no pay where analysts read): written and deleted by
	// the ingest only, read by the close only, no Glue table.
	TableRosterPay = "roster_pay"
)

// Names of the files inside a payroll version directory.
const (
	PayrollCSVName     = "salary_multipliers.csv"
	PayrollParquetName = "salary_multipliers.parquet"
	ManifestName       = "manifest.json"
	ApprovalName       = "approval.json"
)

func part(name string, m calendar.Month) string { return name + "=" + m.String() + "/" }

func versionName(v int32) string { return "v" + strconv.FormatInt(int64(v), 10) }

// Raw is the key of an export uploaded under raw/<source>/.
func Raw(source, name string) string { return RawPrefix + source + "/" + name }

// ParseRaw splits a raw export key into its source folder and the rest.
// Keys outside raw/, directly under it, or naming a folder return false.
func ParseRaw(key string) (source, name string, ok bool) {
	rest, ok := strings.CutPrefix(key, RawPrefix)
	if !ok {
		return "", "", false
	}
	source, name, ok = strings.Cut(rest, "/")
	if !ok || source == "" || name == "" || strings.HasSuffix(name, "/") {
		return "", "", false
	}
	return source, name, true
}

// SourceTag is the part of every normalized key derived from the raw key:
// the first 16 hex digits of its SHA-256. It keeps output keys short and
// free of the spaces and Chinese of upload names.
func SourceTag(rawKey string) string {
	sum := sha256.Sum256([]byte(rawKey))
	return hex.EncodeToString(sum[:8])
}

// NormalizedTable is the prefix of one normalized table.
func NormalizedTable(table string) string { return NormalizedPrefix + table + "/" }

// NormalizedPartition is the prefix of one month of a normalized table.
func NormalizedPartition(table string, m calendar.Month) string {
	return NormalizedTable(table) + part("month", m)
}

// Normalized is the Parquet file holding one raw object's rows of one month.
func Normalized(table string, m calendar.Month, rawKey string) string {
	return NormalizedPartition(table, m) + SourceTag(rawKey) + ".parquet"
}

// NormalizedKey is a parsed Normalized key.
type NormalizedKey struct {
	Table string
	Month calendar.Month
	Tag   string
}

// ParseNormalized parses a key made by Normalized.
func ParseNormalized(key string) (NormalizedKey, bool) {
	rest, ok := strings.CutPrefix(key, NormalizedPrefix)
	if !ok {
		return NormalizedKey{}, false
	}
	f := strings.Split(rest, "/")
	if len(f) != 3 || f[0] == "" {
		return NormalizedKey{}, false
	}
	ms, ok := strings.CutPrefix(f[1], "month=")
	if !ok {
		return NormalizedKey{}, false
	}
	m, err := calendar.ParseMonth(ms)
	if err != nil {
		return NormalizedKey{}, false
	}
	tag, ok := strings.CutSuffix(f[2], ".parquet")
	if !ok || tag == "" {
		return NormalizedKey{}, false
	}
	return NormalizedKey{Table: f[0], Month: m, Tag: tag}, true
}

// Quarantine is where the rejected rows of a raw object are written, one
// JSON object per line.
func Quarantine(rawKey string) string { return QuarantinePrefix + rawKey + ".rejected.jsonl" }

// IngestReport is where the ingest report of a raw object is written.
func IngestReport(rawKey string) string { return IngestReportPrefix + rawKey + ".json" }

// RawOfIngestReport returns the raw key an ingest report key is for.
func RawOfIngestReport(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, IngestReportPrefix)
	if !ok {
		return "", false
	}
	raw, ok := strings.CutSuffix(rest, ".json")
	if !ok || !strings.HasPrefix(raw, RawPrefix) {
		return "", false
	}
	return raw, true
}

// Scorecard tables written by the close, one Parquet file per version.
const (
	ScorecardEmployees = "scorecards/employees/"
	ScorecardKPIs      = "scorecards/kpis/"
	ScorecardEvidence  = "scorecards/evidence/"
	// ScorecardPublished holds one schema.PublishedVersion file per
	// published version, written after its manifest (the latest_* views
	// join on it).
	ScorecardPublished = "scorecards/published/"
)

// PublishedVersion is the published-version marker of a version:
// scorecards/published/month=M/v<N>.parquet, written after the manifest.
func PublishedVersion(m calendar.Month, v int32) string {
	return ScorecardFile(ScorecardPublished, m, v)
}

// ScorecardFile is the Parquet file of one version in one scorecard table
// (ScorecardEmployees, ScorecardKPIs, ScorecardEvidence).
func ScorecardFile(table string, m calendar.Month, v int32) string {
	return table + part("month", m) + versionName(v) + ".parquet"
}

// Rankings is the rankings file of one version.
func Rankings(m calendar.Month, v int32) string {
	return RankingsPrefix + part("month", m) + versionName(v) + ".parquet"
}

// Annual is the annual scorecards file of one version of a year.
func Annual(year int, v int32) string {
	return AnnualPrefix(year) + versionName(v) + ".parquet"
}

// PayrollMonth is the prefix holding every version of a month.
func PayrollMonth(m calendar.Month) string { return PayrollPrefix + part("month", m) }

// PayrollVersion is the directory of one version: payroll/month=M/v<N>/.
func PayrollVersion(m calendar.Month, v int32) string {
	return PayrollMonth(m) + versionName(v) + "/"
}

// PayrollCSV, PayrollParquet, Manifest and Approval are the files of a version.
func PayrollCSV(m calendar.Month, v int32) string { return PayrollVersion(m, v) + PayrollCSVName }

// PayrollParquet is the salary-multiplier table as Parquet.
func PayrollParquet(m calendar.Month, v int32) string {
	return PayrollVersion(m, v) + PayrollParquetName
}

// Manifest is written last: a version without it is incomplete.
func Manifest(m calendar.Month, v int32) string { return PayrollVersion(m, v) + ManifestName }

// Approval is the approver's record of a version (spec §8).
func Approval(m calendar.Month, v int32) string { return PayrollVersion(m, v) + ApprovalName }

// ParsePayroll parses a key under payroll/month=M/v<N>/ into the month, the
// version and the file name inside the version directory.
func ParsePayroll(key string) (m calendar.Month, v int32, file string, ok bool) {
	rest, ok := strings.CutPrefix(key, PayrollPrefix+"month=")
	if !ok {
		return m, 0, "", false
	}
	f := strings.SplitN(rest, "/", 3)
	if len(f) != 3 {
		return m, 0, "", false
	}
	m, err := calendar.ParseMonth(f[0])
	if err != nil {
		return m, 0, "", false
	}
	v, ok = parseVersion(f[1])
	if !ok {
		return m, 0, "", false
	}
	return m, v, f[2], true
}

func parseVersion(s string) (int32, bool) {
	ds, ok := strings.CutPrefix(s, "v")
	if !ok || ds == "" || ds[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseInt(ds, 10, 32)
	if err != nil || n <= 0 {
		return 0, false
	}
	return int32(n), true
}

// CloseReport is the close report of a version; ext is "json", "md" or "html".
func CloseReport(m calendar.Month, v int32, ext string) string {
	return CloseReportPrefix + part("month", m) + versionName(v) + "." + ext
}

// Statement is one employee's statement of a version (spec §9). The
// employee id is one path segment whatever it holds (an id from an export
// may contain "/" or be ".."): it is path-escaped, so E1001 stays E1001.
func Statement(m calendar.Month, v int32, employeeID string) string {
	name := url.PathEscape(employeeID)
	if name == "." || name == ".." || name == "" {
		name = strings.ReplaceAll(name, ".", "%2E") + "_"
	}
	return ReportsPrefix + "statements/" + part("month", m) + versionName(v) + "/" + name + ".html"
}

// Readiness is a readiness check's record, named by the time it ran (UTC,
// to the second); the time comes in as a value.
func Readiness(m calendar.Month, at time.Time) string {
	return ReportsPrefix + "readiness/" + part("month", m) + at.UTC().Format("20060102T150405Z") + ".json"
}

// VersionLabel is how a version is written for people: "v3".
func VersionLabel(v int32) string { return versionName(v) }

// AnnualPrefix is the table prefix of the annual scorecards of a year.
func AnnualPrefix(year int) string {
	return ScorecardsPrefix + "annual/year=" + strconv.Itoa(year) + "/"
}

// AnnualPayroll is the prefix of every annual version's directory of a
// year: payroll/annual/year=YYYY/ (not a table: the manifests live here,
// outside the Parquet table's prefix).
func AnnualPayroll(year int) string {
	return PayrollPrefix + "annual/year=" + strconv.Itoa(year) + "/"
}

// AnnualManifest is written last: an annual version without it is incomplete.
func AnnualManifest(year int, v int32) string {
	return AnnualPayroll(year) + versionName(v) + "/" + ManifestName
}

// ParseAnnualManifest parses a key made by AnnualManifest.
func ParseAnnualManifest(key string) (year int, v int32, ok bool) {
	rest, ok := strings.CutPrefix(key, PayrollPrefix+"annual/year=")
	if !ok {
		return 0, 0, false
	}
	f := strings.Split(rest, "/")
	if len(f) != 3 || f[2] != ManifestName || len(f[0]) != 4 {
		return 0, 0, false
	}
	y, err := strconv.Atoi(f[0])
	if err != nil || y < 1000 {
		return 0, 0, false
	}
	if v, ok = parseVersion(f[1]); !ok {
		return 0, 0, false
	}
	return y, v, true
}
