// Package schema owns the rows the pipeline stores as Parquet: the four
// normalized datasets (tickets, surveys, evaluations, roster), the
// roster's pay apart from it (roster_pay, touched only by the ingest and
// the close), the scorecard tables and the payroll table, and the DATE helpers their
// columns need. It holds types and tags only, no logic that reads or
// computes them (a payout, for one, is computed by pkg/score).
//
// These struct tags are the one source of truth for column names and types:
// the Parquet writers use them, and the Glue tables in template.yaml are
// checked against them by a test (infra/gluecheck). Conventions, all chosen
// for Athena:
//
//   - column names are lower-case snake_case;
//   - timestamps are TIMESTAMP(MILLIS, isAdjustedToUTC=true) (Go time.Time in UTC);
//   - calendar dates are DATE, held as *int32 days since 1970-01-01
//     (parquet-go mis-encodes time.Time with the date tag; see DateOf);
//   - money is DECIMAL(18,2) held as int64 fen; scores and points are
//     DECIMAL(18,4) or DECIMAL(10,2) held as scaled int64;
//   - optional values are pointers and are null when the export cell was empty;
//   - a Glue table's Hive partition column `month` is in the object key,
//     never in the file (the payroll table is fetched as files, not a Glue
//     table, and carries its month as a column).
//
// It imports only the standard library's time package: no AWS package, no
// Parquet library (the tags are plain strings), no store and no other
// package of this module, so every other package and module (including
// infra/athenacheck and bench/duckbench) can import it.
package schema

import (
	"time"
)

// Dataset names, as used in normalized/<dataset>/month=YYYY-MM/.
const (
	DatasetTickets     = "tickets"
	DatasetSurveys     = "surveys"
	DatasetEvaluations = "evaluations"
	DatasetRoster      = "roster"
	// DatasetRosterPay is the roster's pay, apart: see RosterPay.
	DatasetRosterPay = "roster_pay"
)

// Lineage is carried by every normalized row.
type Lineage struct {
	// SourceKey is the S3 key of the raw export the row came from.
	SourceKey string `parquet:"source_key"`
	// SourceRow is the 1-based data-row number in the export (the header is row 0);
	// for CSV it is the record number, not the physical line.
	SourceRow int64 `parquet:"source_row"`
	// SourceUploadedAt is the export object's LastModified time; the close uses
	// it to order rows from different exports when de-duplicating.
	SourceUploadedAt time.Time `parquet:"source_uploaded_at,timestamp(millisecond)"`
}

// Ticket statuses after normalization.
const (
	StatusOpen      = "open"
	StatusResolved  = "resolved"
	StatusClosed    = "closed"
	StatusCancelled = "cancelled"
)

// Ticket categories after normalization.
const (
	CategorySimple  = "simple"
	CategoryComplex = "complex"
)

// Complaint outcomes after normalization (null = pending).
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
)

// ComplaintTypeAttitude is the normalized complaint_type for 服务态度/态度/attitude.
const ComplaintTypeAttitude = "attitude"

// Ticket is one CRM after-sales ticket (table `tickets`), partitioned by the
// month of CreatedAt in the policy time zone.
type Ticket struct {
	TicketID        string     `parquet:"ticket_id"`
	CreatedAt       time.Time  `parquet:"created_at,timestamp(millisecond)"`
	FirstResponseAt *time.Time `parquet:"first_response_at,timestamp(millisecond),optional"`
	ResolvedAt      *time.Time `parquet:"resolved_at,timestamp(millisecond),optional"`
	// Status is one of the Status* constants, or null when the export has no status.
	Status       *string `parquet:"status,optional"`
	AssigneeID   string  `parquet:"assignee_id"`
	AssigneeName *string `parquet:"assignee_name,optional"`
	// Category is CategorySimple or CategoryComplex (simple when the export has no column).
	Category         string  `parquet:"category"`
	IsComplaint      bool    `parquet:"is_complaint"`
	ComplaintType    *string `parquet:"complaint_type,optional"`
	ComplaintOutcome *string `parquet:"complaint_outcome,optional"`
	ReopenedCount    *int32  `parquet:"reopened_count,optional"`
	// CostFen is the total after-sales cost in fen (DECIMAL(18,2) yuan).
	CostFen *int64 `parquet:"cost,decimal(2:18),optional"`
	// The four parts of the cost in fen, as the export gave them (null when
	// the column is missing or the cell empty); CostFen is the cost column
	// when filled, else their sum (spec §11).
	CostLaborFen     *int64 `parquet:"cost_labor,decimal(2:18),optional"`
	CostMaterialFen  *int64 `parquet:"cost_material,decimal(2:18),optional"`
	CostTransportFen *int64 `parquet:"cost_transport,decimal(2:18),optional"`
	CostWarrantyFen  *int64 `parquet:"cost_warranty,decimal(2:18),optional"`
	// CustomerKey is hex(HMAC-SHA256(key, customer_id)); the clear id, name and
	// phone are never stored.
	CustomerKey *string    `parquet:"customer_key,optional"`
	Channel     *string    `parquet:"channel,optional"`
	UpdatedAt   *time.Time `parquet:"updated_at,timestamp(millisecond),optional"`
	Lineage
}

