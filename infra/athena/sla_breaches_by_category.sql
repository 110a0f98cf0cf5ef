-- Answers: for each month and ticket category, how many tickets were
-- evaluated against their SLA deadline in that month and how many of them
-- breached it (the on_time KPI's counts, by category, over all employees).
-- Rules (spec §5): cancelled tickets are left out; a simple ticket's deadline
-- is created_at + 24h; a complex ticket's is the end (local time) of the 3rd
-- working day after its creation date, working days being Monday-Friday
-- adjusted by workday_calendar. A ticket resolved by its deadline is
-- evaluated in the month it was resolved; any other is evaluated, as a
-- breach, in the month its deadline passed, once it has passed. Local time
-- is Asia/Shanghai (the default policy's time zone). breached_pct is rounded
-- for display; the counts are exact.
WITH live AS (
  SELECT ticket_id, category, created_at, resolved_at,
         CAST(created_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS created_day
  FROM tickets_dedup
  WHERE COALESCE(status, '') <> 'cancelled'
),
day_offsets AS (
  SELECT n FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10),
                        (11), (12), (13), (14), (15), (16), (17), (18), (19),
                        (20), (21), (22), (23), (24), (25), (26), (27), (28),
                        (29), (30)) AS offsets (n)
),
-- Weekend test: Athena's extract(DOW) is 1 (Monday) to 7 (Sunday), DuckDB's
-- is 0 (Sunday) to 6 (Saturday); Saturday is 6 in both, so 0, 6 and 7 are
-- the weekend in either engine.
working_days AS (
  SELECT c.ticket_id, c.calendar_date,
         row_number() OVER (PARTITION BY c.ticket_id ORDER BY c.calendar_date) AS nth
  FROM (
    SELECT l.ticket_id,
           CAST(l.created_day + o.n * INTERVAL '1' DAY AS DATE) AS calendar_date
    FROM live l CROSS JOIN day_offsets o
    WHERE l.category = 'complex'
  ) c
  LEFT JOIN workday_calendar w ON w.calendar_date = c.calendar_date
  WHERE COALESCE(NOT w.is_off_day, extract(DOW FROM c.calendar_date) NOT IN (0, 6, 7))
),
judged AS (
  SELECT l.ticket_id, l.category, l.resolved_at,
         CASE WHEN l.category = 'complex'
              THEN w.calendar_date
              ELSE CAST((l.created_at + INTERVAL '24' HOUR) AT TIME ZONE 'Asia/Shanghai' AS DATE)
         END AS deadline_day,
         CASE WHEN l.resolved_at IS NULL THEN false
              WHEN l.category = 'complex'
              THEN CAST(l.resolved_at AT TIME ZONE 'Asia/Shanghai' AS DATE) <= w.calendar_date
              ELSE l.resolved_at <= l.created_at + INTERVAL '24' HOUR
         END AS on_time,
         CASE WHEN l.category = 'complex'
              THEN w.calendar_date < CAST(current_timestamp AT TIME ZONE 'Asia/Shanghai' AS DATE)
              ELSE l.created_at + INTERVAL '24' HOUR < current_timestamp
         END AS deadline_passed
  FROM live l
  LEFT JOIN working_days w ON w.ticket_id = l.ticket_id AND w.nth = 3
),
evaluated AS (
  SELECT category, on_time,
         substr(CAST(CASE WHEN on_time
                          THEN CAST(resolved_at AT TIME ZONE 'Asia/Shanghai' AS DATE)
                          ELSE deadline_day
                     END AS VARCHAR), 1, 7) AS month
  FROM judged
  WHERE on_time OR deadline_passed
)
SELECT month, category,
       count(*) AS evaluated,
       sum(CASE WHEN on_time THEN 0 ELSE 1 END) AS breached,
       CAST(round(100.0000 * sum(CASE WHEN on_time THEN 0 ELSE 1 END) / count(*), 2)
            AS DECIMAL(5,2)) AS breached_pct
FROM evaluated
GROUP BY month, category
ORDER BY month, category;
