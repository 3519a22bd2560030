"""The backup folder: list and check copies, prune by age, record the last backup."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from .backup import BACKUP_RE, BackupInfo, readonly
from .errors import DatabaseDamaged, NewerSchema, NotADatabase, StoreError
from .logfile import get_logger

REQUIRED_TABLES = ("setting", "person", "case", "contact", "audit_log")
log = get_logger("backup")


def order(info: BackupInfo) -> tuple[dt.datetime, int]:
    """Sort key: the time in the name, then its -2, -3 ... suffix."""
    m = BACKUP_RE.match(info.path.name)
    return info.time, int(m.group(2)) if m and m.group(2) else 1


def _parse_time(name: str) -> dt.datetime | None:
    """The time in a backup's file name, or None for other files."""
    m = BACKUP_RE.match(name)
    return dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S") if m else None


def check_backup_file(path: Path, *, full: bool = True) -> int:
    """Check a backup before trusting it; return its schema version or raise a Chinese error."""
    from .db import header_user_version
    from .migrations import schema_version

    if not path.is_file():
        raise StoreError(f"备份文件不存在：{path}")
    try:
        version = header_user_version(path)
    except NotADatabase as exc:
        raise NotADatabase(f"不是有效的备份文件（不是SQLite数据库或已损坏）：{path}") from exc
    if version > schema_version():
        raise NewerSchema(f"该备份由较新版本的程序创建（结构版本 {version}，本程序支持到 {schema_version()}），"
                          "请先升级程序再恢复")
    try:
        con = readonly(path)
        try:
            result = [r[0] for r in con.execute(f"PRAGMA {'integrity_check' if full else 'quick_check'}(5)")]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseDamaged(f"备份文件已损坏（{exc}）：{path}") from exc
    if result != ["ok"]:
        raise DatabaseDamaged(f"备份文件已损坏，未通过完整性检查（{'；'.join(result)[:160]}）：{path}")
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise DatabaseDamaged(f"备份文件缺少数据表 {', '.join(missing)}（不完整的副本）：{path}")
    return version


def list_backups(folder: str | os.PathLike, *, check: bool = False) -> list[BackupInfo]:
    """The backups in a folder, newest first; check=True runs a quick_check on each."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        return []
    infos = []
    for p in folder.iterdir():
        when = _parse_time(p.name)
        if when is None or not p.is_file():
            continue
        verified, problem = (None, None)
        if check:
            try:
                check_backup_file(p, full=False)
                verified = True
            except StoreError as exc:
                verified, problem = False, exc.message
        infos.append(BackupInfo(p, when, p.stat().st_size, verified, problem))
    return sorted(infos, key=order, reverse=True)


def latest_backup(folder: str | os.PathLike) -> Path:
    """The newest backup in a folder that passes a full check (older ones are tried in turn)."""
    infos = list_backups(folder)
    if not infos:
        raise StoreError(f"备份文件夹中没有备份：{folder}（可用 --dir 指定备份文件夹）")
    for info in infos:
        try:
            check_backup_file(info.path, full=True)
            return info.path
        except StoreError as exc:
            log.warning("skipping backup %s: %s", info.path.name, exc.message)
    raise StoreError(f"备份文件夹中没有通过校验的备份：{folder}")


def resolve_source(name: str, folder: os.PathLike | None, db_path: Path) -> Path:
    """The backup to restore: a path, a file name in the backup folder, or latest (最新)."""
    from .backup import default_backup_dir

    where = Path(folder).expanduser() if folder else default_backup_dir(db_path)
    if name.strip().lower() in ("latest", "最新"):
        return latest_backup(where)
    path = Path(name).expanduser()
    if not path.exists() and (where / name).is_file():
        return where / name
    return path


def plan_prune(infos: list[BackupInfo], daily: int, weekly: int, monthly: int) -> list[Path]:
    """Which copies to delete: keep the newest of each of the last N days, ISO weeks and months."""
    ordered = sorted(infos, key=order, reverse=True)
    keep = {ordered[0].path} if ordered else set()
    buckets = ((daily, lambda t: t.date()), (weekly, lambda t: tuple(t.isocalendar())[:2]),
               (monthly, lambda t: (t.year, t.month)))
    for n, key in buckets:
        seen: set = set()
        for info in ordered:
            k = key(info.time)
            if k in seen:
                continue
            if len(seen) >= n:
                break
            seen.add(k)
            keep.add(info.path)
    return [i.path for i in ordered if i.path not in keep]


def prune(folder: Path, newest: Path, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Delete copies outside the retention rule; only copies older than a newer verified one."""
    newest_time = _parse_time(newest.name)
    infos = [i for i in list_backups(folder) if i.time <= newest_time]
    if newest not in {i.path for i in infos}:
        return []
    deleted = []
    for path in plan_prune(infos, daily, weekly, monthly):
        try:
            path.unlink()
            deleted.append(path)
        except OSError as exc:  # e.g. open in another program on Windows: try again next night
            log.warning("could not prune %s: %s", path.name, exc)
    return deleted


def record(db_path: Path, path: Path, size: int, when: dt.datetime) -> bool:
    """Store LAST_BACKUP and an audit row in the database, if the caller has it open."""
    from . import audit, settings
    from .schema import Setting, db

    if db.database is None or Path(db.database).resolve() != db_path:
        return False
    try:
        with db.atomic("IMMEDIATE"):
            Setting.insert(key=settings.LAST_BACKUP, value=when.isoformat(timespec="seconds")) \
                .on_conflict_replace().execute()
            audit.log("backup", "setting", None, None, {"file": str(path), "size": size})
    except Exception as exc:  # noqa: BLE001 - the copy is safe; only the note in the database failed
        log.warning("backup made but not recorded: %s", exc)
        return False
    return True


def last_backup() -> dt.datetime | None:
    """When the last verified backup was made (from the open database's settings)."""
    from . import settings

    value = settings.get(settings.LAST_BACKUP)
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


STALE_AFTER = dt.timedelta(days=1)  # a nightly backup missed once: red in the status line and `check`


def is_stale(last: dt.datetime | None, now: dt.datetime) -> bool:
    """True when there was never a backup or the last one is more than a day old."""
    return last is None or now - last > STALE_AFTER


def backup_is_stale(at: dt.datetime | None = None) -> bool:
    """True when no backup was recorded in the last day (the status line turns red)."""
    return is_stale(last_backup(), at or dt.datetime.now())


def backup_due_today(at: dt.datetime | None = None) -> bool:
    """True when no backup was made today (the app backs up on exit then)."""
    last = last_backup()
    return last is None or last.date() < (at or dt.datetime.now()).date()