// Survey is one customer-satisfaction response (table `surveys`), partitioned by
// the month of SubmittedAt in the policy time zone.
type Survey struct {
	ResponseID  string    `parquet:"response_id"`
	TicketID    *string   `parquet:"ticket_id,optional"`
	EmployeeID  *string   `parquet:"employee_id,optional"`
	SubmittedAt time.Time `parquet:"submitted_at,timestamp(millisecond)"`
	// Rating is 1-5 (非常满意=5 ... 非常不满意=1).
	Rating int32 `parquet:"rating"`
	// Method is questionnaire, phone, online, or the export's text as is.
	Method  *string `parquet:"method,optional"`
	Comment *string `parquet:"comment,optional"`
	Lineage
}

// Evaluation kinds.
const (
	KindExamScore              = "exam_score"
	KindResponsibilityIncident = "responsibility_incident"
	KindAttitudeComplaint      = "attitude_complaint"
	KindCommunicationError     = "communication_error"
	KindProblemSolving         = "problem_solving"
	KindPeerReview             = "peer_review"
)

// Evaluation is one internal evaluation record (table `evaluations`),
// partitioned by its Month.
type Evaluation struct {
	EmployeeID string `parquet:"employee_id"`
	// Month is the assessment month, "YYYY-MM". It is also the partition, but
	// kept in the row under a different name so a reader of one file knows it.
	Month string `parquet:"eval_month"`
	Kind  string `parquet:"kind"`
	// ValueCenti is the value ×100 (DECIMAL(18,2)); incidents default to 1.00.
	ValueCenti int64   `parquet:"value,decimal(2:18)"`
	Note       *string `parquet:"note,optional"`
	Lineage
}

// Employee is one roster row (table `roster`), partitioned by the month the
// roster was uploaded (LastModified in the policy time zone). The newest
// roster upload is the roster.
type Employee struct {
	EmployeeID string  `parquet:"employee_id"`
	Name       *string `parquet:"name,optional"`
	Team       *string `parquet:"team,optional"`
	Role       *string `parquet:"role,optional"`
	// PerformancePayFen is the monthly performance-pay base in fen. It is
	// carried in memory only, from the roster reader to the scorer: its
	// `parquet:"-"` tag keeps it out of the roster table, which analysts
	// read (spec §12). The ingest stores it in RosterPay, under
	// normalized/roster_pay/, and the close joins it back.
	PerformancePayFen *int64 `parquet:"-"`
	// HiredAt and LeftAt are DATE: days since 1970-01-01 (see DateOf, DayNumber).
	HiredAt *int32 `parquet:"hired_at,date,optional"`
	LeftAt  *int32 `parquet:"left_at,date,optional"`
	// AgentIDs are the logins, e-mails or names the CRM and survey exports
	// use for this employee, separated by ';' or ',' (the close links them
	// to EmployeeID).
	AgentIDs *string `parquet:"agent_ids,optional"`
	Lineage
}

