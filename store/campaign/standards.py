"""The local 低保 standards (城市 / 农村, yuan per person per month) as dated settings, and the
低保边缘 line (income below 1.5 x the standard in force).

Stored in the setting ``dibao_standards`` as JSON: [{"kind": "城市", "since": "2026-01-01",
"amount": "900"}, ...]. Every change goes through settings.put, so it is audited.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from store import settings
from store.campaign.campaigns import as_day
from store.campaign.categories import parse_yuan
from store.common import clean
from store.errors import NotFound, ValidationError
from store.schema import db

KEY = "dibao_standards"
KINDS = ("城市", "农村")
ALIASES = {"城市": "城市", "城镇": "城市", "urban": "城市", "农村": "农村", "乡村": "农村", "rural": "农村"}
EDGE_FACTOR = Decimal("1.5")


@dataclass(frozen=True)
class Standard:
    """One 低保 standard: kind, the day it takes effect, yuan per person per month."""

    kind: str
    since: dt.date
    amount: Decimal

    def as_json(self) -> dict:
        """A plain dict."""
        return {"kind": self.kind, "since": self.since.isoformat(), "amount": str(self.amount)}


def check_kind(value: Any) -> str:
    """城市 or 农村 (城镇, urban, rural accepted)."""
    kind = ALIASES.get(clean(value).lower() if clean(value).isascii() else clean(value))
    if kind is None:
        raise ValidationError(f"低保标准只分「城市」和「农村」：{clean(value) or '（空）'}", field="kind")
    return kind


def standards() -> list[Standard]:
    """Every standard, by kind then date."""
    try:
        rows = json.loads(settings.get(KEY) or "[]")
        out = [Standard(r["kind"], dt.date.fromisoformat(r["since"]), Decimal(r["amount"])) for r in rows]
    except (ValueError, TypeError, KeyError, ArithmeticError):
        out = []
    return sorted(out, key=lambda s: (KINDS.index(s.kind) if s.kind in KINDS else 9, s.since))


def _store(rows: list[Standard]) -> None:
    """Write the whole list back (audited)."""
    rows = sorted(rows, key=lambda s: (s.kind, s.since))
    settings.put(KEY, json.dumps([r.as_json() for r in rows], ensure_ascii=False) if rows else None)


def set_standard(kind: Any, amount: Any, since: Any, replace: tuple | None = None) -> Standard:
    """Add a standard, or change the amount of the one with the same kind and date; `replace`
    (kind, date) names an edited standard whose row this one takes the place of."""
    kind = check_kind(kind)
    value = parse_yuan(amount, field="amount", label="低保标准")
    if value is None or value <= 0:
        raise ValidationError("请填写低保标准（元/人/月），如 900", field="amount")
    day = as_day(since, "since", "执行日期", allow_none=False)
    with db.atomic():
        drop = {(kind, day), (replace[0], as_day(replace[1], "since", "执行日期"))} if replace else {(kind, day)}
        rows = [s for s in standards() if (s.kind, s.since) not in drop]
        new = Standard(kind, day, value)
        _store(rows + [new])
    return new


def remove_standard(kind: Any, since: Any) -> Standard:
    """Remove the standard of this kind taking effect on this day."""
    kind = check_kind(kind)
    day = as_day(since, "since", "执行日期", allow_none=False)
    with db.atomic():
        rows = standards()
        gone = [s for s in rows if s.kind == kind and s.since == day]
        if not gone:
            raise NotFound(f"没有 {day} 起执行的{kind}低保标准")
        _store([s for s in rows if s not in gone])
    return gone[0]


def dibao_standard(kind: Any, on_date: dt.date | None = None) -> Decimal | None:
    """The standard (yuan/person/month) in force on a day: the latest taking effect on or before it."""
    kind = check_kind(kind)
    day = on_date or dt.date.today()
    hits = [s for s in standards() if s.kind == kind and s.since <= day]
    return hits[-1].amount if hits else None


def edge_line(kind: Any, on_date: dt.date | None = None) -> Decimal | None:
    """The 低保边缘 line: 1.5 x the standard in force (monthly per-capita income below it)."""
    std = dibao_standard(kind, on_date)
    return None if std is None else (std * EDGE_FACTOR).quantize(Decimal("0.01"))
