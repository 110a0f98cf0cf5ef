package score

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scorecard/scorecard/pkg/policy"
	"github.com/scorecard/scorecard/pkg/schema"
)

// The evidence (spec §9, table scorecard_evidence) is the items that
// counted toward a KPI, recorded while counting (tickets, surveys,
// evaluations note each item's row index in the employee's acc) and turned
// into schema.Evidence rows when the card is built, on the card's core.
// Summing a KPI's rows gives its numerator, denominator and sample size:
//
//   - on_time_rate: Item ticket, one per ticket evaluated in M; Met = on time.
//   - satisfaction_rate: Item response, one per response in M credited to
//     the employee; Met = satisfied, ViaTicket when credited through the
//     ticket's assignee, Note = the comment (masked at ingest).
//   - complaint_success_rate: Item complaint, one per complaint resolved in
//     M with an outcome; Met = success.
//   - attitude_complaints: Item complaint for each attitude complaint
//     ticket created in M (Met null: each counts 1), plus Item record for
//     each attitude_complaint record for M (its value counts).
//   - responsibility_incidents, communication_errors, avg_peer_review: Item
//     record for each record for M; exam_score and problem_solving_rating:
//     the one record chosen.
//
// The analysis metrics computed from tickets or responses (response and
// resolution times, complaint and repeat rates, cost, survey_count) have
// no evidence rows: survey_count's items are satisfaction's rows, the
// others' are the normalized tickets of M, and copying them would double
// the table for KPIs weighted 0. Rows are in KPI policy
// order, then item id. No customer field is ever copied.

// items are one employee's counted items, as row indexes.
type items struct {
	onTime     []evalTicket // tickets evaluated in M
	complaints []int32      // complaints resolved in M with an outcome
	attTickets []int32      // attitude complaints created in M
	responses  []response   // responses in M credited to the employee
	resp, att  []int32      // responsibility_incident, attitude_complaint records for M
	comm, peer []int32      // communication_error, peer_review records for M
}

type evalTicket struct {
	t        int32 // index in Input.Tickets
	deadline int64 // Unix ms
	onTime   bool
}

type response struct {
	s   int32 // index in Input.Surveys
	via bool  // credited through the ticket's assignee
}

// evArena holds the values the rows of one card point to, allocated once
// with room for all of them (appends never move them).
type evArena struct {
	times []time.Time
	strs  []string
	ints  []int64
	i32s  []int32
	bools []bool
}

func (r *evArena) time(ms int64) *time.Time {
	r.times = append(r.times, time.UnixMilli(ms).UTC())
	return &r.times[len(r.times)-1]
}

func (r *evArena) str(s string) *string {
	r.strs = append(r.strs, s)
	return &r.strs[len(r.strs)-1]
}

func (r *evArena) int(v int64) *int64 {
	r.ints = append(r.ints, v)
	return &r.ints[len(r.ints)-1]
}

func (r *evArena) int32(v int32) *int32 {
	r.i32s = append(r.i32s, v)
	return &r.i32s[len(r.i32s)-1]
}

func (r *evArena) bool(v bool) *bool {
	r.bools = append(r.bools, v)
	return &r.bools[len(r.bools)-1]
}

// evidenceCount is how many rows metric m has for a.
func evidenceCount(m policy.Metric, a *acc) int {
	switch m {
	case policy.MetricOnTimeRate:
		return len(a.ev.onTime)
	case policy.MetricSatisfactionRate:
		return len(a.ev.responses)
	case policy.MetricComplaintSuccessRate:
		return len(a.ev.complaints)
	case policy.MetricAttitudeComplaints:
		return len(a.ev.attTickets) + len(a.ev.att)
	case policy.MetricResponsibilityIncidents:
		return len(a.ev.resp)
	case policy.MetricCommunicationErrors:
		return len(a.ev.comm)
	case policy.MetricAvgPeerReview:
		return len(a.ev.peer)
	case policy.MetricExamScore:
		if a.exam != nil {
			return 1
		}
	case policy.MetricProblemSolvingRating:
		if a.problemSolving != nil {
			return 1
		}
	}
	return 0
}

