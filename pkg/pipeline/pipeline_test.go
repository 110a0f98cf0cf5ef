package pipeline_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/pipeline"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// repoTestdata is the top-level testdata directory.
const repoTestdata = "../../testdata"

func testConfig() pipeline.Config {
	return pipeline.Config{CustomerKey: []byte("test-key")}
}

// sampleStore copies the sample exports into a new directory store.
func sampleStore(t *testing.T) (string, *store.Dir) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, scorecard.CopySamples(dir))
	st, err := store.NewDir(dir)
	require.NoError(t, err)
	return dir, st
}

// ingestAll ingests every pending raw/ object and returns the reports by key.
func ingestAll(t *testing.T, st pipeline.Bucket) map[string]*pipeline.IngestReport {
	t.Helper()
	ctx := context.Background()
	in := &pipeline.Ingester{Store: st, Config: testConfig()}
	keys, err := in.Pending(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	reps := map[string]*pipeline.IngestReport{}
	for _, k := range keys {
		rep, err := in.Ingest(ctx, k)
		require.NoError(t, err, k)
		reps[k] = rep
	}
	return reps
}

func closeMonth(t *testing.T, st pipeline.Bucket, req pipeline.CloseRequest) *pipeline.CloseResult {
	t.Helper()
	c := &pipeline.Closer{Store: st, Config: testConfig()}
	res, err := c.Close(context.Background(), req)
	require.NoError(t, err)
	return res
}

// snapshot lists every object with its ETag.
func snapshot(t *testing.T, st pipeline.Bucket) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, st.List(context.Background(), "", func(o store.Object) error {
		m[o.Key] = o.ETag
		return nil
	}))
	return m
}

func readObject(t *testing.T, st pipeline.Bucket, key string) []byte {
	t.Helper()
	rc, _, err := st.Get(context.Background(), key)
	require.NoError(t, err, key)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b
}

func readParquet[T any](t *testing.T, st pipeline.Bucket, key string) []T {
	t.Helper()
	b := readObject(t, st, key)
	var rows []T
	require.NoError(t, normalized.Read[T](bytes.NewReader(b), int64(len(b)), func(batch []T) error {
		rows = append(rows, batch...)
		return nil
	}))
	return rows
}

// expectedIngest is testdata/expected/ingest.json: what each sample export
// must produce, worked out by the sample generator independently of the code.
type expectedIngest struct {
	Key              string           `json:"key"`
	Delimiter        string           `json:"delimiter"`
	RowsRead         int64            `json:"rows_read"`
	Accepted         int64            `json:"accepted"`
	AcceptedByMonth  map[string]int64 `json:"accepted_by_month"`
	RejectedByReason map[string]int64 `json:"rejected_by_reason"`
	IgnoredColumns   []string         `json:"ignored_columns"`
	Rejects          []struct {
		SourceRow int64  `json:"source_row"`
		Line      int64  `json:"line"`
		Field     string `json:"field"`
		Reason    string `json:"reason"`
	} `json:"rejects"`
}

