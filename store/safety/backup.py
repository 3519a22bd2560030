"""Verified backups through SQLite's online backup API, written owner-only and pruned by age.

A copy is made from a separate connection inside one read transaction (so the row counts and
the copy see the same snapshot, even while the app writes), into a temp file pre-created 0600,
fsynced, verified (integrity_check, user_version, every table's row count), and only then
renamed to ``yingbao-YYYYmmdd-HHMMSS.db``. A full disk once left a valid but empty database:
the row counts catch that. Old copies are pruned only after a newer one verified.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from store.errors import DatabaseDamaged, StoreError
from store.fsio import fsync_dir, fsync_file, os_error_text, sweep_temps
from store.logfile import get_logger

BACKUP_RE = re.compile(r"^yingbao-(\d{8}-\d{6})(?:-(\d+))?\.db$")
MADE_AT = "backup_made_at"  # setting written into each copy: when it was made, by this PC's clock
TMP_PREFIX = ".yingbao-tmp-"
DEFAULT_TIMEOUT_S = 600.0
STEP_PAGES = 2048  # 8 MB per backup step: the deadline is checked between steps
STALE_TMP_S = 3600
log = get_logger("backup")


class BackupTimeout(StoreError):
    """The copy did not finish within its time limit (a stuck lock)."""


@dataclass(frozen=True)
class BackupResult:
    """A finished, verified backup."""

    path: Path
    size: int
    counts: dict[str, int]
    verified: bool
    pruned: list[Path] = field(default_factory=list)
    recorded: bool = False


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in a folder; verified is None when not checked."""

    path: Path
    time: dt.datetime
    size: int
    verified: bool | None
    problem: str | None = None


def table_counts(con: sqlite3.Connection) -> dict[str, int]:
    """Row count of every table (count(*) walks the smallest index, not the rows)."""
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def default_backup_dir(db_path: str | os.PathLike) -> Path:
    """The BACKUP_DIR setting of that database, else a 备份 folder beside it."""
    db_path = Path(db_path).expanduser()
    value = None
    if db_path.is_file():
        try:
            con = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
            try:
                row = con.execute("SELECT value FROM setting WHERE key = 'backup_dir'").fetchone()
                value = row[0] if row else None
            finally:
                con.close()
        except sqlite3.Error:
            value = None  # a damaged or foreign file: fall back to the folder beside it
    return Path(value).expanduser() if value else db_path.resolve().parent / "备份"


def prepare_dir(folder: Path) -> None:
    """Create the backup folder owner-only (0700 on POSIX) when it does not exist. A folder that
    exists is the clerk's (or shared, 1777, or a link): its mode is never changed; the backup files
    in it are owner-only anyway."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, mode=0o700)
    except FileExistsError as exc:
        raise StoreError(f"备份文件夹的位置已有一个同名文件：{folder}") from exc
    except OSError as exc:
        raise StoreError(f"无法创建备份文件夹：{folder}（{os_error_text(exc, path=False)}）") from exc
    if os.name == "posix":
        try:
            os.chmod(folder, 0o700)  # mkdir's mode passes through the umask
        except OSError:
            pass  # e.g. a FAT-formatted USB drive has no permissions to set


def create_private(path: Path) -> None:
    """Create an empty owner-only file (0600) for SQLite to fill: backup() alone writes 0644."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _deadline_check(deadline: float, timeout_s: float):
    """A progress callback for Connection.backup that aborts after the deadline."""
    def progress(status: int, remaining: int, total: int) -> None:
        if time.monotonic() > deadline:
            raise BackupTimeout(f"备份在 {timeout_s:g} 秒内未能完成（数据库可能被其他程序长时间锁定），已放弃")
    return progress


def copy_database(src_path: Path, dst_path: Path, *, deadline: float, timeout_s: float,
                  count: bool = False) -> tuple[dict[str, int], int]:
    """Copy a live database with the backup API; counts and user_version of the same snapshot."""
    wait = max(0.1, min(deadline - time.monotonic(), 30.0))
    src = sqlite3.connect(str(src_path), timeout=wait, isolation_level=None)
    try:
        src.execute("PRAGMA query_only = 1")
        src.execute("BEGIN")
        version = src.execute("PRAGMA user_version").fetchone()[0]
        counts = table_counts(src) if count else {}
        dst = sqlite3.connect(str(dst_path), isolation_level=None)
        try:
            dst.execute("PRAGMA journal_mode = OFF")  # the temp file is thrown away on any failure
            dst.execute("PRAGMA synchronous = OFF")  # one fsync at the end instead
            src.backup(dst, pages=STEP_PAGES, progress=_deadline_check(deadline, timeout_s), sleep=0.05)
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()
    return counts, version


def readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection to a backup file that nobody writes (creates no -wal/-shm)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)


def _verify(path: Path, counts: dict[str, int], version: int) -> None:
    """Full check of a fresh copy: integrity, schema version, every table's row count."""
    con = readonly(path)
    try:
        result = [r[0] for r in con.execute("PRAGMA integrity_check(5)")]
        if result != ["ok"]:
            raise StoreError(f"备份校验未通过（完整性检查：{'；'.join(result)[:200]}）")
        got_version = con.execute("PRAGMA user_version").fetchone()[0]
        if got_version != version:
            raise StoreError(f"备份校验未通过：结构版本应为 {version}，备份中为 {got_version}")
        got = table_counts(con)
    finally:
        con.close()
    for table, n in counts.items():
        if got.get(table) != n:
            raise StoreError(f"备份校验未通过：{table} 表应有 {n} 行，备份中为 {got.get(table, 0)} 行")


