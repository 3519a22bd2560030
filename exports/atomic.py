"""Write an export file atomically: temp file in the same folder, fsync, then rename."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from store.fsio import fsync_dir, fsync_file, os_error_text, sweep_temps

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_WINDOWS_DISK_FULL = {39, 112}  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
_REPLACE_TRIES = 3 if os.name == "nt" else 1  # virus scanners and indexers lock new files briefly


class ExportError(Exception):
    """An export failed; `.message` is a one-line Chinese reason for the clerk."""

    def __init__(self, message: str, path: str | os.PathLike | None = None):
        """Keep the message (single line) and the target path."""
        self.message = " ".join(str(message).split())
        self.path = os.fspath(path) if path is not None else None
        super().__init__(self.message)


def atomic_write(path: str | os.PathLike, write_fn: Callable[[str], object]) -> Path:
    """Call `write_fn(tmp_path)`, fsync and rename onto `path`; raise ExportError on failure."""
    target = Path(os.path.abspath(os.fspath(path)))
    _check_target(target)
    tmp = _make_temp(target)
    try:
        _fill_temp(tmp, target, write_fn)
        _replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise
    fsync_dir(target.parent)
    return target


def _check_target(target: Path) -> None:
    """Refuse a missing folder or a target that is a folder, before touching the disk."""
    try:
        if not target.parent.is_dir():
            raise ExportError(f"文件夹不存在：{target.parent}", target)
        if target.is_dir():
            raise ExportError(f"目标路径是一个文件夹，不能写入：{target}", target)
    except OSError as exc:  # e.g. a 300-character file name
        raise _os_error(exc, target) from exc


def temp_pattern(target: Path) -> str:
    """The names of this target's temp files: .<stem>.<pid>.<random>.tmp (older runs: no pid)."""
    return re.escape(f".{target.stem}.") + r"(?:(?P<pid>\d+)\.)?[A-Za-z0-9_]+\.tmp"


def _make_temp(target: Path) -> str:
    """Create an owner-only (0600 on POSIX) temp file next to the target; return its path. Temp
    files a killed export of the same target left behind (full ID numbers with --no-mask) go first."""
    sweep_temps(target.parent, temp_pattern(target))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    except FileNotFoundError as exc:
        raise ExportError(f"文件夹不存在：{target.parent}", target) from exc
    except PermissionError as exc:
        raise ExportError(f"没有该文件夹的写入权限：{target.parent}", target) from exc
    except OSError as exc:
        raise _os_error(exc, target) from exc
    os.close(fd)
    return tmp


def _fill_temp(tmp: str, target: Path, write_fn: Callable[[str], object]) -> None:
    """Run the writer on the temp file and force its bytes to disk."""
    try:
        write_fn(tmp)
        fsync_file(tmp)
    except ExportError:
        raise
    except PermissionError as exc:
        raise ExportError(f"没有写入权限：{target.parent}", target) from exc
    except OSError as exc:
        raise _os_error(exc, target) from exc
    except Exception as exc:
        raise ExportError(f"生成文件时出错（{type(exc).__name__}），文件未写入：{target.name}", target) from exc


def _replace(tmp: str, target: Path) -> None:
    """Rename the finished temp file onto the target (atomic on one volume)."""
    for attempt in range(1, _REPLACE_TRIES + 1):
        try:
            os.replace(tmp, target)
            return
        except PermissionError as exc:
            if attempt == _REPLACE_TRIES:
                raise ExportError(f"文件正被其他程序（如Excel、WPS）打开，请关闭后重试：{target}", target) from exc
            time.sleep(0.3)
        except OSError as exc:
            raise _os_error(exc, target) from exc


def _os_error(exc: OSError, target: Path) -> ExportError:
    """Translate an OSError into a Chinese ExportError."""
    if exc.errno in _DISK_FULL or getattr(exc, "winerror", None) in _WINDOWS_DISK_FULL:
        return ExportError("磁盘空间不足，文件未写入", target)
    if exc.errno == errno.EROFS:
        return ExportError(f"磁盘为只读，文件未写入：{target}", target)
    if exc.errno == errno.ENAMETOOLONG or getattr(exc, "winerror", None) == 206:  # ERROR_FILENAME_EXCED_RANGE
        return ExportError("文件名或路径太长，文件未写入。请用较短的文件名，或换一个层级较浅的文件夹", target)
    reason = os_error_text(exc, path=False)
    return ExportError(f"写入文件失败（{reason}），文件未写入：{target}", target)


def _remove_quietly(tmp: str) -> None:
    """Delete the temp file, ignoring errors (it may already be gone)."""
    with contextlib.suppress(OSError):
        os.unlink(tmp)
