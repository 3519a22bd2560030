"""The audit log: every write records who changed what, with before/after, in its transaction."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from decimal import Decimal
from typing import Any

from .schema import AuditLog, BaseModel, Setting, now

_session_operator: str | None = None

# Chinese labels for the action codes stored in the log.
ACTION_LABELS = {
    "create": "新增", "update": "修改", "delete": "删除", "restore": "恢复", "reveal": "查看证件号",
    "import": "导入", "undo_import": "撤销导入", "export_unmasked": "不打码导出", "demo": "演示数据",
    "init": "初始化", "setting": "设置", "backup": "备份", "restore_db": "从备份恢复",
    "id_override": "身份证号核实", "merge": "合并", "publicity_short": "公示未满期限审核确认",
}


def set_session_operator(name: str | None) -> None:
    """Use this operator name for the rest of the session (the TUI sets it at start)."""
    global _session_operator
    _session_operator = (name or "").strip() or None


def current_operator() -> str:
    """The session's operator, else the configured one, else the OS user name."""
    if _session_operator:
        return _session_operator
    row = Setting.get_or_none(Setting.key == "operator")
    if row and row.value:
        return row.value
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some Windows services
        return "未知"


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a stored value."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: BaseModel) -> dict[str, Any]:
    """Every column of a row, as stored (foreign keys as ids)."""
    return {f.name: _plain(instance.__data__.get(f.name)) for f in instance._meta.sorted_fields}


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, from both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def log(action: str, table: str, row_id: int | None, before: dict | None = None,
        after: dict | None = None) -> AuditLog:
    """Write one audit row; call inside the write's own transaction."""
    return AuditLog.create(
        time=now(), operator=current_operator(), action=action, table=table, row_id=row_id,
        before=json.dumps(before, ensure_ascii=False) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False) if after is not None else None,
    )


def log_row(action: str, instance: BaseModel, before: dict | None = None) -> AuditLog | None:
    """Audit a created, updated or deleted row; an update with no change writes nothing."""
    after: dict | None = snapshot(instance)
    if action == "update" and before is not None and after is not None:
        before, after = changed(before, after)
        if not after:
            return None
    if action == "delete":
        before, after = before or after, None
    return log(action, instance._meta.table_name, instance.get_id(), before, after)


def log_reveal(via: str, query: str, person_ids: list[int]) -> AuditLog:
    """Record that full ID numbers and phones were shown: how, the query (masked by its content:
    it may itself be a full ID number or phone), and whose numbers they were."""
    from .logfile import redact
    from .schema import db

    with db.atomic():
        return log("reveal", "person", None, None,
                   {"via": via, "query": redact(query), "count": len(person_ids), "person_ids": person_ids})
