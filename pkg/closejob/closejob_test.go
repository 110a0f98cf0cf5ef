package closejob_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/objects"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

func closer(st closejob.Store) *closejob.Job {
	return &closejob.Job{Store: st, Now: sampletest.CloseTime}
}

func closeMonth(t *testing.T, st closejob.Store, req closejob.Request) *closejob.Result {
	t.Helper()
	res, err := closer(st).Run(context.Background(), req)
	require.NoError(t, err)
	return res
}

// TestSampleCloseMatchesExpected checks the demo month against the results
// the sample generator worked out on its own (testdata/expected), and the
// published files byte for byte against golden files (-update rewrites them).
func TestSampleCloseMatchesExpected(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	res := closeMonth(t, st, closejob.Request{Month: scorecard.SampleMonth})
	require.Equal(t, closejob.Published, res.Status)
	require.EqualValues(t, 1, res.Version)

	prefix := "payroll/month=2026-09/v1/"
	csvBytes := sampletest.Read(t, st, prefix+"salary_multipliers.csv")

	t.Run("payroll table equals the independently computed one", func(t *testing.T) {
		want, err := os.ReadFile(filepath.Join(sampletest.Testdata(), "expected", "salary_multipliers-2026-09.csv"))
		require.NoError(t, err)
		require.Equal(t, csvRecords(t, want), csvRecords(t, csvBytes))
	})

	t.Run("every KPI's sample and points equal the independently computed ones", func(t *testing.T) {
		kpis := sampletest.ReadParquet[schema.KPIScore](t, st, "scorecards/kpis/month=2026-09/v1.parquet")
		cards := sampletest.ReadParquet[schema.Scorecard](t, st, "scorecards/employees/month=2026-09/v1.parquet")
		want, err := os.ReadFile(filepath.Join(sampletest.Testdata(), "expected", "scorecards-2026-09.csv"))
		require.NoError(t, err)
		recs := csvRecords(t, want)
		header := recs[0]
		col := func(rec []string, name string) string {
			for i, h := range header {
				if h == name {
					return rec[i]
				}
			}
			t.Fatalf("expected scorecards have no column %s", name)
			return ""
		}
		byEmp := map[string]map[string]schema.KPIScore{}
		for _, k := range kpis {
			require.EqualValues(t, 1, k.Version)
			if byEmp[k.EmployeeID] == nil {
				byEmp[k.EmployeeID] = map[string]schema.KPIScore{}
			}
			byEmp[k.EmployeeID][k.KPI] = k
		}
		cardOf := map[string]schema.Scorecard{}
		for _, c := range cards {
			cardOf[c.EmployeeID] = c
		}
		multiplierOf := map[string]string{}
		for _, rec := range csvRecords(t, csvBytes)[1:] {
			multiplierOf[rec[1]] = rec[6]
		}
		require.Len(t, cards, len(recs)-1)
		points := map[string]string{
			"satisfaction": "satisfaction_points", "on_time": "on_time_points", "complaint_success": "complaint_success_points",
			"responsibility": "responsibility_points", "service_attitude": "service_attitude_points", "skill_exam": "skill_exam_points",
			"communication": "communication_points", "problem_solving": "problem_solving_points",
		}
		samples := map[string]string{"satisfaction": "satisfaction_n", "on_time": "on_time_evaluated", "complaint_success": "complaints_decided"}
		for _, rec := range recs[1:] {
			emp := col(rec, "employee_id")
			t.Run(emp, func(t *testing.T) {
				card, ok := cardOf[emp]
				require.True(t, ok, "no scorecard for %s", emp)
				score, band := "", ""
				if card.ScoreCenti != nil {
					score = payroll.FormatCenti(*card.ScoreCenti)
				}
				if card.Band != nil {
					band = *card.Band
				}
				require.Equal(t, col(rec, "score"), score)
				require.Equal(t, col(rec, "band"), band)
				// The multiplier is pay-derived: it is published only in the
				// payroll table (spec §12), not in the scorecards analysts read.
				if m, ok := multiplierOf[emp]; ok {
					require.Equal(t, col(rec, "multiplier"), m)
				} else {
					require.True(t, card.NotOnRoster, "%s is on the roster but not on the payroll table", emp)
				}
				require.Equal(t, col(rec, "no_activity") == "true", card.NoActivity)
				require.Equal(t, col(rec, "not_on_roster") == "true", card.NotOnRoster)
				require.Equal(t, col(rec, "small_sample") == "true", card.SmallSample)
				for kpi, c := range points {
					k, ok := byEmp[emp][kpi]
					require.True(t, ok, "%s has no %s row", emp, kpi)
					if col(rec, c) == "" {
						require.True(t, k.NotAssessed, "%s %s should be not_assessed", emp, kpi)
						continue
					}
					require.False(t, k.NotAssessed, "%s %s", emp, kpi)
					require.Equal(t, col(rec, c), fmt.Sprintf("%d.%04d", k.PointsMicro/10000, k.PointsMicro%10000), "%s %s points (%s)", emp, kpi, k.Explanation)
				}
				for kpi, c := range samples {
					require.Equal(t, col(rec, c), fmt.Sprint(byEmp[emp][kpi].SampleSize), "%s %s sample size", emp, kpi)
				}
			})
		}
	})

	t.Run("manifest verifies and lists every output", func(t *testing.T) {
		m, err := payroll.ParseManifest(sampletest.Read(t, st, prefix+"manifest.json"))
		require.NoError(t, err)
		require.Equal(t, "2026-09", m.Month)
		require.EqualValues(t, 1, m.Version)
		// scorecards, KPI lines, evidence, CSV, Parquet, rankings, the
		// manager's report and a statement per scored employee (10)
		require.Len(t, m.Outputs, 6+1+10)
		for _, key := range []string{"reports/close/month=2026-09/v1.html", "reports/statements/month=2026-09/v1/E1004.html", "reports/statements/month=2026-09/v1/E1099.html"} {
			require.True(t, slices.ContainsFunc(m.Outputs, func(o payroll.OutputObject) bool { return o.Key == key }), "manifest lacks %s", key)
		}
		require.NotEmpty(t, m.Inputs)
		// Every raw export is traced, with its ETag and ingest counts.
		var sources []string
		for _, s := range m.Sources {
			sources = append(sources, s.Key)
			obj, err := st.Head(context.Background(), s.Key)
			require.NoError(t, err)
			require.Equal(t, obj.ETag, s.ETag, s.Key)
			require.Positive(t, s.RowsRead, s.Key)
		}
		require.ElementsMatch(t, []string{
			"raw/crm/工单导出 2026-09 补充.xlsx", "raw/crm/工单导出 2026-09.csv", "raw/evaluations/考核记录 2026-09.csv",
			"raw/roster/花名册 2026-09.csv", "raw/survey/回访 电话 2026-09.txt", "raw/survey/满意度回访 2026年9月.csv",
		}, sources)
		require.NoError(t, payroll.Verify(context.Background(), m, func(ctx context.Context, key string) (io.ReadCloser, error) {
			rc, _, err := st.Get(ctx, key)
			return rc, err
		}))
	})

	t.Run("golden", func(t *testing.T) {
		sampletest.Golden(t, "salary_multipliers-2026-09.csv", csvBytes)
		sampletest.Golden(t, "close-report-2026-09.md", sampletest.Read(t, st, "reports/close/month=2026-09/v1.md"))
		sampletest.Golden(t, "close-report-2026-09.html", sampletest.Read(t, st, "reports/close/month=2026-09/v1.html"))
		sampletest.Golden(t, "statement-2026-09-E1004.html", sampletest.Read(t, st, "reports/statements/month=2026-09/v1/E1004.html"))
		kpis := sampletest.ReadParquet[schema.KPIScore](t, st, "scorecards/kpis/month=2026-09/v1.parquet")
		var b bytes.Buffer
		for _, k := range kpis {
			fmt.Fprintf(&b, "%s\t%s\t%d\t%s\n", k.EmployeeID, k.KPI, k.PointsMicro, k.Explanation)
		}
		sampletest.Golden(t, "scorecard-kpis-2026-09.tsv", b.Bytes())
	})
}

