package score

import (
	"math"
	"time"

	"github.com/scorecard/scorecard/pkg/schema"
)

// NoTime marks a missing timestamp in the compact rows. It is the smallest
// int64, so a row without UpdatedAt sorts before (is older than) any row
// with one.
const NoTime int64 = math.MinInt64

// Status is a ticket status.
type Status uint8

// Ticket statuses; StatusUnknown is a null status.
const (
	StatusUnknown Status = iota
	StatusOpen
	StatusResolved
	StatusClosed
	StatusCancelled
)

// Outcome is a complaint outcome.
type Outcome uint8

// Complaint outcomes; pending is a null outcome.
const (
	OutcomePending Outcome = iota
	OutcomeSuccess
	OutcomeFailure
)

// Ticket is the compact form of schema.Ticket the close holds in memory
// (about 136 bytes plus its strings; a close may hold millions). Times are
// Unix milliseconds, NoTime when null.
type Ticket struct {
	ID           string
	Assignee     string
	AssigneeName string // "" when null; a name for people not on the roster
	SourceKey    string

	CreatedAt       int64 // NoTime (a zero time): the ticket counts in no KPI
	ResolvedAt      int64 // NoTime: unresolved
	FirstResponseAt int64 // NoTime: none
	UpdatedAt       int64 // NoTime: none (older than any row with one)
	UploadedAt      int64 // source_uploaded_at
	SourceRow       int64
	CostFen         int64 // valid when HasCost
	Reopened        int32

	Status  Status
	Outcome Outcome
	Complex bool
	// Complaint: is_complaint, or complaint_type attitude.
	Complaint bool
	// AttitudeComplaint: complaint_type attitude.
	AttitudeComplaint bool
	HasCost           bool
}

// Survey is the compact form of schema.Survey (about 112 bytes plus its
// strings). Times are Unix milliseconds.
type Survey struct {
	ResponseID string
	TicketID   string // "" when null
	EmployeeID string // "" when null
	SourceKey  string

	SubmittedAt int64
	UploadedAt  int64
	SourceRow   int64
	Rating      int32

	// Comment is the masked comment ("" when null), for the evidence.
	Comment string
}

// Evaluation is the compact form of schema.Evaluation.
type Evaluation struct {
	EmployeeID string
	Month      string // "YYYY-MM"
	Kind       string // schema.Kind*
	SourceKey  string

	ValueCenti int64 // value ×100
	UploadedAt int64 // Unix ms
	SourceRow  int64
	Note       string // the masked note ("" when null), for the evidence
}

func ms(t *time.Time) int64 {
	if t == nil || t.IsZero() {
		return NoTime
	}
	return t.UnixMilli()
}

// zeroMillis is the zero time.Time in Unix milliseconds.
var zeroMillis = time.Time{}.UnixMilli()

// Millis is the compact form of a timestamp read as Unix milliseconds
// (a TIMESTAMP(MILLIS) column's value): NoTime for the zero time, as the
// row types' conversions (TicketFromSchema) make it.
func Millis(v int64) int64 {
	if v == zeroMillis {
		return NoTime
	}
	return v
}

// StatusOf returns the Status of a normalized ticket status (schema.Status*);
// "" (null) and anything unrecognised is StatusUnknown.
func StatusOf(s string) Status {
	switch s {
	case schema.StatusOpen:
		return StatusOpen
	case schema.StatusResolved:
		return StatusResolved
	case schema.StatusClosed:
		return StatusClosed
	case schema.StatusCancelled:
		return StatusCancelled
	}
	return StatusUnknown
}

// OutcomeOf returns the Outcome of a normalized complaint outcome
// (schema.Outcome*); "" (null) and anything unrecognised is pending.
func OutcomeOf(s string) Outcome {
	switch s {
	case schema.OutcomeSuccess:
		return OutcomeSuccess
	case schema.OutcomeFailure:
		return OutcomeFailure
	}
	return OutcomePending
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TicketFromSchema converts a normalized ticket row. An unrecognised status
// is StatusUnknown, an unrecognised outcome pending; a ticket whose
// complaint_type is attitude is a complaint even if is_complaint is false.
func TicketFromSchema(t *schema.Ticket) Ticket {
	c := Ticket{
		ID:              t.TicketID,
		Assignee:        t.AssigneeID,
		AssigneeName:    str(t.AssigneeName),
		SourceKey:       t.SourceKey,
		CreatedAt:       ms(&t.CreatedAt),
		ResolvedAt:      ms(t.ResolvedAt),
		FirstResponseAt: ms(t.FirstResponseAt),
		UpdatedAt:       ms(t.UpdatedAt),
		UploadedAt:      t.SourceUploadedAt.UnixMilli(),
		SourceRow:       t.SourceRow,
		Status:          StatusOf(str(t.Status)),
		Outcome:         OutcomeOf(str(t.ComplaintOutcome)),
		Complex:         t.Category == schema.CategoryComplex,
	}
	c.AttitudeComplaint = str(t.ComplaintType) == schema.ComplaintTypeAttitude
	c.Complaint = t.IsComplaint || c.AttitudeComplaint
	if t.ReopenedCount != nil {
		c.Reopened = *t.ReopenedCount
	}
	if t.CostFen != nil {
		c.CostFen, c.HasCost = *t.CostFen, true
	}
	return c
}

// SurveyFromSchema converts a normalized survey row.
func SurveyFromSchema(s *schema.Survey) Survey {
	return Survey{
		ResponseID:  s.ResponseID,
		TicketID:    str(s.TicketID),
		EmployeeID:  str(s.EmployeeID),
		SourceKey:   s.SourceKey,
		SubmittedAt: s.SubmittedAt.UnixMilli(),
		UploadedAt:  s.SourceUploadedAt.UnixMilli(),
		SourceRow:   s.SourceRow,
		Rating:      s.Rating,
		Comment:     str(s.Comment),
	}
}

// EvaluationFromSchema converts a normalized evaluation row.
func EvaluationFromSchema(e *schema.Evaluation) Evaluation {
	return Evaluation{
		EmployeeID: e.EmployeeID,
		Month:      e.Month,
		Kind:       e.Kind,
		SourceKey:  e.SourceKey,
		ValueCenti: e.ValueCenti,
		UploadedAt: e.SourceUploadedAt.UnixMilli(),
		SourceRow:  e.SourceRow,
		Note:       str(e.Note),
	}
}
