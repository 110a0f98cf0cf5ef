package ingestjob_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/ingest"
	"github.com/scorecard/scorecard/pkg/ingestreport"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/s3event"
)

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

func quarantined(t *testing.T, st sampletest.Getter, key string) []ingestreport.Row {
	t.Helper()
	var lines []ingestreport.Row
	for _, l := range bytes.Split(bytes.TrimSpace(sampletest.Read(t, st, key)), []byte("\n")) {
		var q ingestreport.Row
		require.NoError(t, json.Unmarshal(l, &q))
		lines = append(lines, q)
	}
	return lines
}

func TestSampleIngestMatchesExpected(t *testing.T) {
	_, st := sampletest.Store(t)
	reps := sampletest.IngestAll(t, st)

	raw, err := os.ReadFile(filepath.Join(sampletest.Testdata(), "expected", "ingest.json"))
	require.NoError(t, err)
	var want []expectedIngest
	require.NoError(t, json.Unmarshal(raw, &want))
	require.Len(t, reps, len(want))

	for _, w := range want {
		t.Run(w.Key, func(t *testing.T) {
			rep := reps[w.Key]
			require.NotNil(t, rep, "no report for %s", w.Key)
			require.Equal(t, ingestreport.StatusOK, rep.Status)
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
				m, err := calendar.ParseMonth(o.Month)
				require.NoError(t, err)
				require.Equal(t, bucket.Normalized(rep.Dataset, m, w.Key), o.Key)
			}
			require.Equal(t, w.AcceptedByMonth, got, "accepted rows by month partition")

			// Every rejected row is in quarantine, with its row, field and reason.
			if len(w.Rejects) == 0 {
				require.Empty(t, rep.QuarantineKey)
				return
			}
			lines := quarantined(t, st, rep.QuarantineKey)
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

func TestIngestRedeliveryRewritesTheSameBytes(t *testing.T) {
	_, st := sampletest.Store(t)
	ctx := context.Background()
	in := sampletest.Ingester(st)
	key := "raw/crm/工单导出 2026-09.csv"
	first, err := in.Run(ctx, key)
	require.NoError(t, err)
	before := sampletest.Snapshot(t, st)

	again, err := in.Run(ctx, key) // a re-delivered event
	require.NoError(t, err)
	require.Equal(t, first, again)
	require.Equal(t, before, sampletest.Snapshot(t, st))

	// Even a full re-ingest (report gone) writes the same keys and bytes.
	require.NoError(t, st.Delete(ctx, bucket.IngestReport(key)))
	_, err = in.Run(ctx, key)
	require.NoError(t, err)
	require.Equal(t, before, sampletest.Snapshot(t, st))
}

// TestReuploadReplacesEveryOutput re-uploads an export under the same key
// with rows in fewer months and no rejected rows: the Parquet files of the
// months it no longer has, and its quarantine file, must go.
func TestReuploadReplacesEveryOutput(t *testing.T) {
	dir, st := sampletest.Store(t)
	ctx := context.Background()
	in := sampletest.Ingester(st)
	key := "raw/crm/工单导出 2026-09.csv"
	first, err := in.Run(ctx, key)
	require.NoError(t, err)
	require.Greater(t, len(first.Outputs), 1, "the sample export spans several months")
	require.NotEmpty(t, first.QuarantineKey, "the sample export has rejected rows")

	corrected := "工单编号,创建时间,处理人工号\r\nT1,2026-09-01 10:00,E1001\r\nT2,2026-09-02 11:00,E1002\r\n"
	path := filepath.Join(dir, filepath.FromSlash(key))
	require.NoError(t, os.WriteFile(path, []byte(corrected), 0o644))
	at := time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(path, at, at))
	second, err := in.Run(ctx, key)
	require.NoError(t, err)
	require.Len(t, second.Outputs, 1)
	require.EqualValues(t, 2, second.Accepted)
	require.Empty(t, second.QuarantineKey)

	snap := sampletest.Snapshot(t, st)
	for _, o := range first.Outputs {
		if o.Key == second.Outputs[0].Key {
			continue
		}
		require.NotContains(t, snap, o.Key, "a month the new version no longer has is still published")
	}
	require.NotContains(t, snap, first.QuarantineKey, "the quarantine of the earlier version is still there")
	var tag []string
	for k := range snap {
		if strings.Contains(k, bucket.SourceTag(key)) {
			tag = append(tag, k)
		}
	}
	require.Equal(t, []string{second.Outputs[0].Key}, tag, "exactly the new version's rows are published")
}

func TestIngestUnreadableFileLeavesNothingUnderNormalized(t *testing.T) {
	dir, st := sampletest.Store(t)
	ctx := context.Background()
	in := sampletest.Ingester(st)
	key := "raw/crm/工单导出 2026-09.csv"
	good, err := in.Run(ctx, key)
	require.NoError(t, err)
	require.NotEmpty(t, good.Outputs)
	require.NotEmpty(t, good.QuarantineKey)

	// The same key re-uploaded without the assignee column: the file fails,
	// and the rows and quarantine of the earlier version are withdrawn too.
	bad := "工单编号,创建时间\r\nT1,2026-09-01 10:00\r\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(key)), []byte(bad), 0o644))
	rep, err := in.Run(ctx, key)
	var fe *ingest.FileError
	require.True(t, errors.As(err, &fe), "want a FileError, got %v", err)
	require.Equal(t, ingest.CodeMissingColumn, fe.Code)
	require.Contains(t, fe.Error(), "assignee_id")
	require.Equal(t, ingestreport.StatusFailed, rep.Status)
	snap := sampletest.Snapshot(t, st)
	for _, o := range good.Outputs {
		require.NotContains(t, snap, o.Key, "stale rows of the earlier version remain")
	}
	require.NotContains(t, snap, good.QuarantineKey, "stale quarantine of the earlier version remains")
	saved, err := ingestreport.Parse(sampletest.Read(t, st, bucket.IngestReport(key)))
	require.NoError(t, err)
	require.Equal(t, ingestreport.StatusFailed, saved.Status)
	require.Equal(t, ingest.CodeMissingColumn, saved.Error.Code)
}

// TestInvalidPolicyDoesNotStopIngest: a scoring policy that cannot be used
// stops the close, never the normalizing of files; only its time zone is read.
func TestInvalidPolicyDoesNotStopIngest(t *testing.T) {
	for name, pol := range map[string]string{
		"weights do not add up": "timezone: Asia/Shanghai\nkpis:\n  - id: satisfaction\n    weight: 7\n",
		"not YAML":              "timezone: Asia/Shanghai\nbands: [[[\n",
		"no timezone":           "version: 99\nbands: nonsense\n",
		"unknown time zone":     "timezone: Mars/Olympus\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, perr := policy.Parse([]byte(pol))
			require.Error(t, perr, "the policy must be one the close refuses")
			dir, st := sampletest.Store(t)
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "config"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config", "policy.yaml"), []byte(pol), 0o644))
			rep, err := sampletest.Ingester(st).Run(context.Background(), "raw/crm/工单导出 2026-09.csv")
			require.NoError(t, err)
			require.Equal(t, ingestreport.StatusOK, rep.Status)
			require.EqualValues(t, 122, rep.Accepted)
			if name == "unknown time zone" {
				// The zone itself cannot be found: the default is used, and said.
				require.Len(t, rep.Warnings, 1)
				require.Contains(t, rep.Warnings[0], "Mars/Olympus")
			} else {
				require.Empty(t, rep.Warnings)
			}
		})
	}
}

