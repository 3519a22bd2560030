"""Screening categories (排查重点) of a campaign: add, edit, retire.

A category that has cases or roster entries is retired, not deleted: its cases keep it, new
imports and hand-added cases refuse it. The retired ones are kept in the setting
``retired_categories`` (JSON: category id -> date), so no schema change is needed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from store import audit, settings
from store.campaign.campaigns import as_day, shift_date_years, shift_years_in_text
from store.common import clean
from store.errors import NotFound, ValidationError
from store.schema import Category, db

RETIRED = "retired_categories"
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)(万)?元?$")


@dataclass(frozen=True)
class CategoryRow:
    """A category as the screen and the CLI show it."""

    id: int
    code: int
    name: str
    short_name: str
    rule: str | None
    threshold: Decimal | None
    since: dt.date | None
    retired_on: dt.date | None
    cases: int
    entries: int

    def as_json(self) -> dict:
        """A plain dict (threshold in yuan as text)."""
        return {"id": self.id, "code": self.code, "name": self.name, "short_name": self.short_name,
                "rule": self.rule, "threshold": None if self.threshold is None else str(self.threshold),
                "since": self.since.isoformat() if self.since else None,
                "retired_on": self.retired_on.isoformat() if self.retired_on else None,
                "cases": self.cases, "entries": self.entries}


def retired() -> dict[int, dt.date]:
    """Every retired category id with the day it was retired."""
    try:
        data = json.loads(settings.get(RETIRED) or "{}")
        return {int(k): dt.date.fromisoformat(v) for k, v in data.items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def _put_retired(data: dict[int, dt.date]) -> None:
    """Store the retired set (audited as a setting)."""
    text = json.dumps({str(k): v.isoformat() for k, v in sorted(data.items())}) if data else None
    settings.put(RETIRED, text)


def is_retired(category_id: int) -> bool:
    """True when the category is retired."""
    return category_id in retired()


def parse_yuan(value: Any, field: str = "threshold", label: str = "金额门槛") -> Decimal | None:
    """An amount in yuan: 10000, 1万, 4.2万元, 1,000.5; None when empty; never negative."""
    if value is None or isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = re.sub(r"[\s,，¥]", "", unicodedata.normalize("NFKC", str(value)))
        if not text:
            return None
        if text.startswith("-"):
            raise ValidationError(f"{label}不能是负数", field=field)
        m = _AMOUNT.match(text)
        if not m:
            raise ValidationError(f"{label}应为数字（元），如 10000 或 4.2万：{value}", field=field)
        try:
            number = Decimal(m.group(1)) * (10000 if m.group(2) else 1)
        except InvalidOperation:
            raise ValidationError(f"无法识别的金额：{value}", field=field) from None
    if number is not None and not number.is_finite():  # nan / inf from a cell or a float: no amount
        raise ValidationError(f"{label}应为数字（元），如 10000 或 4.2万：{value}", field=field)
    if number is not None and number < 0:
        raise ValidationError(f"{label}不能是负数", field=field)
    return None if number is None else number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def category_rows(campaign_id: int) -> list[CategoryRow]:
    """A campaign's categories in code order, with their case and roster counts."""
    gone = retired()
    cases = dict(db.execute_sql('SELECT category_id, count(*) FROM "case_category" GROUP BY category_id').fetchall())
    entries = dict(db.execute_sql('SELECT category_id, count(*) FROM "roster_entry" GROUP BY category_id').fetchall())
    return [CategoryRow(c.id, c.code, c.name, c.short_name, c.rule, c.threshold, c.since, gone.get(c.id),
                        cases.get(c.id, 0), entries.get(c.id, 0))
            for c in Category.select().where(Category.campaign == campaign_id).order_by(Category.code)]


def categories_of(campaign_id: int) -> list[tuple[str, int]]:
    """A campaign's categories as (「7 其他困难群众」, 7) in code order, for a picker."""
    return [(f"{c.code} {c.short_name}", c.code) for c in Category.select(Category.code, Category.short_name)
            .where(Category.campaign == campaign_id).order_by(Category.code)]


