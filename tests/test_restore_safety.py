"""Restore under attack: foreign files, kills over a damaged database, a vanished database (issue 20, 4 and 6)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from main import app
from store.safety import restore as restore_mod
from store.safety.backup import make_backup
from store.db import close_db, open_db
from store.errors import NotADatabase, StoreError
from store.safety.restore import restore

WHEN = dt.datetime(2026, 11, 28, 21, 0, 0)
runner = CliRunner()


def persons(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM person").fetchone()[0]
    finally:
        con.close()


def foreign_file(path: Path) -> Path:
    """Another program's SQLite file that happens to have the five table names checked before."""
    con = sqlite3.connect(path)
    for table in ("setting", "person", '"case"', "contact", "audit_log"):
        con.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, note TEXT)")
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    return path


def test_a_foreign_sqlite_file_is_refused_before_the_database_is_touched(demo_db, tmp_path):
    make_backup(demo_db, now=WHEN)
    close_db()
    before = persons(demo_db)
    bad = foreign_file(tmp_path / "备份" / "yingbao-20261129-210000.db")
    with pytest.raises(NotADatabase) as info:
        restore(bad, demo_db)
    assert "不是本程序的备份" in info.value.message
    result = runner.invoke(app, ["--db", str(demo_db), "restore", str(bad), "--yes"])
    assert result.exit_code == 1 and "不是本程序的备份" in result.output
    latest = runner.invoke(app, ["--db", str(demo_db), "restore", "latest", "--yes"])  # passes it over
    assert latest.exit_code == 0 and "yingbao-20261128-210000.db" in latest.output
    close_db()
    assert persons(demo_db) == before == 3000
    assert runner.invoke(app, ["--db", str(demo_db), "info"]).exit_code == 0


def test_every_restore_failure_names_the_kept_copy(demo_db, tmp_path, monkeypatch):
    res = make_backup(demo_db, tmp_path / "bk", now=WHEN)
    close_db()

    def broken_open(*args, **kwargs):
        raise StoreError("数据库出错（OperationalError）")

    monkeypatch.setattr(restore_mod, "open_db", broken_open)
    with pytest.raises(StoreError) as info:
        restore(res.path, demo_db)
    kept = list(tmp_path.glob("demo-before-restore-*.db"))
    assert len(kept) == 1 and f"恢复前的数据库已另存为：{kept[0]}" in info.value.message
    assert persons(kept[0]) == 3000


def damage(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.seek(8192 * 10)
        fh.write(b"\xff" * 8192)


@pytest.mark.parametrize("step", ["_backup_into", "fsync_file", "_move_logs_aside"])
def test_a_restore_killed_over_a_damaged_database_leaves_a_database_file(demo_db, tmp_path, monkeypatch, step):
    """A kill at any step of putting the backup in place: the file is still there (damaged or restored)."""
    res = make_backup(demo_db, tmp_path / "bk", now=WHEN)
    close_db()
    damage(demo_db)
    size = demo_db.stat().st_size

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # stands for SIGKILL: nothing after this line runs

    monkeypatch.setattr(restore_mod, step, killed)
    with pytest.raises(KeyboardInterrupt):
        restore(res.path, demo_db)
    assert demo_db.is_file() and demo_db.stat().st_size == size
    kept = list(tmp_path.glob("demo-before-restore-*.db"))
    assert len(kept) == 1 and kept[0].stat().st_size == size
    monkeypatch.undo()
    out = restore(res.path, demo_db)  # and the next restore still works
    assert persons(demo_db) == persons(res.path) == 3000 and out.aside


def test_a_vanished_database_is_not_replaced_by_an_empty_one(demo_db, tmp_path):
    make_backup(demo_db, now=WHEN)
    close_db()
    for suffix in ("", "-wal", "-shm"):
        Path(str(demo_db) + suffix).unlink(missing_ok=True)
    for args in (["info"], ["init", "--town", "后龙镇", "--district", "泉港区"], ["find", "zs"]):
        result = runner.invoke(app, ["--db", str(demo_db), *args])
        close_db()
        assert result.exit_code == 1, args
        assert "这里以前有数据库" in result.output and "yingbao-20261128-210000.db" in result.output
        assert "restore latest" in result.output
        assert not demo_db.exists()  # no empty database was made
    result = runner.invoke(app, ["--db", str(demo_db), "restore", "latest", "--yes"])
    close_db()
    assert result.exit_code == 0 and persons(demo_db) == 3000


def test_a_new_database_in_a_fresh_folder_is_still_created(tmp_path):
    path = tmp_path / "new" / "t.db"
    open_db(path)
    close_db()
    assert path.is_file()


def test_a_look_at_a_wrong_path_leaves_no_trace_that_blocks_a_new_database(tmp_path):
    path = tmp_path / "t.db"
    info = runner.invoke(app, ["--db", str(path), "info"])
    close_db()
    assert info.exit_code == 1 and "数据库文件不存在" in info.output and list(tmp_path.iterdir()) == []
    made = runner.invoke(app, ["--db", str(path), "init", "--town", "后龙镇", "--district", "泉港区"])
    close_db()
    assert made.exit_code == 0, made.output
