package closejob_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard"
	"github.com/scorecard/scorecard/internal/sampletest"
	"github.com/scorecard/scorecard/pkg/bucket"
	"github.com/scorecard/scorecard/pkg/calendar"
	"github.com/scorecard/scorecard/pkg/closejob"
	"github.com/scorecard/scorecard/pkg/payroll"
	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// TestEvidencePublished: the sample close publishes
// scorecards/evidence/month=2026-09/v1.parquet, listed in the manifest with
// its checksum, before the manifest; every card's rows add up to its KPI
// lines (score.CheckEvidence), and the rows are golden.
func TestEvidencePublished(t *testing.T) {
	_, st := sampletest.Store(t)
	sampletest.IngestAll(t, st)
	res := closeMonth(t, st, closejob.Request{Month: scorecard.SampleMonth})
	require.Equal(t, closejob.Published, res.Status)
	m, err := calendar.ParseMonth(scorecard.SampleMonth)
	require.NoError(t, err)
	key := bucket.ScorecardFile(bucket.ScorecardEvidence, m, 1)
	require.Equal(t, "scorecards/evidence/month=2026-09/v1.parquet", key)

	man, err := payroll.ParseManifest(sampletest.Read(t, st, bucket.Manifest(m, 1)))
	require.NoError(t, err)
	i := slices.IndexFunc(man.Outputs, func(o payroll.OutputObject) bool { return o.Key == key })
	require.GreaterOrEqual(t, i, 0, "the manifest does not list %s", key)
	require.Equal(t, payroll.OutputOf(key, sampletest.Read(t, st, key), man.Outputs[i].Rows), man.Outputs[i])

	rows := sampletest.ReadParquet[schema.Evidence](t, st, key)
	require.EqualValues(t, len(rows), man.Outputs[i].Rows)
	require.NotEmpty(t, rows)
	cards := sampletest.ReadParquet[schema.Scorecard](t, st, bucket.ScorecardFile(bucket.ScorecardEmployees, m, 1))
	kpis := sampletest.ReadParquet[schema.KPIScore](t, st, bucket.ScorecardFile(bucket.ScorecardKPIs, m, 1))
	byEmp := map[string]*score.Card{}
	for _, c := range cards {
		byEmp[c.EmployeeID] = &score.Card{Scorecard: c}
	}
	for _, k := range kpis {
		byEmp[k.EmployeeID].KPIs = append(byEmp[k.EmployeeID].KPIs, k)
	}
	for _, e := range rows {
		require.EqualValues(t, 1, e.Version)
		c := byEmp[e.EmployeeID]
		require.NotNil(t, c, "evidence of %s, who has no card", e.EmployeeID)
		c.Evidence = append(c.Evidence, e)
	}
	items := map[string]int{}
	for _, c := range cards {
		require.NoError(t, score.CheckEvidence(byEmp[c.EmployeeID], policy.Default()))
		for _, e := range byEmp[c.EmployeeID].Evidence {
			items[e.Item]++
		}
	}
	for _, item := range []string{schema.EvidenceTicket, schema.EvidenceResponse, schema.EvidenceComplaint, schema.EvidenceRecord} {
		require.Positive(t, items[item], "no %s rows in the sample month", item)
	}

	var b bytes.Buffer
	for _, e := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%v\t%s\t%s\t%s\t%s\n", e.EmployeeID, e.KPI, e.Item, e.ItemID,
			s(e.TicketID), s(e.ResponseID), s(e.Category), tm(e.CreatedAt), tm(e.Deadline), tm(e.ResolvedAt), tm(e.SubmittedAt),
			b3(e.Met), e.ViaTicket, i32(e.Rating), s(e.Outcome), s(e.RecordKind)+" "+i64s(e.ValueMicro), s(e.Note))
	}
	sampletest.Golden(t, "scorecard-evidence-2026-09.tsv", b.Bytes())
}

// TestEvidenceHasNoCustomerData: the evidence table has no customer
// column, and a phone number in a survey comment reaches it masked (it is
// masked at ingest, spec §12).
func TestEvidenceHasNoCustomerData(t *testing.T) {
	typ := reflect.TypeFor[schema.Evidence]()
	for f := range typ.Fields() {
		tag := strings.ToLower(f.Tag.Get("parquet"))
		for _, bad := range []string{"customer", "phone", "mobile", "email", "e-mail"} {
			require.NotContains(t, tag, bad, "evidence column %s", f.Name)
		}
	}

	dir, st := sampletest.Store(t)
	late := filepath.Join(dir, "raw", "survey", "回访 留言 2026-09.csv")
	require.NoError(t, os.WriteFile(late, []byte("\ufeff序号,提交答卷时间,1、工单号,2、您对本次售后服务的满意度,3、处理人工号,意见建议\r\n"+
		"P1,2026-09-28 10:00:00,,不满意,E1006,请回电 13812345678 或 a.b@example.com\r\n"), 0o644))
	at := time.Date(2026, 9, 29, 9, 0, 0, 0, time.UTC)
	require.NoError(t, os.Chtimes(late, at, at))
	sampletest.IngestAll(t, st)
	closeMonth(t, st, closejob.Request{Month: scorecard.SampleMonth})
	m, err := calendar.ParseMonth(scorecard.SampleMonth)
	require.NoError(t, err)
	var note string
	for _, e := range sampletest.ReadParquet[schema.Evidence](t, st, bucket.ScorecardFile(bucket.ScorecardEvidence, m, 1)) {
		// The file is compressed: the check is on the values read back.
		require.NotContains(t, s(e.Note)+" "+e.ItemID+" "+s(e.TicketID), "13812345678")
		require.NotContains(t, s(e.Note), "a.b@example.com")
		if e.ItemID == "P1" {
			note = s(e.Note)
			require.False(t, *e.Met)
		}
	}
	require.Contains(t, note, "138****5678")
}

func s(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func tm(p *time.Time) string {
	if p == nil {
		return ""
	}
	return p.UTC().Format("2006-01-02T15:04:05.000Z")
}

func b3(p *bool) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}

func i32(p *int32) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}

func i64s(p *int64) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}
