-- Answers: for month :month, every employee's ticket metrics of spec §11,
-- worked out from the normalized tickets the way the close works them out:
--   first_response_within (15 minutes, the default): of the tickets created
--     in the month, those first answered (first_response_at, else
--     resolved_at) within 15 minutes of creation,
--   resolved_count: tickets resolved in the month,
--   complaint_handling_rate: of the complaints created in the month, those
--     resolved with an outcome (success or failure) by the end of it,
--   cost_per_employee: the sum of the costs of the tickets resolved in the
--     month, with the four cost parts beside it (each summed where filled).
-- Tickets: the partitions of the month and the 3 before it, de-duplicated by
-- ticket_id as the close does (latest updated_at, a missing one oldest, then
-- the latest upload, the greater key, the greater row), cancelled ones and
-- those without an assignee count nowhere. A complaint is is_complaint or
-- complaint_type 'attitude'. Months are Asia/Shanghai calendar months.
-- Rows: one per employee with a ticket created or resolved in the month,
-- sorted. The shares are rounded for display, the counts and sums are exact.
-- Parameter :month is the month as a 'YYYY-MM' string literal.
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
  SELECT t.ticket_id, t.assignee_id, t.status, t.is_complaint, t.complaint_type,
         t.complaint_outcome, t.created_at, t.first_response_at, t.resolved_at,
         t.cost, t.cost_labor, t.cost_material, t.cost_transport, t.cost_warranty,
         row_number() OVER (
           PARTITION BY t.ticket_id
           ORDER BY t.updated_at DESC NULLS LAST, t.source_uploaded_at DESC,
                    t.source_key DESC, t.source_row DESC) AS pick
  FROM tickets t
  CROSS JOIN params p
  WHERE t.month BETWEEN p.first_ticket_month AND p.month
),
live AS (
  SELECT assignee_id, complaint_outcome, created_at, resolved_at,
         COALESCE(first_response_at, resolved_at) AS answered_at,
         cost, cost_labor, cost_material, cost_transport, cost_warranty,
         (is_complaint OR COALESCE(complaint_type, '') = 'attitude') AS is_complaint,
         CAST(created_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS created_day,
         CAST(resolved_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS resolved_day
  FROM ticket_versions
  WHERE pick = 1 AND COALESCE(status, '') <> 'cancelled' AND assignee_id <> ''
),
flags AS (
  SELECT l.*,
         (l.created_day >= p.first_day AND l.created_day < p.next_first_day) AS created_in_month,
         (l.resolved_day IS NOT NULL AND l.resolved_day >= p.first_day
          AND l.resolved_day < p.next_first_day) AS resolved_in_month,
         (l.resolved_day IS NOT NULL AND l.resolved_day < p.next_first_day) AS resolved_by_month_end
  FROM live l
  CROSS JOIN params p
),
per_employee AS (
  SELECT assignee_id AS employee_id,
         sum(CASE WHEN created_in_month THEN 1 ELSE 0 END) AS tickets_created,
         sum(CASE WHEN created_in_month AND answered_at IS NOT NULL
                   AND answered_at <= created_at + INTERVAL '15' MINUTE THEN 1 ELSE 0 END) AS answered_within_15_min,
         sum(CASE WHEN resolved_in_month THEN 1 ELSE 0 END) AS tickets_resolved,
         sum(CASE WHEN created_in_month AND is_complaint THEN 1 ELSE 0 END) AS complaints_created,
         sum(CASE WHEN created_in_month AND is_complaint AND resolved_by_month_end
                   AND complaint_outcome IS NOT NULL THEN 1 ELSE 0 END) AS complaints_handled,
         sum(CASE WHEN resolved_in_month AND cost IS NOT NULL THEN 1 ELSE 0 END) AS tickets_with_cost,
         COALESCE(sum(CASE WHEN resolved_in_month THEN cost END), 0) AS cost_resolved,
         sum(CASE WHEN resolved_in_month THEN cost_labor END) AS cost_labor,
         sum(CASE WHEN resolved_in_month THEN cost_material END) AS cost_material,
         sum(CASE WHEN resolved_in_month THEN cost_transport END) AS cost_transport,
         sum(CASE WHEN resolved_in_month THEN cost_warranty END) AS cost_warranty
  FROM flags
  GROUP BY assignee_id
)
SELECT employee_id, tickets_created, answered_within_15_min,
       CASE WHEN tickets_created > 0
            THEN round(100.0 * answered_within_15_min / tickets_created, 2) END AS first_response_within_pct,
       tickets_resolved, complaints_created, complaints_handled,
       CASE WHEN complaints_created > 0
            THEN round(100.0 * complaints_handled / complaints_created, 2) END AS complaint_handling_pct,
       tickets_with_cost, cost_resolved,
       cost_labor, cost_material, cost_transport, cost_warranty
FROM per_employee
WHERE tickets_created > 0 OR tickets_resolved > 0
ORDER BY employee_id;
