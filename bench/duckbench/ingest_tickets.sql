-- The DuckDB baseline of `scorecard ingest` for one CRM ticket export
-- (spec §3.1 and §4): read the CSV as text, map the Chinese headers to the
-- tickets columns, type every field the way pkg/ingest does (timestamps in
-- the forms the exports mix, local time Asia/Shanghai unless the cell has
-- an offset; status, category and outcome words; booleans; money to
-- DECIMAL(18,2)), hash the customer id, drop the customer's name and phone,
-- drop the rows ingest rejects, and write the rest as zstd Parquet
-- partitioned by month=YYYY-MM of created_at in Asia/Shanghai.
--
-- What it leaves out, and the Go side does: header detection by alias,
-- quarantine records and the ingest report, within-file duplicate
-- detection, reading every file back before publishing. Its customer_key
-- is sha256(key || id) (DuckDB has no HMAC), not HMAC-SHA256(key, id).
--
-- Parameters (duckbench binds them as quoted literals): :csv_path,
-- :customer_key, :source_key, :uploaded_at (RFC 3339), :out_dir.
-- Statements are separated by a line ending in ';'.

-- Keep the WHERE below from being pushed under the projection that types
-- the row: pushed down, it parses every timestamp and amount twice (once to
-- filter, once to write), which EXPLAIN ANALYZE shows as 16 s instead of
-- 10 s for 1M rows.
SET disabled_optimizers = 'filter_pushdown';

