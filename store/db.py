"""Open the campaign database: refuse what is not ours, set and verify pragmas, migrate.

SQLite is the whole record of a campaign on one office PC that may lose power: WAL with
``synchronous=FULL``, foreign keys on, a busy timeout instead of ``database is locked``.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

from peewee import DatabaseError as PeeweeDatabaseError

from .errors import DatabaseDamaged, NewerSchema, NotADatabase, StoreError
from .fsio import os_error_text
from .lock import hold_for_writes, release_writes
from .vanished import refuse_vanished
from .schema import db

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
PRAGMAS = {
    # Before journal_mode: a new database takes its page size when its first page is written, and a
    # database in WAL mode keeps it (an existing one keeps its own; this is then a no-op). 8 KiB
    # pages halve the log frames a bulk write makes and shorten the index paths: an import's own SQL
    # ran 9% faster than with SQLite's default 4 KiB, its commit 20%.
    "page_size": 8192,
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: every commit reaches the disk before it returns
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    # MEMORY: a statement that writes many rows keeps the pages it changes (so it can be undone on
    # its own) in memory rather than in a temporary file; an import's multi-row statements run 10-20%
    # faster. Set at connect: changing it later drops the connection's temporary tables.
    "temp_store": 2,
}
# Read-only: only per-connection settings; query_only refuses writes even before the file does.
READONLY_PRAGMAS = {"foreign_keys": 1, "busy_timeout": BUSY_TIMEOUT_MS, "query_only": 1}
READONLY_TRIES = 3


@dataclass(frozen=True)
class Opened:
    """What open_db found and did."""

    path: Path
    created: bool
    upgraded_from: int | None
    upgrade_copy: Path | None


def header_user_version(path: Path) -> int:
    """Read PRAGMA user_version straight from the file header, touching nothing."""
    with path.open("rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise NotADatabase(f"不是有效的数据库文件（也不是SQLite数据库）：{path}。"
                           "如果这是本程序的数据库，说明文件已损坏，请运行 `yingbao restore latest` 从备份恢复")
    return int.from_bytes(head[60:64], "big")


def secure_path(path: Path) -> None:
    """On POSIX take group and other access off the database and its WAL/SHM (0644 -> 0600). Only
    ever removes bits: a database the clerk made read-only (0400) stays read-only."""
    if os.name != "posix":
        return
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        try:
            mode = p.stat().st_mode & 0o7777
            if mode & 0o077:
                os.chmod(p, mode & 0o700)
        except OSError:
            continue  # missing, or not ours to change


def _prepare_new(path: Path) -> None:
    """Create the folder (0700) and an empty owner-only file for SQLite to fill."""
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise StoreError(f"无法创建数据库所在文件夹：{path.parent}（{os_error_text(exc, path=False)}）") from exc
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"无法创建数据库文件：{path}（{os_error_text(exc, path=False)}）") from exc


def _check_existing(path: Path) -> int:
    """Refuse folders, foreign files and newer schemas; return the file's schema version."""
    from .migrations import schema_version

    SCHEMA_VERSION = schema_version()
    if path.is_dir():
        raise NotADatabase(f"这是一个文件夹，不是数据库文件：{path}")
    if not os.access(path, os.R_OK):
        raise StoreError(f"没有读取该文件的权限：{path}")
    version = header_user_version(path)
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"该数据库由较新版本的程序创建（数据结构版本 {version}，本程序支持到 {SCHEMA_VERSION}），"
            f"请先升级程序再打开；文件未作任何改动：{path}"
        )
    return version


def _verify_pragmas() -> None:
    """Check that every pragma really took (a network share may refuse WAL)."""
    got = {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in PRAGMAS}
    if str(got["journal_mode"]).lower() != "wal":
        raise StoreError("无法启用WAL日志模式（数据库是否在网络共享或U盘上？请放在本机硬盘）")
    wrong = [k for k in ("synchronous", "foreign_keys", "busy_timeout") if got[k] != PRAGMAS[k]]
    if wrong:
        raise StoreError(f"数据库参数设置未生效：{', '.join(wrong)}")


def quick_check() -> None:
    """Raise DatabaseDamaged when PRAGMA quick_check finds damage in the open database."""
    result = db.execute_sql("PRAGMA quick_check(1)").fetchone()[0]
    if result != "ok":
        raise sqlite3.DatabaseError(f"database disk image is malformed ({result})")


def open_db(path: str | os.PathLike, *, create: bool = True, migrate: bool = True,
            verify: bool = False, readonly: bool = False) -> Opened:
    """Open (or create) the campaign database at path, verified and migrated.

    verify=True runs quick_check first (the app and the CLI at start): a damaged file is
    refused with a Chinese message pointing to restore instead of failing later mid-work.
    readonly=True opens an existing file read-only at the SQLite level (``mode=ro``): no
    migration, no pragma that writes; every write fails with 「数据库文件只读」.
    """
    from .migrations import schema_version as newest_version, upgrade

    path = Path(path).expanduser()
    if readonly:
        return _open_readonly(path, verify)
    refuse_vanished(path)  # a database that was here and is gone is never replaced by an empty one
    if not create and not path.exists():
        raise StoreError(f"数据库文件不存在：{path}")  # before the gate: leave no trace beside a wrong path
    hold_for_writes(path)  # before looking at the file: a restore may be replacing it
    exists = path.exists() and (path.is_dir() or path.stat().st_size > 0)
    if exists:
        version = _check_existing(path)
    elif not create:
        raise StoreError(f"数据库文件不存在：{path}")
    else:
        _prepare_new(path)
        version = 0
    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, uri=False)
    try:
        db.connect(reuse_if_open=True)
        _verify_pragmas()
        if verify and exists:
            quick_check()
        copy = upgrade(path, version) if migrate else None
        if migrate and version < newest_version():
            # The new schema and its user_version sit in the log until a checkpoint; copy them into
            # the file now, so another process that reads the header (the CLI while the TUI that
            # created the database runs, a second window) sees a current database, not version 0.
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
        db.close()
        raise translate(exc, path) from exc
    secure_path(path)
    return Opened(path, not exists, version if copy else None, copy)


