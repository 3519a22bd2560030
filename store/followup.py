"""What the quick follow-up form (F2) needs besides store.cases.cases.record_contact: typed dates,
the members to pick from, the one used last."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from peewee import JOIN

from .errors import ValidationError
from .schema import Contact, Member, Village

_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_RELATIVE = re.compile(r"^([+-])\s*(\d{1,4})$")


def parse_date(text: str, *, field: str = "date", today: dt.date | None = None) -> dt.date | None:
    """The one parser of every date the clerk types, in the TUI and the CLI: 2021-03-05, 2021/3/5,
    2021.3.5, 2021年3月5日, 20210305, or +N / -N days from today (+45, -2); None when empty."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not raw:
        return None
    rel = _RELATIVE.match(raw)
    if rel:
        days = int(rel.group(2))
        return (today or dt.date.today()) + dt.timedelta(days=days if rel.group(1) == "+" else -days)
    m = _SEPARATED.match(raw) or _COMPACT.match(raw)
    if not m:
        raise ValidationError("日期格式不对，可写作 2021-03-05、2021/3/5、2021.3.5、2021年3月5日、20210305，"
                              "或 +N（N天后）", field=field)
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValidationError(f"没有这一日期：{raw}", field=field) from None


def parse_day(text: str, today: dt.date, *, field: str = "date") -> dt.date | None:
    """parse_date with +N / -N counted from the given today (the app's, fixed in tests)."""
    return parse_date(text, field=field, today=today)


def members(village_id: int | None = None) -> list[tuple[int, str]]:
    """Active members (of a village first, then the rest) as (id, 「姓名（村 职务）」)."""
    q = (Member.select(Member.id, Member.name, Member.role, Member.village, Village.name.alias("vname"))
         .join(Village, join_type=JOIN.LEFT_OUTER, on=(Village.id == Member.village))
         .where(Member.active == True).order_by(Member.village, Member.id).dicts())  # noqa: E712
    rows = sorted(q, key=lambda r: r["village"] != village_id)
    return [(r["id"], f"{r['name']}（{r['vname'] or '镇'} {r['role']}）") for r in rows]


def last_member(operator: str) -> int | None:
    """The member on the newest contact this operator recorded (the form's default 「who」)."""
    row = (Contact.select(Contact.member).where((Contact.operator == operator) & Contact.member.is_null(False))
           .order_by(Contact.id.desc()).first())
    return row.member_id if row else None