// evidence builds the rows of a's card under the resolved policy r.
func (c *scoring) evidence(a *acc, r *policy.Resolved) []schema.Evidence {
	n := 0
	for _, k := range r.KPIs {
		n += evidenceCount(k.Metric, a)
	}
	if n == 0 {
		return nil
	}
	// At most 3 times a ticket, 1 a response; 3 strings a row.
	nt := len(a.ev.onTime) + len(a.ev.complaints) + len(a.ev.attTickets)
	ar := &evArena{
		times: make([]time.Time, 0, 3*nt+len(a.ev.responses)),
		strs:  make([]string, 0, 3*n),
		ints:  make([]int64, 0, n),
		i32s:  make([]int32, 0, len(a.ev.responses)),
		bools: make([]bool, 0, n),
	}
	// Tickets and responses are put in id order before their rows are
	// made (sorting row indexes, not rows); records are sorted as rows.
	ts := c.in.Tickets
	slices.SortFunc(a.ev.onTime, func(x, y evalTicket) int { return strings.Compare(ts[x.t].ID, ts[y.t].ID) })
	byID := func(x, y int32) int { return strings.Compare(ts[x].ID, ts[y].ID) }
	slices.SortFunc(a.ev.complaints, byID)
	slices.SortFunc(a.ev.attTickets, byID)
	ss := c.in.Surveys
	slices.SortFunc(a.ev.responses, func(x, y response) int { return strings.Compare(ss[x.s].ResponseID, ss[y.s].ResponseID) })
	rows := make([]schema.Evidence, 0, n)
	minRating := c.p.Surveys.SatisfiedMinRating
	for _, k := range r.KPIs {
		start := len(rows)
		row := func(item, id string) *schema.Evidence {
			rows = append(rows, schema.Evidence{EmployeeID: a.id, KPI: k.ID, Item: item, ItemID: id})
			return &rows[len(rows)-1]
		}
		ticket := func(item string, w int32) *schema.Evidence {
			t := &c.in.Tickets[w]
			e := row(item, t.ID)
			e.TicketID = ar.str(t.ID)
			e.Category = ar.str(category(t))
			if t.CreatedAt != NoTime {
				e.CreatedAt = ar.time(t.CreatedAt)
			}
			if t.ResolvedAt != NoTime {
				e.ResolvedAt = ar.time(t.ResolvedAt)
			}
			if o := outcomeName(t.Outcome); o != "" {
				e.Outcome = ar.str(o)
			}
			return e
		}
		record := func(i int32) {
			v := &c.in.Evaluations[i]
			e := row(schema.EvidenceRecord, v.SourceKey+"#"+strconv.FormatInt(v.SourceRow, 10))
			e.RecordKind = ar.str(v.Kind)
			e.ValueMicro = ar.int(v.ValueCenti * 100)
			if v.Note != "" {
				e.Note = ar.str(v.Note)
			}
		}
		switch k.Metric {
		case policy.MetricOnTimeRate:
			for _, it := range a.ev.onTime {
				e := ticket(schema.EvidenceTicket, it.t)
				e.Deadline = ar.time(it.deadline)
				e.Met = ar.bool(it.onTime)
			}
		case policy.MetricSatisfactionRate:
			for _, it := range a.ev.responses {
				s := &c.in.Surveys[it.s]
				e := row(schema.EvidenceResponse, s.ResponseID)
				e.ResponseID = ar.str(s.ResponseID)
				if s.TicketID != "" {
					e.TicketID = ar.str(s.TicketID)
				}
				e.SubmittedAt = ar.time(s.SubmittedAt)
				e.Rating = ar.int32(s.Rating)
				e.Met = ar.bool(s.Rating >= minRating)
				e.ViaTicket = it.via
				if s.Comment != "" {
					e.Note = ar.str(s.Comment)
				}
			}
		case policy.MetricComplaintSuccessRate:
			for _, w := range a.ev.complaints {
				e := ticket(schema.EvidenceComplaint, w)
				e.Met = ar.bool(c.in.Tickets[w].Outcome == OutcomeSuccess)
			}
		case policy.MetricAttitudeComplaints:
			for _, w := range a.ev.attTickets {
				ticket(schema.EvidenceComplaint, w)
			}
			for _, i := range a.ev.att {
				record(i)
			}
		case policy.MetricResponsibilityIncidents:
			for _, i := range a.ev.resp {
				record(i)
			}
		case policy.MetricCommunicationErrors:
			for _, i := range a.ev.comm {
				record(i)
			}
		case policy.MetricAvgPeerReview:
			for _, i := range a.ev.peer {
				record(i)
			}
		case policy.MetricExamScore:
			if a.exam != nil {
				record(a.exam.idx)
			}
		case policy.MetricProblemSolvingRating:
			if a.problemSolving != nil {
				record(a.problemSolving.idx)
			}
		}
		// Item ids are unique within a KPI (ticket and response ids after
		// de-duplication, a record's key and row), so the order is total;
		// only a KPI with records can be out of order here.
		if seg := rows[start:]; len(seg) > 1 && seg[len(seg)-1].Item == schema.EvidenceRecord {
			slices.SortFunc(seg, func(x, y schema.Evidence) int {
				if d := strings.Compare(x.Item, y.Item); d != 0 {
					return d
				}
				return strings.Compare(x.ItemID, y.ItemID)
			})
		}
	}
	return rows
}

func category(t *Ticket) string {
	if t.Complex {
		return schema.CategoryComplex
	}
	return schema.CategorySimple
}

func outcomeName(o Outcome) string {
	switch o {
	case OutcomeSuccess:
		return schema.OutcomeSuccess
	case OutcomeFailure:
		return schema.OutcomeFailure
	}
	return ""
}