// RosterPay is the pay of one roster row (table `roster_pay`, under
// normalized/roster_pay/month=YYYY-MM/, the same key as the roster file of
// the same upload but for the table). The ingest writes one RosterPay per
// Employee it stores, in the same order and with the same lineage, so the
// close joins them back on (source_key, source_row, employee_id): the pay
// of exactly the roster rows it read, from the same raw object version.
// No Glue table reads it, and analysts are denied its prefix.
type RosterPay struct {
	EmployeeID string `parquet:"employee_id"`
	// PerformancePayFen is the monthly performance-pay base in fen
	// (DECIMAL(18,2) yuan); null when the roster cell was empty.
	PerformancePayFen *int64 `parquet:"performance_pay,decimal(2:18),optional"`
	Lineage
}

// Scorecard is one employee's result for a month and published version
// (table `scorecards`, under scorecards/employees/month=YYYY-MM/).
type Scorecard struct {
	EmployeeID   string  `parquet:"employee_id"`
	EmployeeName *string `parquet:"employee_name,optional"`
	Team         *string `parquet:"team,optional"`
	Role         *string `parquet:"role,optional"`
	Version      int32   `parquet:"version"`
	// ScoreCenti is the score rounded half-up to 2 decimals, ×100
	// (DECIMAL(10,2)); null, with Band and BandLabel, when NoActivity.
	ScoreCenti *int64  `parquet:"score,decimal(2:10),optional"`
	Band       *string `parquet:"band,optional"`
	BandLabel  *string `parquet:"band_label,optional"`
	// The three pay fields below are carried in memory only, from
	// score.Compute to payroll.Rows; their `parquet:"-"` tags keep them out
	// of the scorecards table, which analysts read (spec §12: pay columns
	// live only under payroll/, in PayrollRow). PayColumns lists their
	// names; infra/gluecheck fails if a scorecard table holds one.
	//
	// MultiplierCenti is the salary multiplier ×100; 120 = 1.20: the
	// band's, or the policy's no_activity.multiplier. It is pay-derived (it
	// is what the payroll table multiplies pay by), and no analyst view
	// needs it: the band is on the card.
	MultiplierCenti   int64  `parquet:"-"`
	PerformancePayFen *int64 `parquet:"-"`
	// PayoutFen is null when the performance pay is unknown, or when a
	// no_activity card is left out of the payroll table (no_activity.exclude).
	PayoutFen *int64 `parquet:"-"`
	// EmployedDays and WorkingDays are the proration of the payout (spec
	// §11): working days of M the employee was employed (roster hired_at to
	// left_at) and working days in M; the payout is pay × multiplier ×
	// EmployedDays / WorkingDays. Null without a roster row or with the
	// policy's proration: none. In memory only, like the pay fields: they
	// reach payroll through the payroll table's columns, not this table.
	EmployedDays *int32 `parquet:"-"`
	WorkingDays  *int32 `parquet:"-"`
	// WeightAssessedCenti is the sum of the weights of assessed KPIs ×100.
	WeightAssessedCenti int64 `parquet:"weight_assessed,decimal(2:10)"`
	SmallSample         bool  `parquet:"small_sample"`
	NotOnRoster         bool  `parquet:"not_on_roster"`
	// NoActivity: no ticket evaluated in M, no survey credited in M and no
	// evaluation record for M (spec §8): the KPIs are shown, but the
	// score and band are null and the multiplier is no_activity.multiplier.
	NoActivity   bool   `parquet:"no_activity"`
	PolicyID     string `parquet:"policy_id"`
	PolicySHA256 string `parquet:"policy_sha256"`
	// PolicyVariant is the per-role variant used ("" for the base policy).
	PolicyVariant string `parquet:"policy_variant"`
}

