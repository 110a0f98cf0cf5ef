-- Answers: for each month and team, how many scored survey responses there
-- were, how many were satisfied (rating >= 4) and that share in percent:
-- the satisfaction KPI's raw rate (before small-sample shrinkage), by team.
-- Responses are de-duplicated and credited as the close does (surveys_dedup).
-- The team is the credited employee's team on the newest roster upload up to
-- the end of that month (as the close picks the roster); team is null for
-- someone not on that roster. satisfied_pct is rounded for display; the
-- counts are exact.
WITH survey_months AS (
  SELECT DISTINCT month FROM surveys_dedup
),
roster_uploads AS (
  SELECT DISTINCT month AS upload_month, source_uploaded_at, source_key
  FROM roster
),
roster_of_month AS (
  SELECT m.month, u.source_key, u.source_uploaded_at,
         row_number() OVER (
           PARTITION BY m.month
           ORDER BY u.source_uploaded_at DESC, u.source_key DESC) AS pick
  FROM survey_months m
  JOIN roster_uploads u ON u.upload_month <= m.month
),
teams AS (
  SELECT p.month, r.employee_id, r.team,
         row_number() OVER (
           PARTITION BY p.month, r.employee_id
           ORDER BY r.source_row DESC) AS pick
  FROM roster_of_month p
  JOIN roster r
    ON r.source_key = p.source_key AND r.source_uploaded_at = p.source_uploaded_at
  WHERE p.pick = 1
),
counted AS (
  SELECT s.month, t.team,
         count(*) AS responses,
         sum(CASE WHEN s.rating >= 4 THEN 1 ELSE 0 END) AS satisfied
  FROM surveys_dedup s
  LEFT JOIN teams t
    ON t.month = s.month AND t.employee_id = s.credited_employee_id AND t.pick = 1
  WHERE s.credited_employee_id IS NOT NULL
  GROUP BY s.month, t.team
)
SELECT month, team, responses, satisfied,
       CAST(round(100.0000 * satisfied / responses, 2) AS DECIMAL(5,2)) AS satisfied_pct
FROM counted
ORDER BY month, team NULLS LAST;
