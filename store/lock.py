"""A single-instance lock beside the database (``<db>.lock``), never ``locking_mode=EXCLUSIVE``.

The TUI takes it at start and keeps it until exit; ``restore`` takes it for its duration and
refuses when someone else holds it. The CLI's read-only and append-only commands (backup,
export, check, import) never need it. The OS drops the lock when the process dies, so a crash
or SIGKILL never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import StoreError

if os.name == "nt":  # pragma: no cover - exercised on the office's Windows PC
    import msvcrt
else:
    import fcntl


class AlreadyRunning(StoreError):
    """Another instance of the app has this database open."""


def lock_path(db_path: str | os.PathLike) -> Path:
    """The lock file of a database: the database path plus ``.lock``."""
    path = Path(db_path).expanduser()
    return path.with_name(path.name + ".lock")


def _try_lock(fd: int) -> bool:
    """Take the lock on an open file without waiting; False when someone else holds it."""
    try:
        if os.name == "nt":  # pragma: no cover
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
        if os.name == "nt":  # pragma: no cover
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
        """Give the lock back (the file stays: deleting it would race another starter)."""
        if self._fd is None:
            return
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> "InstanceLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _open(path: Path) -> int:
    """Open (or create owner-only) the lock file."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreError(f"无法创建锁文件：{path}（{exc.strerror}）") from exc


def acquire(db_path: str | os.PathLike) -> InstanceLock:
    """Take the database's single-instance lock, or raise AlreadyRunning (Chinese message)."""
    path = lock_path(db_path)
    fd = _open(path)
    if not _try_lock(fd):
        os.close(fd)
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
    if not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        if not _try_lock(fd):
            return True
        _unlock(fd)
        return False
    finally:
        os.close(fd)