func TestSampleIngestMatchesExpected(t *testing.T) {
	_, st := sampleStore(t)
	reps := ingestAll(t, st)

	raw, err := os.ReadFile(filepath.Join(repoTestdata, "expected", "ingest.json"))
	require.NoError(t, err)
	var want []expectedIngest
	require.NoError(t, json.Unmarshal(raw, &want))
	require.Len(t, reps, len(want))

	for _, w := range want {
		t.Run(w.Key, func(t *testing.T) {
			rep := reps[w.Key]
			require.NotNil(t, rep, "no report for %s", w.Key)
			require.Equal(t, pipeline.StatusOK, rep.Status)
			require.Equal(t, w.RowsRead, rep.RowsRead, "rows read")
			require.Equal(t, w.Accepted, rep.Accepted, "accepted")
			require.Equal(t, rep.RowsRead, rep.Accepted+rep.Rejected, "rows read = accepted + rejected")
			if w.RejectedByReason == nil {
				w.RejectedByReason = map[string]int64{}
			}
			require.Equal(t, w.RejectedByReason, rep.RejectedByReason)
			if w.IgnoredColumns == nil {
				w.IgnoredColumns = []string{}
			}
			require.Equal(t, w.IgnoredColumns, rep.IgnoredColumns)
			got := map[string]int64{}
			for _, o := range rep.Outputs {
				got[o.Month] += o.Rows
				require.Equal(t, pipeline.NormalizedKey(rep.Dataset, o.Month, w.Key), o.Key)
			}
			require.Equal(t, w.AcceptedByMonth, got, "accepted rows by month partition")

			// Every rejected row is in quarantine, with its row, field and reason.
			if len(w.Rejects) == 0 {
				require.Empty(t, rep.QuarantineKey)
				return
			}
			var lines []pipeline.QuarantinedRow
			for _, l := range bytes.Split(bytes.TrimSpace(readObject(t, st, rep.QuarantineKey)), []byte("\n")) {
				var q pipeline.QuarantinedRow
				require.NoError(t, json.Unmarshal(l, &q))
				lines = append(lines, q)
			}
			sort.Slice(lines, func(i, j int) bool { return lines[i].Row < lines[j].Row })
			require.Len(t, lines, len(w.Rejects))
			for i, r := range w.Rejects {
				require.Equal(t, r.SourceRow, lines[i].Row, "reject %d", i)
				require.Equal(t, r.Reason, lines[i].Reason, "reject %d", i)
				require.Equal(t, r.Field, lines[i].Field, "reject %d", i)
				if r.Reason != ingest.ReasonDuplicateTicketID {
					require.Equal(t, r.Line, lines[i].Line, "reject %d line", i)
				}
			}
		})
	}
}

// TestSampleCloseMatchesExpected checks the demo month against the results
// the sample generator worked out on its own (testdata/expected), and the
// published files byte for byte against golden files (-update rewrites them).
func TestSampleCloseMatchesExpected(t *testing.T) {
	_, st := sampleStore(t)
	ingestAll(t, st)
	res := closeMonth(t, st, pipeline.CloseRequest{Month: scorecard.SampleMonth})
	require.Equal(t, pipeline.ClosePublished, res.Status)
	require.EqualValues(t, 1, res.Version)

	prefix := "payroll/month=2026-09/v1/"
	csvBytes := readObject(t, st, prefix+"salary_multipliers.csv")

	t.Run("payroll table equals the independently computed one", func(t *testing.T) {
		want, err := os.ReadFile(filepath.Join(repoTestdata, "expected", "salary_multipliers-2026-09.csv"))
		require.NoError(t, err)
		require.Equal(t, csvRecords(t, want), csvRecords(t, csvBytes))
	})

	t.Run("every KPI's sample and points equal the independently computed ones", func(t *testing.T) {
		kpis := readParquet[schema.KPIScore](t, st, "scorecards/kpis/month=2026-09/v1.parquet")
		cards := readParquet[schema.Scorecard](t, st, "scorecards/employees/month=2026-09/v1.parquet")
		want, err := os.ReadFile(filepath.Join(repoTestdata, "expected", "scorecards-2026-09.csv"))
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
				require.Equal(t, col(rec, "score"), payroll.FormatCenti(card.ScoreCenti))
				require.Equal(t, col(rec, "band"), card.Band)
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
		m, err := payroll.ParseManifest(readObject(t, st, prefix+"manifest.json"))
		require.NoError(t, err)
		require.Equal(t, "2026-09", m.Month)
		require.EqualValues(t, 1, m.Version)
		require.Len(t, m.Outputs, 4)
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
		golden(t, "salary_multipliers-2026-09.csv", csvBytes)
		golden(t, "close-report-2026-09.md", readObject(t, st, "reports/close/month=2026-09/v1.md"))
		kpis := readParquet[schema.KPIScore](t, st, "scorecards/kpis/month=2026-09/v1.parquet")
		var b bytes.Buffer
		for _, k := range kpis {
			fmt.Fprintf(&b, "%s\t%s\t%d\t%s\n", k.EmployeeID, k.KPI, k.PointsMicro, k.Explanation)
		}
		golden(t, "scorecard-kpis-2026-09.tsv", b.Bytes())
	})
}

