package closejob

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scorecard/scorecard/pkg/normalized"
	"github.com/scorecard/scorecard/pkg/schema"
	"github.com/scorecard/scorecard/pkg/score"
)

// The close reads the scorer's rows column by column; they must be exactly
// what the row conversions of pkg/score make of whole rows.

func pick[T any](r *rand.Rand, vs ...T) T { return vs[r.IntN(len(vs))] }

func maybe[T any](r *rand.Rand, v T) *T {
	if r.IntN(3) == 0 {
		return nil
	}
	return &v
}

func encode[T any](t *testing.T, rows []T) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, normalized.WriteAll(&buf, rows))
	return bytes.NewReader(buf.Bytes())
}

func TestColumnReadsMatchRowConversions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	at := func() time.Time {
		return time.UnixMilli(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).UnixMilli() + r.Int64N(90*24*3600*1000)).UTC()
	}
	const n = 5000 // several pages per column
	tickets := make([]schema.Ticket, n)
	surveys := make([]schema.Survey, n)
	evals := make([]schema.Evaluation, n)
	for i := range n {
		lin := schema.Lineage{SourceKey: pick(r, "raw/crm/a.csv", "raw/crm/b.csv", ""), SourceRow: int64(i + 1), SourceUploadedAt: at()}
		tickets[i] = schema.Ticket{
			TicketID: fmt.Sprintf("T%06d", r.IntN(n)), CreatedAt: at(),
			FirstResponseAt: maybe(r, at()), ResolvedAt: maybe(r, at()), UpdatedAt: maybe(r, at()),
			Status:     maybe(r, pick(r, schema.StatusOpen, schema.StatusResolved, schema.StatusClosed, schema.StatusCancelled, "odd")),
			AssigneeID: pick(r, "E1", "E2", "", "E3"), AssigneeName: maybe(r, pick(r, "王伟", "", "李娜")),
			Category:      pick(r, schema.CategorySimple, schema.CategoryComplex),
			IsComplaint:   r.IntN(2) == 0,
			ComplaintType: maybe(r, pick(r, schema.ComplaintTypeAttitude, "维修质量")), ComplaintOutcome: maybe(r, pick(r, schema.OutcomeSuccess, schema.OutcomeFailure, "odd")),
			ReopenedCount: maybe(r, int32(r.IntN(3))), CostFen: maybe(r, r.Int64N(1e6)-1000),
			CustomerKey: maybe(r, "k"), Channel: maybe(r, "电话"),
			Lineage: lin,
		}
		surveys[i] = schema.Survey{
			ResponseID: fmt.Sprintf("R%06d", r.IntN(n)), TicketID: maybe(r, fmt.Sprintf("T%06d", r.IntN(n))),
			EmployeeID: maybe(r, pick(r, "E1", "E2", "")), SubmittedAt: at(), Rating: int32(r.IntN(5) + 1),
			Method: maybe(r, "phone"), Comment: maybe(r, "好"), Lineage: lin,
		}
		evals[i] = schema.Evaluation{
			EmployeeID: pick(r, "E1", "E2"), Month: pick(r, "2026-08", "2026-09"), Kind: pick(r, schema.KindExamScore, schema.KindPeerReview),
			ValueCenti: r.Int64N(10000), Note: maybe(r, "n"), Lineage: lin,
		}
	}

	t.Run("tickets", func(t *testing.T) {
		in := &inputs{sourceKeys: map[string]bool{}, tickets: []score.Ticket{{ID: "kept"}}}
		want := []score.Ticket{{ID: "kept"}}
		for i := range tickets {
			want = append(want, score.TicketFromSchema(&tickets[i]))
		}
		readAll(t, in.readTickets, encode(t, tickets), n)
		require.Equal(t, want, in.tickets)
		require.Equal(t, map[string]bool{"raw/crm/a.csv": true, "raw/crm/b.csv": true, "": true}, in.sourceKeys)
	})
	t.Run("surveys", func(t *testing.T) {
		in := &inputs{sourceKeys: map[string]bool{}}
		var want []score.Survey
		for i := range surveys {
			want = append(want, score.SurveyFromSchema(&surveys[i]))
		}
		readAll(t, in.readSurveys, encode(t, surveys), n)
		require.Equal(t, want, in.surveys)
	})
	t.Run("evaluations", func(t *testing.T) {
		in := &inputs{sourceKeys: map[string]bool{}}
		var want []score.Evaluation
		for i := range evals {
			want = append(want, score.EvaluationFromSchema(&evals[i]))
		}
		readAll(t, in.readEvaluations, encode(t, evals), n)
		require.Equal(t, want, in.evaluations)
	})
}

func readAll(t *testing.T, read func(io.ReaderAt, int64) (int64, error), r *bytes.Reader, want int64) {
	t.Helper()
	got, err := read(r, r.Size())
	require.NoError(t, err)
	require.Equal(t, want, got)
}