func TestIngestUnknownPrefixIsReportedAndSkipped(t *testing.T) {
	dir, st := sampletest.Store(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "raw", "invoices"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "raw", "invoices", "a.csv"), []byte("x\n1\n"), 0o644))
	rep, err := sampletest.Ingester(st).Run(context.Background(), "raw/invoices/a.csv")
	require.NoError(t, err)
	require.Equal(t, ingestreport.StatusSkipped, rep.Status)
	require.Contains(t, string(sampletest.Read(t, st, bucket.IngestReport("raw/invoices/a.csv"))), "unknown_source")
	for k := range sampletest.Snapshot(t, st) {
		require.False(t, strings.HasPrefix(k, "normalized/"), k)
	}
}

func TestHandleEventFixtures(t *testing.T) {
	_, st := sampletest.Store(t)
	in := sampletest.Ingester(st)
	for _, name := range []string{"s3-put-crm.json", "s3-put-multi.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(sampletest.Testdata(), "events", name))
			require.NoError(t, err)
			var ev s3event.Event
			require.NoError(t, json.Unmarshal(raw, &ev))
			require.NotEmpty(t, ev.Records)
			require.NoError(t, in.HandleEvent(context.Background(), ev))
			for _, r := range ev.Records {
				key, err := r.Key()
				require.NoError(t, err)
				_, err = st.Head(context.Background(), bucket.IngestReport(key))
				require.NoError(t, err, "no report for %s", key)
			}
		})
	}
}