func csvRecords(t *testing.T, b []byte) [][]string {
	t.Helper()
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	return recs
}

func TestCloseRerunPublishesNothing(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	first := closeMonth(t, st, closejob.Request{Month: "2026-09"})
	require.Equal(t, closejob.Published, first.Status)
	before := sampletest.Snapshot(t, st)
	for _, reopen := range []bool{false, true} {
		again := closeMonth(t, st, closejob.Request{Month: "2026-09", Reopen: reopen})
		require.Equal(t, closejob.Unchanged, again.Status)
		require.EqualValues(t, 1, again.Version)
		require.Equal(t, first.Payroll, again.Payroll)
	}
	require.Equal(t, before, sampletest.Snapshot(t, st), "a re-run with unchanged inputs wrote something")
}

// lateSurvey is an export uploaded after the close: E1006 gets two more
// "very satisfied" responses for September.
const lateSurvey = "\ufeff序号,提交答卷时间,1、工单号,2、您对本次售后服务的满意度,3、处理人工号\r\n" +
	"L1,2026-09-29 10:00:00,,非常满意,E1006\r\n" +
	"L2,2026-09-29 11:00:00,,非常满意,E1006\r\n"

func TestReopenAfterLateSurveyPublishesV2WithDiff(t *testing.T) {
	dir, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	v1 := closeMonth(t, st, closejob.Request{Month: "2026-09"})
	require.Equal(t, closejob.Published, v1.Status)
	v1Files := sampletest.Snapshot(t, st)

	late := filepath.Join(dir, "raw", "survey", "补录 回访 2026-09.csv")
	require.NoError(t, os.WriteFile(late, []byte(lateSurvey), 0o644))
	at := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(late, at, at))
	reps := sampletest.IngestAll(t, st)
	require.Len(t, reps, 1)

	t.Run("without reopen nothing is published", func(t *testing.T) {
		before := sampletest.Snapshot(t, st)
		res := closeMonth(t, st, closejob.Request{Month: "2026-09"})
		require.Equal(t, closejob.ReopenRequired, res.Status)
		require.EqualValues(t, 1, res.Version)
		require.NotEmpty(t, res.Report.Changes)
		require.Equal(t, before, sampletest.Snapshot(t, st))
	})

	t.Run("reopen publishes v2 and the diff", func(t *testing.T) {
		res := closeMonth(t, st, closejob.Request{Month: "2026-09", Reopen: true})
		require.Equal(t, closejob.Published, res.Status)
		require.EqualValues(t, 2, res.Version)
		var changed []string
		for _, c := range res.Report.Changes {
			changed = append(changed, c.EmployeeID)
		}
		require.Contains(t, changed, "E1006")
		m, err := payroll.ParseManifest(sampletest.Read(t, st, "payroll/month=2026-09/v2/manifest.json"))
		require.NoError(t, err)
		require.NotNil(t, m.Previous)
		require.EqualValues(t, 1, *m.Previous)
		// v1 is untouched: every v1 file has the same content.
		after := sampletest.Snapshot(t, st)
		for k, etag := range v1Files {
			if strings.HasPrefix(k, "payroll/") || strings.HasPrefix(k, "scorecards/") {
				require.Equal(t, etag, after[k], "%s changed", k)
			}
		}
		rows := sampletest.ReadParquet[schema.Scorecard](t, st, "scorecards/employees/month=2026-09/v2.parquet")
		for _, r := range rows {
			require.EqualValues(t, 2, r.Version)
		}
		require.Contains(t, string(sampletest.Read(t, st, "reports/close/month=2026-09/v2.md")), "E1006")
		// The pages say what changed and why.
		page := string(sampletest.Read(t, st, "reports/statements/month=2026-09/v2/E1006.html"))
		require.Contains(t, page, "本版本与 v1 的差异")
		require.Contains(t, page, "新增 raw/survey/补录 回访 2026-09.csv")
		require.Regexp(t, `<td>总分</td><td class="n">41.86</td><td class="n">48.52</td>`, page)
		report := string(sampletest.Read(t, st, "reports/close/month=2026-09/v2.html"))
		require.Contains(t, report, "与 v1 的差异")
		require.Regexp(t, `<td>E1006</td><td>变更</td>`, report)
		for k, etag := range v1Files {
			if strings.HasPrefix(k, "reports/statements/") || strings.HasSuffix(k, "v1.html") {
				require.Equal(t, etag, after[k], "%s changed", k)
			}
		}
	})
}

