"""A single-instance lock beside the database (``<db>.lock``), never ``locking_mode=EXCLUSIVE``.

The TUI takes it at start and keeps it until exit; ``restore`` takes it for its duration and
refuses when someone else holds it. The CLI's read-only and append-only commands (backup,
export, check, import) never need it. The OS drops the lock when the process dies, so a crash
or SIGKILL never leaves a stale lock behind.

A second lock, the restore gate (``<db>.gate``), keeps a restore apart from every writer: each
read-write open_db holds it shared until close_db (or exit), a restore holds it exclusive from
before its before-restore copy until the restored file is in place. A writer started during a
restore waits (bounded) and then writes to the restored database; a restore waits (bounded) for
running commands to finish. Both lock files are opened without following symlinks, and every
path is resolved once (a symlinked path locks the same file as the real one).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .errors import StoreError
from .fsio import os_error_text

if sys.platform == "win32":  # pragma: no cover - exercised on the office's Windows PC
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        """OVERLAPPED for LockFileEx: offset 0 of the gate file."""

        _fields_ = [("Internal", ctypes.c_void_p), ("InternalHigh", ctypes.c_void_p),
                    ("Offset", wintypes.DWORD), ("OffsetHigh", wintypes.DWORD), ("hEvent", wintypes.HANDLE)]
else:
    import fcntl

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX: a planted symlink is refused, its target never touched
GATE_WRITER_WAIT_S = 120.0  # a writer waits this long for a restore to finish
GATE_RESTORE_WAIT_S = 30.0  # a restore waits this long for running commands to finish
GATE_POLL_S = 0.05


class AlreadyRunning(StoreError):
    """Another instance of the app has this database open."""


def real_path(db_path: str | os.PathLike) -> Path:
    """The database path resolved once (symlinks, ``..``): every lock is taken on this."""
    return Path(db_path).expanduser().resolve()


def lock_path(db_path: str | os.PathLike) -> Path:
    """The lock file of a database: the resolved database path plus ``.lock``."""
    path = real_path(db_path)
    return path.with_name(path.name + ".lock")


def gate_path(db_path: str | os.PathLike) -> Path:
    """The restore gate of a database: the resolved database path plus ``.gate``."""
    path = real_path(db_path)
    return path.with_name(path.name + ".gate")


def _try_lock(fd: int) -> bool:
    """Take the lock on an open file without waiting; False when someone else holds it."""
    try:
        if sys.platform == "win32":  # pragma: no cover
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    """Drop the lock taken by _try_lock."""
    try:
        if sys.platform == "win32":  # pragma: no cover
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


class InstanceLock:
    """The held lock; release() (or leaving a ``with`` block) gives it back."""

    def __init__(self, path: Path, fd: int):
        self.path = path
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        """True until released."""
        return self._fd is not None

    def release(self) -> None:
        """Give the lock back and delete the file, so a clean exit leaves nothing that looks like a crash.

        POSIX: the file is unlinked while still locked; a starter that opened it just before locks a
        file no longer at the path, sees that in acquire() and tries again. Windows: an open file can't
        be deleted, so the delete after closing fails harmlessly when another starter has it open.
        """
        if self._fd is None:
            return
        if os.name != "nt":
            _remove_quietly(self.path)
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None
        if os.name == "nt":  # pragma: no cover
            _remove_quietly(self.path)

    def __enter__(self) -> "InstanceLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _open(path: Path) -> int:
    """Open (or create owner-only) a lock file, never through a symlink."""
    if path.is_symlink():
        raise StoreError(f"锁文件是一个链接（可能被人放置），为安全起见未使用：{path}。请删除它后再试")
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW, 0o600)
    except OSError as exc:
        raise StoreError(f"无法创建锁文件：{path}（{os_error_text(exc, path=False)}）") from exc


def _remove_quietly(path: Path) -> None:
    """Delete a lock file; a file in use or already gone is left to the next start."""
    try:
        path.unlink()
    except OSError:
        pass


def _same_file(fd: int, path: Path) -> bool:
    """True when the open file is still the one at the path (not unlinked by a closing window)."""
    if os.name == "nt":  # pragma: no cover - an open file can't be deleted there
        return True
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
    except OSError:
        return False


def _lock_at(path: Path) -> int | None:
    """Open and lock the file at path; None when someone else holds it."""
    for _ in range(5):
        fd = _open(path)
        if not _try_lock(fd):
            os.close(fd)
            return None
        if _same_file(fd, path):
            return fd
        os.close(fd)  # the holder deleted it on exit between our open and lock: take the new one
    return None


def acquire(db_path: str | os.PathLike) -> InstanceLock:
    """Take the database's single-instance lock, or raise AlreadyRunning (Chinese message)."""
    path = lock_path(db_path)
    fd = _lock_at(path)
    if fd is None:
        raise AlreadyRunning(
            f"程序已在运行：另一个窗口已打开此数据库（{Path(db_path).name}）。"
            "请切换到已打开的窗口，或关闭它后再试"
        )
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError:
        pass  # the pid is only a hint for people; the lock itself is what counts
    return InstanceLock(path, fd)


