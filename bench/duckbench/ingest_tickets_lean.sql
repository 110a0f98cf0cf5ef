-- The leanest DuckDB script an engineer would write for the columns of
-- ingest_tickets.sql (the yardstick of the ingest's second target in
-- docs/benchmarks.md): read_csv with everything auto-detected, the CRM
-- headers selected and renamed to the tickets columns, the customer id
-- hashed, and the rows written to zstd Parquet partitioned by month.
--
-- What it leaves out compared to ingest_tickets.sql:
--   - all_varchar and the typing of every field: each column keeps the type
--     read_csv's sniffer detects. The generated exports mix timestamp forms
--     (2026/9/7 18:34, 2026-09-07 18:34:00, 2026年9月7日 18:34, ISO 8601
--     with an offset), so the timestamp columns come out as VARCHAR, and so
--     do cost (￥1,280.50, 35元) and the status, category, complaint and
--     outcome words, which are written as exported (no mapping to the
--     schema's values, no booleans, no DECIMAL). The benchmark reports the
--     detected types (`duckbench schema` over the written Parquet).
--   - the list of extra timestamp formats (try_strptime) and the time zone:
--     month is strftime(TRY_CAST(created_at AS TIMESTAMP), '%Y-%m'), so the
--     rows whose created_at DuckDB's cast cannot read (the 年月日 form, for
--     one) fall into the month=NULL partition (about a tenth of the
--     generated rows), and the month is that of the clock as written, not
--     of Asia/Shanghai.
--   - header detection by alias: the headers are the ones bench/gen writes.
--   - rejected-row handling: no row is filtered out, so this writes every
--     data row, including those ingest rejects.
--   - SET disabled_optimizers and the macros of the full script.
-- It still drops the customer's name and phone (by not selecting them) and
-- hashes the customer id as ingest_tickets.sql does (sha256(key || id)).
--
-- Parameters (duckbench binds them as quoted literals): :csv_path,
-- :customer_key, :source_key, :uploaded_at (RFC 3339), :out_dir.

COPY (
  SELECT "工单编号" AS ticket_id, "创建时间" AS created_at, "首次响应时间" AS first_response_at,
         "解决时间" AS resolved_at, "工单状态" AS status, "处理人工号" AS assignee_id,
         "处理人" AS assignee_name, "问题类型" AS category, "是否投诉" AS is_complaint,
         "投诉类型" AS complaint_type, "投诉处理结果" AS complaint_outcome,
         "重开次数" AS reopened_count, "售后成本" AS cost,
         sha256(:customer_key || "客户编号") AS customer_key, "渠道" AS channel,
         "更新时间" AS updated_at, :source_key AS source_key,
         row_number() OVER () AS source_row, CAST(:uploaded_at AS TIMESTAMPTZ) AS source_uploaded_at,
         strftime(TRY_CAST("创建时间" AS TIMESTAMP), '%Y-%m') AS month
  FROM read_csv(:csv_path)
) TO :out_dir (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month));
