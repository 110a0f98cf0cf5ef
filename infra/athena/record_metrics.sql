-- Answers: for month :month, the record metrics of spec §11 for every
-- evaluation kind (built-in or declared in the policy's kinds), per employee
-- and over each roster team, worked out from the normalized evaluations and
-- the published scorecards the way the close works them out:
--   record_count: the records of the kind for the month (eval_month = month,
--     from the month's partition), every record counting (no de-duplication),
--   record_sum: the sum of their values,
--   record_latest: the value of the latest of them (the latest upload, then
--     the greater key, then the greater row),
--   record_mean: the mean of their values, rounded half-up (halves away from
--     zero) to 4 decimals as scorecard_kpis' raw_value.
-- Only the records of employees with a scorecard of the month count (the
-- month's latest published version): the close scores no one else. A team
-- row (scope 'team', employee_id null) sums the records of every scorecard
-- of the month whose team (the newest roster's) is the team, as a KPI of
-- scope team does; a scorecard without a team is in no team row.
-- Rows: one per scope, team, employee and kind with a record, sorted; a
-- kind without a record has no row (record_count and record_sum 0,
-- record_latest and record_mean not assessed).
-- Parameter :month is the month as a 'YYYY-MM' string literal.
WITH arg AS (
  SELECT :month AS month
),
cards AS (
  SELECT s.employee_id, NULLIF(s.team, '') AS team
  FROM latest_scorecards s
  CROSS JOIN arg a
  WHERE s.month = a.month
),
records AS (
  SELECT c.employee_id, c.team, v.kind, CAST(v.value * 100 AS BIGINT) AS centi,
         v.source_uploaded_at, v.source_key, v.source_row
  FROM evaluations v
  CROSS JOIN arg a
  JOIN cards c ON c.employee_id = v.employee_id
  WHERE v.month = a.month AND v.eval_month = a.month
),
scoped AS (
  SELECT 'employee' AS scope, team, employee_id, kind, centi,
         source_uploaded_at, source_key, source_row
  FROM records
  UNION ALL
  SELECT 'team' AS scope, team, CAST(NULL AS VARCHAR) AS employee_id, kind, centi,
         source_uploaded_at, source_key, source_row
  FROM records
  WHERE team IS NOT NULL
),
ranked AS (
  SELECT s.*,
         row_number() OVER (
           PARTITION BY s.scope, s.team, s.employee_id, s.kind
           ORDER BY s.source_uploaded_at DESC, s.source_key DESC, s.source_row DESC) AS pick
  FROM scoped s
),
agg AS (
  SELECT scope, team, employee_id, kind,
         CAST(count(*) AS BIGINT) AS n,
         CAST(sum(centi) AS BIGINT) AS sum_centi,
         max(CASE WHEN pick = 1 THEN centi END) AS latest_centi
  FROM ranked
  GROUP BY scope, team, employee_id, kind
),
-- The mean ×10^4 = 100 · sum_centi / n, rounded half-up on the magnitude:
-- floor((200·|sum| + n) / 2n), the floor written as (x - x % y) / y.
mean AS (
  SELECT g.*,
         (200 * abs(g.sum_centi) + g.n) AS mx,
         (2 * g.n) AS my
  FROM agg g
)
SELECT a.month, m.scope, m.team, m.employee_id, m.kind,
       m.n AS record_count,
       CAST(CAST(m.sum_centi AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,2)) AS record_sum,
       CAST(CAST(m.latest_centi AS DECIMAL(18,0)) * CAST('0.01' AS DECIMAL(3,2)) AS DECIMAL(18,2)) AS record_latest,
       CAST(CAST(CASE WHEN m.sum_centi < 0 THEN -1 ELSE 1 END * CAST((m.mx - m.mx % m.my) / m.my AS BIGINT)
                 AS DECIMAL(18,0)) * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) AS record_mean
FROM mean m
CROSS JOIN arg a
ORDER BY m.scope, m.team, m.employee_id, m.kind;