def _open_readonly(path: Path, verify: bool) -> Opened:
    """open_db(readonly=True): an existing, current database through a ``mode=ro`` URI."""
    from .migrations import schema_version

    if not path.exists():
        raise StoreError(f"数据库文件不存在：{path}")
    version = _check_existing(path)
    if version < schema_version():
        raise StoreError(f"数据库需要先升级才能只读打开（结构版本 {version}），请先以正常方式打开一次：{path}")
    if not db.is_closed():
        db.close()
    db.init(f"{path.resolve().as_uri()}?mode=ro", pragmas=READONLY_PRAGMAS, uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    for attempt in range(READONLY_TRIES):
        try:
            db.connect(reuse_if_open=True)
            if verify:
                quick_check()
            return Opened(path, False, None, None)
        except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:
            db.close()
            # the writer may be closing (checkpointing, removing its -wal/-shm): try again shortly
            if attempt + 1 == READONLY_TRIES or not isinstance(exc, (sqlite3.OperationalError, PeeweeDatabaseError)):
                raise translate(exc, path) from exc
            time.sleep(0.3 * (attempt + 1))
    raise AssertionError("unreachable")


def is_readonly() -> bool:
    """True when the open database was opened with readonly=True."""
    return "mode=ro" in str(db.database or "")


_checkpoints: list[threading.Thread] = []
_checkpoints_lock = threading.Lock()  # imports may finish on several worker threads
_on_close: list[Callable[[], None]] = []  # wings' closers, run by close_db (see on_close)


def checkpoint_soon() -> None:
    """Copy the write-ahead log into the database file in the background, on a connection of its own.

    A large write (an import) commits with automatic checkpoints off: its commit has then reached the
    disk, and the copy, a tenth of a second for 50,000 rows, need not hold up the summary. PASSIVE:
    pages a reader still needs stay in the log until the next checkpoint. close_db() waits for it."""
    path = db.database

    def copy() -> None:
        try:
            con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                con.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                con.close()
        except sqlite3.Error:
            pass  # the next commit's automatic checkpoint copies it instead

    thread = threading.Thread(target=copy, name="wal-checkpoint", daemon=True)
    with _checkpoints_lock:
        _checkpoints[:] = [t for t in _checkpoints if t.is_alive()]
        _checkpoints.append(thread)
        thread.start()


def wait_checkpoints() -> None:
    """Wait for the background checkpoints still running."""
    with _checkpoints_lock:
        running, _checkpoints[:] = list(_checkpoints), []
    for thread in running:
        thread.join()


def on_close(callback: Callable[[], None]) -> None:
    """Register what close_db must close first (a wing's own connections, e.g. the reads ahead of an
    import: store/imports/ahead.py), so this ground module knows no wing."""
    if callback not in _on_close:
        _on_close.append(callback)


def close_db() -> None:
    """Close this thread's connection if open (after the background checkpoints and whatever the
    wings registered with on_close)."""
    wait_checkpoints()
    for callback in list(_on_close):
        callback()
    if not db.is_closed():
        db.close()
    release_writes()


def translate(exc: BaseException, path: Path | str | None = None) -> StoreError:
    """Turn a sqlite3 error into a Chinese StoreError the user can act on. A failed rollback hides
    the real cause (a full disk) in its context: the first error of the chain that says something
    specific wins."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 6:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for err in chain:
        found = _translate_one(err, path)
        if not found.message.startswith("数据库出错"):
            return found
    return _translate_one(exc, path)


def _translate_one(exc: BaseException, path: Path | str | None) -> StoreError:
    """translate() for one error, without its context."""
    text = str(exc).lower()
    where = f"：{path}" if path else ""
    if "not a database" in text or "malformed" in text or "disk image" in text:
        return DatabaseDamaged(
            f"数据库文件已损坏{where}。请不要继续写入，运行 `yingbao restore latest` 从最近的已校验备份恢复（或指定备份文件）"
        )
    if "locked" in text or "busy" in text:
        return StoreError("数据库正被其他程序占用，等待后仍未释放，请稍后再试")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"数据库文件只读，无法写入{where}")
    if "unable to open" in text:
        return StoreError(f"无法打开数据库文件（文件夹是否可读写？另一个窗口是否正在关闭？请稍后再试）{where}")
    if "disk is full" in text or "disk i/o" in text:
        return StoreError(f"磁盘已满或读写出错，本次修改未保存{where}")
    return StoreError(f"数据库出错（{exc.__class__.__name__}）{where}")


def timestamp() -> str:
    """A file-name-safe local timestamp."""
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def is_windows() -> bool:
    """True on the office's Windows PC."""
    return sys.platform.startswith("win")
