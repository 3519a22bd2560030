-- Migration 2 (frozen once released).
-- An import batch keeps its list's column headers once (a JSON array); its roster entries keep
-- only the row's values as a JSON array under those headers. A 50,000-row list wrote every header
-- 50,000 times: a third of the import's write volume.
ALTER TABLE "import_batch" ADD COLUMN "raw_keys" TEXT;
-- Prefixes of unique indexes that serve the same look-ups: ("campaign_id", "person_id") and
-- ("case_id", "category_id"). Each one cost every import an extra index write per row.
DROP INDEX "case_campaign_id";
DROP INDEX "case_category_case_id";
