-- Answers: for month :month, the proration days of spec §11 of every
-- scorecard with a roster row, as the payroll table's employed_days and
-- working_days: working_days are the working days of the month, employed_days
-- those from hired_at (or the 1st) to left_at (or the last day), both days
-- included, 0 for someone not employed in the month at all (credited with
-- work only). The payout is pay × multiplier × employed_days / working_days
-- (payroll/, which analysts do not read). Working days are Monday-Friday less
-- the holidays of workday_calendar plus its make-up days (the default
-- calendar; a config/calendar/ file replacing a year is not in the view).
-- The roster row is the newest roster upload's (the latest
-- source_uploaded_at, then the greater key; in it, the last row per
-- employee), as the close reads it. With the policy's proration: none the
-- payroll table leaves both columns empty; this query does not read the
-- policy and gives the days regardless. Cards not on the roster have no row.
-- Rows: one per scorecard of the month's latest published version with a
-- roster row, sorted by employee; prorated is true when employed_days <
-- working_days. Parameter :month is the month as a 'YYYY-MM' string literal.
WITH arg AS (
  SELECT :month AS month
),
params AS (
  SELECT month,
         CAST(month || '-01' AS DATE) AS first_day,
         CAST(CAST(month || '-01' AS DATE) + INTERVAL '1' MONTH AS DATE) AS next_first_day
  FROM arg
),
days AS (
  SELECT d.calendar_date
  FROM (
    SELECT CAST(p.first_day + o.n * INTERVAL '1' DAY AS DATE) AS calendar_date, p.next_first_day
    FROM params p
    CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10),
                       (11), (12), (13), (14), (15), (16), (17), (18), (19),
                       (20), (21), (22), (23), (24), (25), (26), (27), (28),
                       (29), (30)) AS o (n)
  ) d
  LEFT JOIN workday_calendar w ON w.calendar_date = d.calendar_date
  WHERE d.calendar_date < d.next_first_day
    AND COALESCE(NOT w.is_off_day, extract(DOW FROM d.calendar_date) NOT IN (0, 6, 7))
),
newest_upload AS (
  SELECT source_uploaded_at, source_key
  FROM roster
  ORDER BY source_uploaded_at DESC, source_key DESC
  LIMIT 1
),
roster_rows AS (
  SELECT employee_id, hired_at, left_at
  FROM (
    SELECT r.employee_id, r.hired_at, r.left_at,
           row_number() OVER (PARTITION BY r.employee_id ORDER BY r.source_row DESC) AS pick
    FROM roster r
    JOIN newest_upload u ON u.source_uploaded_at = r.source_uploaded_at AND u.source_key = r.source_key
    WHERE r.employee_id <> ''
  ) ranked
  WHERE pick = 1
),
cards AS (
  SELECT s.employee_id, r.hired_at, r.left_at
  FROM latest_scorecards s
  CROSS JOIN params p
  JOIN roster_rows r ON r.employee_id = s.employee_id
  WHERE s.month = p.month
),
counted AS (
  SELECT c.employee_id, c.hired_at, c.left_at,
         CAST(sum(CASE WHEN (c.hired_at IS NULL OR d.calendar_date >= c.hired_at)
                        AND (c.left_at IS NULL OR d.calendar_date <= c.left_at) THEN 1 ELSE 0 END) AS BIGINT) AS employed_days,
         CAST(count(*) AS BIGINT) AS working_days
  FROM cards c
  CROSS JOIN days d
  GROUP BY c.employee_id, c.hired_at, c.left_at
)
SELECT p.month, c.employee_id, c.hired_at, c.left_at, c.employed_days, c.working_days,
       c.employed_days < c.working_days AS prorated
FROM counted c
CROSS JOIN params p
ORDER BY c.employee_id;
