-- Migration 5 (frozen once released).
-- 在保名单: the current beneficiaries of one kind (低保, 特困, 孤儿, 事实无人抚养儿童, 低保边缘,
-- 临时救助) as the civil-affairs system exports them. A roster of a kind replaces the previous one of
-- that kind as of its date (replaced_by_id); earlier rosters stay as history. Its people are kept
-- apart from "person": most of them are no case, and matching needs only the ID number, the
-- household (its key: the head's ID number or the file's household number) and the since date.
CREATE TABLE "roster" ("id" INTEGER NOT NULL PRIMARY KEY, "kind" TEXT NOT NULL, "as_of" DATE NOT NULL, "file_name" TEXT NOT NULL, "sha256" TEXT NOT NULL, "sheet" TEXT, "rows" INTEGER NOT NULL, "persons" INTEGER NOT NULL, "households" INTEGER NOT NULL, "rejected" INTEGER NOT NULL, "warnings" INTEGER NOT NULL, "replaced_by_id" INTEGER, "operator" TEXT, "created_at" DATETIME NOT NULL, FOREIGN KEY ("replaced_by_id") REFERENCES "roster" ("id") ON DELETE SET NULL);
CREATE INDEX "roster_kind" ON "roster" ("kind");
CREATE INDEX "roster_replaced_by_id" ON "roster" ("replaced_by_id");
CREATE TABLE "covered_person" ("id" INTEGER NOT NULL PRIMARY KEY, "roster_id" INTEGER NOT NULL, "id_number" TEXT NOT NULL, "name" TEXT, "kind" TEXT, "since" DATE, "household" TEXT, "head_id_number" TEXT, "relation" TEXT, "persons" INTEGER, "amount" INTEGER, "source_row" INTEGER, FOREIGN KEY ("roster_id") REFERENCES "roster" ("id") ON DELETE CASCADE);
CREATE INDEX "covered_person_roster_id" ON "covered_person" ("roster_id");
CREATE INDEX "covered_person_id_number" ON "covered_person" ("id_number");
CREATE INDEX "covered_person_household" ON "covered_person" ("household") WHERE "household" IS NOT NULL;
