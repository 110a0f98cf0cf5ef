package schema

// Dataset and adjustment actions of spec §10 (corrections and appeals).
const (
	DatasetAdjustments = "adjustments"

	// ActionExcludeTicket: the ticket counts in no KPI of the month.
	ActionExcludeTicket = "exclude_ticket"
	// ActionReassignTicket: the ticket, and the surveys through it, are
	// credited to the adjustment's employee for the month.
	ActionReassignTicket = "reassign_ticket"
	// ActionExcludeSurvey: the response counts nowhere.
	ActionExcludeSurvey = "exclude_survey"
	// ActionPoints: add points (±) to one KPI of one employee for the
	// month, still clamped to 0..weight.
	ActionPoints = "points"
)

// Adjustments lists the actions in a fixed order.
var Adjustments = []string{ActionExcludeTicket, ActionReassignTicket, ActionExcludeSurvey, ActionPoints}

// Adjustment is one correction or appeal decision (table `adjustments`,
// under normalized/adjustments/month=YYYY-MM/), partitioned by its Month.
// The latest row per AdjustmentID wins in the close (upload time, then key,
// then row).
type Adjustment struct {
	AdjustmentID string `parquet:"adjustment_id"`
	// Month is the assessment month the adjustment applies to, "YYYY-MM"
	// (also the partition, kept under another name like eval_month).
	Month      string  `parquet:"adj_month"`
	Action     string  `parquet:"action"`
	EmployeeID *string `parquet:"employee_id,optional"`
	TicketID   *string `parquet:"ticket_id,optional"`
	ResponseID *string `parquet:"response_id,optional"`
	KPI        *string `parquet:"kpi,optional"`
	// PointsCenti is the points added ×100 (DECIMAL(18,2)), negative to
	// deduct; set only for ActionPoints.
	PointsCenti *int64 `parquet:"points,decimal(2:18),optional"`
	// Reason and ApprovedBy are required (free text, masked).
	Reason     string `parquet:"reason"`
	ApprovedBy string `parquet:"approved_by"`
	Lineage
}

// Ranking scopes (Ranking.Scope).
const (
	RankOverall = "overall" // every employee on the payroll table, by score
	RankTeam    = "team"    // within the employee's team, by score
	RankKPI     = "kpi"     // per weighted KPI, by points
)

// Ranking is one employee's rank in one scope of one month and version
// (table `rankings`, under rankings/month=YYYY-MM/v<N>.parquet, spec §10).
// Ties share the rank (1, 2, 2, 4). No pay column.
type Ranking struct {
	EmployeeID   string  `parquet:"employee_id"`
	EmployeeName *string `parquet:"employee_name,optional"`
	Team         *string `parquet:"team,optional"`
	Version      int32   `parquet:"version"`
	Scope        string  `parquet:"scope"`
	// KPI is the KPI of a RankKPI row, "" otherwise.
	KPI string `parquet:"kpi"`
	// Rank is 1-based; Of is how many were ranked in the scope (and team
	// or KPI).
	Rank int32 `parquet:"rank"`
	Of   int32 `parquet:"ranked"`
	// ScoreCenti (overall, team) or PointsMicro (kpi) is what was ranked
	// on; a no_activity card has no score and ranks after everyone scored.
	ScoreCenti  *int64 `parquet:"score,decimal(2:10),optional"`
	PointsMicro *int64 `parquet:"points,decimal(4:18),optional"`
	// Star: among the top rankings.stars overall (月度服务之星); only on
	// overall rows.
	Star        bool `parquet:"star"`
	SmallSample bool `parquet:"small_sample"`
	NoActivity  bool `parquet:"no_activity"`
}

// AnnualScorecard is one employee's year (table `annual_scorecards`, under
// scorecards/annual/year=YYYY/v<N>.parquet, spec §10): the months of the
// newest approved versions of the year in which the employee was scored.
type AnnualScorecard struct {
	EmployeeID   string  `parquet:"employee_id"`
	EmployeeName *string `parquet:"employee_name,optional"`
	Team         *string `parquet:"team,optional"`
	Version      int32   `parquet:"version"`
	// MonthsScored counts the months with a score; Months lists them
	// ("2026-01,2026-02,…").
	MonthsScored int32  `parquet:"months_scored"`
	Months       string `parquet:"months"`
	// MeanScoreCenti is the mean of the monthly scores, exact, rounded
	// half-up to 2 decimals ×100; null when no month has a score.
	MeanScoreCenti *int64  `parquet:"mean_score,decimal(2:10),optional"`
	Band           *string `parquet:"annual_band,optional"`
	BandLabel      *string `parquet:"annual_band_label,optional"`
	// Action is what the band means: raise, unchanged or review.
	Action *string `parquet:"action,optional"`
	// AMonths counts the months in the top monthly band (A).
	AMonths int32 `parquet:"a_months"`
	// ConsecutiveExcellent: this year's and the previous year's annual
	// band are both the top band.
	ConsecutiveExcellent bool `parquet:"consecutive_excellent"`
}
