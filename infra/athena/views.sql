-- Views the analysts' queries build on. Run each statement once in the
-- scorecard Athena workgroup (docs/deploy.md, "Creating the views"); the
-- same statements are saved in template.yaml as Athena named queries, and
-- infra/gluecheck fails if the two differ. Statements are separated by a
-- line ending in ';'. Dialect: the subset Athena (Trino) and DuckDB share.

-- workday_calendar: the exceptions to Monday-Friday working days in the
-- default policy's mainland-China calendar (holiday-cn): is_off_day is true
-- for a public holiday and false for a make-up working day (调休). Dates
-- outside the years listed are plain Monday-Friday here (the close refuses
-- them instead). Generated from pkg/calendar/holidaycn by
-- `go test -run TestWorkdayCalendarView -update` in infra/athenacheck.
-- BEGIN GENERATED workday_calendar
CREATE OR REPLACE VIEW workday_calendar AS
SELECT CAST(calendar_date AS DATE) AS calendar_date, is_off_day, holiday_name
FROM (VALUES
  ('2024-01-01', true, '元旦'),
  ('2024-02-04', false, '春节'),
  ('2024-02-10', true, '春节'),
  ('2024-02-11', true, '春节'),
  ('2024-02-12', true, '春节'),
  ('2024-02-13', true, '春节'),
  ('2024-02-14', true, '春节'),
  ('2024-02-15', true, '春节'),
  ('2024-02-16', true, '春节'),
  ('2024-02-17', true, '春节'),
  ('2024-02-18', false, '春节'),
  ('2024-04-04', true, '清明节'),
  ('2024-04-05', true, '清明节'),
  ('2024-04-06', true, '清明节'),
  ('2024-04-07', false, '清明节'),
  ('2024-04-28', false, '劳动节'),
  ('2024-05-01', true, '劳动节'),
  ('2024-05-02', true, '劳动节'),
  ('2024-05-03', true, '劳动节'),
  ('2024-05-04', true, '劳动节'),
  ('2024-05-05', true, '劳动节'),
  ('2024-05-11', false, '劳动节'),
  ('2024-06-10', true, '端午节'),
  ('2024-09-14', false, '中秋节'),
  ('2024-09-15', true, '中秋节'),
  ('2024-09-16', true, '中秋节'),
  ('2024-09-17', true, '中秋节'),
  ('2024-09-29', false, '国庆节'),
  ('2024-10-01', true, '国庆节'),
  ('2024-10-02', true, '国庆节'),
  ('2024-10-03', true, '国庆节'),
  ('2024-10-04', true, '国庆节'),
  ('2024-10-05', true, '国庆节'),
  ('2024-10-06', true, '国庆节'),
  ('2024-10-07', true, '国庆节'),
  ('2024-10-12', false, '国庆节'),
  ('2025-01-01', true, '元旦'),
  ('2025-01-26', false, '春节'),
  ('2025-01-28', true, '春节'),
  ('2025-01-29', true, '春节'),
  ('2025-01-30', true, '春节'),
  ('2025-01-31', true, '春节'),
  ('2025-02-01', true, '春节'),
  ('2025-02-02', true, '春节'),
  ('2025-02-03', true, '春节'),
  ('2025-02-04', true, '春节'),
  ('2025-02-08', false, '春节'),
  ('2025-04-04', true, '清明节'),
  ('2025-04-05', true, '清明节'),
  ('2025-04-06', true, '清明节'),
  ('2025-04-27', false, '劳动节'),
  ('2025-05-01', true, '劳动节'),
  ('2025-05-02', true, '劳动节'),
  ('2025-05-03', true, '劳动节'),
  ('2025-05-04', true, '劳动节'),
  ('2025-05-05', true, '劳动节'),
  ('2025-05-31', true, '端午节'),
  ('2025-06-01', true, '端午节'),
  ('2025-06-02', true, '端午节'),
  ('2025-09-28', false, '国庆节、中秋节'),
  ('2025-10-01', true, '国庆节、中秋节'),
  ('2025-10-02', true, '国庆节、中秋节'),
  ('2025-10-03', true, '国庆节、中秋节'),
  ('2025-10-04', true, '国庆节、中秋节'),
  ('2025-10-05', true, '国庆节、中秋节'),
  ('2025-10-06', true, '国庆节、中秋节'),
  ('2025-10-07', true, '国庆节、中秋节'),
  ('2025-10-08', true, '国庆节、中秋节'),
  ('2025-10-11', false, '国庆节、中秋节'),
  ('2026-01-01', true, '元旦'),
  ('2026-01-02', true, '元旦'),
  ('2026-01-03', true, '元旦'),
  ('2026-01-04', false, '元旦'),
  ('2026-02-14', false, '春节'),
  ('2026-02-15', true, '春节'),
  ('2026-02-16', true, '春节'),
  ('2026-02-17', true, '春节'),
  ('2026-02-18', true, '春节'),
  ('2026-02-19', true, '春节'),
  ('2026-02-20', true, '春节'),
  ('2026-02-21', true, '春节'),
  ('2026-02-22', true, '春节'),
  ('2026-02-23', true, '春节'),
  ('2026-02-28', false, '春节'),
  ('2026-04-04', true, '清明节'),
  ('2026-04-05', true, '清明节'),
  ('2026-04-06', true, '清明节'),
  ('2026-05-01', true, '劳动节'),
  ('2026-05-02', true, '劳动节'),
  ('2026-05-03', true, '劳动节'),
  ('2026-05-04', true, '劳动节'),
  ('2026-05-05', true, '劳动节'),
  ('2026-05-09', false, '劳动节'),
  ('2026-06-19', true, '端午节'),
  ('2026-06-20', true, '端午节'),
  ('2026-06-21', true, '端午节'),
  ('2026-09-20', false, '国庆节'),
  ('2026-09-25', true, '中秋节'),
  ('2026-09-26', true, '中秋节'),
  ('2026-09-27', true, '中秋节'),
  ('2026-10-01', true, '国庆节'),
  ('2026-10-02', true, '国庆节'),
  ('2026-10-03', true, '国庆节'),
  ('2026-10-04', true, '国庆节'),
  ('2026-10-05', true, '国庆节'),
  ('2026-10-06', true, '国庆节'),
  ('2026-10-07', true, '国庆节'),
  ('2026-10-10', false, '国庆节')
) AS days (calendar_date, is_off_day, holiday_name);
-- END GENERATED workday_calendar

