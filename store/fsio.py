"""Durability helpers shared by backups, restores and exports: fsync a file and its folder."""

from __future__ import annotations

import contextlib
import os
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
