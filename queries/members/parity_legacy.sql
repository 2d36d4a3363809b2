-- `memberstats legacy drop` (DECISIONS D1, data-model §10 rule 6).

-- ListLegacySchemaTables lists the tables of schema members_legacy with their planner row
-- estimates (what a drop removes).
-- name: ListLegacySchemaTables :many
SELECT c."relname"::text AS table_name, c."reltuples"::bigint AS estimated_rows
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n."oid" = c."relnamespace"
WHERE n."nspname" = 'members_legacy' AND c."relkind" IN ('r', 'p')
ORDER BY c."relname";

-- name: DropLegacySchema :exec
DROP SCHEMA members_legacy CASCADE;
