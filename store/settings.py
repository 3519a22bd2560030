"""Settings as key/value rows, each change audited."""

from __future__ import annotations

from . import audit
from .schema import Setting, db

TOWN = "town"
DISTRICT = "district"
OPERATOR = "operator"
BACKUP_DIR = "backup_dir"
LAST_BACKUP = "last_backup"
DEMO = "demo"


def get(key: str, default: str | None = None) -> str | None:
    """The value of a setting, or default."""
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row and row.value is not None else default


def put(key: str, value: str | None) -> bool:
    """Set a setting (audited); True when it changed."""
    with db.atomic():
        row = Setting.get_or_none(Setting.key == key)
        old = row.value if row else None
        if old == value:
            return False
        Setting.insert(key=key, value=value).on_conflict_replace().execute()
        audit.log("setting", "setting", None, {key: old}, {key: value})
    return True


def all_settings() -> dict[str, str | None]:
    """Every setting as a dict."""
    return {s.key: s.value for s in Setting.select()}
