package policy

import (
	"math/big"
	"strings"
)

// Metric names what a KPI measures. pkg/score computes every metric; the
// policy chooses which ones are KPIs, with what weight and rule.
type Metric string

// The metrics (spec §5). Rates are in percent (0-100).
const (
	// MetricSatisfactionRate: survey responses submitted in M credited to
	// the employee, share rated >= surveys.satisfied_min_rating, with
	// small-sample shrinkage.
	MetricSatisfactionRate Metric = "satisfaction_rate"
	// MetricOnTimeRate: tickets evaluated in M, share resolved by their SLA
	// deadline.
	MetricOnTimeRate Metric = "on_time_rate"
	// MetricComplaintSuccessRate: complaint tickets resolved in M with an
	// outcome, success / (success + failure).
	MetricComplaintSuccessRate Metric = "complaint_success_rate"
	// MetricResponsibilityIncidents: responsibility_incident records for M.
	MetricResponsibilityIncidents Metric = "responsibility_incidents"
	// MetricAttitudeComplaints: complaint tickets created in M with
	// complaint_type attitude, plus attitude_complaint records for M.
	MetricAttitudeComplaints Metric = "attitude_complaints"
	// MetricCommunicationErrors: communication_error records for M.
	MetricCommunicationErrors Metric = "communication_errors"
	// MetricExamScore: the latest exam_score in M or the
	// exam_lookback_months months before it (0-100).
	MetricExamScore Metric = "exam_score"
	// MetricProblemSolvingRating: the problem_solving rating for M (0-5).
	MetricProblemSolvingRating Metric = "problem_solving_rating"
	// MetricAvgFirstResponseMinutes: tickets resolved in M with a first
	// response time, mean minutes from creation to first response.
	MetricAvgFirstResponseMinutes Metric = "avg_first_response_minutes"
	// MetricAvgResolutionHours: tickets resolved in M, mean hours from
	// creation to resolution.
	MetricAvgResolutionHours Metric = "avg_resolution_hours"
	// MetricComplaintRate: complaint tickets created in M / tickets created
	// in M.
	MetricComplaintRate Metric = "complaint_rate"
	// MetricRepeatRate: tickets resolved in M with reopened_count > 0 /
	// tickets resolved in M.
	MetricRepeatRate Metric = "repeat_rate"
	// MetricCostPerTicket: tickets resolved in M that have a cost, mean
	// cost in yuan.
	MetricCostPerTicket Metric = "cost_per_ticket"
	// MetricSurveyCount: survey responses submitted in M credited to the
	// employee.
	MetricSurveyCount Metric = "survey_count"
	// MetricAvgPeerReview: mean of the peer_review records for M (0-100).
	MetricAvgPeerReview Metric = "avg_peer_review"

	// The generic and extended metrics of spec §11 (see extensions.go).

	// MetricRecordCount: records of the KPI's kind for M.
	MetricRecordCount Metric = "record_count"
	// MetricRecordSum: the sum of the values of the kind's records for M.
	MetricRecordSum Metric = "record_sum"
	// MetricRecordLatest: the value of the latest record of the kind for M
	// (by upload time, key and row).
	MetricRecordLatest Metric = "record_latest"
	// MetricRecordMean: the mean value of the kind's records for M.
	MetricRecordMean Metric = "record_mean"
	// MetricFirstResponseWithin: tickets created in M, share first
	// answered within the KPI's minutes (default 15) of creation.
	MetricFirstResponseWithin Metric = "first_response_within"
	// MetricResolvedCount: tickets resolved in M.
	MetricResolvedCount Metric = "resolved_count"
	// MetricComplaintHandlingRate: complaints created in M, share resolved
	// with an outcome by the end of M.
	MetricComplaintHandlingRate Metric = "complaint_handling_rate"
	// MetricCostPerEmployee: the sum of the costs of tickets resolved in M,
	// in yuan; with direction lower the target is the per-capita cap.
	MetricCostPerEmployee Metric = "cost_per_employee"
	// MetricTeamTurnover: roster leavers of the team in the 12 months
	// ending with M / the team's average monthly headcount, in percent
	// (scope team only).
	MetricTeamTurnover Metric = "team_turnover"
	// MetricTeamMeanScore: the mean score in M of the team's other members
	// (scope team only).
	MetricTeamMeanScore Metric = "team_mean_score"
)

// Unit is the unit a metric's value is expressed in.
type Unit string

// Units.
const (
	UnitPercent Unit = "percent"
	UnitCount   Unit = "count"
	UnitScore   Unit = "score" // 0-100 points
	UnitRating  Unit = "rating"
	UnitMinutes Unit = "minutes"
	UnitHours   Unit = "hours"
	UnitYuan    Unit = "yuan"
)

// Direction says which way a metric is better.
type Direction string

