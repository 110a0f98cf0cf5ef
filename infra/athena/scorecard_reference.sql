-- Answers: for month :month, every scorecard of its latest published
-- version worked out again: each KPI's value and points, the weights
-- assessed, the score, the band and the salary multiplier, from the
-- evidence (latest_scorecard_evidence: the tickets, responses and
-- complaints that counted) and the normalized evaluations, the way the
-- close works them out under the default policy (spec §5): an analyst's
-- check that every published number follows from its items.
-- Rows: one per scorecard of the month's latest published version, sorted
-- by employee. Columns ending in _value are the KPI's raw value (a rate in
-- percent, a count, an exam score, a rating; null when not assessed) and
-- _points its points, both rounded half-up to 4 decimals as in
-- scorecard_kpis; score is rounded half-up to 2 decimals from the exact
-- sum, as the close does (never from the rounded points), and the band is
-- chosen from the rounded score.
-- Rules (the default policy's numbers):
--   satisfaction (weight 30): evidence rows of KPI satisfaction, met =
--     rating >= 4. Below 5 responses the rate is (satisfied + 5·p)/(n + 5),
--     p the pooled rate of every response credited in the month (the
--     satisfaction rows of all scorecards); n = 0 gives p; small_sample is
--     set. Target 90%, minus 2 points per point below. When nobody has a
--     response the KPI is not assessed.
--   on_time (15): evidence rows of on_time (tickets evaluated in the
--     month, met = resolved by the deadline); target 95%, minus 1 per point
--     below; no ticket: full points.
--   complaint_success (15): evidence rows of complaint_success (decided
--     complaints resolved in the month, met = success); target 85%, minus 1
--     per point below; none: full points.
--   responsibility (10), communication (5): the sum of the values of the
--     month's responsibility_incident / communication_error records
--     (normalized evaluations); minus 2 / 1 per unit.
--   service_attitude (10): the attitude complaint tickets created in the
--     month (evidence rows of service_attitude with item 'complaint', 1 each)
--     plus the values of the month's attitude_complaint records; minus 2 each.
--   skill_exam (10): the latest exam_score record of the month or the 2
--     before (the latest month; within it the latest upload, then the greater
--     key, then the greater row): 80 or more full points, minus 2 per 5
--     points below; none: not assessed.
--   problem_solving (5): the month's latest problem_solving record (same
--     order): points = 5 × rating / 5, between 0 and 5; none: not assessed.
--   Every KPI's points are between 0 and its weight. score = 100 × earned
--   points / weights assessed (the weights of the KPIs not assessed are left
--   out). Band A from 90.00 (multiplier 1.20), B from 80 (1.00), C from 70
--   (0.80), D below (0.50). no_activity (no ticket evaluated, no response
--   credited, no evaluation record of a known kind for the month): no score,
--   no band, multiplier 1.00 (no_activity.multiplier).
-- Adjustments (spec §10): exclusions and reassignments are already in the
-- evidence (the items counted are the adjusted ones), and their own rows
-- (item 'adjustment') are not items of a KPI, so they are left out of the
-- counts. A points adjustment changes a KPI's points after its value, and
-- this query does not re-apply it: points_adjusted is true for a card
-- with one, whose published points and score differ from the ones here by
-- the adjustment rows of latest_scorecard_evidence (clamped to 0..weight).
-- The payout is not here: it is performance_pay × multiplier, rounded
-- half-up to the fen, and performance pay is read only from payroll/
-- (salary_multipliers.csv), which analysts cannot read (spec §12). Payroll
-- checks it there; infra/athenacheck checks it against this multiplier.
-- Exact arithmetic: each KPI's points are a fraction of integers; their sum
-- is taken over a common denominator in DECIMAL(38,0) (multiplied and
-- compared, never divided), and the score's half-up rounding is decided by
-- comparing (2c ± 1) × denominator × weights assessed with 20000 × the
-- numerator for the candidate c next to a DOUBLE estimate.
-- Parameter :month is the month as a 'YYYY-MM' string literal (in the Athena
-- console write it in quotes in its place, or replace it with ? and pass it
-- as an execution parameter).
WITH arg AS (
  SELECT :month AS month
),
params AS (
  SELECT month,
         substr(CAST(CAST(CAST(month || '-01' AS DATE) - INTERVAL '2' MONTH AS DATE)
                     AS VARCHAR), 1, 7) AS first_exam_month
  FROM arg
),
cards AS (
  SELECT s.employee_id
  FROM latest_scorecards s
  CROSS JOIN params p
  WHERE s.month = p.month
),
evidence_all AS (
  SELECT e.*
  FROM latest_scorecard_evidence e
  CROSS JOIN params p
  WHERE e.month = p.month
),
evidence AS (
  SELECT * FROM evidence_all WHERE item <> 'adjustment'
),
points_adjusted AS (
  SELECT DISTINCT employee_id
  FROM evidence_all
  WHERE item = 'adjustment' AND points IS NOT NULL
),
evidence_counts AS (
  SELECT employee_id,
         CAST(sum(CASE WHEN kpi = 'satisfaction' THEN 1 ELSE 0 END) AS BIGINT) AS n,
         CAST(sum(CASE WHEN kpi = 'satisfaction' AND met THEN 1 ELSE 0 END) AS BIGINT) AS s,
         CAST(sum(CASE WHEN kpi = 'on_time' THEN 1 ELSE 0 END) AS BIGINT) AS ev,
         CAST(sum(CASE WHEN kpi = 'on_time' AND met THEN 1 ELSE 0 END) AS BIGINT) AS ot,
         CAST(sum(CASE WHEN kpi = 'complaint_success' THEN 1 ELSE 0 END) AS BIGINT) AS cd,
         CAST(sum(CASE WHEN kpi = 'complaint_success' AND met THEN 1 ELSE 0 END) AS BIGINT) AS cs,
         CAST(sum(CASE WHEN kpi = 'service_attitude' AND item = 'complaint' THEN 1 ELSE 0 END) AS BIGINT) AS att_tickets
  FROM evidence
  GROUP BY employee_id
),
pool AS (
  SELECT CAST(COALESCE(sum(n), 0) AS BIGINT) AS pool_n,
         CAST(COALESCE(sum(s), 0) AS BIGINT) AS pool_s
  FROM evidence_counts
),
-- The evaluation records of the month and the exam look-back, values ×100.
records AS (
  SELECT v.employee_id, v.eval_month, v.kind,
         CAST(v.value * 100 AS BIGINT) AS centi,
         row_number() OVER (
           PARTITION BY v.employee_id, v.kind
           ORDER BY v.eval_month DESC, v.source_uploaded_at DESC,
                    v.source_key DESC, v.source_row DESC) AS latest
  FROM evaluations v
  CROSS JOIN params p
  WHERE v.month BETWEEN p.first_exam_month AND p.month
    AND v.eval_month BETWEEN p.first_exam_month AND p.month
),
record_counts AS (
  SELECT r.employee_id,
         CAST(sum(CASE WHEN r.eval_month = p.month AND r.kind = 'responsibility_incident' THEN r.centi ELSE 0 END) AS BIGINT) AS resp_centi,
         CAST(sum(CASE WHEN r.eval_month = p.month AND r.kind = 'attitude_complaint' THEN r.centi ELSE 0 END) AS BIGINT) AS att_centi,
         CAST(sum(CASE WHEN r.eval_month = p.month AND r.kind = 'communication_error' THEN r.centi ELSE 0 END) AS BIGINT) AS comm_centi,
         max(CASE WHEN r.kind = 'exam_score' AND r.latest = 1 THEN r.centi END) AS exam_centi,
         max(CASE WHEN r.eval_month = p.month
                   AND r.kind IN ('exam_score', 'responsibility_incident', 'attitude_complaint',
                                  'communication_error', 'problem_solving', 'peer_review')
                  THEN 1 ELSE 0 END) = 1 AS has_record
  FROM records r
  CROSS JOIN params p
  GROUP BY r.employee_id
),
-- problem_solving's latest is taken among the month's records only.
ps_latest AS (
  SELECT employee_id, centi AS ps_centi
  FROM (
    SELECT r.employee_id, r.centi,
           row_number() OVER (
             PARTITION BY r.employee_id
             ORDER BY r.source_uploaded_at DESC, r.source_key DESC, r.source_row DESC) AS pick
    FROM (
      SELECT v.employee_id, CAST(v.value * 100 AS BIGINT) AS centi,
             v.source_uploaded_at, v.source_key, v.source_row
      FROM evaluations v
      CROSS JOIN params p
      WHERE v.month = p.month AND v.eval_month = p.month AND v.kind = 'problem_solving'
    ) r
  ) ranked
  WHERE pick = 1
),
counts AS (
  SELECT c.employee_id,
         COALESCE(e.n, 0) AS n, COALESCE(e.s, 0) AS s,
         COALESCE(e.ev, 0) AS ev, COALESCE(e.ot, 0) AS ot,
         COALESCE(e.cd, 0) AS cd, COALESCE(e.cs, 0) AS cs,
         COALESCE(r.resp_centi, 0) AS resp_c,
         100 * COALESCE(e.att_tickets, 0) + COALESCE(r.att_centi, 0) AS att_c,
         COALESCE(r.comm_centi, 0) AS comm_c,
         r.exam_centi AS exam_c,
         ps.ps_centi AS ps_c,
         COALESCE(r.has_record, false) AS has_record,
         pool.pool_n, pool.pool_s
  FROM cards c
  CROSS JOIN pool
  LEFT JOIN evidence_counts e ON e.employee_id = c.employee_id
  LEFT JOIN record_counts r ON r.employee_id = c.employee_id
  LEFT JOIN ps_latest ps ON ps.employee_id = c.employee_id
),
-- Each KPI's points as a fraction num / den with den > 0. The satisfaction
-- rate used, in percent, is sat_a / sat_b.
fractions AS (
  SELECT c.*,
         (c.n > 0 OR c.pool_n > 0) AS sat_assessed,
         (c.n < 5 AND c.pool_n > 0) AS small_sample,
         CASE WHEN c.n >= 5 THEN 100 * c.s
              WHEN c.pool_n > 0 THEN 100 * c.s * c.pool_n + 500 * c.pool_s
              ELSE 0 END AS sat_a,
         CASE WHEN c.n >= 5 THEN c.n
              WHEN c.pool_n > 0 THEN c.pool_n * (c.n + 5)
              ELSE 1 END AS sat_b,
         CASE WHEN c.ev = 0 THEN 15
              WHEN 100 * c.ot >= 95 * c.ev THEN 15 * c.ev
              WHEN 100 * c.ot > 80 * c.ev THEN 100 * c.ot - 80 * c.ev
              ELSE 0 END AS ot_num,
         CASE WHEN c.ev = 0 THEN 1 ELSE c.ev END AS ot_den,
         CASE WHEN c.cd = 0 THEN 15
              WHEN 100 * c.cs >= 85 * c.cd THEN 15 * c.cd
              WHEN 100 * c.cs > 70 * c.cd THEN 100 * c.cs - 70 * c.cd
              ELSE 0 END AS cs_num,
         CASE WHEN c.cd = 0 THEN 1 ELSE c.cd END AS cs_den,
         -- over 100: 10 - 2 × centi / 100, 10 - 2 × centi / 100, 5 - centi / 100
         CASE WHEN c.resp_c <= 0 THEN 1000 ELSE greatest(0, 1000 - 2 * c.resp_c) END AS resp_num,
         CASE WHEN c.att_c <= 0 THEN 1000 ELSE greatest(0, 1000 - 2 * c.att_c) END AS att_num,
         CASE WHEN c.comm_c <= 0 THEN 500 ELSE greatest(0, 500 - c.comm_c) END AS comm_num,
         -- over 500: 10 - 2 × (80 - centi / 100) / 5
         CASE WHEN c.exam_c IS NULL THEN 0
              WHEN c.exam_c >= 8000 THEN 5000
              ELSE greatest(0, 2 * c.exam_c - 11000) END AS exam_num,
         -- over 100: 5 × (centi / 100) / 5, between 0 and 5
         CASE WHEN c.ps_c IS NULL THEN 0 ELSE least(500, greatest(0, c.ps_c)) END AS ps_num
  FROM counts c
),
sat AS (
  SELECT f.*,
         CASE WHEN NOT f.sat_assessed THEN 0
              WHEN f.sat_a >= 90 * f.sat_b THEN 30 * f.sat_b
              WHEN 2 * f.sat_a > 150 * f.sat_b THEN 2 * f.sat_a - 150 * f.sat_b
              ELSE 0 END AS sat_num,
         (CASE WHEN f.sat_assessed THEN 30 ELSE 0 END) + 15 + 15 + 10 + 10
           + (CASE WHEN f.exam_c IS NULL THEN 0 ELSE 10 END) + 5
           + (CASE WHEN f.ps_c IS NULL THEN 0 ELSE 5 END) AS assessed
  FROM fractions f
),
-- earned = big_num / big_den exactly, in DECIMAL(38,0):
-- sat/sat_b + ot/ot_den + cs/cs_den + (5·resp + 5·att + exam + 5·comm + 5·ps)/500.
exact AS (
  SELECT x.*,
         CAST(x.sat_num AS DECIMAL(38,0)) * CAST(x.ot_den AS DECIMAL(38,0)) * CAST(x.cs_den AS DECIMAL(38,0)) * CAST(500 AS DECIMAL(38,0))
           + CAST(x.ot_num AS DECIMAL(38,0)) * CAST(x.sat_b AS DECIMAL(38,0)) * CAST(x.cs_den AS DECIMAL(38,0)) * CAST(500 AS DECIMAL(38,0))
           + CAST(x.cs_num AS DECIMAL(38,0)) * CAST(x.sat_b AS DECIMAL(38,0)) * CAST(x.ot_den AS DECIMAL(38,0)) * CAST(500 AS DECIMAL(38,0))
           + CAST(5 * x.resp_num + 5 * x.att_num + x.exam_num + 5 * x.comm_num + 5 * x.ps_num AS DECIMAL(38,0))
             * CAST(x.sat_b AS DECIMAL(38,0)) * CAST(x.ot_den AS DECIMAL(38,0)) * CAST(x.cs_den AS DECIMAL(38,0)) AS big_num,
         CAST(x.sat_b AS DECIMAL(38,0)) * CAST(x.ot_den AS DECIMAL(38,0)) * CAST(x.cs_den AS DECIMAL(38,0))
           * CAST(500 AS DECIMAL(38,0)) * CAST(x.assessed AS DECIMAL(38,0)) AS big_den_w
  FROM sat x
),
-- Score ×100 rounded half-up: the c with (2c - 1)·D·W <= 20000·N < (2c + 1)·D·W,
-- found next to the DOUBLE estimate c0.
estimate AS (
  SELECT e.*,
         CAST(round(10000 * CAST(e.big_num AS DOUBLE) / CAST(e.big_den_w AS DOUBLE)) AS BIGINT) AS c0
  FROM exact e
),
scored AS (
  SELECT e.*,
         CASE WHEN CAST(20000 AS DECIMAL(38,0)) * e.big_num < CAST(2 * e.c0 - 1 AS DECIMAL(38,0)) * e.big_den_w THEN e.c0 - 1
              WHEN CAST(20000 AS DECIMAL(38,0)) * e.big_num >= CAST(2 * e.c0 + 1 AS DECIMAL(38,0)) * e.big_den_w THEN e.c0 + 1
              ELSE e.c0 END AS score_centi,
         (e.ev = 0 AND e.n = 0 AND NOT e.has_record) AS no_activity
  FROM estimate e
),
-- Values and points ×10^4 rounded half-up: floor((2·10^4·num + den) / (2·den)),
-- the floor of x / y written as (x - x % y) / y (exact: BIGINT below 2^53).
micro AS (
  SELECT s.*,
         CASE WHEN s.n > 0 THEN CAST(((2000000 * s.s + s.n) - (2000000 * s.s + s.n) % (2 * s.n)) / (2 * s.n) AS BIGINT) END AS sat_value_micro,
         CASE WHEN s.small_sample THEN CAST(((20000 * s.sat_a + s.sat_b) - (20000 * s.sat_a + s.sat_b) % (2 * s.sat_b)) / (2 * s.sat_b) AS BIGINT) END AS sat_adjusted_micro,
         CASE WHEN s.sat_assessed THEN CAST(((20000 * s.sat_num + s.sat_b) - (20000 * s.sat_num + s.sat_b) % (2 * s.sat_b)) / (2 * s.sat_b) AS BIGINT) END AS sat_micro,
         CASE WHEN s.ev > 0 THEN CAST(((2000000 * s.ot + s.ev) - (2000000 * s.ot + s.ev) % (2 * s.ev)) / (2 * s.ev) AS BIGINT) END AS ot_value_micro,
         CAST(((20000 * s.ot_num + s.ot_den) - (20000 * s.ot_num + s.ot_den) % (2 * s.ot_den)) / (2 * s.ot_den) AS BIGINT) AS ot_micro,
         CASE WHEN s.cd > 0 THEN CAST(((2000000 * s.cs + s.cd) - (2000000 * s.cs + s.cd) % (2 * s.cd)) / (2 * s.cd) AS BIGINT) END AS cs_value_micro,
         CAST(((20000 * s.cs_num + s.cs_den) - (20000 * s.cs_num + s.cs_den) % (2 * s.cs_den)) / (2 * s.cs_den) AS BIGINT) AS cs_micro
  FROM scored s
)
SELECT p.month, m.employee_id,
       CAST(CAST(m.sat_value_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS satisfaction_value,
       CAST(CAST(m.sat_adjusted_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS satisfaction_adjusted,
       m.small_sample,
       CAST(CAST(m.sat_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS satisfaction_points,
       CAST(CAST(m.ot_value_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS on_time_value,
       CAST(CAST(m.ot_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS on_time_points,
       CAST(CAST(m.cs_value_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS complaint_success_value,
       CAST(CAST(m.cs_micro AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS complaint_success_points,
       CAST(CAST(m.resp_c AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) AS responsibility_value,
       CAST(CAST(m.resp_num AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) AS responsibility_points,
       CAST(CAST(m.att_c AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) AS service_attitude_value,
       CAST(CAST(m.att_num AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) AS service_attitude_points,
       CAST(CAST(m.exam_c AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) AS skill_exam_value,
       CASE WHEN m.exam_c IS NOT NULL THEN CAST(CAST(m.exam_num AS DECIMAL(18,0)) * CAST('0.002' AS DECIMAL(4,3)) AS DECIMAL(18,4)) END AS skill_exam_points,
       CAST(CAST(m.comm_c AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) AS communication_value,
       CAST(CAST(m.comm_num AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) AS communication_points,
       CAST(CAST(m.ps_c AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) AS problem_solving_value,
       CASE WHEN m.ps_c IS NOT NULL THEN CAST(CAST(m.ps_num AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,4)) END AS problem_solving_points,
       CAST(m.assessed AS DECIMAL(10,2)) AS weight_assessed,
       m.no_activity,
       (pa.employee_id IS NOT NULL) AS points_adjusted,
       CASE WHEN NOT m.no_activity THEN CAST(CAST(m.score_centi AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(10,2)) END AS score,
       CASE WHEN m.no_activity THEN NULL
            WHEN m.score_centi >= 9000 THEN 'A'
            WHEN m.score_centi >= 8000 THEN 'B'
            WHEN m.score_centi >= 7000 THEN 'C'
            ELSE 'D' END AS band,
       CASE WHEN m.no_activity THEN CAST('1.00' AS DECIMAL(10,2))
            WHEN m.score_centi >= 9000 THEN CAST('1.20' AS DECIMAL(10,2))
            WHEN m.score_centi >= 8000 THEN CAST('1.00' AS DECIMAL(10,2))
            WHEN m.score_centi >= 7000 THEN CAST('0.80' AS DECIMAL(10,2))
            ELSE CAST('0.50' AS DECIMAL(10,2)) END AS multiplier
FROM micro m
CROSS JOIN params p
LEFT JOIN points_adjusted pa ON pa.employee_id = m.employee_id
ORDER BY m.employee_id;