func TestConcurrentClosesPublishOneVersion(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	const n = 6
	var wg sync.WaitGroup
	results := make([]*closejob.Result, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = closer(st).Run(context.Background(), closejob.Request{Month: "2026-09"})
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.EqualValues(t, 1, results[i].Version)
		require.Contains(t, []string{closejob.Published, closejob.RaceLost, closejob.Unchanged}, results[i].Status)
	}
	var versions []string
	for k := range sampletest.Snapshot(t, st) {
		if strings.HasPrefix(k, "payroll/month=2026-09/") && strings.HasSuffix(k, "manifest.json") {
			versions = append(versions, k)
		}
	}
	require.Equal(t, []string{"payroll/month=2026-09/v1/manifest.json"}, versions)
}

func TestMonthForScheduledTime(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	for _, name := range []string{"scheduler-close.json", "scheduler-close-utc.json", "manual-close.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(sampletest.Testdata(), "events", name))
			require.NoError(t, err)
			var req closejob.Request
			require.NoError(t, json.Unmarshal(raw, &req))
			m, err := closejob.MonthFor(req, loc)
			require.NoError(t, err)
			require.Equal(t, "2026-09", m.String())
		})
	}
	t.Run("first of the month at 02:00 Shanghai is still the previous UTC day", func(t *testing.T) {
		m, err := closejob.MonthFor(closejob.Request{ScheduledTime: "2026-09-30T18:00:00Z"}, loc)
		require.NoError(t, err)
		require.Equal(t, "2026-09", m.String())
	})
	t.Run("neither month nor time", func(t *testing.T) {
		_, err := closejob.MonthFor(closejob.Request{}, loc)
		require.Error(t, err)
	})
}

