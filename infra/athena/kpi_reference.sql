-- Answers: for month :month, every employee's counts behind the three rate
-- KPIs, and the points they earn, worked out from the normalized tables the
-- way the close works them out: satisfaction (responses, satisfied), on_time
-- (tickets evaluated, on time) and complaint_success (decided, successful).
-- A reference implementation of spec §5 under the default policy
-- (Asia/Shanghai, ticket look-back 3 months, simple SLA 24 h, complex SLA 3
-- working days, satisfied = rating >= 4, small sample below 5 responses with
-- prior weight 5, no per-role variants): the counts equal the numerator and
-- denominator of scorecard_kpis, and the points its points, for a month
-- closed with that policy and the same inputs.
-- Rows: one per employee who gets a scorecard (active on the newest roster
-- upload in the month, or credited with a ticket or survey in it), sorted.
-- Rules, as the close applies them:
--   tickets: the partitions of the month and the 3 before it, de-duplicated
--     by ticket_id (latest updated_at, a missing one oldest; then the latest
--     upload, the greater key, the greater row); cancelled ones count in no
--     KPI. A complaint is is_complaint or complaint_type 'attitude'.
--   on_time: deadline created_at + 24 h for a simple ticket, the end of the
--     3rd working day (complex_deadline_days: workday_calendar, else Monday-Friday) after the local
--     creation date for a complex one; evaluated in the month of resolved_at
--     if resolved by the deadline, else in the month of the deadline (late).
--   complaint_success: complaints resolved in the month with an outcome.
--   satisfaction: the month's survey partition, one row per response_id (the
--     latest upload, key, row), then the latest response per ticket (by
--     submitted_at, then the same order); credited to employee_id, else to
--     the assignee of its de-duplicated ticket (cancelled or not); a response
--     credited to nobody is not scored.
--   no_activity (spec §8): no ticket evaluated in the month, no response
--     credited in it and no evaluation record for it (the evaluations
--     partition of the month, any known kind): such a scorecard has no score
--     and no band, but its KPI lines, and so the points here, are the same.
-- Points: weight minus deduction × shortfall below target, between 0 and the
-- weight, rounded half-up to 4 decimals; satisfaction below 5 responses uses
-- (satisfied + 5·p)/(responses + 5), p the pooled rate of every credited
-- response in the month (null points when nobody has a response). Integer
-- arithmetic throughout: Athena divides BIGINTs as integers, DuckDB in
-- doubles whose quotient is an exact integer below 2^53.
-- Parameter :month is the month as a 'YYYY-MM' string literal (in the Athena
-- console write it in quotes in its place, or replace it with ? and pass it
-- as an execution parameter).
WITH arg AS (
  SELECT :month AS month
),
params AS (
  SELECT month,
         substr(CAST(CAST(CAST(month || '-01' AS DATE) - INTERVAL '3' MONTH AS DATE)
                     AS VARCHAR), 1, 7) AS first_ticket_month,
         CAST(month || '-01' AS DATE) AS first_day,
         CAST(CAST(month || '-01' AS DATE) + INTERVAL '1' MONTH AS DATE) AS next_first_day
  FROM arg
),
ticket_versions AS (
  SELECT t.ticket_id, t.assignee_id, t.status, t.category, t.is_complaint,
         t.complaint_type, t.complaint_outcome, t.created_at, t.resolved_at,
         row_number() OVER (
           PARTITION BY t.ticket_id
           ORDER BY t.updated_at DESC NULLS LAST, t.source_uploaded_at DESC,
                    t.source_key DESC, t.source_row DESC) AS pick
  FROM tickets t
  CROSS JOIN params p
  WHERE t.month BETWEEN p.first_ticket_month AND p.month
),
ticket_winners AS (
  SELECT * FROM ticket_versions WHERE pick = 1
),
live AS (
  SELECT ticket_id, assignee_id, complaint_outcome, created_at, resolved_at,
         category = 'complex' AS is_complex,
         (is_complaint OR COALESCE(complaint_type, '') = 'attitude') AS is_complaint,
         CAST(created_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS created_day,
         CAST(resolved_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS resolved_day
  FROM ticket_winners
  WHERE COALESCE(status, '') <> 'cancelled' AND assignee_id <> ''
),
judged AS (
  SELECT l.ticket_id, l.assignee_id, l.is_complaint, l.complaint_outcome,
         substr(CAST(l.created_day AS VARCHAR), 1, 7) AS created_month,
         substr(CAST(l.resolved_day AS VARCHAR), 1, 7) AS resolved_month,
         CASE WHEN l.resolved_at IS NULL THEN false
              WHEN l.is_complex THEN l.resolved_day <= w.deadline_day
              ELSE l.resolved_at <= l.created_at + INTERVAL '24' HOUR
         END AS on_time,
         CASE WHEN l.is_complex THEN w.deadline_day
              ELSE CAST((l.created_at + INTERVAL '24' HOUR) AT TIME ZONE 'Asia/Shanghai' AS DATE)
         END AS deadline_day,
         l.resolved_day
  FROM live l
  LEFT JOIN complex_deadline_days w
    ON l.is_complex AND w.created_day = l.created_day
),
ticket_counts AS (
  SELECT j.assignee_id AS employee_id,
         CAST(sum(CASE WHEN j.eval_month = p.month THEN 1 ELSE 0 END) AS BIGINT) AS on_time_evaluated,
         CAST(sum(CASE WHEN j.eval_month = p.month AND j.on_time THEN 1 ELSE 0 END) AS BIGINT) AS on_time_count,
         CAST(sum(CASE WHEN j.is_complaint AND j.resolved_month = p.month
                        AND j.complaint_outcome IN ('success', 'failure')
                       THEN 1 ELSE 0 END) AS BIGINT) AS complaints_decided,
         CAST(sum(CASE WHEN j.is_complaint AND j.resolved_month = p.month
                        AND j.complaint_outcome = 'success'
                       THEN 1 ELSE 0 END) AS BIGINT) AS complaints_success
  FROM (
    SELECT judged.*,
           substr(CAST(CASE WHEN on_time THEN resolved_day ELSE deadline_day END
                       AS VARCHAR), 1, 7) AS eval_month
    FROM judged
  ) j
  CROSS JOIN params p
  WHERE j.created_month = p.month OR j.resolved_month = p.month OR j.eval_month = p.month
  GROUP BY j.assignee_id
),
responses AS (
  SELECT s.response_id, NULLIF(s.ticket_id, '') AS ticket_id,
         NULLIF(s.employee_id, '') AS employee_id, s.submitted_at, s.rating,
         s.source_uploaded_at, s.source_key, s.source_row,
         row_number() OVER (
           PARTITION BY s.response_id
           ORDER BY s.source_uploaded_at DESC, s.source_key DESC,
                    s.source_row DESC) AS pick
  FROM surveys s
  CROSS JOIN params p
  WHERE s.month = p.month
),
latest_per_ticket AS (
  SELECT r.*,
         row_number() OVER (
           PARTITION BY r.ticket_id IS NULL, COALESCE(r.ticket_id, r.response_id)
           ORDER BY r.submitted_at DESC, r.source_uploaded_at DESC,
                    r.source_key DESC, r.source_row DESC) AS latest
  FROM responses r
  WHERE r.pick = 1
),
credited AS (
  SELECT COALESCE(l.employee_id, NULLIF(w.assignee_id, '')) AS employee_id,
         l.rating
  FROM latest_per_ticket l
  CROSS JOIN params p
  LEFT JOIN ticket_winners w ON w.ticket_id = l.ticket_id
  WHERE l.latest = 1
    AND substr(CAST(CAST(l.submitted_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS VARCHAR), 1, 7) = p.month
),
survey_counts AS (
  SELECT employee_id,
         count(*) AS responses,
         CAST(sum(CASE WHEN rating >= 4 THEN 1 ELSE 0 END) AS BIGINT) AS satisfied
  FROM credited
  WHERE employee_id IS NOT NULL
  GROUP BY employee_id
),
pool AS (
  SELECT CAST(COALESCE(sum(responses), 0) AS BIGINT) AS responses,
         CAST(COALESCE(sum(satisfied), 0) AS BIGINT) AS satisfied
  FROM survey_counts
),
evaluation_records AS (
  SELECT DISTINCT e.employee_id
  FROM evaluations e
  CROSS JOIN params p
  WHERE e.month = p.month AND e.eval_month = p.month
    AND e.kind IN ('exam_score', 'responsibility_incident', 'attitude_complaint',
                   'communication_error', 'problem_solving', 'peer_review')
),
newest_roster AS (
  SELECT source_key, source_uploaded_at
  FROM roster
  ORDER BY source_uploaded_at DESC, source_key DESC
  LIMIT 1
),
roster_rows AS (
  SELECT r.employee_id, r.hired_at, r.left_at,
         row_number() OVER (PARTITION BY r.employee_id ORDER BY r.source_row DESC) AS pick
  FROM roster r
  JOIN newest_roster n
    ON r.source_key = n.source_key AND r.source_uploaded_at = n.source_uploaded_at
  WHERE r.employee_id <> ''
),
active AS (
  SELECT r.employee_id
  FROM roster_rows r
  CROSS JOIN params p
  WHERE r.pick = 1
    AND (r.hired_at IS NULL OR r.hired_at < p.next_first_day)
    AND (r.left_at IS NULL OR r.left_at >= p.first_day)
),
employees AS (
  SELECT employee_id FROM ticket_counts
  UNION
  SELECT employee_id FROM survey_counts
  UNION
  SELECT employee_id FROM active
),
counts AS (
  SELECT e.employee_id,
         COALESCE(s.responses, 0) AS n,
         COALESCE(s.satisfied, 0) AS s,
         COALESCE(t.on_time_evaluated, 0) AS ev,
         COALESCE(t.on_time_count, 0) AS ot,
         COALESCE(t.complaints_decided, 0) AS cd,
         COALESCE(t.complaints_success, 0) AS cs,
         pool.responses AS pool_n,
         pool.satisfied AS pool_s,
         (v.employee_id IS NOT NULL) AS has_evaluation
  FROM employees e
  CROSS JOIN pool
  LEFT JOIN survey_counts s ON s.employee_id = e.employee_id
  LEFT JOIN ticket_counts t ON t.employee_id = e.employee_id
  LEFT JOIN evaluation_records v ON v.employee_id = e.employee_id
),
-- The satisfaction rate used, in percent, as the fraction sat_a / sat_b.
rates AS (
  SELECT c.*,
         CASE WHEN c.n >= 5 THEN 100 * c.s
              ELSE 100 * c.s * c.pool_n + 500 * c.pool_s END AS sat_a,
         CASE WHEN c.n >= 5 THEN c.n ELSE c.pool_n * (c.n + 5) END AS sat_b
  FROM counts c
),
-- Each KPI's points as the fraction num / den (num >= 0, den > 0):
-- satisfaction 30 - 2 × (90 - rate), on_time 15 - (95 - rate),
-- complaint_success 15 - (85 - rate); the weight at or above target or
-- with no sample (on_time, complaint_success), 0 at the floor.
fractions AS (
  SELECT r.*,
         CASE WHEN r.sat_a >= 90 * r.sat_b THEN 30 * r.sat_b
              WHEN 2 * r.sat_a > 150 * r.sat_b THEN 2 * r.sat_a - 150 * r.sat_b
              ELSE 0 END AS sat_num,
         CASE WHEN r.ev = 0 THEN 15
              WHEN 100 * r.ot >= 95 * r.ev THEN 15 * r.ev
              WHEN 100 * r.ot > 80 * r.ev THEN 100 * r.ot - 80 * r.ev
              ELSE 0 END AS ot_num,
         CASE WHEN r.ev = 0 THEN 1 ELSE r.ev END AS ot_den,
         CASE WHEN r.cd = 0 THEN 15
              WHEN 100 * r.cs >= 85 * r.cd THEN 15 * r.cd
              WHEN 100 * r.cs > 70 * r.cd THEN 100 * r.cs - 70 * r.cd
              ELSE 0 END AS cs_num,
         CASE WHEN r.cd = 0 THEN 1 ELSE r.cd END AS cs_den
  FROM rates r
),
-- Points × 10^4 rounded half-up: floor((2·10^4·num + den) / (2·den)),
-- the floor of x / y written as (x - x % y) / y.
micro AS (
  SELECT f.*,
         CASE WHEN f.sat_b > 0 THEN
           CAST(((20000 * f.sat_num + f.sat_b) - (20000 * f.sat_num + f.sat_b) % (2 * f.sat_b))
                / (2 * f.sat_b) AS BIGINT)
         END AS sat_micro,
         CAST(((20000 * f.ot_num + f.ot_den) - (20000 * f.ot_num + f.ot_den) % (2 * f.ot_den))
              / (2 * f.ot_den) AS BIGINT) AS ot_micro,
         CAST(((20000 * f.cs_num + f.cs_den) - (20000 * f.cs_num + f.cs_den) % (2 * f.cs_den))
              / (2 * f.cs_den) AS BIGINT) AS cs_micro
  FROM fractions f
)
SELECT p.month, m.employee_id,
       m.n AS satisfaction_responses,
       m.s AS satisfaction_satisfied,
       (m.n < 5 AND m.pool_n > 0) AS small_sample,
       m.ev AS on_time_evaluated,
       m.ot AS on_time_count,
       m.cd AS complaints_decided,
       m.cs AS complaints_success,
       CAST(CAST(m.sat_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS satisfaction_points,
       CAST(CAST(m.ot_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS on_time_points,
       CAST(CAST(m.cs_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS complaint_success_points,
       (m.ev = 0 AND m.n = 0 AND NOT m.has_evaluation) AS no_activity
FROM micro m
CROSS JOIN params p
ORDER BY m.employee_id;