def template_categories(base: dict, delta: int) -> list[dict]:
    """The template's live categories with the years in names and since-dates moved by delta."""
    if base.get("campaign_id") is None:
        rows = [{"code": code, "name": name, "short_name": short, "rule": rule,
                 "threshold": None if fen is None else Decimal(fen) / 100,
                 "since": dt.date.fromisoformat(since) if since else None}
                for code, name, short, rule, fen, since in base["categories"]]
    else:
        rows = [{"code": c.code, "name": c.name, "short_name": c.short_name, "rule": c.rule,
                 "threshold": c.threshold, "since": c.since}
                for c in category_rows(base["campaign_id"]) if c.retired_on is None]
    for row in rows:
        for key in ("name", "short_name", "rule"):
            row[key] = shift_years_in_text(row[key], delta)
        row["since"] = shift_date_years(row["since"], delta)
    return rows


def copy_categories(campaign_id: int, rows: list[dict]) -> None:
    """Insert a new campaign's categories (audited; call inside its transaction)."""
    for row in rows:
        cat = Category.create(campaign=campaign_id, **row)
        audit.log_row("create", cat)


def _checked(campaign_id: int, category_id: int | None, values: dict) -> dict:
    """Validated category values: code unique in the campaign, name, short name, threshold, since."""
    try:
        code = int(clean(values.get("code")))
    except ValueError:
        raise ValidationError("类别代码应为数字，如 8", field="code") from None
    if not 1 <= code <= 99:
        raise ValidationError("类别代码应在 1 至 99 之间", field="code")
    clash = Category.get_or_none((Category.campaign == campaign_id) & (Category.code == code))
    if clash is not None and clash.id != category_id:
        raise ValidationError(f"本次整治工作已有第 {code} 类（{clash.short_name}），代码不能重复", field="code")
    name = clean(values.get("name"))
    if not name:
        raise ValidationError("请填写类别名称", field="name")
    short = clean(values.get("short_name")) or name[:6]
    return {"code": code, "name": name, "short_name": short, "rule": clean(values.get("rule")) or None,
            "threshold": parse_yuan(values.get("threshold")),
            "since": as_day(values.get("since"), "since", "起算日期")}


def save_category(campaign_id: int, values: dict, category_id: int | None = None) -> CategoryRow:
    """Add a category (category_id None) or change one; keys code, name, short_name, rule,
    threshold (yuan), since. One transaction, audited."""
    from store.schema import Campaign

    if Campaign.get_or_none(Campaign.id == campaign_id) is None:
        raise NotFound(f"没有编号为 {campaign_id} 的整治工作")
    data = _checked(campaign_id, category_id, values)
    with db.atomic():
        if category_id is None:
            cat = Category.create(campaign=campaign_id, **data)
            audit.log_row("create", cat)
        else:
            cat = Category.get_or_none((Category.id == category_id) & (Category.campaign == campaign_id))
            if cat is None:
                raise NotFound("找不到该排查类别（可能已被删除）")
            before = audit.snapshot(cat)
            for key, value in data.items():
                setattr(cat, key, value)
            cat.save()
            audit.log_row("update", cat, before)
    return next(r for r in category_rows(campaign_id) if r.id == cat.id)


def retire_category(category_id: int, on: dt.date | None = None) -> str:
    """Retire a category that has cases or roster entries, delete one that has none.
    Returns 「已停用」 or 「已删除」. A retired one is taken back by `reinstate_category`."""
    cat = Category.get_or_none(Category.id == category_id)
    if cat is None:
        raise NotFound("找不到该排查类别（可能已被删除）")
    row = next(r for r in category_rows(cat.campaign_id) if r.id == category_id)
    with db.atomic():
        if row.cases or row.entries:
            gone = retired()
            if category_id in gone:
                raise ValidationError(f"第 {row.code} 类已停用", field="code")
            gone[category_id] = on or dt.date.today()
            _put_retired(gone)
            return "已停用"
        before = audit.snapshot(cat)
        cat.delete_instance()
        audit.log("delete", "category", category_id, before, None)
        gone = retired()
        if gone.pop(category_id, None):
            _put_retired(gone)
    return "已删除"


def reinstate_category(category_id: int) -> bool:
    """Take a retired category back into use; True when it was retired."""
    with db.atomic():
        gone = retired()
        if gone.pop(category_id, None) is None:
            return False
        _put_retired(gone)
    return True


def check_usable(category_id: int, code: int) -> None:
    """Refuse a retired category for new cases and imports."""
    if is_retired(category_id):
        raise ValidationError(f"第 {code} 类已停用，不能再导入或新增对象（可在「整治工作」中恢复）", field="category")