// TestCloseRefusesForeignBytesInItsVersion: a file of the version being
// published already exists with other content (a close that died half-way
// with other inputs, or a hand-made file). Write-once must refuse it: the
// close stops naming the version, and writes no manifest, so payroll never
// trusts a version whose files are not the ones the manifest describes.
func TestCloseRefusesForeignBytesInItsVersion(t *testing.T) {
	for _, name := range []string{bucket.PayrollCSVName, bucket.PayrollParquetName} {
		t.Run(name, func(t *testing.T) {
			_, st := sampletest.Store(t)
			sampletest.IngestAll(t, st)
			m, err := calendar.ParseMonth("2026-09")
			require.NoError(t, err)
			foreign := []byte("employee_id,payout\r\nE1001,999999.00\r\n")
			key := bucket.PayrollVersion(m, 1) + name
			_, err = st.Put(context.Background(), key, bytes.NewReader(foreign), int64(len(foreign)), store.PutOptions{})
			require.NoError(t, err)

			_, err = closer(st).Run(context.Background(), closejob.Request{Month: "2026-09"})
			require.ErrorIs(t, err, objects.ErrConflict)
			require.ErrorContains(t, err, bucket.PayrollVersion(m, 1))
			require.Equal(t, foreign, sampletest.Read(t, st, key), "the existing file was overwritten")
			_, err = st.Head(context.Background(), bucket.Manifest(m, 1))
			require.ErrorIs(t, err, store.ErrNotExist, "a manifest was written over files it does not describe")
		})
	}
}

