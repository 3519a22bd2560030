"""Small helpers shared by the organisation modules: text and date checks, audited updates,
hard deletes, and the categories of many cases in one query."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Literal, overload

from . import audit
from .errors import NotFound, ValidationError
from .schema import BaseModel, db

DEFAULT_DEADLINE_DAYS = 15
CHUNK = 500


def clean(value: Any) -> str:
    """A text value without outer spaces (U+3000 included); '' for None."""
    return str(value if value is not None else "").replace("\u3000", " ").strip()


def required(value: Any, field: str, label: str) -> str:
    """A required text value; ValidationError naming the field when empty."""
    text = clean(value)
    if not text:
        raise ValidationError(f"请填写{label}", field=field)
    return text


def optional(value: Any) -> str | None:
    """A stripped text value, or None when empty."""
    return clean(value) or None


def one_of(value: Any, choices: list[str], field: str, label: str) -> str:
    """A value that must be one of the given choices."""
    text = clean(value)
    if text not in choices:
        raise ValidationError(f"无效的{label}：{text or '（空）'}（可选：{'、'.join(choices)}）", field=field)
    return text


@overload
def as_date(value: Any, field: str, label: str, *, allow_none: Literal[False] = False) -> dt.date: ...
@overload
def as_date(value: Any, field: str, label: str, *, allow_none: bool) -> dt.date | None: ...
def as_date(value: Any, field: str, label: str, *, allow_none: bool = False) -> dt.date | None:
    """A date from a date or a typed text (store.followup.parse_date's formats); refuses anything else."""
    if value in (None, ""):
        if allow_none:
            return None
        raise ValidationError(f"请填写{label}", field=field)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    from .followup import parse_date  # the one parser of typed dates (+N included)

    try:
        day = parse_date(clean(value), field=field)
    except ValidationError:
        raise ValidationError(f"{label}格式不正确：{value}（应为 YYYY-MM-DD，或 +N 即N天后）", field=field) from None
    if day is None and not allow_none:
        raise ValidationError(f"请填写{label}", field=field)
    return day


def get_row(model: type[BaseModel], row_id: Any, label: str, *, live: bool = True) -> Any:
    """A row by id; NotFound in Chinese when missing (or soft-deleted when live)."""
    row = model.get_or_none(model.id == row_id)
    if row is None or (live and getattr(row, "deleted_at", None)):
        raise NotFound(f"找不到该{label}（可能已被删除）")
    return row


def update_row(row: BaseModel, changes: dict[str, Any]) -> BaseModel:
    """Apply changes to a row and audit them (call inside the caller's transaction)."""
    before = audit.snapshot(row)
    for key, value in changes.items():
        setattr(row, key, value)
    row.save()
    audit.log_row("update", row, before)
    return row


def hard_delete(row: BaseModel) -> None:
    """Delete a row for good, keeping its last state in the audit log."""
    with db.atomic():
        before = audit.snapshot(row)
        row.delete_instance()
        audit.log("delete", row._meta.table_name, before.get("id"), before, None)


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    """Consecutive slices of a list."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def case_categories(case_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """The (code, short name) categories of each case, in code order."""
    ids = sorted(set(case_ids))
    out: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    for part in chunks(ids):
        marks = ",".join("?" * len(part))
        rows = db.execute_sql(
            f'SELECT cc.case_id, c.code, c.short_name FROM "case_category" cc '
            f'JOIN "category" c ON c.id = cc.category_id WHERE cc.case_id IN ({marks}) '
            f"ORDER BY cc.case_id, c.code", part).fetchall()
        for case_id, code, short in rows:
            out[case_id].append((code, short))
    return out


def category_text(cats: list[tuple[int, str]]) -> str:
    """Categories as 「1 特困医疗、5 信访」 for a table cell."""
    return "、".join(f"{code} {short}" for code, short in cats)


def today_or(value: dt.date | None) -> dt.date:
    """The given day, or today."""
    return value or dt.date.today()


def stored_date(value: Any) -> dt.date | None:
    """A date column's raw value (ISO text) as a date; None when empty or when it is no date at all
    (2026-02-30, text or a number written by another tool: `yingbao check` lists those)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control codes (ESC ...) and direction overrides are shown as
    \\x1b or \\u202e instead of acting on the screen; new lines and tabs stay."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", str(text))
