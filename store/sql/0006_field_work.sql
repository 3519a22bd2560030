-- Migration 6 (frozen once released): field work as the plan describes it.
-- Who took part in a contact (one or more members), the files attached to a contact, a case or a
-- rectification (照片、佐证材料: the file lives in the managed folder under its content hash), and
-- who found a hand-made case (第7类), how and when.
CREATE TABLE "contact_member" ("id" INTEGER NOT NULL PRIMARY KEY, "contact_id" INTEGER NOT NULL, "member_id" INTEGER NOT NULL, FOREIGN KEY ("contact_id") REFERENCES "contact" ("id") ON DELETE CASCADE, FOREIGN KEY ("member_id") REFERENCES "member" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "contact_member_contact_id_member_id" ON "contact_member" ("contact_id", "member_id");
CREATE INDEX "contact_member_member_id" ON "contact_member" ("member_id");
INSERT INTO "contact_member" ("contact_id", "member_id") SELECT "id", "member_id" FROM "contact" WHERE "member_id" IS NOT NULL;
CREATE TABLE "attachment" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER, "contact_id" INTEGER, "rectification_id" INTEGER, "sha256" TEXT NOT NULL, "name" TEXT NOT NULL, "size" INTEGER NOT NULL, "note" TEXT, "operator" TEXT, "created_at" DATETIME NOT NULL, "deleted_at" DATETIME, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("contact_id") REFERENCES "contact" ("id") ON DELETE CASCADE, FOREIGN KEY ("rectification_id") REFERENCES "rectification" ("id") ON DELETE CASCADE);
CREATE INDEX "attachment_case_id" ON "attachment" ("case_id");
CREATE INDEX "attachment_contact_id" ON "attachment" ("contact_id");
CREATE INDEX "attachment_rectification_id" ON "attachment" ("rectification_id");
CREATE INDEX "attachment_sha256" ON "attachment" ("sha256");
CREATE TABLE "case_origin" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "found_by" TEXT, "found_how" TEXT, "found_on" DATE, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "case_origin_case_id" ON "case_origin" ("case_id");
-- A case moved to 已走访 by a call, 微信 or 来访 alone goes back to 已联系 (audited, one row each).
INSERT INTO "audit_log" ("time", "operator", "action", "table", "row_id", "before", "after") SELECT datetime('now', 'localtime'), '升级（第6版）', 'update', 'case', c."id", '{"status": "已走访"}', '{"status": "已联系"}' FROM "case" c WHERE c."status" = '已走访' AND NOT EXISTS (SELECT 1 FROM "contact" k WHERE k."case_id" = c."id" AND k."kind" = '入户走访' AND k."deleted_at" IS NULL);
UPDATE "case" SET "status" = '已联系' WHERE "status" = '已走访' AND NOT EXISTS (SELECT 1 FROM "contact" k WHERE k."case_id" = "case"."id" AND k."kind" = '入户走访' AND k."deleted_at" IS NULL)
