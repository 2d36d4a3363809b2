-- FindChallengeResultRelations lists every relation named challengeResult (table, partitioned
-- table, view, materialised view) in the order the backfill prefers them: the connection's
-- current schema, then public, then the others alphabetically (data-model §2).
-- name: FindChallengeResultRelations :many
SELECT n.nspname::text AS schema_name, c.relname::text AS relation_name
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = 'challengeResult'
  AND c.relkind IN ('r', 'p', 'v', 'm')
ORDER BY (n.nspname = current_schema()) DESC, (n.nspname = 'public') DESC, n.nspname;