// Directions.
const (
	// Higher: a shortfall is target - value.
	Higher Direction = "higher"
	// Lower: a shortfall is value - target.
	Lower Direction = "lower"
)

// Empty says what a KPI earns when its metric has no value for the
// employee (no sample, no record).
type Empty string

// What an empty metric earns.
const (
	// EmptyFull earns the full weight ("none evaluated = full points").
	EmptyFull Empty = "full"
	// EmptyZero earns 0 points.
	EmptyZero Empty = "zero"
	// EmptyNotAssessed leaves the KPI out: the score becomes
	// 100 × earned / weights assessed.
	EmptyNotAssessed Empty = "not_assessed"
)

// MetricInfo describes a metric: its unit, the range a target may take, and
// the defaults a KPI on it gets when the policy does not say.
type MetricInfo struct {
	Metric Metric
	Unit   Unit
	// Min and Max bound targets (and scales); Max nil means unbounded.
	Min, Max *big.Rat
	// Direction is the default direction.
	Direction Direction
	// WhenEmpty is the default for an employee with no value.
	WhenEmpty Empty
	// Count metrics are counts of records: never empty (zero records is
	// a count of 0), and a missing target defaults to 0.
	Count bool
}

func ratInt(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }

// metrics describes every known metric, in a fixed order (Info looks one up).
var metrics = []MetricInfo{
	{MetricSatisfactionRate, UnitPercent, ratInt(0), ratInt(100), Higher, EmptyNotAssessed, false},
	{MetricOnTimeRate, UnitPercent, ratInt(0), ratInt(100), Higher, EmptyFull, false},
	{MetricComplaintSuccessRate, UnitPercent, ratInt(0), ratInt(100), Higher, EmptyFull, false},
	{MetricResponsibilityIncidents, UnitCount, ratInt(0), nil, Lower, EmptyFull, true},
	{MetricAttitudeComplaints, UnitCount, ratInt(0), nil, Lower, EmptyFull, true},
	{MetricCommunicationErrors, UnitCount, ratInt(0), nil, Lower, EmptyFull, true},
	{MetricExamScore, UnitScore, ratInt(0), ratInt(100), Higher, EmptyNotAssessed, false},
	{MetricProblemSolvingRating, UnitRating, ratInt(0), ratInt(5), Higher, EmptyNotAssessed, false},
	{MetricAvgFirstResponseMinutes, UnitMinutes, ratInt(0), nil, Lower, EmptyNotAssessed, false},
	{MetricAvgResolutionHours, UnitHours, ratInt(0), nil, Lower, EmptyNotAssessed, false},
	{MetricComplaintRate, UnitPercent, ratInt(0), ratInt(100), Lower, EmptyNotAssessed, false},
	{MetricRepeatRate, UnitPercent, ratInt(0), ratInt(100), Lower, EmptyNotAssessed, false},
	{MetricCostPerTicket, UnitYuan, ratInt(0), nil, Lower, EmptyNotAssessed, false},
	{MetricSurveyCount, UnitCount, ratInt(0), nil, Higher, EmptyFull, true},
	{MetricAvgPeerReview, UnitScore, ratInt(0), ratInt(100), Higher, EmptyNotAssessed, false},
	// Record metrics: the unit and the target's range are the kind's (see
	// kindInfo); Min 0 and no Max here. A direction of "" must be given.
	{MetricRecordCount, UnitCount, ratInt(0), nil, Lower, EmptyFull, true},
	{MetricRecordSum, UnitCount, ratInt(0), nil, "", EmptyFull, false},
	{MetricRecordLatest, UnitCount, ratInt(0), nil, Higher, EmptyNotAssessed, false},
	{MetricRecordMean, UnitCount, ratInt(0), nil, Higher, EmptyNotAssessed, false},
	{MetricFirstResponseWithin, UnitPercent, ratInt(0), ratInt(100), Higher, EmptyFull, false},
	{MetricResolvedCount, UnitCount, ratInt(0), nil, Higher, EmptyFull, true},
	{MetricComplaintHandlingRate, UnitPercent, ratInt(0), ratInt(100), Higher, EmptyFull, false},
	{MetricCostPerEmployee, UnitYuan, ratInt(0), nil, "", EmptyFull, false},
	{MetricTeamTurnover, UnitPercent, ratInt(0), nil, Lower, EmptyNotAssessed, false},
	{MetricTeamMeanScore, UnitScore, ratInt(0), ratInt(100), Higher, EmptyNotAssessed, false},
}

// Info returns the description of m.
func Info(m Metric) (MetricInfo, bool) {
	for _, i := range metrics {
		if i.Metric == m {
			return i, true
		}
	}
	return MetricInfo{}, false
}

func metricNames() string {
	names := make([]string, len(metrics))
	for i, m := range metrics {
		names[i] = string(m.Metric)
	}
	return strings.Join(names, ", ")
}
