-- Answers: for each month and ticket category, how many tickets were
-- evaluated against their SLA deadline in that month and how many of them
-- breached it (the on_time KPI's counts, by category, over all employees).
-- Rules (spec §5): cancelled tickets are left out; a simple ticket's deadline
-- is created_at + 24h; a complex ticket's is the end (local time) of the 3rd
-- working day after its creation date, working days being Monday-Friday
-- adjusted by workday_calendar (the view complex_deadline_days). A ticket resolved by its deadline is
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
judged AS (
  SELECT l.ticket_id, l.category, l.resolved_at,
         CASE WHEN l.category = 'complex'
              THEN w.deadline_day
              ELSE CAST((l.created_at + INTERVAL '24' HOUR) AT TIME ZONE 'Asia/Shanghai' AS DATE)
         END AS deadline_day,
         CASE WHEN l.resolved_at IS NULL THEN false
              WHEN l.category = 'complex'
              THEN CAST(l.resolved_at AT TIME ZONE 'Asia/Shanghai' AS DATE) <= w.deadline_day
              ELSE l.resolved_at <= l.created_at + INTERVAL '24' HOUR
         END AS on_time,
         CASE WHEN l.category = 'complex'
              THEN w.deadline_day < CAST(current_timestamp AT TIME ZONE 'Asia/Shanghai' AS DATE)
              ELSE l.created_at + INTERVAL '24' HOUR < current_timestamp
         END AS deadline_passed
  FROM live l
  LEFT JOIN complex_deadline_days w ON w.created_day = l.created_day
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
