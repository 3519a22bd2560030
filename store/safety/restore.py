"""Restore the database from a verified backup, keeping the current file aside first.

Refused while the app has the database open (the single-instance lock), and exclusive of every
writer (the restore gate, store/lock.py). A healthy current database is copied aside consistently
and then overwritten through the backup API; a damaged one is kept aside as it is (a hard link or
a copy) and the backup renamed over it, so a kill at any moment leaves a database file in place. An older backup is then upgraded by open_db, like any older database.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from store.safety.backup import copy_database, create_private, discard, readonly
from store.fsio import fsync_dir, fsync_file
from store.safety.copies import check_backup_file, keep_later_backup, recorded_backup
from store.db import BUSY_TIMEOUT_MS, close_db, header_user_version, open_db, secure_path
from store.errors import NotADatabase, StoreError, cannot_write, is_access_problem, is_damage
from store.lock import AlreadyRunning, Restoring, acquire

ASIDE_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class RestoreResult:
    """What restore did: where the old database went, which schema the backup had."""

    db_path: Path
    source: Path
    aside: list[Path]
    backup_version: int
    upgrade_copy: Path | None


def _is_healthy(db_path: Path) -> bool:
    """True when the current file is a readable SQLite database that passes quick_check."""
    try:
        header_user_version(db_path)
        con = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return con.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
        finally:
            con.close()
    except NotADatabase:
        return False
    except sqlite3.DatabaseError as exc:
        if is_access_problem(exc) and not is_damage(exc):
            raise cannot_write(db_path, exc) from exc  # not damage: nothing is moved or replaced
        return False


def aside_path(db_path: Path, stamp: str) -> Path:
    """<name>-before-restore-<time>.db beside the database (-2, -3 ... when that second is taken)."""
    stem, suffix = f"{db_path.stem}-before-restore-{stamp}", db_path.suffix or ".db"
    path, n = db_path.with_name(stem + suffix), 1
    while any(Path(str(path) + end).exists() for end in ("", "-wal", "-shm")):
        n += 1
        path = db_path.with_name(f"{stem}-{n}{suffix}")
    return path


def _copy_aside(db_path: Path, aside: Path) -> list[Path]:
    """A consistent copy of the healthy current database (WAL content included)."""
    create_private(aside)
    try:
        copy_database(db_path, aside, deadline=time.monotonic() + ASIDE_TIMEOUT_S, timeout_s=ASIDE_TIMEOUT_S)
        fsync_file(aside)
    except Exception as exc:
        discard(aside)
        raise StoreError(f"无法保存当前数据库的副本，未做恢复（{exc}）") from exc
    return [aside]


def _keep_aside(db_path: Path, aside: Path) -> list[Path]:
    """Keep a damaged (or orphaned) database aside untouched while it stays in place: a hard link
    (instant, no space), else a copy. Never a moment without a file at db_path."""
    if not db_path.is_file():
        return []
    try:
        os.link(db_path, aside)
    except OSError:  # a file system without hard links (a FAT USB drive): copy the bytes
        try:
            create_private(aside)
            shutil.copyfile(db_path, aside)
            fsync_file(aside)
        except OSError as exc:
            discard(aside)
            raise StoreError(f"无法保存当前数据库的副本，未做恢复（{exc}）") from exc
    return [aside]


def _move_logs_aside(db_path: Path, aside: Path) -> list[Path]:
    """Move the damaged database's WAL/SHM beside its kept copy: they must never meet the new file."""
    moved = []
    for suffix in ("-wal", "-shm"):
        src = Path(str(db_path) + suffix)
        if src.exists():
            dst = Path(str(aside) + suffix)
            os.replace(src, dst)
            moved.append(dst)
    return moved


def _backup_into(backup_file: Path, target: Path) -> None:
    """Copy a backup into a database file (new or live) through the backup API."""
    src = readonly(backup_file)
    try:
        dst = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def page_size(path: Path) -> int:
    """The page size a database file's header gives (1 stands for 65536)."""
    with path.open("rb") as fh:
        fh.seek(16)
        size = int.from_bytes(fh.read(2), "big")
    return 65536 if size == 1 else size


