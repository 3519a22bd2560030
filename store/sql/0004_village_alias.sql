-- Migration 4 (frozen once released).
-- Other spellings of a village the clerk confirmed (a district list's 后龙村两委, the name of a
-- village merged into this one): a list's village cell matching one is that village. An alias is
-- stored as compared (NFKC, no spaces) and names one village only.
CREATE TABLE "village_alias" ("id" INTEGER NOT NULL PRIMARY KEY, "village_id" INTEGER NOT NULL, "alias" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("village_id") REFERENCES "village" ("id") ON DELETE CASCADE);
CREATE INDEX "village_alias_village_id" ON "village_alias" ("village_id");
CREATE UNIQUE INDEX "village_alias_alias" ON "village_alias" ("alias");
