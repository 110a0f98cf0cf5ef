-- Answers: for every ticket, which export row counts after de-duplication
-- across exports (view tickets_dedup: latest updated_at, a missing one
-- oldest; then latest upload, greater key, greater row), and how many export
-- rows the ticket had in all.
SELECT d.ticket_id, d.month, d.status, d.assignee_id, d.category,
       d.created_at, d.resolved_at, d.updated_at,
       d.source_key, d.source_row, c.export_rows
FROM tickets_dedup d
JOIN (
  SELECT ticket_id, count(*) AS export_rows FROM tickets GROUP BY ticket_id
) c ON c.ticket_id = d.ticket_id
ORDER BY d.ticket_id;