// TestNoActivityInTheCloseReport: E1010 (hired 09-10, no work) is
// no_activity (spec §8). The close report lists them under "To review"
// (JSON to_review) and leaves them out of the band counts; with the default
// policy they are on the payroll table at 1.00, with no_activity.exclude
// they are not.
func TestNoActivityInTheCloseReport(t *testing.T) {
	for _, tt := range []struct {
		name, policy, payroll, total string
		rows                         int
	}{
		// E1010 was hired on 09-10: 15 of September's 22 working days,
		// 4000.00 × 1.00 × 15/22 = 2727.27 (proration, spec §11).
		{"default policy: paid the base", "", "multiplier 1.00", "49187.27", 9},
		{"exclude: left out of the payroll table", "  exclude: true\n", "excluded", "46460.00", 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, st := sampletest.Store(t)
			if tt.policy != "" {
				doc := strings.Replace(string(policy.DefaultYAML()), "  multiplier: \"1.00\"\n  exclude: false\n", tt.policy, 1)
				require.NoError(t, os.WriteFile(filepath.Join(dir, "config", "policy.yaml"), []byte(doc), 0o644))
			}
			sampletest.IngestAll(t, st)
			res := closeMonth(t, st, closejob.Request{Month: "2026-09"})
			require.Equal(t, closejob.Published, res.Status)
			rep := res.Report
			require.Equal(t, []closejob.ReviewLine{{EmployeeID: "E1010", Reason: closejob.ReasonNoActivity, Payroll: tt.payroll}}, rep.ToReview)
			require.Equal(t, map[string]int{"A": 3, "B": 3, "C": 2, "D": 1}, rep.BandCounts, "E1010 has no band")
			require.Equal(t, tt.rows, rep.PayrollRows)
			require.Len(t, res.Payroll, tt.rows)
			require.Equal(t, tt.total, rep.TotalPayout)

			md := string(sampletest.Read(t, st, "reports/close/month=2026-09/v1.md"))
			require.Contains(t, md, "\n## To review\n\n| employee | reason | payroll |\n|---|---|---|\n| E1010 | no_activity | "+tt.payroll+" |\n")
			var js struct {
				ToReview []map[string]string `json:"to_review"`
			}
			require.NoError(t, json.Unmarshal(sampletest.Read(t, st, "reports/close/month=2026-09/v1.json"), &js))
			require.Equal(t, []map[string]string{{"employee_id": "E1010", "reason": "no_activity", "payroll": tt.payroll}}, js.ToReview)

			csvText := string(sampletest.Read(t, st, "payroll/month=2026-09/v1/salary_multipliers.csv"))
			if tt.rows == 9 {
				require.Contains(t, csvText, "\r\n2026-09,E1010,冯若曦,售后二组,,,1.00,4000.00,2727.27,15,22\r\n")
			} else {
				require.NotContains(t, csvText, "E1010")
			}
		})
	}
}

// streamOnly is a store whose objects can only be streamed, as from S3: the
// close copies them to local files rather than reading them in place.
type streamOnly struct{ closejob.Store }

func (s streamOnly) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	rc, obj, err := s.Store.Get(ctx, key)
	return struct{ io.ReadCloser }{rc}, obj, err
}

func TestCloseOfAStreamOnlyStorePublishesTheSameBytes(t *testing.T) {
	_, direct := sampletest.Store(t)
	sampletest.IngestAll(t, direct)
	_, streamed := sampletest.Store(t)
	sampletest.IngestAll(t, streamed)
	closeMonth(t, direct, closejob.Request{Month: scorecard.SampleMonth})
	job := &closejob.Job{Store: streamOnly{streamed}, TempDir: t.TempDir(), Now: sampletest.CloseTime}
	got, err := job.Run(context.Background(), closejob.Request{Month: scorecard.SampleMonth})
	require.NoError(t, err)
	require.Equal(t, closejob.Published, got.Status)
	for _, key := range []string{
		"payroll/month=2026-09/v1/salary_multipliers.csv", "payroll/month=2026-09/v1/salary_multipliers.parquet",
		"payroll/month=2026-09/v1/manifest.json", "scorecards/kpis/month=2026-09/v1.parquet", "scorecards/employees/month=2026-09/v1.parquet",
	} {
		require.Equal(t, sampletest.Read(t, direct, key), sampletest.Read(t, streamed, key), key)
	}
}
