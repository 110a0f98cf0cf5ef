package bucket

import (
	"testing"
	"time"

	"github.com/scorecard/scorecard/pkg/calendar"
)

func mustMonth(t *testing.T, s string) calendar.Month {
	t.Helper()
	m, err := calendar.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestKeys(t *testing.T) {
	m := mustMonth(t, "2026-09")
	raw := "raw/crm/工单导出 2026-09.csv"
	for _, tc := range []struct{ got, want string }{
		{Raw("crm", "工单导出 2026-09.csv"), raw},
		{NormalizedPartition(TableTickets, m), "normalized/tickets/month=2026-09/"},
		{Normalized(TableTickets, m, raw), "normalized/tickets/month=2026-09/" + SourceTag(raw) + ".parquet"},
		{Quarantine(raw), "quarantine/raw/crm/工单导出 2026-09.csv.rejected.jsonl"},
		{IngestReport(raw), "reports/ingest/raw/crm/工单导出 2026-09.csv.json"},
		{ScorecardFile(ScorecardEmployees, m, 2), "scorecards/employees/month=2026-09/v2.parquet"},
		{ScorecardFile(ScorecardKPIs, m, 1), "scorecards/kpis/month=2026-09/v1.parquet"},
		{ScorecardFile(ScorecardEvidence, m, 1), "scorecards/evidence/month=2026-09/v1.parquet"},
		{PublishedVersion(m, 3), "scorecards/published/month=2026-09/v3.parquet"},
		{Rankings(m, 3), "rankings/month=2026-09/v3.parquet"},
		{Annual(2026, 1), "scorecards/annual/year=2026/v1.parquet"},
		{PayrollMonth(m), "payroll/month=2026-09/"},
		{PayrollVersion(m, 12), "payroll/month=2026-09/v12/"},
		{PayrollCSV(m, 1), "payroll/month=2026-09/v1/salary_multipliers.csv"},
		{PayrollParquet(m, 1), "payroll/month=2026-09/v1/salary_multipliers.parquet"},
		{Manifest(m, 1), "payroll/month=2026-09/v1/manifest.json"},
		{Approval(m, 1), "payroll/month=2026-09/v1/approval.json"},
		{CloseReport(m, 1, "md"), "reports/close/month=2026-09/v1.md"},
		{Statement(m, 1, "E1001"), "reports/statements/month=2026-09/v1/E1001.html"},
		{Statement(m, 1, "a/../b"), "reports/statements/month=2026-09/v1/a%2F..%2Fb.html"},
		{Statement(m, 1, ".."), "reports/statements/month=2026-09/v1/%2E%2E_.html"},
		{Statement(m, 1, "张三 1"), "reports/statements/month=2026-09/v1/%E5%BC%A0%E4%B8%89%201.html"},
		{Readiness(m, time.Date(2026, 10, 3, 2, 0, 0, 0, time.FixedZone("CST", 8*3600))), "reports/readiness/month=2026-09/20261002T180000Z.json"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if len(SourceTag(raw)) != 16 {
		t.Errorf("SourceTag is %d hex digits, want 16", len(SourceTag(raw)))
	}
}

func TestParseRaw(t *testing.T) {
	for _, tc := range []struct {
		key          string
		source, name string
		ok           bool
	}{
		{"raw/crm/a.csv", "crm", "a.csv", true},
		{"raw/survey/sub/dir/b.xlsx", "survey", "sub/dir/b.xlsx", true},
		{"raw/crm/", "", "", false},
		{"raw/crm/sub/", "", "", false},
		{"raw/a.csv", "", "", false},
		{"raw//a.csv", "", "", false},
		{"config/policy.yaml", "", "", false},
	} {
		s, n, ok := ParseRaw(tc.key)
		if s != tc.source || n != tc.name || ok != tc.ok {
			t.Errorf("ParseRaw(%q) = %q, %q, %v; want %q, %q, %v", tc.key, s, n, ok, tc.source, tc.name, tc.ok)
		}
	}
}

func TestParseNormalized(t *testing.T) {
	m := mustMonth(t, "2026-08")
	k := Normalized(TableSurveys, m, "raw/survey/x.csv")
	got, ok := ParseNormalized(k)
	if !ok || got.Table != TableSurveys || got.Month != m || got.Tag != SourceTag("raw/survey/x.csv") {
		t.Fatalf("ParseNormalized(%q) = %+v, %v", k, got, ok)
	}
	for _, bad := range []string{
		"normalized/tickets/month=2026-13/x.parquet",
		"normalized/tickets/2026-09/x.parquet",
		"normalized/tickets/month=2026-09/x.json",
		"normalized/tickets/month=2026-09/.parquet",
		"normalized/tickets/month=2026-09/a/x.parquet",
		"payroll/month=2026-09/v1/manifest.json",
	} {
		if _, ok := ParseNormalized(bad); ok {
			t.Errorf("ParseNormalized(%q) accepted", bad)
		}
	}
}

func TestParsePayroll(t *testing.T) {
	m := mustMonth(t, "2026-09")
	for v := int32(1); v < 30; v += 7 {
		for _, k := range []string{Manifest(m, v), PayrollCSV(m, v), Approval(m, v)} {
			gm, gv, f, ok := ParsePayroll(k)
			if !ok || gm != m || gv != v || PayrollVersion(gm, gv)+f != k {
				t.Errorf("ParsePayroll(%q) = %v %d %q %v", k, gm, gv, f, ok)
			}
		}
	}
	for _, bad := range []string{
		"payroll/month=2026-09/v0/manifest.json",
		"payroll/month=2026-09/v01/manifest.json",
		"payroll/month=2026-09/v/manifest.json",
		"payroll/month=2026-09/x1/manifest.json",
		"payroll/month=2026-09/v1",
		"payroll/month=26-09/v1/manifest.json",
		"payroll/month=2026-09/v99999999999/manifest.json",
	} {
		if _, _, _, ok := ParsePayroll(bad); ok {
			t.Errorf("ParsePayroll(%q) accepted", bad)
		}
	}
}

func TestRawOfIngestReport(t *testing.T) {
	raw := "raw/roster/花名册.xlsx"
	if got, ok := RawOfIngestReport(IngestReport(raw)); !ok || got != raw {
		t.Errorf("RawOfIngestReport(IngestReport(%q)) = %q, %v", raw, got, ok)
	}
	for _, bad := range []string{"reports/ingest/x.json", "reports/ingest/raw/crm/a.csv", "reports/close/month=2026-09/v1.json"} {
		if _, ok := RawOfIngestReport(bad); ok {
			t.Errorf("RawOfIngestReport(%q) accepted", bad)
		}
	}
}

func TestAnnualKeys(t *testing.T) {
	if got := Annual(2026, 2); got != "scorecards/annual/year=2026/v2.parquet" {
		t.Errorf("Annual = %s", got)
	}
	k := AnnualManifest(2026, 3)
	if k != "payroll/annual/year=2026/v3/manifest.json" {
		t.Errorf("AnnualManifest = %s", k)
	}
	if y, v, ok := ParseAnnualManifest(k); !ok || y != 2026 || v != 3 {
		t.Errorf("ParseAnnualManifest(%s) = %d %d %v", k, y, v, ok)
	}
	for _, bad := range []string{"payroll/annual/year=2026/v3/x.json", "payroll/annual/year=26/v3/manifest.json", "payroll/annual/year=2026/v0/manifest.json", "payroll/month=2026-01/v1/manifest.json"} {
		if _, _, ok := ParseAnnualManifest(bad); ok {
			t.Errorf("ParseAnnualManifest(%s) ok", bad)
		}
	}
	if _, _, _, ok := ParsePayroll(k); ok {
		t.Errorf("an annual manifest parses as a monthly payroll key")
	}
}
