"""Restore: round trip, after deleting the file by mistake, refusals, older and newer schemas."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from main import app
from store import migrations, settings
from store.safety.backup import make_backup
from store.cases.cases import record_contact
from store.db import close_db, open_db
from store.errors import DatabaseDamaged, NewerSchema
from store.lock import AlreadyRunning, acquire
from store.people.people import delete_person
from store.safety.restore import restore
from store.schema import Case, Person, db

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "schema_v1.db"
WHEN = dt.datetime(2026, 11, 28, 21, 0, 0)
runner = CliRunner()


def dump(path: Path, skip: tuple[str, ...] = ("audit_log",)) -> dict[str, list]:
    """Every row of every table (but skip), sorted."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables if t not in skip}
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def change_something() -> None:
    """A few edits made after the backup."""
    case = Case.select().where(Case.deleted_at.is_null()).first()
    record_contact(case.id, kind="电话回访", date=dt.date(2026, 11, 29), findings="备份之后的回访")
    delete_person(Person.select().where(Person.deleted_at.is_null()).order_by(Person.id.desc()).first().id)
    settings.put(settings.OPERATOR, "备份后的人")


def test_round_trip_restores_exactly_the_backup(demo_db, tmp_path):
    res = make_backup(demo_db, tmp_path / "bk", now=WHEN)
    expected = dump(res.path)
    change_something()
    changed = dump(demo_db)
    assert changed != expected
    out = restore(res.path, demo_db)
    restored = dump(demo_db)
    assert [r for r in restored.pop("setting") if r[0] != "last_backup"] == \
        [r for r in expected.pop("setting") if r[0] != "last_backup"]
    assert restored == expected
    assert len(out.aside) == 1 and re.fullmatch(r"demo-before-restore-\d{8}-\d{6}\.db", out.aside[0].name)
    assert dump(out.aside[0]) == changed  # the state before the restore is kept beside it
    con = sqlite3.connect(demo_db)
    audit = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    restored = con.execute("SELECT after FROM audit_log WHERE action = 'restore_db'").fetchall()
    con.close()
    assert audit == dump(res.path, skip=())["audit_log"].__len__() + 1 and str(res.path) in restored[0][0]


def test_after_a_restore_the_last_backup_is_not_forgotten(demo_db, tmp_path):
    res = make_backup(demo_db, tmp_path / "bk", now=WHEN)  # the copy holds the time of the one before
    restore(res.path, demo_db)
    open_db(demo_db)
    assert settings.get(settings.LAST_BACKUP) == WHEN.isoformat(timespec="seconds")
    close_db()


def test_deleted_database_comes_back_with_one_command(demo_db, tmp_path):
    make_backup(demo_db, now=WHEN)  # default folder: 备份 beside the database
    expected = dump(demo_db, skip=("audit_log", "setting"))
    close_db()
    for suffix in ("", "-wal", "-shm"):
        Path(str(demo_db) + suffix).unlink(missing_ok=True)
    result = runner.invoke(app, ["--db", str(demo_db), "restore", "latest", "--yes"])
    close_db()
    assert result.exit_code == 0, result.output
    assert "已从备份恢复" in result.output
    assert dump(demo_db, skip=("audit_log", "setting")) == expected
    assert runner.invoke(app, ["--db", str(demo_db), "check"]).exit_code == 0


def test_restore_refused_while_the_app_is_open(demo_db, tmp_path):
    res = make_backup(demo_db, tmp_path / "bk", now=WHEN)
    close_db()
    before = digest(demo_db)
    with acquire(demo_db):
        with pytest.raises(AlreadyRunning) as info:
            restore(res.path, demo_db)
        cli = runner.invoke(app, ["--db", str(demo_db), "restore", str(res.path), "--yes"])
    assert "程序已在运行" in info.value.message
    assert cli.exit_code == 1 and "程序已在运行" in cli.output and "Traceback" not in cli.output
    assert digest(demo_db) == before
    assert not list(tmp_path.glob("demo-before-restore-*"))


