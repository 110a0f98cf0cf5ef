-- Answers: for each month and team, how many scored survey responses there
-- were, how many were satisfied (rating >= 4) and that share in percent:
-- the satisfaction KPI's raw rate (before small-sample shrinkage), by team.
-- Responses are de-duplicated and credited as the close does (surveys_dedup).
-- The team is the one on the credited employee's scorecard in the month's
-- latest published version (what payroll shows; null for someone not on the
-- roster); for a month not closed yet, the team on the newest roster upload,
-- the roster the close will use (spec §3.4). satisfied_pct is rounded for
-- display; the counts are exact.
WITH newest_roster AS (
  SELECT source_key, source_uploaded_at
  FROM roster
  ORDER BY source_uploaded_at DESC, source_key DESC
  LIMIT 1
),
roster_teams AS (
  SELECT r.employee_id, r.team,
         row_number() OVER (
           PARTITION BY r.employee_id ORDER BY r.source_row DESC) AS pick
  FROM roster r
  JOIN newest_roster n
    ON r.source_key = n.source_key AND r.source_uploaded_at = n.source_uploaded_at
),
closed_months AS (
  SELECT DISTINCT month FROM latest_scorecards
),
credited AS (
  SELECT s.month, s.rating,
         CASE WHEN c.month IS NOT NULL THEN sc.team ELSE rt.team END AS team
  FROM surveys_dedup s
  LEFT JOIN closed_months c ON c.month = s.month
  LEFT JOIN latest_scorecards sc
    ON sc.month = s.month AND sc.employee_id = s.credited_employee_id
  LEFT JOIN roster_teams rt
    ON rt.employee_id = s.credited_employee_id AND rt.pick = 1
  WHERE s.credited_employee_id IS NOT NULL
),
counted AS (
  SELECT month, team,
         count(*) AS responses,
         sum(CASE WHEN rating >= 4 THEN 1 ELSE 0 END) AS satisfied
  FROM credited
  GROUP BY month, team
)
SELECT month, team, responses, satisfied,
       CAST(round(100.0000 * satisfied / responses, 2) AS DECIMAL(5,2)) AS satisfied_pct
FROM counted
ORDER BY month, team NULLS LAST;