-- ts parses a timestamp cell: NULL when it is empty or does not parse.
CREATE OR REPLACE TEMP MACRO ts(s) AS CASE
  WHEN s IS NULL THEN NULL
  WHEN s LIKE '%T%+__:__' OR s LIKE '%T%-__:__'
    THEN try_strptime(s, ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%g%z'])
  ELSE try_strptime(trim(s), [
      '%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S',
      '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M',
      '%Y年%m月%d日 %H:%M', '%Y年%m月%d日 %H:%M:%S',
      '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%g',
      '%Y-%m-%d', '%Y/%m/%d', '%Y年%m月%d日'
    ])::TIMESTAMP AT TIME ZONE 'Asia/Shanghai'
END;

-- money parses yuan as people type it (￥1,280.50, 35元): NULL when empty
-- or not a number.
CREATE OR REPLACE TEMP MACRO money(s) AS
  TRY_CAST(replace(replace(replace(replace(replace(trim(s), '￥', ''), '¥', ''), '元', ''), ',', ''), ' ', '') AS DECIMAL(18,2));

CREATE OR REPLACE TEMP MACRO bool_word(s) AS CASE lower(trim(s))
  WHEN '是' THEN true WHEN 'y' THEN true WHEN 'yes' THEN true WHEN 'true' THEN true WHEN '1' THEN true
  WHEN '否' THEN false WHEN 'n' THEN false WHEN 'no' THEN false WHEN 'false' THEN false WHEN '0' THEN false
END;

COPY (
  WITH src AS (
    SELECT row_number() OVER () AS source_row,
           trim("工单编号") AS ticket_id_s, "创建时间" AS created_s, "首次响应时间" AS first_s,
           "解决时间" AS resolved_s, "工单状态" AS status_s, trim("处理人工号") AS assignee_id_s,
           "处理人" AS assignee_name_s, "问题类型" AS category_s, "是否投诉" AS complaint_s,
           "投诉类型" AS ctype_s, "投诉处理结果" AS outcome_s, "重开次数" AS reopen_s,
           "售后成本" AS cost_s, "客户编号" AS customer_s, "渠道" AS channel_s, "更新时间" AS updated_s
    FROM read_csv(:csv_path, header = true, all_varchar = true, delim = ',', quote = '"',
                  escape = '"', encoding = 'utf-8')
  ),
  typed AS (
    SELECT source_row, ticket_id_s, assignee_id_s, assignee_name_s, channel_s,
           created_s, first_s, resolved_s, updated_s, status_s, category_s, complaint_s,
           outcome_s, reopen_s, cost_s,
           ts(created_s) AS created_at, ts(first_s) AS first_response_at,
           ts(resolved_s) AS resolved_at, ts(updated_s) AS updated_at,
           CASE lower(trim(status_s))
             WHEN '待处理' THEN 'open' WHEN '处理中' THEN 'open' WHEN 'open' THEN 'open'
             WHEN 'pending' THEN 'open' WHEN 'in progress' THEN 'open'
             WHEN '已解决' THEN 'resolved' WHEN '已完成' THEN 'resolved' WHEN 'resolved' THEN 'resolved'
             WHEN 'solved' THEN 'resolved'
             WHEN '已关闭' THEN 'closed' WHEN 'closed' THEN 'closed'
             WHEN '已取消' THEN 'cancelled' WHEN '作废' THEN 'cancelled' WHEN '已作废' THEN 'cancelled'
             WHEN 'cancelled' THEN 'cancelled' WHEN 'canceled' THEN 'cancelled'
           END AS status,
           CASE WHEN category_s IS NULL THEN 'simple' ELSE CASE lower(trim(category_s))
             WHEN '简单' THEN 'simple' WHEN '一般' THEN 'simple' WHEN '普通' THEN 'simple'
             WHEN 'simple' THEN 'simple'
             WHEN '复杂' THEN 'complex' WHEN '疑难' THEN 'complex' WHEN 'complex' THEN 'complex'
           END END AS category,
           CASE WHEN complaint_s IS NULL THEN false ELSE bool_word(complaint_s) END AS is_complaint,
           CASE WHEN ctype_s IS NULL THEN NULL
                WHEN ctype_s LIKE '%态度%' OR lower(ctype_s) LIKE '%attitude%' THEN 'attitude'
                ELSE ctype_s END AS complaint_type,
           CASE lower(trim(outcome_s))
             WHEN '成功' THEN 'success' WHEN '已解决' THEN 'success' WHEN 'success' THEN 'success'
             WHEN 'successful' THEN 'success'
             WHEN '失败' THEN 'failure' WHEN '未解决' THEN 'failure' WHEN 'failure' THEN 'failure'
             WHEN 'failed' THEN 'failure'
           END AS complaint_outcome,
           TRY_CAST(trim(reopen_s) AS INTEGER) AS reopened_count,
           money(cost_s) AS cost,
           CASE WHEN customer_s IS NULL THEN NULL ELSE sha256(:customer_key || trim(customer_s)) END AS customer_key
    FROM src
  )
  SELECT ticket_id_s AS ticket_id, created_at, first_response_at, resolved_at, status,
         assignee_id_s AS assignee_id, assignee_name_s AS assignee_name, category,
         is_complaint, complaint_type, complaint_outcome, reopened_count, cost,
         customer_key, channel_s AS channel, updated_at,
         :source_key AS source_key, source_row,
         CAST(:uploaded_at AS TIMESTAMPTZ) AS source_uploaded_at,
         strftime(created_at AT TIME ZONE 'Asia/Shanghai', '%Y-%m') AS month
  FROM typed
  WHERE ticket_id_s IS NOT NULL AND ticket_id_s <> ''
    AND assignee_id_s IS NOT NULL AND assignee_id_s <> ''
    AND created_at IS NOT NULL
    AND (first_s IS NULL OR (first_response_at IS NOT NULL AND first_response_at >= created_at))
    AND (resolved_s IS NULL OR (resolved_at IS NOT NULL AND resolved_at >= created_at))
    AND (updated_s IS NULL OR updated_at IS NOT NULL)
    AND (status_s IS NULL OR status IS NOT NULL)
    AND category IS NOT NULL
    AND is_complaint IS NOT NULL
    AND (outcome_s IS NULL OR complaint_outcome IS NOT NULL)
    AND (reopen_s IS NULL OR (reopened_count IS NOT NULL AND reopened_count >= 0))
    AND (cost_s IS NULL OR (cost IS NOT NULL AND cost >= 0))
) TO :out_dir (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month));
