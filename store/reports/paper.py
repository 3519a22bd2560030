"""What printed papers need beyond the figures: the office's paper settings (主送, 监督电话, 制表人,
审核人) and the facts a written report states (full category names, 验收 and 通报/约谈 records,
whether households are known, the villages to 通报).

The settings live in the Setting table (no migration); each change is audited by store.settings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from store import settings
from store.errors import ValidationError
from store.schema import Acceptance, Notice, Village, db

REPORT_TO = "report_to"  # 主送 of the town's report, e.g. 泉港区民政局
SUPERVISION_PHONE = "supervision_phone"  # 监督电话 printed on the 村级公示表
PREPARER = "preparer"  # 制表人 (default: the operator)
REVIEWER = "reviewer"  # 审核人
LABELS = {REPORT_TO: "主送单位", SUPERVISION_PHONE: "监督电话", PREPARER: "制表人", REVIEWER: "审核人"}
_PHONE = re.compile(r"^[0-9\-（）() ]{7,20}$")


def set_paper(key: str, value: str | None) -> bool:
    """Set one paper setting (empty clears it); True when it changed."""
    if key not in LABELS:
        raise ValidationError(f"未知的设置：{key}")
    value = (value or "").strip() or None
    _check(key, value)
    return settings.put(key, value)


def save_paper(values: dict[str, str | None]) -> int:
    """Set several paper settings in one transaction (all checked first); the number changed."""
    unknown = set(values) - set(LABELS)
    if unknown:
        raise ValidationError(f"未知的设置：{'、'.join(sorted(unknown))}")
    for key, value in values.items():  # check everything before writing anything
        _check(key, (value or "").strip() or None)
    with db.atomic():
        return sum(set_paper(key, value) for key, value in values.items())


def _check(key: str, value: str | None) -> None:
    """A paper setting's value, checked: ValidationError (Chinese) on its field."""
    if value and key == SUPERVISION_PHONE and not _PHONE.match(value):
        raise ValidationError(f"监督电话格式不对：{value}（只能包含数字和 -）", field=key)
    if value and len(value) > 40:
        raise ValidationError(f"{LABELS[key]}太长（最多40个字）", field=key)


def paper_settings() -> dict[str, str]:
    """The four settings with their defaults: 主送 from the district, 制表人 from the operator."""
    district = settings.get(settings.DISTRICT) or "区"
    return {
        REPORT_TO: settings.get(REPORT_TO) or f"{district}民政局",
        SUPERVISION_PHONE: settings.get(SUPERVISION_PHONE) or "",
        PREPARER: settings.get(PREPARER) or settings.get(settings.OPERATOR) or "",
        REVIEWER: settings.get(REVIEWER) or "",
    }


def stored_paper_settings() -> dict[str, str | None]:
    """The four settings as stored (None where the default applies), for a form."""
    return {key: settings.get(key) for key in LABELS}


def category_full_names(campaign_id: int) -> dict[int, str]:
    """{code: full name} of a campaign's categories, as the plan words them."""
    sql = 'SELECT code, name FROM "category" WHERE campaign_id = ? ORDER BY code'
    return dict(db.execute_sql(sql, (campaign_id,)).fetchall())


def has_households() -> bool:
    """True once any live person carries a household code (figures can then be given in 户)."""
    sql = 'SELECT EXISTS(SELECT 1 FROM "person" WHERE household_code IS NOT NULL AND deleted_at IS NULL)'
    return bool(db.execute_sql(sql).fetchone()[0])


@dataclass(frozen=True)
class ReviewRecord:
    """One 验收 or 通报/约谈 of a village."""

    village_id: int
    village: str
    date: dt.date
    kind: str  # 验收, 通报, 约谈
    result: str  # the 验收 result, or the reason of a 通报/约谈
    notes: str


def review_records(start: dt.date, as_of: dt.date, village_ids=None) -> list[ReviewRecord]:
    """Every 验收 and 通报/约谈 dated inside the window, by date then village order."""
    out = []
    for a in (Acceptance.select(Acceptance, Village).join(Village)
              .where(Acceptance.date.between(start, as_of))):
        out.append(ReviewRecord(a.village_id, a.village.name, a.date, "验收", a.result, a.notes or ""))
    for n in Notice.select(Notice, Village).join(Village).where(Notice.date.between(start, as_of)):
        out.append(ReviewRecord(n.village_id, n.village.name, n.date, n.kind, n.reason or "", ""))
    order = {v.id: i for i, v in enumerate(Village.select(Village.id).order_by(Village.seq, Village.id))}
    out = [r for r in out if village_ids is None or r.village_id in village_ids]
    return sorted(out, key=lambda r: (r.date, order.get(r.village_id, 0), r.kind))


def signer(village_id: int | None, town: str) -> str:
    """Who signs a report: the town's 社会事务办, or a village's 村民委员会 / 社区居民委员会."""
    if village_id is None:
        return f"{town}社会事务办"
    village = Village.get_by_id(village_id)
    if village.kind == "社区" or village.name.endswith("社区"):
        return f"{village.name}居民委员会"
    return f"{village.name[:-1] if village.name.endswith('村') else village.name}村民委员会"
