"""Which backups are kept and which one `restore latest` takes (issue 20, items 2 and 3)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from main import app
from store.safety.backup import made_at, make_backup
from store.db import close_db
from store.people.people import delete_person
from store.schema import Person, db

runner = CliRunner()
KEEP_ONE = dict(keep_daily=1, keep_weekly=0, keep_monthly=0)


def persons(path: Path) -> int:
    """Persons not deleted in a database file."""
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM person WHERE deleted_at IS NULL").fetchone()[0]
    finally:
        con.close()


def delete_one() -> None:
    """The mistake made between two backups."""
    delete_person(Person.select().where(Person.deleted_at.is_null()).order_by(Person.id).first().id)


def test_a_second_backup_the_same_day_keeps_the_first(demo_db, tmp_path):
    folder = tmp_path / "bk"
    morning = make_backup(demo_db, folder, now=dt.datetime(2026, 11, 27, 9, 0), **KEEP_ONE)
    delete_one()
    safe = make_backup(demo_db, folder, now=dt.datetime(2026, 11, 27, 15, 0), **KEEP_ONE)
    assert safe.pruned == [] and morning.path.exists()
    assert persons(morning.path) == 3000 and persons(safe.path) == 2999


def test_the_copy_made_before_an_undo_or_restore_is_never_pruned(demo_db, tmp_path):
    folder = tmp_path / "bk"
    before = make_backup(demo_db, folder, now=dt.datetime(2026, 10, 1, 21, 0), **KEEP_ONE)
    db.execute_sql("INSERT INTO audit_log (time, operator, action, \"table\") VALUES (?, '测试员', 'undo_import', "
                   "'import_batch')", ("2026-10-02 09:00:00",))
    delete_one()
    later = make_backup(demo_db, folder, now=dt.datetime(2026, 10, 12, 21, 0), **KEEP_ONE)
    last = make_backup(demo_db, folder, now=dt.datetime(2026, 10, 25, 21, 0), **KEEP_ONE)
    assert before.path.exists() and persons(before.path) == 3000
    assert last.pruned == [later.path]  # the ordinary rule still prunes


def test_restore_latest_goes_by_the_time_inside_not_the_name(demo_db, tmp_path):
    folder = tmp_path / "bk"
    old = make_backup(demo_db, folder, now=dt.datetime(2026, 11, 27, 21, 0)).path
    delete_one()
    real = make_backup(demo_db, folder, now=dt.datetime(2026, 11, 28, 21, 0)).path
    renamed = folder / "yingbao-20991231-235959.db"  # an older copy with a future time in its name
    shutil.move(old, renamed)
    wrong_clock = make_backup(demo_db, folder, now=dt.datetime(2099, 1, 1, 8, 0)).path  # made while the clock was off
    assert made_at(renamed) == dt.datetime(2026, 11, 27, 21, 0)
    close_db()
    result = runner.invoke(app, ["--db", str(demo_db), "restore", "latest", "--dir", str(folder), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"将使用备份：{real}（备份时间 2026-11-28 21:00:00）" in result.output
    assert f"已跳过备份 {wrong_clock.name}" in result.output and "晚于现在" in result.output
    assert persons(demo_db) == 2999  # the real latest, not the renamed older copy (3000)
