-- name: TableCounts :many
SELECT 'reviews.challengeResult'::text AS table_name, count(*) AS row_count FROM reviews."challengeResult"
UNION ALL
SELECT 'reviews.submission'::text AS table_name, count(*) AS row_count FROM reviews."submission"
UNION ALL
SELECT 'reviews.reviewSummation'::text AS table_name, count(*) AS row_count FROM reviews."reviewSummation"
UNION ALL
SELECT 'reviews.review'::text AS table_name, count(*) AS row_count FROM reviews."review";
