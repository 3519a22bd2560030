"""Backups: verified, owner-only, recorded; a full disk, a stuck lock and pruning keep old copies."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import time
from pathlib import Path

import pytest

from store.safety import backup as backup_mod
from store import settings
from store.safety.backup import BackupInfo, BackupTimeout, make_backup
from store.db import close_db
from store.safety.copies import list_backups, plan_prune
from store.errors import StoreError
from store.safety.restore import page_size
from store.schema import AuditLog, Person

DAY1 = dt.datetime(2026, 11, 27, 21, 0, 0)
DAY2 = dt.datetime(2026, 11, 28, 21, 0, 0)
DAY3 = dt.datetime(2026, 11, 29, 21, 0, 0)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def source_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return backup_mod.table_counts(con)
    finally:
        con.close()


def test_backup_is_verified_private_and_recorded(demo_db, tmp_path):
    folder = tmp_path / "bk"
    res = make_backup(demo_db, folder, now=DAY1)
    assert res.path == folder / "yingbao-20261127-210000.db" and res.verified and res.recorded
    assert res.size == res.path.stat().st_size > 0
    assert res.counts == source_counts(res.path)
    now_counts = source_counts(demo_db)  # the live database also holds the note of this backup
    assert now_counts["audit_log"] == res.counts["audit_log"] + 1
    assert {k: v for k, v in now_counts.items() if k not in ("audit_log", "setting")} == \
        {k: v for k, v in res.counts.items() if k not in ("audit_log", "setting")}
    assert res.counts["person"] == Person.select().count() == 3000
    assert settings.get(settings.LAST_BACKUP) == "2026-11-27T21:00:00"
    row = AuditLog.select().where(AuditLog.action == "backup").get()
    assert str(res.path) in row.after and row.operator == "测试员"
    if os.name == "posix":
        assert res.path.stat().st_mode & 0o777 == 0o600
        assert folder.stat().st_mode & 0o777 == 0o700
    assert names(folder) == ["yingbao-20261127-210000.db"]  # no temp, journal or WAL left


def test_status_helpers_follow_the_last_backup(demo_db, tmp_path):
    from store.safety.copies import backup_due_today, backup_is_stale

    assert backup_is_stale() and backup_due_today()
    make_backup(demo_db, tmp_path / "bk", now=DAY1)
    assert not backup_is_stale(at=DAY1 + dt.timedelta(hours=23))
    assert backup_is_stale(at=DAY1 + dt.timedelta(hours=25))  # a nightly backup missed once
    assert not backup_due_today(at=DAY1.replace(hour=23)) and backup_due_today(at=DAY2)


def test_default_folder_is_beside_the_database_unless_set(demo_db, tmp_path):
    assert backup_mod.default_backup_dir(demo_db) == demo_db.parent / "备份"
    settings.put(settings.BACKUP_DIR, str(tmp_path / "usb"))
    res = make_backup(demo_db, now=DAY1)
    assert res.path.parent == tmp_path / "usb"


def test_uncommitted_write_of_another_connection_is_not_in_the_copy(demo_db, tmp_path):
    other = sqlite3.connect(demo_db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO setting (key, value) VALUES ('half', 'written')")
    try:
        res = make_backup(demo_db, tmp_path / "bk", now=DAY1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert res.counts == source_counts(res.path)
    assert not res.recorded  # the writer held the lock past the busy timeout: the copy is still fine
    con = sqlite3.connect(res.path)
    assert con.execute("SELECT count(*) FROM setting WHERE key = 'half'").fetchone()[0] == 0
    con.close()


def _fail_fsync(path):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_full_disk_keeps_older_copies_and_leaves_no_final_file(demo_db, tmp_path, monkeypatch):
    folder = tmp_path / "bk"
    make_backup(demo_db, folder, now=DAY1)
    before = names(folder)
    monkeypatch.setattr(backup_mod, "fsync_file", _fail_fsync)
    with pytest.raises(StoreError) as info:
        make_backup(demo_db, folder, now=DAY2)
    assert "磁盘已满" in info.value.message and "以前的备份均已保留" in info.value.message
    assert names(folder) == before == ["yingbao-20261127-210000.db"]
    assert settings.get(settings.LAST_BACKUP) == "2026-11-27T21:00:00"


def test_sqlite_full_error_during_copy_is_reported(demo_db, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup_mod, "copy_database", full)
    with pytest.raises(StoreError) as info:
        make_backup(demo_db, tmp_path / "bk", now=DAY1)
    assert "磁盘已满" in info.value.message
    assert names(tmp_path / "bk") == []


def test_an_empty_but_valid_copy_fails_the_row_count_check(demo_db, tmp_path, monkeypatch):
    """The measured full-disk case: the copy passes integrity_check but holds no rows."""
    real = backup_mod.copy_database

    def empty_copy(src, dst, **kwargs):
        counts, version = real(src, dst, **kwargs)
        con = sqlite3.connect(dst)
        con.execute("DELETE FROM audit_log")
        con.commit()
        con.close()
        return counts, version

    monkeypatch.setattr(backup_mod, "copy_database", empty_copy)
    with pytest.raises(StoreError) as info:
        make_backup(demo_db, tmp_path / "bk", now=DAY1)
    assert "audit_log 表应有" in info.value.message
    assert names(tmp_path / "bk") == []


def test_stuck_exclusive_lock_times_out(demo_db, tmp_path):
    close_db()
    other = sqlite3.connect(demo_db, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    start = time.monotonic()
    try:
        with pytest.raises(BackupTimeout) as info:
            make_backup(demo_db, tmp_path / "bk", timeout_s=1, now=DAY1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert time.monotonic() - start < 10
    assert "锁定" in info.value.message
    assert names(tmp_path / "bk") == []


def test_a_copy_is_pruned_only_after_a_newer_one_verified(demo_db, tmp_path, monkeypatch):
    folder = tmp_path / "bk"
    keep = dict(keep_daily=1, keep_weekly=0, keep_monthly=0)
    make_backup(demo_db, folder, now=DAY1 - dt.timedelta(days=10), **keep)  # older than the keep-all days
    res = make_backup(demo_db, folder, now=DAY2, **keep)
    assert res.pruned == [folder / "yingbao-20261117-210000.db"]
    monkeypatch.setattr(backup_mod, "fsync_file", _fail_fsync)
    with pytest.raises(StoreError):
        make_backup(demo_db, folder, now=DAY3, **keep)
    assert names(folder) == ["yingbao-20261128-210000.db"]


def test_retention_keeps_days_weeks_and_months():
    end = dt.datetime(2026, 11, 29, 21, 0)
    infos = [BackupInfo(Path(f"b{i}"), end - dt.timedelta(days=i), 1, None) for i in range(100)]
    deleted = set(plan_prune(infos, 14, 8, 12))
    kept = sorted(i.time.date() for i in infos if i.path not in deleted)
    days = [dt.date(2026, 11, d) for d in range(16, 30)]
    weeks = [dt.date(2026, 10, 11), dt.date(2026, 10, 18), dt.date(2026, 10, 25),
             dt.date(2026, 11, 1), dt.date(2026, 11, 8), dt.date(2026, 11, 15)]
    months = [dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31)]
    assert kept == sorted(days + weeks + months)


def test_same_second_gets_a_second_name_and_list_checks(demo_db, tmp_path):
    folder = tmp_path / "bk"
    a = make_backup(demo_db, folder, now=DAY1).path
    first = make_backup(demo_db, folder, now=DAY2).path
    b = make_backup(demo_db, folder, now=DAY2).path
    assert b.name == "yingbao-20261128-210000-2.db"
    assert first.exists() and a.exists()  # every copy of the last three days is kept
    size = page_size(a)
    with a.open("r+b") as fh:  # one whole page: the message depends on what the damage hits
        fh.seek(size * 3)
        fh.write(b"\xff" * size)
    found = {i.path.name: i for i in list_backups(folder, check=True)}
    assert found[b.name].verified is True
    assert found[a.name].verified is False and "损坏" in found[a.name].problem


def test_commits_during_the_copy_do_not_break_it(demo_db, tmp_path, monkeypatch):
    """Safe while the app writes: the copy and its counts are one snapshot, taken at the start."""
    writer = sqlite3.connect(demo_db, isolation_level=None)
    calls = []

    def progress_with_writes(deadline, timeout_s):
        def progress(status, remaining, total):
            calls.append(remaining)
            writer.execute("INSERT INTO setting (key, value) VALUES (?, 'x')", (f"during-{len(calls)}",))
        return progress

    monkeypatch.setattr(backup_mod, "STEP_PAGES", 16)
    monkeypatch.setattr(backup_mod, "_deadline_check", progress_with_writes)
    try:
        res = make_backup(demo_db, tmp_path / "bk", now=DAY1)
    finally:
        writer.close()
    assert len(calls) > 5
    con = sqlite3.connect(res.path)
    assert con.execute("SELECT count(*) FROM setting WHERE key LIKE 'during-%'").fetchone()[0] == 0
    con.close()
    # the copy holds one setting the source lacks (when it was made), the source one more (the last backup)
    assert source_counts(demo_db)["setting"] == res.counts["setting"] - 1 + len(calls) + 1


def test_deadline_stops_a_slow_copy(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_mod, "STEP_PAGES", 1)
    real = backup_mod._deadline_check

    def slow_check(deadline, timeout_s):
        check = real(deadline, timeout_s)

        def progress(status, remaining, total):
            time.sleep(0.002)
            check(status, remaining, total)
        return progress

    monkeypatch.setattr(backup_mod, "_deadline_check", slow_check)
    with pytest.raises(BackupTimeout) as info:
        make_backup(demo_db, tmp_path / "bk", timeout_s=0.2, now=DAY1)
    assert "0.2 秒内未能完成" in info.value.message and "以前的备份均已保留" in info.value.message
    assert names(tmp_path / "bk") == []