-- tickets_dedup: one row per ticket_id across all exports, the row the close
-- scores (spec §5): the latest updated_at wins, a row without updated_at is
-- older than any row with one; then the latest export upload, then the
-- greater object key, then the greater row number.
CREATE OR REPLACE VIEW tickets_dedup AS
SELECT ticket_id, created_at, first_response_at, resolved_at, status,
       assignee_id, assignee_name, category, is_complaint, complaint_type,
       complaint_outcome, reopened_count, cost, cost_labor, cost_material,
       cost_transport, cost_warranty, customer_key, channel,
       updated_at, source_key, source_row, source_uploaded_at, month
FROM (
  SELECT t.*,
         row_number() OVER (
           PARTITION BY ticket_id
           ORDER BY updated_at DESC NULLS LAST, source_uploaded_at DESC,
                    source_key DESC, source_row DESC) AS rank_in_ticket
  FROM tickets t
) ranked
WHERE rank_in_ticket = 1;

-- complex_deadline_days: for every local creation date of a ticket, the
-- date whose end (23:59:59.999 Asia/Shanghai) is the SLA deadline of a
-- complex ticket created that day: the 3rd working day after it, the
-- creation day never counting (spec §5). Working days are Monday-Friday
-- less the holidays of workday_calendar plus its make-up days. Weekend test:
-- Athena's extract(DOW) is 1 (Monday) to 7 (Sunday), DuckDB's 0 (Sunday) to
-- 6 (Saturday); 0, 6 and 7 are the weekend in either engine. 30 days ahead
-- is more than any holiday run needs.
CREATE OR REPLACE VIEW complex_deadline_days AS
SELECT created_day, calendar_date AS deadline_day
FROM (
  SELECT c.created_day, c.calendar_date,
         row_number() OVER (PARTITION BY c.created_day ORDER BY c.calendar_date) AS nth
  FROM (
    SELECT d.created_day,
           CAST(d.created_day + o.n * INTERVAL '1' DAY AS DATE) AS calendar_date
    FROM (SELECT DISTINCT CAST(created_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS created_day
          FROM tickets) d
    CROSS JOIN (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10),
                       (11), (12), (13), (14), (15), (16), (17), (18), (19),
                       (20), (21), (22), (23), (24), (25), (26), (27), (28),
                       (29), (30)) AS o (n)
  ) c
  LEFT JOIN workday_calendar w ON w.calendar_date = c.calendar_date
  WHERE COALESCE(NOT w.is_off_day, extract(DOW FROM c.calendar_date) NOT IN (0, 6, 7))
) working
WHERE nth = 3;

