"""Choosing the backup folder: it must exist and be writable; best on another disk or a USB drive."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from store import settings
from store.errors import ValidationError
from store.fsio import os_error_text

SAME_DISK = "备份文件夹和数据库在同一块磁盘上：磁盘损坏时两者会一起丢失，建议选择第二块硬盘或U盘"


def same_disk(a: Path, b: Path) -> bool:
    """True when two existing paths live on the same disk (volume)."""
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def check_backup_dir(folder: str | None, db_path: str | os.PathLike) -> tuple[Path, list[str]]:
    """The folder as a path and warnings; ValidationError (field backup_dir) when unusable."""
    text = (folder or "").strip().strip('"')
    if not text:
        raise ValidationError("请填写备份文件夹", "backup_dir")
    path = Path(text).expanduser()
    if not path.is_absolute():
        raise ValidationError("请填写完整路径，例如 E:\\应保尽保备份 或 /media/u盘/应保尽保备份", "backup_dir")
    if not path.is_dir():
        raise ValidationError(f"文件夹不存在：{path}（U盘是否已插好？请先建好文件夹）", "backup_dir")
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ValidationError(f"无法写入该文件夹：{path}（{os_error_text(exc, path=False)}）", "backup_dir") from exc
    db_folder = Path(db_path).expanduser().resolve().parent
    return path, [SAME_DISK] if same_disk(path, db_folder) else []


def set_backup_dir(folder: str | None, db_path: str | os.PathLike) -> list[str]:
    """Store the backup folder setting (empty: back to the default); return the warnings."""
    if not (folder or "").strip():
        settings.put(settings.BACKUP_DIR, None)
        return []
    path, warnings = check_backup_dir(folder, db_path)
    settings.put(settings.BACKUP_DIR, str(path))
    return warnings


def save_settings(operator: str, backup_dir: str | None, db_path: str | os.PathLike) -> list[str]:
    """The settings screen's operator and backup folder in one transaction; returns the folder's warnings."""
    from store.schema import db

    if not operator.strip():
        raise ValidationError("请填写操作员姓名", "operator")
    with db.atomic():
        warnings = set_backup_dir(backup_dir, db_path)
        settings.put(settings.OPERATOR, operator.strip())
    return warnings