// TestIngestEmitsEmbeddedMetrics checks the CloudWatch Embedded Metric Format
// lines the template's alarms read (namespace Scorecard, dimension Source).
func TestIngestEmitsEmbeddedMetrics(t *testing.T) {
	dir, st := sampletest.Store(t)
	var out bytes.Buffer
	in := sampletest.Ingester(st)
	in.Metrics = &out
	in.Now = func() time.Time { return time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	_, err := in.Run(ctx, "raw/crm/工单导出 2026-09.csv")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "raw", "crm", "broken.csv"), []byte("工单编号\r\nT1\r\n"), 0o644))
	_, err = in.Run(ctx, "raw/crm/broken.csv")
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
	require.Equal(t, in.Now().UnixMilli(), ok.AWS.Timestamp)
	require.Equal(t, "Scorecard", ok.AWS.CloudWatchMetrics[0].Namespace)
	require.Equal(t, [][]string{{"Source"}}, ok.AWS.CloudWatchMetrics[0].Dimensions)
	require.Equal(t, "crm", ok.Source)
	require.EqualValues(t, 6, ok.QuarantinedRows)
	require.EqualValues(t, 122, ok.RowsAccepted)
	require.EqualValues(t, 0, ok.FailedFiles)
	require.EqualValues(t, 1, failed.FailedFiles)
}

// TestReportSaysWhichEvidenceDecidedTheEncoding: a short GBK export that is
// also valid UTF-8 (谢谢 = D0BB D0BB = "лл") is read as GB18030, and the
// report says why.
func TestReportSaysWhichEvidenceDecidedTheEncoding(t *testing.T) {
	dir, st := sampletest.Store(t)
	gbk := []byte("ticket_id,created_at,assignee_id,channel\r\nT1,2026-09-01 10:00,E1001,\xd0\xbb\xd0\xbb\r\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "raw", "crm", "short.csv"), gbk, 0o644))
	rep, err := sampletest.Ingester(st).Run(context.Background(), "raw/crm/short.csv")
	require.NoError(t, err)
	require.Equal(t, "gb18030", rep.Encoding)
	require.Equal(t, "utf8_implausible_gb2312", rep.EncodingEvidence)
	saved, err := ingestreport.Parse(sampletest.Read(t, st, bucket.IngestReport("raw/crm/short.csv")))
	require.NoError(t, err)
	require.Equal(t, "utf8_implausible_gb2312", saved.EncodingEvidence)
}

type deadLetters struct{ bodies []string }

func (d *deadLetters) Send(_ context.Context, body []byte) error {
	d.bodies = append(d.bodies, string(body))
	return nil
}

// TestUndecodableKeyGoesToTheFailureQueueOnce: an event record whose key
// can never be decoded is sent to the failure queue once and not returned
// as an error (which would have the platform retry it twice first); the
// other records of the event are ingested.
func TestUndecodableKeyGoesToTheFailureQueueOnce(t *testing.T) {
	_, st := sampletest.Store(t)
	dead := &deadLetters{}
	in := sampletest.Ingester(st)
	in.DeadLetter = dead
	var ev s3event.Event
	ev.Records = make([]s3event.Record, 2)
	ev.Records[0].S3.Object.Key = "raw/crm/%zz.csv"
	ev.Records[1].S3.Object.Key = "raw%2Fcrm%2F%E5%B7%A5%E5%8D%95%E5%AF%BC%E5%87%BA+2026-09.csv"
	require.NoError(t, in.HandleEvent(context.Background(), ev))
	require.Len(t, dead.bodies, 1)
	require.Contains(t, dead.bodies[0], "%zz")
	_, err := st.Head(context.Background(), bucket.IngestReport("raw/crm/工单导出 2026-09.csv"))
	require.NoError(t, err, "the good record was not ingested")
}