-- surveys_dedup: the survey responses the close scores (spec §5), month by
-- month as the close reads them (a close of month M reads only M's
-- partition): within a month, one row per response_id (the latest export
-- upload, then the greater key, then the greater row), then only the latest
-- response per ticket (by submitted_at, then the same order). A response
-- superseded by a later one for the same ticket in another month still
-- counts in its own month, as it did on that month's payroll.
-- credited_employee_id is the response's employee_id, else the assignee of
-- its ticket (tickets_dedup); it is null for a response whose ticket is
-- unknown, which the close reports and does not score.
CREATE OR REPLACE VIEW surveys_dedup AS
SELECT r.response_id, r.ticket_id, r.employee_id, r.submitted_at, r.rating,
       r.method, r.comment, r.source_key, r.source_row, r.source_uploaded_at,
       r.month, COALESCE(r.employee_id, t.assignee_id) AS credited_employee_id
FROM (
  SELECT u.*,
         row_number() OVER (
           PARTITION BY u.month, u.ticket_id IS NULL,
                        COALESCE(u.ticket_id, u.response_id)
           ORDER BY u.submitted_at DESC, u.source_uploaded_at DESC,
                    u.source_key DESC, u.source_row DESC) AS rank_in_ticket
  FROM (
    SELECT s.*,
           row_number() OVER (
             PARTITION BY month, response_id
             ORDER BY source_uploaded_at DESC, source_key DESC,
                      source_row DESC) AS rank_in_response
    FROM surveys s
  ) u
  WHERE u.rank_in_response = 1
) r
LEFT JOIN tickets_dedup t ON t.ticket_id = r.ticket_id
WHERE r.rank_in_ticket = 1;

-- latest_scorecards: for each month, the scorecards of its latest published
-- version (a reopened month publishes v2, v3, ...; older versions stay). A
-- version is published once its manifest is written; the close writes the
-- version's row of published_versions (scorecards/published/) right after
-- the manifest, so the scorecards of a close that stopped before its
-- manifest (a crashed reopen) are in no latest_* view.
CREATE OR REPLACE VIEW latest_scorecards AS
SELECT s.*
FROM scorecards s
JOIN (
  SELECT month, max(version) AS version FROM published_versions GROUP BY month
) latest ON s.month = latest.month AND s.version = latest.version;

-- latest_scorecard_kpis: for each month, the KPI lines of its latest
-- published version (published_versions, as above).
CREATE OR REPLACE VIEW latest_scorecard_kpis AS
SELECT k.*
FROM scorecard_kpis k
JOIN (
  SELECT month, max(version) AS version FROM published_versions GROUP BY month
) latest ON k.month = latest.month AND k.version = latest.version;

-- latest_scorecard_evidence: the evidence rows (spec §9) of each month's
-- latest published version, like latest_scorecard_kpis.
CREATE OR REPLACE VIEW latest_scorecard_evidence AS
SELECT e.*
FROM scorecard_evidence e
JOIN (
  SELECT month, max(version) AS version FROM published_versions GROUP BY month
) latest ON e.month = latest.month AND e.version = latest.version;