// KPIScore is one KPI line of a scorecard (table `scorecard_kpis`, under
// scorecards/kpis/month=YYYY-MM/): enough to explain the points to the employee.
type KPIScore struct {
	EmployeeID string `parquet:"employee_id"`
	Version    int32  `parquet:"version"`
	KPI        string `parquet:"kpi"`
	Dimension  string `parquet:"dimension"`
	// WeightCenti is the KPI's weight ×100 (DECIMAL(10,2)).
	WeightCenti int64 `parquet:"weight,decimal(2:10)"`
	// Numerator and Denominator give the raw value exactly where it is a
	// ratio (satisfied/responses, on time/evaluated, success/decided); for
	// counts Numerator is the count and Denominator is null.
	Numerator   *int64 `parquet:"numerator,optional"`
	Denominator *int64 `parquet:"denominator,optional"`
	// ValueMicro is the raw value ×10^4 (DECIMAL(18,4)), rounded half-up: a
	// rate in percent (87.5000), a count, an exam score or a rating. Null
	// when not assessed.
	ValueMicro *int64 `parquet:"raw_value,decimal(4:18),optional"`
	// AdjustedMicro is the rate used for scoring after small-sample
	// shrinkage, in percent ×10^4; null when no shrinkage applied.
	AdjustedMicro *int64 `parquet:"adjusted_value,decimal(4:18),optional"`
	SampleSize    int64  `parquet:"sample_size"`
	// TargetMicro is the target ×10^4 (percent for rates); null for incident counts.
	TargetMicro *int64 `parquet:"target,decimal(4:18),optional"`
	// PointsMicro is the points earned ×10^4, rounded half-up (the score is
	// computed from the exact points, then rounded once).
	PointsMicro int64 `parquet:"points,decimal(4:18)"`
	SmallSample bool  `parquet:"small_sample"`
	NotAssessed bool  `parquet:"not_assessed"`
	NotOnRoster bool  `parquet:"not_on_roster"`
	// Explanation is a one-line human-readable account of the points.
	Explanation string `parquet:"explanation"`
}

// Evidence item kinds (Evidence.Item).
const (
	EvidenceTicket     = "ticket"     // an evaluated ticket (on_time)
	EvidenceResponse   = "response"   // a counted survey response (satisfaction)
	EvidenceComplaint  = "complaint"  // a decided complaint (complaint_success)
	EvidenceRecord     = "record"     // an evaluation record (exam, incidents, ...)
	EvidenceAdjustment = "adjustment" // an applied adjustment (spec §10)
)

// EvidenceReassignedAway is the Action of a reassign_ticket adjustment's
// row on the card of the employee the ticket was taken from; the row on
// the card of the employee it was credited to has ActionReassignTicket.
const EvidenceReassignedAway = "reassign_ticket_away"

// Evidence is one item that counted toward one KPI of one employee's card
// (table `scorecard_evidence`, under scorecards/evidence/month=YYYY-MM/,
// spec §9). The scorer emits the rows as it scores; summing them gives each
// KPI's numerator and sample size. No customer name, phone or customer id
// is ever a field here; Note holds free text already masked (spec §12).
//
// A card's rows are in KPI policy order, then item kind, then item id; a
// points adjustment is a row (Item EvidenceAdjustment) among its KPI's.
// The card-level adjustment rows, exclusions and reassignments, which
// change items rather than one KPI's points, have KPI "" and come after
// every KPI row, one per adjustment, sorted by adjustment id (ItemID).
// score.CheckEvidence holds a card to this.
type Evidence struct {
	EmployeeID string `parquet:"employee_id"`
	Version    int32  `parquet:"version"`
	KPI        string `parquet:"kpi"`
	// Item is one of the Evidence* kinds above.
	Item string `parquet:"item"`
	// ItemID names the item: the ticket id, response id, record's
	// source key and row, or adjustment id.
	ItemID     string  `parquet:"item_id"`
	TicketID   *string `parquet:"ticket_id,optional"`
	ResponseID *string `parquet:"response_id,optional"`
	Category   *string `parquet:"category,optional"`
	// CreatedAt, Deadline and ResolvedAt are a ticket's (on_time,
	// complaint_success); SubmittedAt a response's.
	CreatedAt   *time.Time `parquet:"created_at,timestamp(millisecond),optional"`
	Deadline    *time.Time `parquet:"deadline,timestamp(millisecond),optional"`
	ResolvedAt  *time.Time `parquet:"resolved_at,timestamp(millisecond),optional"`
	SubmittedAt *time.Time `parquet:"submitted_at,timestamp(millisecond),optional"`
	// Met is whether the item counts for the KPI: on time, satisfied,
	// complaint success. Null for records and adjustments.
	Met *bool `parquet:"met,optional"`
	// Rating is a response's 1-5 rating.
	Rating *int32 `parquet:"rating,optional"`
	// ViaTicket: a response credited through its ticket's assignee rather
	// than its own employee_id.
	ViaTicket bool `parquet:"via_ticket"`
	// Outcome is a complaint's outcome (OutcomeSuccess, OutcomeFailure).
	Outcome *string `parquet:"outcome,optional"`
	// RecordKind and ValueMicro are an evaluation record's kind and value ×10^4.
	RecordKind *string `parquet:"record_kind,optional"`
	ValueMicro *int64  `parquet:"value,decimal(4:18),optional"`
	// Note is a record's note or a response's comment, masked.
	Note *string `parquet:"note,optional"`
	// AdjustmentID and Reason name the adjustment that changed this item
	// (or, for Item == EvidenceAdjustment, the adjustment itself).
	AdjustmentID *string `parquet:"adjustment_id,optional"`
	Reason       *string `parquet:"reason,optional"`
	// PointsMicro is, for a points adjustment, the points it added ×10^4.
	PointsMicro *int64 `parquet:"points,decimal(4:18),optional"`
	// Action is, for Item == EvidenceAdjustment, what the adjustment did
	// on this card: ActionPoints (to KPI), ActionExcludeTicket,
	// ActionExcludeSurvey, ActionReassignTicket (the ticket was credited
	// to this employee) or EvidenceReassignedAway (it was taken from this
	// employee). Null on other rows.
	Action *string `parquet:"action,optional"`
}

