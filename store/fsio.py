"""File helpers shared by backups, restores, imports and exports: fsync a file and its folder,
create owner-only files, sweep the temp files a killed process left behind, and say in Chinese
why the system refused a file."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import time
from pathlib import Path


_LOCKED = "文件被占用（如已在Excel或WPS中打开，请先关闭）"
_ERRNO_TEXT = {errno.EACCES: "权限不足", errno.EPERM: "权限不足", errno.EISDIR: "是一个文件夹",
               errno.ENOTDIR: "路径中有一段不是文件夹", errno.ENOSPC: "磁盘已满", errno.ENAMETOOLONG: "文件名太长",
               errno.ENOENT: "找不到文件或文件夹", errno.EBUSY: _LOCKED, errno.ETXTBSY: _LOCKED,
               errno.EROFS: "磁盘是只读的", errno.EEXIST: "文件已存在", errno.EIO: "读写磁盘出错",
               errno.EMFILE: "打开的文件太多", getattr(errno, "EDQUOT", errno.ENOSPC): "磁盘已满"}
_WINERROR_TEXT = {2: "找不到文件", 3: "找不到文件夹", 5: "权限不足", 32: _LOCKED, 33: _LOCKED, 39: "磁盘已满",
                  112: "磁盘已满", 206: "文件名太长", 267: "不是文件夹"}


def os_error_text(exc: OSError, path: bool = True) -> str:
    """The Chinese reason the system refused a file (权限不足、是一个文件夹、磁盘已满 ...), then
    「：<the file>」 when `path` and the error names one. An OSError raised by this program with a
    Chinese message (no errno) is said as it is; never the system's English text."""
    reason = _WINERROR_TEXT.get(getattr(exc, "winerror", None) or -1) or _ERRNO_TEXT.get(exc.errno or -1)
    if reason is None:
        text = str(exc)
        own = exc.errno is None and any("\u4e00" <= ch <= "\u9fff" for ch in text)
        if own:
            return text
        reason = "读写文件失败" + (f"（错误代码{exc.errno}）" if exc.errno else "")
    return f"{reason}：{exc.filename}" if path and exc.filename else reason


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
    if sys.platform == "win32":  # pragma: no cover - the office's Windows PC
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
    removed: list[Path] = []
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