def _backup_into_live(backup_file: Path, db_path: Path) -> None:
    """_backup_into a live database in WAL mode. SQLite refuses that when the two files' page sizes
    differ (a backup of a database made before new ones took 8 KiB pages, or the reverse): the
    backup is then first copied at the live file's page size (VACUUM INTO, beside the database)."""
    size = page_size(db_path)
    if page_size(backup_file) == size:
        _backup_into(backup_file, db_path)
        return
    tmp = db_path.with_name(f".{db_path.name}.restore-pages")
    discard(tmp)
    try:
        create_private(tmp)  # VACUUM INTO fills an empty file
        # mode=ro, not readonly()'s immutable=1: with that, VACUUM INTO keeps the old page size
        src = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            src.execute(f"PRAGMA page_size = {int(size)}")
            src.execute("VACUUM INTO ?", (str(tmp),))
        finally:
            src.close()
        _backup_into(tmp, db_path)
    finally:
        discard(tmp)


def _put_in_place(backup_file: Path, db_path: Path, aside: Path, kept: list[Path]) -> None:
    """Write the backup to a private temp file beside the database, then rename it in (the old
    file's log moved aside just before: a kill at any point leaves a database file in place)."""
    tmp = db_path.with_name(f".{db_path.name}.restore-tmp")
    discard(tmp)
    try:
        create_private(tmp)
        _backup_into(backup_file, tmp)
        fsync_file(tmp)
        kept += _move_logs_aside(db_path, aside)
        os.replace(tmp, db_path)
        fsync_dir(db_path.parent)
    except (OSError, sqlite3.Error) as exc:
        discard(tmp)
        where = f"原数据库已另存为：{kept[0]}" if kept else "原来没有数据库文件"
        raise StoreError(f"恢复失败：无法写入数据库文件夹（{exc}）；{where}") from exc


def _swap(backup_file: Path, db_path: Path, stamp: str) -> list[Path]:
    """Keep the current database aside, then put the backup's content in its place."""
    aside = aside_path(db_path, stamp)
    if db_path.is_file() and db_path.stat().st_size > 0 and _is_healthy(db_path):
        kept = _copy_aside(db_path, aside)
        try:
            _backup_into_live(backup_file, db_path)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"恢复失败（{exc}），当前数据库未改动；副本：{aside}") from exc
        return kept
    kept = _keep_aside(db_path, aside)
    _put_in_place(backup_file, db_path, aside, kept)
    return kept


def restore(backup_file: str | os.PathLike, db_path: str | os.PathLike, *,
            now: dt.datetime | None = None) -> RestoreResult:
    """Verify a backup and restore it over db_path; refuse while the app has it open."""
    from store import audit
    from store.schema import db

    backup_file = Path(backup_file).expanduser().resolve()
    db_path = Path(db_path).expanduser().resolve()
    if backup_file == db_path:
        raise StoreError("所选备份文件就是当前数据库本身，无需恢复")
    close_db()
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        held = acquire(db_path)
    except AlreadyRunning as exc:
        raise AlreadyRunning("程序已在运行：此数据库正在另一个窗口中打开，不能恢复。"
                             "请先退出程序界面，再运行恢复") from exc
    # Every writer (the CLI, open_db) holds the gate shared: from here until the restored file is in
    # place none writes, so no write can land between the before-restore copy and the restore.
    with held, Restoring(db_path):
        version = check_backup_file(backup_file, full=True)
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        backed_up = recorded_backup(db_path) if db_path.exists() else None
        kept = _swap(backup_file, db_path, stamp)
        try:
            secure_path(db_path)
            opened = open_db(db_path)
            with db.atomic():
                keep_later_backup(backed_up)  # the status line must not say 从未备份 after a restore
                audit.log("restore_db", "setting", None, {"kept": [str(p) for p in kept]},
                          {"from": str(backup_file), "version": version})
        except StoreError as exc:
            where = f"恢复前的数据库已另存为：{kept[0]}" if kept else "恢复前没有可保存的数据库"
            raise type(exc)(f"{exc.message}；{where}") from exc
        finally:
            close_db()
        from store.cases.attachments import restore_files  # the photos the restored database names
        restore_files(backup_file, db_path)
    return RestoreResult(db_path, backup_file, kept, version, opened.upgrade_copy)