func csvRecords(t *testing.T, b []byte) [][]string {
	t.Helper()
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	return recs
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(repoTestdata, "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test ./pkg/pipeline -update")
	require.Equal(t, string(want), string(got), "golden %s differs (run go test ./pkg/pipeline -update if the change is intended)", name)
}

func TestCloseRerunPublishesNothing(t *testing.T) {
	_, st := sampleStore(t)
	ingestAll(t, st)
	first := closeMonth(t, st, pipeline.CloseRequest{Month: "2026-09"})
	require.Equal(t, pipeline.ClosePublished, first.Status)
	before := snapshot(t, st)
	for _, reopen := range []bool{false, true} {
		again := closeMonth(t, st, pipeline.CloseRequest{Month: "2026-09", Reopen: reopen})
		require.Equal(t, pipeline.CloseUnchanged, again.Status)
		require.EqualValues(t, 1, again.Version)
		require.Equal(t, first.Payroll, again.Payroll)
	}
	require.Equal(t, before, snapshot(t, st), "a re-run with unchanged inputs wrote something")
}

// lateSurvey is an export uploaded after the close: E1006 gets two more
// "very satisfied" responses for September.
const lateSurvey = "\ufeff序号,提交答卷时间,1、工单号,2、您对本次售后服务的满意度,3、处理人工号\r\n" +
	"L1,2026-09-29 10:00:00,,非常满意,E1006\r\n" +
	"L2,2026-09-29 11:00:00,,非常满意,E1006\r\n"

func TestReopenAfterLateSurveyPublishesV2WithDiff(t *testing.T) {
	dir, st := sampleStore(t)
	ingestAll(t, st)
	v1 := closeMonth(t, st, pipeline.CloseRequest{Month: "2026-09"})
	require.Equal(t, pipeline.ClosePublished, v1.Status)
	v1Files := snapshot(t, st)

	late := filepath.Join(dir, "raw", "survey", "补录 回访 2026-09.csv")
	require.NoError(t, os.WriteFile(late, []byte(lateSurvey), 0o644))
	at := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(late, at, at))
	reps := ingestAll(t, st)
	require.Len(t, reps, 1)

	t.Run("without reopen nothing is published", func(t *testing.T) {
		before := snapshot(t, st)
		res := closeMonth(t, st, pipeline.CloseRequest{Month: "2026-09"})
		require.Equal(t, pipeline.CloseReopenRequired, res.Status)
		require.EqualValues(t, 1, res.Version)
		require.NotEmpty(t, res.Report.Changes)
		require.Equal(t, before, snapshot(t, st))
	})

	t.Run("reopen publishes v2 and the diff", func(t *testing.T) {
		res := closeMonth(t, st, pipeline.CloseRequest{Month: "2026-09", Reopen: true})
		require.Equal(t, pipeline.ClosePublished, res.Status)
		require.EqualValues(t, 2, res.Version)
		var changed []string
		for _, c := range res.Report.Changes {
			changed = append(changed, c.EmployeeID)
		}
		require.Contains(t, changed, "E1006")
		m, err := payroll.ParseManifest(readObject(t, st, "payroll/month=2026-09/v2/manifest.json"))
		require.NoError(t, err)
		require.NotNil(t, m.Previous)
		require.EqualValues(t, 1, *m.Previous)
		// v1 is untouched: every v1 file has the same content.
		after := snapshot(t, st)
		for k, etag := range v1Files {
			if strings.HasPrefix(k, "payroll/") || strings.HasPrefix(k, "scorecards/") {
				require.Equal(t, etag, after[k], "%s changed", k)
			}
		}
		rows := readParquet[schema.Scorecard](t, st, "scorecards/employees/month=2026-09/v2.parquet")
		for _, r := range rows {
			require.EqualValues(t, 2, r.Version)
		}
		require.Contains(t, string(readObject(t, st, "reports/close/month=2026-09/v2.md")), "E1006")
	})
}