def _final_path(folder: Path, when: dt.datetime) -> Path:
    """yingbao-YYYYmmdd-HHMMSS.db, with -2, -3 ... when that second is taken."""
    stem = f"yingbao-{when:%Y%m%d-%H%M%S}"
    path, n = folder / f"{stem}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.db"
    return path


def discard(path: Path) -> None:
    """Delete a temp file and any journal SQLite left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            Path(str(path) + suffix).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not delete %s: %s", path, exc)


def _sweep_stale(folder: Path) -> None:
    """Delete temp copies a killed backup left behind: its process is gone (or, without a process
    id in the name, the copy is over an hour old). 26 killed backups once left 1.9 GB."""
    pattern = re.escape(TMP_PREFIX) + r"\d{8}-\d{6}(?:-(?P<pid>\d+))?\.db(?:-journal|-wal|-shm)?"
    sweep_temps(folder, pattern, STALE_TMP_S)


def _as_store_error(exc: Exception, folder: Path) -> StoreError:
    """A Chinese reason for a failed backup; older copies are always kept."""
    kept = "以前的备份均已保留"
    if isinstance(exc, StoreError):
        return type(exc)(f"{exc.message}；{kept}")
    text = str(exc).lower()
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "full" in text:
        return StoreError(f"备份失败：备份文件夹所在磁盘已满（{folder}），请清理空间或换一个U盘；{kept}")
    if "malformed" in text or "not a database" in text:
        return DatabaseDamaged("数据库文件已损坏，无法备份。请运行 `yingbao check` 查看，"
                               f"并用 `yingbao restore latest` 从最近的备份恢复；{kept}")
    if "locked" in text or "busy" in text:
        return BackupTimeout(f"备份失败：数据库被其他程序长时间锁定；{kept}")
    if isinstance(exc, OSError):
        return StoreError(f"备份失败：无法写入备份文件夹 {folder}（{os_error_text(exc, path=False)}）；{kept}")
    return StoreError(f"备份失败：读写出错（{exc}）；{kept}")


def _stamp(tmp: Path, when: dt.datetime, counts: dict[str, int]) -> dict[str, int]:
    """Record inside the copy when it was made (restore latest chooses by it, not by the file name);
    the expected row counts then hold one more setting when the source had none."""
    con = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        had = con.execute("SELECT 1 FROM setting WHERE key = ?", (MADE_AT,)).fetchone()
        con.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                    (MADE_AT, when.isoformat(timespec="seconds")))
    finally:
        con.close()  # the last connection: its log is copied into the file and removed
    if had or "setting" not in counts:
        return counts
    return {**counts, "setting": counts["setting"] + 1}


def made_at(path: Path) -> dt.datetime | None:
    """The time a backup recorded inside itself when it was made (None: an older copy, or unreadable)."""
    try:
        con = readonly(path)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = ?", (MADE_AT,)).fetchone()
        finally:
            con.close()
        return dt.datetime.fromisoformat(row[0]) if row and row[0] else None
    except (sqlite3.Error, ValueError, TypeError):
        return None


def _write_verified(db_path: Path, folder: Path, when: dt.datetime, timeout_s: float) -> tuple[Path, dict]:
    """Copy, fsync, verify and rename into place; the temp file never survives a failure."""
    tmp = folder / f"{TMP_PREFIX}{when:%Y%m%d-%H%M%S}-{os.getpid()}.db"
    deadline = time.monotonic() + timeout_s
    try:
        create_private(tmp)
        counts, version = copy_database(db_path, tmp, deadline=deadline, timeout_s=timeout_s, count=True)
        counts = _stamp(tmp, when, counts)
        fsync_file(tmp)
        _verify(tmp, counts, version)
        final = _final_path(folder, when)
        os.replace(tmp, final)
        fsync_dir(folder)
    except Exception as exc:
        discard(tmp)
        log.warning("backup of %s failed: %s", db_path.name, exc)
        raise _as_store_error(exc, folder) from exc
    except BaseException:
        discard(tmp)
        raise
    return final, counts


def make_backup(db_path: str | os.PathLike, target_dir: str | os.PathLike | None = None, *,
                keep_daily: int = 14, keep_weekly: int = 8, keep_monthly: int = 12,
                timeout_s: float = DEFAULT_TIMEOUT_S, now: dt.datetime | None = None) -> BackupResult:
    """Write one verified backup, prune old ones, record it in the database's settings."""
    from store.safety.copies import protected_times, prune, record

    db_path = Path(db_path).expanduser().resolve()
    if not db_path.is_file():
        raise StoreError(f"数据库文件不存在：{db_path}")
    folder = Path(target_dir).expanduser() if target_dir else default_backup_dir(db_path)
    prepare_dir(folder)
    _sweep_stale(folder)
    when = (now or dt.datetime.now()).replace(microsecond=0)
    final, counts = _write_verified(db_path, folder, when, timeout_s)
    from store.cases.attachments import back_up_files  # the photos beside the copy, each verified by hash
    back_up_files(db_path, final)
    size = final.stat().st_size
    pruned = prune(folder, final, keep_daily, keep_weekly, keep_monthly, protected_times(db_path))
    recorded = record(db_path, final, size, when)
    log.info("backup made: %s (%d bytes)", final, size)  # the nightly job's trace in yingbao.log
    return BackupResult(final, size, counts, True, pruned, recorded)
