"""The backup folder: list and check copies, prune by age, record the last backup."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sqlite3
from pathlib import Path

from store.safety.backup import BACKUP_RE, BackupInfo, made_at, readonly
from store.errors import DatabaseDamaged, NewerSchema, NotADatabase, StoreError, is_access_problem, is_damage
from store.logfile import get_logger

REQUIRED_TABLES = ("setting", "person", "case", "contact", "audit_log")
KEEP_ALL_DAYS = 3  # every copy of the last three days is kept (a second backup never removes the first)
FUTURE_SLACK = dt.timedelta(minutes=10)  # a copy made later than now plus this has a wrong time
PROTECT_ACTIONS = ("restore_db", "undo_import")  # the newest copy made before each of these is kept
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
    from store.db import header_user_version
    from store.migrations import schema_version

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
        if is_access_problem(exc) and not is_damage(exc):
            raise StoreError(f"无法读取备份文件（{exc}；是否有读取权限？）：{path}") from exc
        raise DatabaseDamaged(f"备份文件已损坏（{exc}）：{path}") from exc
    if result != ["ok"]:
        raise DatabaseDamaged(f"备份文件已损坏，未通过完整性检查（{'；'.join(result)[:160]}）：{path}")
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise DatabaseDamaged(f"备份文件缺少数据表 {', '.join(missing)}（不完整的副本）：{path}")
    _same_schema(path, version)
    return version


@functools.lru_cache(maxsize=8)
def reference_schema(version: int) -> dict[str, frozenset[str]]:
    """The tables and columns this program's migrations give a database of that schema version
    (the frozen SQL files run on a database in memory)."""
    from store.migrations import SQL_DIR, sql_statements

    con = sqlite3.connect(":memory:")
    try:
        for sql_file in sorted(SQL_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
            if int(sql_file.name[:4]) <= version:
                for stmt in sql_statements(sql_file.read_text(encoding="utf-8")):
                    con.execute(stmt)
        return _columns(con)
    finally:
        con.close()


def _columns(con: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """Every table of a database with its column names."""
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {n: frozenset(r[1] for r in con.execute(f'PRAGMA table_info("{n}")')) for n in names}


def _same_schema(path: Path, version: int) -> None:
    """Refuse a file that is not this program's database: every table of its schema version, with
    every column, must be there (a foreign file with a few of the same table names is not a backup)."""
    con = readonly(path)
    try:
        got = _columns(con)
    finally:
        con.close()
    if version < 1:
        raise NotADatabase(f"不是本程序的备份（没有数据结构版本，可能是其他程序的数据库）：{path}")
    for table, columns in reference_schema(version).items():
        lacking = sorted(columns - got.get(table, frozenset()))
        if table not in got or lacking:
            what = f"缺少数据表 {table}" if table not in got else f"数据表 {table} 缺少列 {', '.join(lacking[:5])}"
            raise NotADatabase(f"不是本程序的备份（{what}，可能是其他程序的数据库或被改动过）。"
                               f"未做任何改动：{path}")


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
        when = made_at(p) or when  # the time recorded inside the copy, not the name anyone can give it
        verified, problem = (None, None)
        if check:
            try:
                check_backup_file(p, full=False)
                verified = True
            except StoreError as exc:
                verified, problem = False, exc.message
        infos.append(BackupInfo(p, when, p.stat().st_size, verified, problem))
    return sorted(infos, key=order, reverse=True)


def latest_backup(folder: str | os.PathLike, notes: list[str] | None = None,
                  now: dt.datetime | None = None) -> Path:
    """The newest backup in a folder that passes a full check (older ones are tried in turn), by the
    time recorded inside each copy; copies dated in the future are passed over and named in notes."""
    infos = list_backups(folder)
    if not infos:
        raise StoreError(f"备份文件夹中没有备份：{folder}（可用 --dir 指定备份文件夹）")
    limit = (now or dt.datetime.now()) + FUTURE_SLACK
    for info in infos:
        if info.time > limit:
            if notes is not None:
                notes.append(f"已跳过备份 {info.path.name}：备份时间 {info.time:%Y-%m-%d %H:%M} 晚于现在"
                             "（电脑时钟曾经不对，或不是本机做的备份）；如确实要用它，请直接写出文件名恢复")
            continue
        try:
            check_backup_file(info.path, full=True)
            return info.path
        except StoreError as exc:
            log.warning("skipping backup %s: %s", info.path.name, exc.message)
    raise StoreError(f"备份文件夹中没有通过校验的备份：{folder}")


def describe(path: Path) -> str:
    """Which copy and when it was made, for the question asked before a restore."""
    when = made_at(path) or _parse_time(path.name)
    made = f"备份时间 {when:%Y-%m-%d %H:%M:%S}" if when else "备份时间未知"
    note = "（晚于现在，请确认电脑时钟）" if when and when > dt.datetime.now() + FUTURE_SLACK else ""
    return f"{path}（{made}{note}）"


def resolve_source(name: str, folder: os.PathLike | None, db_path: Path, notes: list[str] | None = None) -> Path:
    """The backup to restore: a path, a file name in the backup folder, or latest (最新)."""
    from store.safety.backup import default_backup_dir

    where = Path(folder).expanduser() if folder else default_backup_dir(db_path)
    if name.strip().lower() in ("latest", "最新"):
        return latest_backup(where, notes)
    path = Path(name).expanduser()
    if not path.exists() and (where / name).is_file():
        return where / name
    return path


def plan_prune(infos: list[BackupInfo], daily: int, weekly: int, monthly: int,
               protect: tuple[dt.datetime, ...] = ()) -> list[Path]:
    """Which copies to delete: keep every copy of the last KEEP_ALL_DAYS days, the newest of each of
    the last N days, ISO weeks and months, and the newest copy made before each time in protect."""
    ordered = sorted(infos, key=order, reverse=True)
    keep = {ordered[0].path} if ordered else set()
    if ordered:
        recent = ordered[0].time - dt.timedelta(days=KEEP_ALL_DAYS)
        keep |= {i.path for i in ordered if i.time >= recent}
    for moment in protect:
        before = next((i for i in ordered if i.time < moment), None)
        if before is not None:
            keep.add(before.path)
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


def protected_times(db_path: Path) -> tuple[dt.datetime, ...]:
    """When the database was restored or an import undone (its audit log): the copies made just
    before those moments are never pruned."""
    try:
        con = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            marks = ",".join("?" * len(PROTECT_ACTIONS))
            rows = con.execute(f"SELECT DISTINCT time FROM audit_log WHERE action IN ({marks})",
                               PROTECT_ACTIONS).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return ()
    times = []
    for (value,) in rows:
        try:
            times.append(dt.datetime.fromisoformat(str(value)))
        except ValueError:
            continue
    return tuple(times)


def prune(folder: Path, newest: Path, daily: int, weekly: int, monthly: int,
          protect: tuple[dt.datetime, ...] = ()) -> list[Path]:
    """Delete copies outside the retention rule; only copies older than a newer verified one."""
    infos = list_backups(folder)
    newest_time = next((i.time for i in infos if i.path == newest), None)
    if newest_time is None:
        return []
    infos = [i for i in infos if i.time <= newest_time]
    deleted = []
    for path in plan_prune(infos, daily, weekly, monthly, protect):
        try:
            path.unlink()
            deleted.append(path)
        except OSError as exc:  # e.g. open in another program on Windows: try again next night
            log.warning("could not prune %s: %s", path.name, exc)
    return deleted


def record(db_path: Path, path: Path, size: int, when: dt.datetime) -> bool:
    """Store LAST_BACKUP and an audit row in the database, if the caller has it open."""
    from store import audit, settings
    from store.schema import Setting, db

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


def recorded_backup(db_path: Path) -> dt.datetime | None:
    """The LAST_BACKUP a database file holds, read without opening it for writing; None if unreadable."""
    import sqlite3

    try:
        con = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = 'last_backup'").fetchone()
        finally:
            con.close()
        return dt.datetime.fromisoformat(row[0]) if row and row[0] else None
    except (sqlite3.Error, ValueError, OSError):
        return None


def keep_later_backup(earlier: dt.datetime | None) -> None:
    """After a restore: the restored file's LAST_BACKUP is older than the backup it came from."""
    from store import settings
    from store.schema import Setting

    if earlier is not None and (last_backup() or dt.datetime.min) < earlier:
        Setting.insert(key=settings.LAST_BACKUP, value=earlier.isoformat(timespec="seconds")) \
            .on_conflict_replace().execute()


def last_backup() -> dt.datetime | None:
    """When the last verified backup was made (from the open database's settings)."""
    from store import settings

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