func TestConcurrentClosesPublishOneVersion(t *testing.T) {
	_, st := sampleStore(t)
	ingestAll(t, st)
	const n = 6
	var wg sync.WaitGroup
	results := make([]*pipeline.CloseResult, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &pipeline.Closer{Store: st, Config: testConfig()}
			results[i], errs[i] = c.Close(context.Background(), pipeline.CloseRequest{Month: "2026-09"})
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.EqualValues(t, 1, results[i].Version)
		require.Contains(t, []string{pipeline.ClosePublished, pipeline.CloseRaceLost, pipeline.CloseUnchanged}, results[i].Status)
	}
	var versions []string
	for k := range snapshot(t, st) {
		if strings.HasPrefix(k, "payroll/month=2026-09/") && strings.HasSuffix(k, "manifest.json") {
			versions = append(versions, k)
		}
	}
	require.Equal(t, []string{"payroll/month=2026-09/v1/manifest.json"}, versions)
}

func TestIngestRedeliveryRewritesTheSameBytes(t *testing.T) {
	_, st := sampleStore(t)
	ctx := context.Background()
	in := &pipeline.Ingester{Store: st, Config: testConfig()}
	key := "raw/crm/工单导出 2026-09.csv"
	first, err := in.Ingest(ctx, key)
	require.NoError(t, err)
	before := snapshot(t, st)

	again, err := in.Ingest(ctx, key) // a re-delivered event
	require.NoError(t, err)
	require.Equal(t, first, again)
	require.Equal(t, before, snapshot(t, st))

	// Even a full re-ingest (report gone) writes the same keys and bytes.
	require.NoError(t, st.Delete(ctx, pipeline.IngestReportKey(key)))
	_, err = in.Ingest(ctx, key)
	require.NoError(t, err)
	require.Equal(t, before, snapshot(t, st))
}

func TestIngestUnreadableFileLeavesNothingUnderNormalized(t *testing.T) {
	dir, st := sampleStore(t)
	ctx := context.Background()
	in := &pipeline.Ingester{Store: st, Config: testConfig()}
	key := "raw/crm/工单导出 2026-09.csv"
	good, err := in.Ingest(ctx, key)
	require.NoError(t, err)
	require.NotEmpty(t, good.Outputs)

	// The same key re-uploaded without the assignee column: the file fails,
	// and the rows of the earlier version are withdrawn too.
	bad := "工单编号,创建时间\r\nT1,2026-09-01 10:00\r\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(key)), []byte(bad), 0o644))
	rep, err := in.Ingest(ctx, key)
	var fe *ingest.FileError
	require.True(t, errors.As(err, &fe), "want a FileError, got %v", err)
	require.Equal(t, ingest.CodeMissingColumn, fe.Code)
	require.Contains(t, fe.Error(), "assignee_id")
	require.Equal(t, pipeline.StatusFailed, rep.Status)
	for k := range snapshot(t, st) {
		for _, o := range good.Outputs {
			require.NotEqual(t, o.Key, k, "stale rows of the earlier version remain")
		}
	}
	var saved pipeline.IngestReport
	require.NoError(t, json.Unmarshal(readObject(t, st, pipeline.IngestReportKey(key)), &saved))
	require.Equal(t, pipeline.StatusFailed, saved.Status)
	require.Equal(t, ingest.CodeMissingColumn, saved.Error.Code)
}

func TestIngestUnknownPrefixIsReportedAndSkipped(t *testing.T) {
	dir, st := sampleStore(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "raw", "invoices"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "raw", "invoices", "a.csv"), []byte("x\n1\n"), 0o644))
	in := &pipeline.Ingester{Store: st, Config: testConfig()}
	rep, err := in.Ingest(context.Background(), "raw/invoices/a.csv")
	require.NoError(t, err)
	require.Equal(t, pipeline.StatusSkipped, rep.Status)
	require.Contains(t, string(readObject(t, st, pipeline.IngestReportKey("raw/invoices/a.csv"))), "unknown_source")
	for k := range snapshot(t, st) {
		require.False(t, strings.HasPrefix(k, "normalized/"), k)
	}
}

