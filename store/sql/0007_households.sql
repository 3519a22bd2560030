-- Migration 7 (frozen once released): households, petitions from the category-5 list, benefit rules.
-- A household (户) keyed by the code its members carry (person.household_code), with its size,
-- annual per-capita income, housing and assets; 重病 as a flag on the person; 先行救助 on a benefit.
CREATE TABLE "household" ("id" INTEGER NOT NULL PRIMARY KEY, "code" TEXT NOT NULL, "village_id" INTEGER, "size" INTEGER, "income" INTEGER, "housing" TEXT, "assets" TEXT, "note" TEXT, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, FOREIGN KEY ("village_id") REFERENCES "village" ("id") ON DELETE SET NULL);
CREATE UNIQUE INDEX "household_code" ON "household" ("code");
CREATE INDEX "household_village_id" ON "household" ("village_id");
CREATE INDEX "person_household_code" ON "person" ("household_code") WHERE "household_code" IS NOT NULL;
ALTER TABLE "person" ADD COLUMN "serious_illness" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "benefit" ADD COLUMN "advance" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "petition" ADD COLUMN "entry_id" INTEGER REFERENCES "roster_entry" ("id") ON DELETE CASCADE;
CREATE INDEX "petition_entry_id" ON "petition" ("entry_id") WHERE "entry_id" IS NOT NULL;
-- 信访工作条例 (2022): the written notice is due 15 days after receipt (收到之日), not acceptance.
INSERT INTO "audit_log" ("time", "operator", "action", "table", "row_id", "before", "after") SELECT datetime('now', 'localtime'), '升级（第7版）', 'update', 'petition', "id", json_object('notice_due', "notice_due"), json_object('notice_due', date("received", '+15 days')) FROM "petition" WHERE "received" IS NOT NULL AND "notice_due" IS NOT date("received", '+15 days');
UPDATE "petition" SET "notice_due" = date("received", '+15 days') WHERE "received" IS NOT NULL;
INSERT INTO "audit_log" ("time", "operator", "action", "table", "row_id", "before", "after") SELECT datetime('now', 'localtime'), '升级（第7版）', 'update', 'petition', "id", json_object('close_due', "close_due"), json_object('close_due', date("accepted", '+60 days')) FROM "petition" WHERE "accepted" IS NOT NULL AND "close_due" IS NOT date("accepted", '+60 days');
UPDATE "petition" SET "close_due" = date("accepted", '+60 days') WHERE "accepted" IS NOT NULL;
-- Category-5 rows imported before become petitions (one per case and received date; accepted on
-- receipt, as the list gives no other date; a filled 答复情况 counts as closed on the import day),
-- except on cases whose petition the clerk already recorded by hand (often under another date).
INSERT INTO "petition" ("case_id", "kind", "received", "accepted", "notice_due", "close_due", "extension_days", "closed", "summary", "reply", "entry_id") SELECT e."case_id", '申诉求决', e."petition_date", e."petition_date", date(e."petition_date", '+15 days'), date(e."petition_date", '+60 days'), 0, CASE WHEN trim(coalesce(e."petition_reply", '')) <> '' THEN date(e."created_at") END, e."petition_content", e."petition_reply", e."id" FROM "roster_entry" e WHERE e."id" IN (SELECT max(x."id") FROM "roster_entry" x JOIN "category" k ON k."id" = x."category_id" WHERE k."code" = 5 AND x."petition_date" IS NOT NULL AND x."case_id" IS NOT NULL GROUP BY x."case_id", x."petition_date") AND NOT EXISTS (SELECT 1 FROM "petition" t WHERE t."case_id" = e."case_id" AND t."deleted_at" IS NULL);
INSERT INTO "audit_log" ("time", "operator", "action", "table", "row_id", "before", "after") SELECT datetime('now', 'localtime'), '升级（第7版）', 'create', 'petition', "id", NULL, json_object('case', "case_id", 'received', "received", 'entry', "entry_id") FROM "petition" WHERE "entry_id" IS NOT NULL
