-- Answers: for each closed month (its latest published version), how many
-- employees fell in each band, how many of them are on the payroll table
-- (not flagged not_on_roster), and the band's share of the month's
-- scorecards in percent (rounded for display; the counts are exact).
-- Scorecards flagged no_activity (spec §8) have no band: they are the row
-- whose band and band_label are NULL (listed last).
SELECT month, band, band_label,
       count(*) AS employees,
       sum(CASE WHEN not_on_roster THEN 0 ELSE 1 END) AS on_payroll,
       CAST(round(100.0000 * count(*) / sum(count(*)) OVER (PARTITION BY month), 2)
            AS DECIMAL(5,2)) AS share_pct
FROM latest_scorecards
GROUP BY month, band, band_label
ORDER BY month, band NULLS LAST;