func TestHandleS3EventFixtures(t *testing.T) {
	_, st := sampleStore(t)
	in := &pipeline.Ingester{Store: st, Config: testConfig()}
	for _, name := range []string{"s3-put-crm.json", "s3-put-multi.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(repoTestdata, "events", name))
			require.NoError(t, err)
			var ev struct {
				Records []json.RawMessage
			}
			require.NoError(t, json.Unmarshal(raw, &ev))
			require.NotEmpty(t, ev.Records)
			s3ev := decodeS3Event(t, raw)
			require.NoError(t, in.HandleS3Event(context.Background(), s3ev))
			for _, r := range s3ev.Records {
				key, err := pipeline.EventKey(r)
				require.NoError(t, err)
				require.True(t, strings.HasPrefix(key, "raw/"), key)
				require.NotContains(t, key, "%")
				_, err = st.Head(context.Background(), pipeline.IngestReportKey(key))
				require.NoError(t, err, "no report for %s", key)
			}
		})
	}
}

func TestMonthForScheduledTime(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	for _, name := range []string{"scheduler-close.json", "scheduler-close-utc.json", "manual-close.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(repoTestdata, "events", name))
			require.NoError(t, err)
			var req pipeline.CloseRequest
			require.NoError(t, json.Unmarshal(raw, &req))
			m, err := pipeline.MonthFor(req, loc)
			require.NoError(t, err)
			require.Equal(t, "2026-09", m.String())
		})
	}
	t.Run("first of the month at 02:00 Shanghai is still the previous UTC day", func(t *testing.T) {
		m, err := pipeline.MonthFor(pipeline.CloseRequest{ScheduledTime: "2026-09-30T18:00:00Z"}, loc)
		require.NoError(t, err)
		require.Equal(t, "2026-09", m.String())
	})
	t.Run("neither month nor time", func(t *testing.T) {
		_, err := pipeline.MonthFor(pipeline.CloseRequest{}, loc)
		require.Error(t, err)
	})
}

func decodeS3Event(t *testing.T, raw []byte) events.S3Event {
	t.Helper()
	var ev events.S3Event
	require.NoError(t, json.Unmarshal(raw, &ev))
	return ev
}

// TestIngestEmitsEmbeddedMetrics checks the CloudWatch Embedded Metric Format
// lines the template's alarms read (namespace Scorecard, dimension Source).
func TestIngestEmitsEmbeddedMetrics(t *testing.T) {
	dir, st := sampleStore(t)
	var out bytes.Buffer
	cfg := testConfig()
	cfg.Metrics = &out
	cfg.Now = func() time.Time { return time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC) }
	in := &pipeline.Ingester{Store: st, Config: cfg}
	ctx := context.Background()
	_, err := in.Ingest(ctx, "raw/crm/工单导出 2026-09.csv")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "raw", "crm", "broken.csv"), []byte("工单编号\r\nT1\r\n"), 0o644))
	_, err = in.Ingest(ctx, "raw/crm/broken.csv")
	require.Error(t, err)

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2)
	type emf struct {
		AWS struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Source          string
		QuarantinedRows int64
		RowsAccepted    int64
		FailedFiles     int64
	}
	var ok, failed emf
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &ok))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &failed))
	require.Equal(t, cfg.Now().UnixMilli(), ok.AWS.Timestamp)
	require.Equal(t, "Scorecard", ok.AWS.CloudWatchMetrics[0].Namespace)
	require.Equal(t, [][]string{{"Source"}}, ok.AWS.CloudWatchMetrics[0].Dimensions)
	require.Equal(t, "crm", ok.Source)
	require.EqualValues(t, 6, ok.QuarantinedRows)
	require.EqualValues(t, 122, ok.RowsAccepted)
	require.EqualValues(t, 0, ok.FailedFiles)
	require.EqualValues(t, 1, failed.FailedFiles)
}
