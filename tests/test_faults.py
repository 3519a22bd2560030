"""Faults: SIGKILL during a backup, a CLI backup beside a writer, privacy of files and the log."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from main import app
from store.safety.backup import TMP_PREFIX, make_backup
from store.safety.copies import list_backups
from store.safety.check import check_database
from store.db import close_db
from store.safety.restore import restore

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
SLOW_BACKUP = """
import sys, time
from store.safety import backup
backup.STEP_PAGES = 4
def slow(deadline, timeout_s):
    def progress(status, remaining, total):
        time.sleep(0.01)
    return progress
backup._deadline_check = slow
backup.make_backup(sys.argv[1], sys.argv[2])
print("finished", flush=True)
"""


def dump(path: Path) -> dict[str, list]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables if t not in ("audit_log", "setting")}
    finally:
        con.close()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_during_backup_keeps_database_and_last_backup(demo_db, tmp_path):
    folder = tmp_path / "bk"
    first = make_backup(demo_db, folder, now=dt.datetime(2026, 11, 28, 21, 0)).path
    expected = dump(first)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_BACKUP, str(demo_db), str(folder)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not list(folder.glob(f"{TMP_PREFIX}*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # well inside the copy
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL and "finished" not in proc.stdout.read()
    assert [i.path for i in list_backups(folder)] == [first]  # nothing with a final name was left
    leftover = list(folder.glob(f"{TMP_PREFIX}*.db"))
    assert leftover
    close_db()
    assert check_database(demo_db).clean
    restore(first, demo_db)
    assert dump(demo_db) == expected
    old = time.time() - 7200
    for p in leftover:
        os.utime(p, (old, old))
    make_backup(demo_db, folder)
    close_db()
    assert not list(folder.glob(f"{TMP_PREFIX}*"))  # the next backup swept the killed one's temp file


def test_cli_backup_beside_an_open_write_transaction(demo_db, tmp_path):
    close_db()
    other = sqlite3.connect(demo_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE setting SET value = value WHERE key = 'town'")
    try:
        result = runner.invoke(app, ["--db", str(demo_db), "backup", "--dir", str(tmp_path / "bk")])
    finally:
        other.execute("ROLLBACK")
        other.close()
        close_db()
    assert result.exit_code == 0, result.output
    assert "已备份并校验" in result.output and "未能记录本次备份时间" in result.output
    assert "Traceback" not in result.output and "database is locked" not in result.output
    assert len(list_backups(tmp_path / "bk")) == 1


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_files_are_owner_only_and_log_is_redacted(tmp_path):
    from store.logfile import get_logger, setup_logging
    from store.schema import db as peewee_db

    path = tmp_path / "office" / "c.db"
    assert runner.invoke(app, ["--db", str(path), "init", "--town", "后龙镇", "--district", "泉港区"]).exit_code == 0
    peewee_db.connect(reuse_if_open=True)
    peewee_db.execute_sql("UPDATE setting SET value = value")
    log_file = setup_logging(path)
    try:
        raise ValueError("导入失败：350505199001011234 电话 13700003333")
    except ValueError:
        get_logger("cli").exception("unexpected error")
    res = make_backup(path)
    close_db()
    for p in (path, Path(str(path) + "-wal"), res.path, log_file):
        if p.exists():
            assert p.stat().st_mode & 0o777 == 0o600, p
    assert res.path.parent.stat().st_mode & 0o777 == 0o700
    text = log_file.read_text(encoding="utf-8")
    assert "ValueError" in text and "Traceback" in text
    assert "350505199001011234" not in text and "13700003333" not in text
    assert "350505********1234" in text


def test_cli_write_that_meets_a_lock_waits_then_says_so(demo_db):
    close_db()
    other = sqlite3.connect(demo_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = runner.invoke(app, ["--db", str(demo_db), "init", "--town", "新镇", "--district", "新区"])
    finally:
        other.execute("ROLLBACK")
        other.close()
        close_db()
    assert result.exit_code == 1 and "数据库正被其他程序占用" in result.output
    assert "Traceback" not in result.output and "database is locked" not in result.output


@pytest.fixture
def tiny_disk(tmp_path):
    """A 4 MB tmpfs (a real full disk); skipped where mounting is not allowed (most CI)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("tmpfs mount not permitted here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_real_full_disk_keeps_the_older_copy(demo_db, tiny_disk):
    folder = tiny_disk / "bk"
    first = make_backup(demo_db, folder, now=dt.datetime(2026, 11, 28, 21, 0)).path
    result = runner.invoke(app, ["--db", str(demo_db), "backup", "--dir", str(folder)])
    close_db()
    assert result.exit_code == 1 and "磁盘已满" in result.output and "以前的备份均已保留" in result.output
    assert sorted(p.name for p in folder.iterdir()) == [first.name]
    assert [i.path for i in list_backups(folder, check=True) if i.verified] == [first]