// PublishedVersion is the one row of scorecards/published/month=YYYY-MM/v<N>.parquet
// (table `published_versions`): the close writes it right after the
// version's manifest, so a version has it only once it is published. The
// latest_* views take, for each month, the greatest version that has one:
// a close that stopped before its manifest (a crashed reopen) leaves
// scorecard files no view shows. The month is the partition, in the key.
type PublishedVersion struct {
	Version int32 `parquet:"version"`
	// ManifestSHA256 is the hex SHA-256 of the version's manifest.json.
	ManifestSHA256 string `parquet:"manifest_sha256"`
}

// PayrollRow is one line of payroll/month=M/v<N>/salary_multipliers.{csv,parquet}.
// The CSV columns, in order, are exactly PayrollCSVHeader.
type PayrollRow struct {
	Month        string  `parquet:"month"`
	EmployeeID   string  `parquet:"employee_id"`
	EmployeeName *string `parquet:"employee_name,optional"`
	Team         *string `parquet:"team,optional"`
	// ScoreCenti and Band are null (empty CSV cells) for a no_activity
	// scorecard, whose MultiplierCenti is the policy's no_activity.multiplier.
	ScoreCenti        *int64  `parquet:"score,decimal(2:10),optional"`
	Band              *string `parquet:"band,optional"`
	MultiplierCenti   int64   `parquet:"multiplier,decimal(2:10)"`
	PerformancePayFen *int64  `parquet:"performance_pay,decimal(2:18),optional"`
	PayoutFen         *int64  `parquet:"payout,decimal(2:18),optional"`
	Version           int32   `parquet:"version"`
	// EmployedDays and WorkingDays are the payout's proration (spec §11),
	// the scorecard's: null when the policy's proration is none or the
	// employee has no roster row.
	EmployedDays *int32 `parquet:"employed_days,optional"`
	WorkingDays  *int32 `parquet:"working_days,optional"`
}

// PayColumns are the columns that hold pay or what pay is computed with:
// they are stored only in PayrollRow (payroll/), never in a table analysts
// read (spec §12). The roster's performance_pay, the input the close
// multiplies, is stored only in RosterPay (normalized/roster_pay/), which
// only the ingest writes and only the close reads (see docs/security.md).
var PayColumns = []string{"multiplier", "performance_pay", "payout"}

// PayrollCSVHeader is the header of salary_multipliers.csv, in order.
var PayrollCSVHeader = []string{"month", "employee_id", "employee_name", "team", "score", "band", "multiplier", "performance_pay", "payout", "employed_days", "working_days"}

// DayNumber returns the DATE value (days since 1970-01-01) of the calendar
// date of t in t's location.
func DayNumber(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// DateOf returns midnight UTC of a DATE value; use its Year/Month/Day.
func DateOf(days int32) time.Time {
	return time.Unix(int64(days)*86400, 0).UTC()
}