def test_confirmation_no_leaves_everything(demo_db, tmp_path):
    res = make_backup(demo_db, tmp_path / "bk", now=WHEN)
    change_something()
    expected = dump(demo_db)
    close_db()
    result = runner.invoke(app, ["--db", str(demo_db), "restore", str(res.path)], input="n\n")
    assert result.exit_code == 1 and "已取消" in result.output
    assert dump(demo_db) == expected


def test_newer_backup_is_refused_and_nothing_touched(demo_db, tmp_path):
    newer = tmp_path / "newer.db"
    shutil.copyfile(make_backup(demo_db, tmp_path / "bk", now=WHEN).path, newer)
    con = sqlite3.connect(newer)
    newest = migrations.schema_version() + 1  # one this code does not know yet
    con.execute(f"PRAGMA user_version = {newest}")
    con.commit()
    con.close()
    close_db()
    before = digest(demo_db)
    with pytest.raises(NewerSchema) as info:
        restore(newer, demo_db)
    assert "较新版本" in info.value.message and str(newest) in info.value.message
    assert digest(demo_db) == before


def test_damaged_backup_is_refused(demo_db, tmp_path):
    bad = make_backup(demo_db, tmp_path / "bk", now=WHEN).path
    with bad.open("r+b") as fh:
        fh.seek(4096 * 5)
        fh.write(b"\x00\xff" * 4096)
    close_db()
    before = digest(demo_db)
    with pytest.raises(DatabaseDamaged):
        restore(bad, demo_db)
    assert digest(demo_db) == before


def test_older_schema_backup_restores_and_is_upgraded(demo_db, monkeypatch):
    def add_column():
        db.execute_sql('ALTER TABLE "person" ADD COLUMN "nickname" TEXT')

    monkeypatch.setitem(migrations.MIGRATIONS, 2, add_column)
    out = restore(FIXTURE_V1, demo_db)
    assert out.backup_version == 1 and out.upgrade_copy is not None
    con = sqlite3.connect(demo_db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == migrations.schema_version()
    assert "nickname" in {r[1] for r in con.execute("PRAGMA table_info(person)")}
    assert con.execute("SELECT name FROM person").fetchall() == [("张三",)]
    con.close()


def test_backup_with_other_page_size_restores_over_a_live_database(demo_db, tmp_path):
    """SQLite's backup API refuses to write into a WAL database of another page size: a database
    made before new ones took 8 KiB pages, and a backup of a newer one (or the reverse)."""
    res = make_backup(demo_db, tmp_path / "bk", now=WHEN)
    expected = dump(res.path, skip=("audit_log", "setting"))
    close_db()
    old = tmp_path / "old.db"  # the live database: the same town with 4 KiB pages, in WAL mode
    con = sqlite3.connect(demo_db)
    con.execute("PRAGMA page_size = 4096")
    con.execute("VACUUM INTO ?", (str(old),))
    con.close()
    open_db(old)
    change_something()
    close_db()
    assert page_of(old) == 4096 and page_of(res.path) == 8192
    out = restore(res.path, old)
    assert dump(old, skip=("audit_log", "setting")) == expected
    assert page_of(old) == 4096  # the live file keeps its own
    assert dump(out.aside[0], skip=("audit_log", "setting")) != expected
    assert not list(tmp_path.glob(".old.db.restore-pages*"))
    open_db(old, verify=True)
    close_db()


def page_of(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA page_size").fetchone()[0]
    finally:
        con.close()


def test_damaged_database_is_moved_aside_untouched_and_replaced(demo_db, tmp_path):
    res = make_backup(demo_db, tmp_path / "bk", now=WHEN)
    close_db()
    with demo_db.open("r+b") as fh:
        fh.seek(4096 * 10)
        fh.write(b"\xff" * 8192)
    damaged = digest(demo_db)
    out = restore(res.path, demo_db)
    assert digest(out.aside[0]) == damaged
    assert dump(demo_db, skip=("audit_log", "setting")) == dump(res.path, skip=("audit_log", "setting"))
    open_db(demo_db, verify=True)  # passes quick_check again