def is_locked(db_path: str | os.PathLike) -> bool:
    """True when another instance (or another handle in this process) holds the lock."""
    path = lock_path(db_path)
    if not path.exists() or path.is_symlink():
        return False
    try:
        fd = os.open(path, os.O_RDWR | NOFOLLOW)
    except OSError:
        return False
    try:
        if not _try_lock(fd):
            return True
        _unlock(fd)
        return False
    finally:
        os.close(fd)


def _try_gate(fd: int, exclusive: bool) -> bool:
    """Take the gate shared or exclusive without waiting; False when the other kind is held."""
    try:
        if sys.platform == "win32":  # pragma: no cover
            flags = 0x1 | (0x2 if exclusive else 0)  # LOCKFILE_FAIL_IMMEDIATELY | LOCKFILE_EXCLUSIVE_LOCK
            ok = ctypes.windll.kernel32.LockFileEx(wintypes.HANDLE(msvcrt.get_osfhandle(fd)), flags, 0, 1, 0,
                                                   ctypes.byref(_Overlapped()))
            return bool(ok)
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class Gate:
    """A held restore gate (shared for a writer, exclusive for a restore)."""

    def __init__(self, path: Path, fd: int, exclusive: bool):
        self.path, self.exclusive = path, exclusive
        self._fd: int | None = fd

    def release(self) -> None:
        """Give the gate back (closing the file drops the lock on every system)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "Gate":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def take_gate(db_path: str | os.PathLike, *, exclusive: bool, wait_s: float) -> Gate:
    """Take the database's restore gate, waiting at most wait_s; a Chinese StoreError after that."""
    path = gate_path(db_path)
    return _wait_gate(path, _open(path), exclusive, wait_s)


# Told once when a command has to wait for the gate (the CLI prints it; None: wait silently).
on_gate_wait: Callable[[str], None] | None = None


def _wait_gate(path: Path, fd: int, exclusive: bool, wait_s: float) -> Gate:
    """Poll for the gate until wait_s has passed (closing fd on failure)."""
    deadline = time.monotonic() + wait_s
    told = False
    while not _try_gate(fd, exclusive):
        if not told and on_gate_wait is not None:
            told = True
            on_gate_wait(f"有其他命令正在使用此数据库，等它完成后再恢复（最多等 {wait_s:g} 秒）..." if exclusive
                         else f"正在从备份恢复此数据库，等恢复完成后继续（最多等 {wait_s:g} 秒）...")
        if time.monotonic() >= deadline:
            os.close(fd)
            if exclusive:
                raise AlreadyRunning("有其他命令（导入、导出、备份等）正在使用此数据库，"
                                     f"等待 {wait_s:g} 秒后仍未结束，未做恢复。请等它完成后再运行恢复")
            raise StoreError(f"正在从备份恢复此数据库，等待 {wait_s:g} 秒后仍未完成，本次未做任何修改。"
                             "请等恢复完成后再试")
        time.sleep(GATE_POLL_S)
    return Gate(path, fd, exclusive)


_writer_gate: Gate | None = None  # the shared gate of the database open_db opened in this process
_restoring: set[Path] = set()  # gate files this process holds exclusive (a restore in progress)


def hold_for_writes(db_path: str | os.PathLike, wait_s: float = GATE_WRITER_WAIT_S) -> None:
    """open_db: hold the database's gate shared until release_writes (waits out a restore)."""
    global _writer_gate
    path = gate_path(db_path)
    if path in _restoring or (_writer_gate is not None and _writer_gate.path == path):
        return
    release_writes()
    try:
        fd = _open(path)
    except StoreError:
        return  # no gate file can be made (a read-only folder, a planted link): nothing can restore here either
    _writer_gate = _wait_gate(path, fd, False, wait_s)


def release_writes() -> None:
    """close_db: give back the shared gate open_db took."""
    global _writer_gate
    if _writer_gate is not None:
        _writer_gate.release()
        _writer_gate = None


class Restoring:
    """The gate held exclusive for a restore (open_db in the same process then takes none)."""

    def __init__(self, db_path: str | os.PathLike, wait_s: float = GATE_RESTORE_WAIT_S):
        release_writes()
        self.gate = take_gate(db_path, exclusive=True, wait_s=wait_s)
        _restoring.add(self.gate.path)

    def __enter__(self) -> "Restoring":
        return self

    def __exit__(self, *exc) -> None:
        _restoring.discard(self.gate.path)
        self.gate.release()
