"""A database that was here and is gone: say so and point to the newest backup, never start empty.

The traces a database leaves beside it: its restore gate and lock files, copies kept by a
restore. The newest backup in the 备份 folder beside it is offered. When the file is missing but such traces are there,
open_db refuses to create an empty database in its place (the clerk would carry on in an empty
town and the next backup would push the good copies out).
"""

from __future__ import annotations

from pathlib import Path

from .errors import StoreError


class DatabaseMissing(StoreError):
    """The database file was here before and is missing now."""


def traces(path: Path) -> list[str]:
    """What shows that a database existed at path (Chinese, for the message)."""
    from .lock import gate_path, lock_path

    found = [f"锁文件 {p.name}" for p in (gate_path(path), lock_path(path)) if p.exists()]
    if any(path.parent.glob(f"{path.stem}-before-restore-*")):
        found.append("恢复前保存的副本")
    return found


def _newest_backup(path: Path):
    """The newest backup in the 备份 folder beside the database, or None."""
    from store.safety.copies import list_backups

    infos = list_backups(path.parent / "备份")
    return infos[0] if infos else None


def refuse_vanished(path: Path) -> None:
    """Raise DatabaseMissing when path does not exist but a database was there before."""
    if path.exists() and (path.is_dir() or path.stat().st_size > 0):
        return
    found = traces(path)
    if not found:
        return
    newest = _newest_backup(path)
    offer = (f"最新的备份是 {newest.path.name}（{newest.time:%Y-%m-%d %H:%M}），"
             "请运行 `yingbao restore latest` 恢复" if newest else
             "请运行 `yingbao restore latest --dir 备份文件夹` 从备份恢复")
    raise DatabaseMissing(
        f"数据库文件不存在：{path}。这里以前有数据库（{'、'.join(found)}），为免误用空数据库，程序没有新建。"
        f"{offer}；如确实要从头新建，请先删除旁边的 {'、'.join(_lock_files(path)) or '恢复前副本'}")


def _lock_files(path: Path) -> list[str]:
    """The lock files present beside the database (what to delete to start afresh)."""
    from .lock import gate_path, lock_path

    return [p.name for p in (gate_path(path), lock_path(path)) if p.exists()]
