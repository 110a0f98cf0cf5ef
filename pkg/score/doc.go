// Package score computes the monthly scorecards (spec §5) from ticket,
// survey, evaluation and roster rows, a policy (pkg/policy) and a
// working-day calendar, and owns the pay rule: Payout (payout.go) is the
// one place in the repository where a score becomes pay. It is pure: no
// I/O, no clock, no randomness, and no float — points and scores are exact
// big.Rat values, rounded half-up only where they are stored (points ×10^4,
// scores ×100, money in fen). It imports only pkg/schema, pkg/policy and
// pkg/calendar of this module: no AWS package, no store, no ingest, no
// payroll or pipeline (pkg/payroll imports it, for Payout).
//
// # Rows
//
// Ticket, Survey and Evaluation are compact copies of the schema rows
// (TicketFromSchema and friends) so that a close can hold millions of them:
// times are int64 Unix milliseconds, NoTime for null. Months are calendar
// months in the policy time zone, [Month.Start, Month.End).
//
// # De-duplication (§5)
//
// Tickets are de-duplicated by ticket id across all exports: the row with
// the latest updated_at wins, a row without updated_at being older than any
// row with one; ties go to the later upload (source_uploaded_at), then the
// larger object key, then the larger source row — the last wins. Survey
// responses are de-duplicated by response id the same way (they have no
// updated_at), then only the latest response per ticket (by submitted_at,
// ties in the same lineage order) counts. Cancelled tickets (status of the
// winning row) count in no KPI and credit nobody.
//
// A survey is credited to its employee_id, else to the assignee of its
// de-duplicated ticket — whatever that ticket's status: the customer's
// answer still counts. A survey submitted in M with no employee_id whose
// ticket is not among the tickets given is listed in
// Result.Unattributed, not scored.
//
// # KPIs (§5; every number is a policy setting)
//
//   - satisfaction: responses submitted in M credited to the employee;
//     the share rated >= surveys.satisfied_min_rating. With n responses,
//     s satisfied and n < small_sample.min_responses the rate is
//     (s + k·p)/(n + k), k = prior_weight, p the pooled rate of all
//     responses in M credited to anyone; n = 0 gives p. Such a row and its
//     card are flagged small_sample. Decision: when nobody at all has a
//     response in M, p is undefined and an employee with none gets the
//     KPI's when_empty — not_assessed in the default policy (the survey
//     export is missing; the score is worked out from the other KPIs
//     rather than handing out or taking away 30 points).
//   - on_time: the SLA deadline is created_at + sla.simple_hours for a
//     simple ticket, and the end (23:59:59.999 local) of the
//     sla.complex_working_days-th working day after the creation date for
//     a complex one. A ticket's evaluation time is resolved_at if it was
//     resolved by the deadline (resolved_at <= deadline), else the
//     deadline; it counts in M when that time is in M, so exactly once
//     across months. An unresolved ticket whose deadline is after M is not
//     evaluated yet. Decision: resolved_at is the only sign of resolution:
//     a ticket with status resolved or closed but no resolved_at is
//     unresolved, and one with resolved_at is resolved whatever its status.
//   - complaint_success: complaint tickets with resolved_at in M and an
//     outcome: success / (success + failure); pending ones are left out.
//   - responsibility, communication: the sum of the values of the
//     responsibility_incident / communication_error records for M
//     (an incident defaults to 1 at ingest).
//   - service_attitude: complaint tickets created in M with complaint_type
//     attitude, plus the values of attitude_complaint records for M.
//     Decision: complaint_type attitude makes a ticket a complaint even
//     when is_complaint is false (the export filled only the type).
//   - skill_exam: the latest exam_score in M or the exam_lookback_months
//     months before it: the latest month wins, within a month the last by
//     upload, key, row. None: not_assessed.
//   - problem_solving: the problem_solving rating for M (the last by
//     upload, key, row); points = weight × rating / scale. None:
//     not_assessed.
//   - analysis metrics (weight 0 by default, reported with 0 points):
//     average first-response minutes over tickets resolved in M that have
//     a first response; average resolution hours over tickets resolved in
//     M; complaint rate = complaints created in M / tickets created in M;
//     repeat rate = tickets resolved in M with reopened_count > 0 /
//     tickets resolved in M; cost per ticket = mean cost of the tickets
//     resolved in M that have a cost (tickets without one are left out, not
//     counted as free); survey count; average of the peer_review records
//     for M. A policy may weight any of them: a deduction then works the
//     same way, "lower" metrics losing points per unit above the target.
//
// Points are weight − points × shortfall / per, floored at 0 and never
// above the weight (the shortfall is 0 when the target is met). A metric
// with no value earns the KPI's when_empty: full, zero or not_assessed.
//
// # Score, band, payout (§5, §6)
//
// Score = 100 × earned points / weights assessed, exact (with every KPI
// assessed the weights add up to 100 and it is the plain sum), rounded
// half-up to 2 decimals; the band comes from the rounded score (89.995 →
// 90.00 → A). Payout = performance pay × band multiplier, rounded half-up
// to the fen (halves away from zero for a negative pay), exact integer
// arithmetic; null when the pay is unknown. A no_activity card has no
// score and no band and uses no_activity.multiplier (see below). Payout
// is that rule and Compute fills Scorecard.PayoutFen with it; a payout,
// or the month's total, that does not fit in int64 fen is an error, not a
// wrapped or saturated number. pkg/payroll publishes the scorecard's PayoutFen
// and checks it against Payout; nothing else multiplies money.
//
// # No activity (§8)
//
// A card whose employee has no ticket evaluated in M (on_time's
// denominator is 0), no survey response credited in M and no evaluation
// record for M (any kind the scorer knows; an exam from an earlier month
// that skill_exam still uses does not count) is flagged no_activity. Its
// KPI rows are computed and shown as for anyone, but ScoreCenti, Band and
// BandLabel are nil (Card.Score keeps what the KPIs give, unpublished),
// the multiplier is the policy's no_activity.multiplier and the payout is
// Payout(pay, that multiplier); with no_activity.exclude the card has no
// payout (pkg/payroll leaves it out of the table). Such cards are listed
// in Result.NoActivity and are not in BandCounts. Decision: a ticket
// created or resolved in M that is not evaluated in M (its deadline or
// on-time resolution falls in another month) is not activity, as §8 says
// "evaluated"; it still gives the card (§5).
//
// # Who gets a card (§5)
//
// With a roster: everyone active on it in M (hired_at empty or on/before
// M's last day, left_at empty or on/after its first day), plus everyone
// credited in M — the assignee of a non-cancelled ticket created, resolved
// or evaluated (on_time) in M, or the employee credited with a survey
// response in M. Evaluation records alone do not make a card. Someone with
// a card who is not on the roster is flagged not_on_roster on the card and
// every KPI row, and listed in Result.NotOnRoster. Someone on the roster
// but inactive in M who is credited with work is scored with the roster's
// data and listed in Result.InactiveCredited. Without a roster, cards go to
// the credited and nobody is flagged. Name, team and role come from the
// roster (role picks the policy variant); a name missing there falls back
// to the assignee name of the employee's latest-created ticket.
//
// # Evidence (§9)
//
// Each card carries the items that counted (Card.Evidence, schema.Evidence
// rows, table scorecard_evidence): recorded as row indexes while counting,
// in the same pass, and made into rows when the card is built; see
// evidence.go for what each KPI's rows are. CheckEvidence holds a card's
// rows to its KPI lines (the rows add up to the numerators, denominators,
// values and sample sizes).
//
// # Determinism and memory
//
// Cards are sorted by employee id, lists are sorted, and no map order
// reaches the output. Rows are de-duplicated through a compact hash table
// from id to an int32 row index (rowIndex: about 16 bytes a distinct id,
// freed after the pass) and counted per employee with int64 counters;
// big.Rat appears only once per employee and KPI, and is rounded in int64
// where it fits. The two de-duplications run side by side and the cards
// are built on every core, then added up in id order, so the result does
// not depend on scheduling. BenchmarkCompute measures a close of 1M
// tickets and 500k survey rows.
package score
