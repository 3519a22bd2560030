"""open_db: pragmas, permissions, refusing what is not ours, migrations and the kept copy."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import peewee
import pytest

from store import migrations
from store.db import close_db, open_db
from store.errors import NewerSchema, NotADatabase, StoreError
from store.schema import MODELS, Campaign, Category, Phase, Setting, db

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "schema_v1.db"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_has_pragmas_and_source_campaign(db_path):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
    camp = Campaign.get()
    assert (camp.year, camp.doc_number, str(camp.report_due)) == (2022, "龙政〔2022〕63号", "2022-09-30")
    cats = {c.code: c for c in Category.select().where(Category.campaign == camp.id)}
    assert sorted(cats) == [1, 2, 3, 4, 5, 6, 7]
    assert cats[2].threshold == 10_000 and cats[3].threshold == 42_000
    assert str(cats[6].since) == "2022-01-01"
    assert [p.name for p in Phase.select().order_by(Phase.seq)] == ["谋划部署", "推动落实", "总结评价"]


def test_new_database_has_8k_pages_and_an_older_one_keeps_its_own(db_path, tmp_path):
    assert db.execute_sql("PRAGMA page_size").fetchone()[0] == 8192
    close_db()
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE_V1, path)  # made with SQLite's default 4 KiB pages
    open_db(path)
    try:
        assert db.execute_sql("PRAGMA page_size").fetchone()[0] == 4096
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        Setting.replace(key="town", value="前龙镇").execute()
        assert Setting.get_by_id("town").value == "前龙镇"
        assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        close_db()


def test_campaign_is_editable_data(db_path):
    cat = Category.get(Category.code == 3)
    cat.threshold = 50_000
    cat.save()
    assert Category.get(Category.code == 3).threshold == 50_000


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_new_database_and_folder_are_owner_only(tmp_path):
    path = tmp_path / "new" / "folder" / "c.db"
    open_db(path)
    db.execute_sql("CREATE TEMP TABLE t (x)")
    try:
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
        wal = Path(str(path) + "-wal")
        assert not wal.exists() or wal.stat().st_mode & 0o777 == 0o600
    finally:
        close_db()


def test_models_match_migrated_tables(db_path):
    for model in MODELS:
        cols = {r[1] for r in db.execute_sql(f'PRAGMA table_info("{model._meta.table_name}")').fetchall()}
        assert cols == {f.column_name for f in model._meta.sorted_fields}, model.__name__


def test_foreign_keys_are_enforced(db_path):
    with pytest.raises(peewee.IntegrityError):
        db.execute_sql('INSERT INTO "zone" (village_id, name, seq) VALUES (999, "x", 1)')


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE x (a)")
    con.execute(f"PRAGMA user_version = {migrations.schema_version() + 1}")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(NewerSchema) as info:
        open_db(path)
    assert "较新版本" in info.value.message and str(migrations.schema_version() + 1) in info.value.message
    assert digest(path) == before
    # no -wal, -shm or copy beside it (the empty restore gate every read-write open takes is no change)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".gate") == ["future.db"]


@pytest.mark.parametrize("content", [b"hello, not a database\n" * 10, b"PK\x03\x04" + b"\x00" * 200])
def test_foreign_file_is_refused(tmp_path, content):
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(NotADatabase):
        open_db(path)
    assert path.read_bytes() == content


def test_folder_and_missing_file(tmp_path):
    with pytest.raises(NotADatabase):
        open_db(tmp_path)
    with pytest.raises(StoreError):
        open_db(tmp_path / "missing.db", create=False)


def test_fixture_made_by_first_schema_opens_with_current_code(tmp_path):
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE_V1, path)
    open_db(path)
    try:
        assert db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
        assert Setting.get_by_id("town").value == "后龙镇"
        from store.people.search import find

        assert [h.name for h in find("zs")] == ["张三"]
        # migration 2: the batch keeps the headers; two indexes that prefix unique ones are gone
        assert "raw_keys" in {r[1] for r in db.execute_sql('PRAGMA table_info("import_batch")').fetchall()}
        indexes = {r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()}
        assert {"case_campaign_id_person_id", "case_category_case_id_category_id"} <= indexes
        assert not {"case_campaign_id", "case_category_case_id"} & indexes
        # migration 3: cases without a member or a follow-up date stay out of those indexes, which
        # still serve the look-ups by member and by date
        sql = dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE name LIKE 'case_%'").fetchall())
        assert sql["case_member_id"].endswith('WHERE "member_id" IS NOT NULL')
        assert sql["case_next_followup"].endswith('WHERE "next_followup" IS NOT NULL')
        plans = [db.execute_sql(f"EXPLAIN QUERY PLAN {q}", ("x",)).fetchall()[0][3] for q in (
            'SELECT count(*) FROM "case" WHERE member_id = ?', 'SELECT id FROM "case" WHERE next_followup < ?')]
        assert "case_member_id" in plans[0] and "case_next_followup" in plans[1]
    finally:
        close_db()


def test_older_database_is_upgraded_after_a_copy(tmp_path, monkeypatch):
    """A later migration runs on a v1 file; the v1 file is kept beside it first."""
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE_V1, path)
    original = digest(path)

    def add_column():
        db.execute_sql('ALTER TABLE "person" ADD COLUMN "nickname" TEXT')

    monkeypatch.setitem(migrations.MIGRATIONS, 2, add_column)
    opened = open_db(path)
    try:
        assert opened.upgraded_from == 1
        assert db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
        cols = {r[1] for r in db.execute_sql('PRAGMA table_info("person")').fetchall()}
        assert "nickname" in cols
    finally:
        close_db()
    copy = opened.upgrade_copy
    assert copy.exists() and copy.parent == tmp_path and ".v1-" in copy.name
    con = sqlite3.connect(copy)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert con.execute("SELECT name FROM person").fetchall() == [("张三",)]
    con.close()
    assert original  # the copy carries the old data; the file itself was upgraded in place


def test_failed_migration_leaves_database_as_before(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE_V1, path)

    def broken():
        db.execute_sql('ALTER TABLE "person" ADD COLUMN "half" TEXT')
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, broken)
    with pytest.raises(StoreError):
        open_db(path)
    close_db()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "half" not in {r[1] for r in con.execute("PRAGMA table_info(person)")}
    con.close()
