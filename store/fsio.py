"""File helpers shared by backups, restores, imports and exports: fsync a file and its folder,
create owner-only files, and sweep the temp files a killed process left behind."""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path


def fsync_file(path: str | os.PathLike) -> None:
    """Force a file's bytes to the disk."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable on POSIX; best effort (Windows has no folder handles)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create_owner_only(path: str | os.PathLike) -> None:
    """Create a new, empty file readable and writable by its owner only (0600 on POSIX): a writer
    that then fills it in place (openpyxl, SQLite) keeps the mode; one that creates it would use
    the umask (0644: anyone on the PC could read the ID numbers in it)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600)
    os.close(fd)


def pid_alive(pid: int) -> bool:
    """True when a process with this id is running (this one included)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - the office's Windows PC
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return True


def sweep_temps(folder: Path, pattern: str, stale_s: float = 3600.0) -> list[Path]:
    """Delete the temp files in folder whose names fullmatch pattern and whose writer is gone: the
    process id in the name (group ``pid``) is not running, or, for a name without one, the file is
    older than stale_s. A killed export or backup leaves such a file (full ID numbers, or a whole
    copy of the database); the next run of the same command removes it."""
    regex = re.compile(pattern)
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for path in entries:
        m = regex.fullmatch(path.name)
        if not m:
            continue
        pid = m.groupdict().get("pid")
        try:
            gone = not pid_alive(int(pid)) if pid else time.time() - path.stat().st_mtime > stale_s
            if gone and path.is_file():
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # in use (Windows) or already gone: the next run tries again
    return removed
