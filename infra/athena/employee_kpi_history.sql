-- Answers: how one employee's score, band and every KPI line went month by
-- month (the latest published version of each month), enough to explain
-- each month's points line by line.
-- Parameter :employee_id is the employee id as a string literal. The test
-- harness (infra/athenacheck RunQueryFile) replaces it with a quoted
-- literal; in the Athena console write the id in quotes in its place, or
-- replace it with ? and pass the id as an execution parameter.
SELECT k.month, s.version, s.score, s.band, k.dimension, k.kpi, k.weight,
       k.numerator, k.denominator, k.raw_value, k.adjusted_value,
       k.sample_size, k.target, k.points, k.small_sample, k.not_assessed,
       k.explanation
FROM latest_scorecard_kpis k
JOIN latest_scorecards s
  ON s.month = k.month AND s.employee_id = k.employee_id
WHERE k.employee_id = :employee_id
ORDER BY k.month, k.dimension, k.kpi;
