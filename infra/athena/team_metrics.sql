-- Answers: for month :month, the team metrics of spec §11 per roster team,
-- worked out from the normalized roster and the published scorecards the way
-- the close works them out:
--   team_turnover: the team's leavers (left_at in the 12 months ending with
--     the month) / its average headcount over those 12 months (the sum of the
--     12 monthly headcounts / 12; a month's headcount: the rows with hired_at
--     empty or on/before its last day and left_at empty or on/after its first
--     day), in percent, rounded half-up to 4 decimals as scorecard_kpis'
--     raw_value; null without headcount. Both come from the newest roster
--     upload only (the latest source_uploaded_at, then the greater key; in
--     it, the last row per employee), as the close reads it: someone deleted
--     from the roster instead of given a left_at is not a leaver.
--   team_mean_score: the mean of the rounded scores of the month's scorecards
--     of the team that have a score (no_activity cards have none), leaving
--     out every card that itself has a KPI line :team_mean_kpi (the id of the
--     policy's team_mean_score KPI, e.g. 'team_score'): those are scored
--     after the others and are in no one's mean. Rounded half-up to 4
--     decimals; null when no such card has a score. The mean a manager sees
--     leaves out the manager, who is one of the cards left out.
-- members: the month's scorecards of the team. The record metrics over a
-- team are in record_metrics.sql (scope 'team').
-- Rows: one per team of the newest roster or of the month's scorecards,
-- sorted. Parameters: :month as a 'YYYY-MM' string literal, :team_mean_kpi
-- as a string literal.
WITH arg AS (
  SELECT :month AS month, :team_mean_kpi AS team_mean_kpi
),
params AS (
  SELECT month, team_mean_kpi,
         CAST(month || '-01' AS DATE) AS first_day,
         CAST(CAST(month || '-01' AS DATE) + INTERVAL '1' MONTH AS DATE) AS next_first_day,
         CAST(CAST(month || '-01' AS DATE) - INTERVAL '11' MONTH AS DATE) AS window_first_day
  FROM arg
),
newest_upload AS (
  SELECT source_uploaded_at, source_key
  FROM roster
  ORDER BY source_uploaded_at DESC, source_key DESC
  LIMIT 1
),
roster_rows AS (
  SELECT employee_id, team, hired_at, left_at
  FROM (
    SELECT r.employee_id, NULLIF(r.team, '') AS team, r.hired_at, r.left_at,
           row_number() OVER (PARTITION BY r.employee_id ORDER BY r.source_row DESC) AS pick
    FROM roster r
    JOIN newest_upload u ON u.source_uploaded_at = r.source_uploaded_at AND u.source_key = r.source_key
    WHERE r.employee_id <> ''
  ) ranked
  WHERE pick = 1
),
months AS (
  SELECT CAST(p.first_day - o.n * INTERVAL '1' MONTH AS DATE) AS month_first,
         CAST(CAST(p.first_day - o.n * INTERVAL '1' MONTH AS DATE) + INTERVAL '1' MONTH AS DATE) AS month_next
  FROM params p
  CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11)) AS o (n)
),
headcount AS (
  SELECT r.team, CAST(count(*) AS BIGINT) AS headcount_sum
  FROM roster_rows r
  CROSS JOIN months m
  WHERE r.team IS NOT NULL
    AND (r.hired_at IS NULL OR r.hired_at < m.month_next)
    AND (r.left_at IS NULL OR r.left_at >= m.month_first)
  GROUP BY r.team
),
leavers AS (
  SELECT r.team, CAST(count(*) AS BIGINT) AS leavers
  FROM roster_rows r
  CROSS JOIN params p
  WHERE r.team IS NOT NULL AND r.left_at >= p.window_first_day AND r.left_at < p.next_first_day
  GROUP BY r.team
),
cards AS (
  SELECT s.employee_id, NULLIF(s.team, '') AS team, s.score
  FROM latest_scorecards s
  CROSS JOIN params p
  WHERE s.month = p.month
),
second_pass AS (
  SELECT DISTINCT k.employee_id
  FROM latest_scorecard_kpis k
  CROSS JOIN params p
  WHERE k.month = p.month AND k.kpi = p.team_mean_kpi
),
scores AS (
  SELECT c.team,
         CAST(count(*) AS BIGINT) AS members,
         CAST(sum(CASE WHEN c.score IS NOT NULL AND sp.employee_id IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS scored,
         CAST(sum(CASE WHEN c.score IS NOT NULL AND sp.employee_id IS NULL
                       THEN CAST(c.score * 100 AS BIGINT) ELSE 0 END) AS BIGINT) AS score_centi
  FROM cards c
  LEFT JOIN second_pass sp ON sp.employee_id = c.employee_id
  WHERE c.team IS NOT NULL
  GROUP BY c.team
),
teams AS (
  SELECT team FROM roster_rows WHERE team IS NOT NULL
  UNION
  SELECT team FROM cards WHERE team IS NOT NULL
),
joined AS (
  SELECT t.team,
         COALESCE(s.members, 0) AS members,
         COALESCE(l.leavers, 0) AS leavers,
         COALESCE(h.headcount_sum, 0) AS headcount_sum,
         COALESCE(s.scored, 0) AS scored,
         COALESCE(s.score_centi, 0) AS score_centi
  FROM teams t
  LEFT JOIN headcount h ON h.team = t.team
  LEFT JOIN leavers l ON l.team = t.team
  LEFT JOIN scores s ON s.team = t.team
),
-- ×10^4 rounded half-up, floor((2x + y) / 2y) written as (z - z % w) / w:
-- turnover 1200·10^4·leavers / headcount_sum, mean 100·score_centi / scored.
fractions AS (
  SELECT j.*,
         (24000000 * j.leavers + j.headcount_sum) AS tx, (2 * j.headcount_sum) AS ty,
         (200 * j.score_centi + j.scored) AS sx, (2 * j.scored) AS sy
  FROM joined j
)
SELECT p.month, f.team, f.members, f.leavers, f.headcount_sum,
       CAST(CAST(f.headcount_sum AS DECIMAL(18,0)) / CAST(12 AS DECIMAL(18,0)) AS DECIMAL(18,2)) AS average_headcount,
       CASE WHEN f.headcount_sum > 0
            THEN CAST(CAST(CAST((f.tx - f.tx % f.ty) / f.ty AS BIGINT) AS DECIMAL(18,0))
                      * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) END AS team_turnover,
       f.scored AS scored_members,
       CASE WHEN f.scored > 0
            THEN CAST(CAST(CAST((f.sx - f.sx % f.sy) / f.sy AS BIGINT) AS DECIMAL(18,0))
                      * CAST('0.0001' AS DECIMAL(5,4)) AS DECIMAL(18,4)) END AS team_mean_score
FROM fractions f
CROSS JOIN params p
ORDER BY f.team;
