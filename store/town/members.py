"""Members (两委, 驻村干部, 镇干部, 协理员): add, edit, deactivate, delete only without records,
a village's supervising 驻村干部, and each member's workload. Every write is audited.

A member who is referenced anywhere (zones, cases, contacts, rectifications, a village's cadre)
is never deleted: deleting is refused with what depends on them, and deactivating keeps the
history readable. A deactivated member cannot be put in charge of anything new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from store import audit
from store.common import get_row, hard_delete, one_of, optional, required, today_or, update_row
from store.errors import ValidationError
from store.phones import typed_phone
from store.cases.overdue import overdue_items
from store.schema import Member, Rectification, Village, db
from store.cases.visits import HOME_VISITED_SQL
from store.town.villages import ROLES

STALE_DAYS = 30
CLOSED_STATUSES = ("已纳入", "已办结")  # like the follow-up rule of store/cases/overdue.py
DEPENDENTS = [  # (label, unit, SQL counting rows that reference the member)
    ("片区", "个", 'SELECT count(*) FROM "zone" WHERE member_id = ?'),
    ("排查对象", "个", 'SELECT count(*) FROM "case" WHERE member_id = ?'),
    ("走访记录", "条", 'SELECT count(*) FROM "contact" WHERE member_id = ?'),
    ("整改责任", "项", 'SELECT count(*) FROM "rectification" WHERE member_id = ?'),
    ("驻村联系村", "个", 'SELECT count(*) FROM "village" WHERE cadre_id = ?'),
]


@dataclass(frozen=True)
class MemberRow:
    """A member for the member list."""

    id: int
    name: str
    role: str
    phone: str | None
    village_id: int | None
    village: str
    active: bool
    note: str | None


def _phone(value: Any) -> str | None:
    """Normalised phones joined with '/'; an unusable number is refused with the reason."""
    return typed_phone(value)


def _village_id(value: Any) -> int | None:
    """An existing village id, or None."""
    if value in (None, ""):
        return None
    return get_row(Village, value, "村（居）", live=False).id


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """Validated member fields from what the form gave."""
    unknown = set(values) - {"name", "role", "phone", "village_id", "note"}
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    if "name" in values:
        out["name"] = required(values["name"], "name", "姓名")
    if "role" in values:
        out["role"] = one_of(values["role"], ROLES, "role", "职务")
    if "phone" in values:
        out["phone"] = _phone(values["phone"])
    if "village_id" in values:
        out["village"] = _village_id(values["village_id"])
    if "note" in values:
        out["note"] = optional(values["note"])
    return out


def add_member(name: str, role: str, *, village_id: int | None = None, phone: str | None = None,
               note: str | None = None) -> Member:
    """Add a member; the phone is normalised, the role must be one of ROLES."""
    data = _fields({"name": name, "role": role, "phone": phone, "village_id": village_id, "note": note})
    with db.atomic():
        member = Member.create(**data)
        audit.log_row("create", member)
    return member


def edit_member(member_id: int, **changes: Any) -> Member:
    """Change a member's name, role, phone, village or note."""
    data = _fields(changes)
    with db.atomic():
        member = get_row(Member, member_id, "工作人员")
        if "role" in data and data["role"] != "驻村干部" and _count(DEPENDENTS[4][2], member.id):
            raise ValidationError("该人员是某村的驻村干部，请先更换该村的驻村干部再改职务", field="role")
        return update_row(member, data)


def set_active(member_id: int, active: bool) -> Member:
    """Deactivate (or reactivate) a member; their records stay as they are."""
    with db.atomic():
        return update_row(get_row(Member, member_id, "工作人员"), {"active": bool(active)})


def deactivate_member(member_id: int) -> Member:
    """Deactivate a member (the way to retire someone who has records)."""
    return set_active(member_id, False)


def _count(sql: str, member_id: int) -> int:
    """One count query."""
    return db.execute_sql(sql, (member_id,)).fetchone()[0]


def dependents(member_id: int) -> list[tuple[str, int, str]]:
    """What references a member: (label, count, unit) for each kind with a count above zero."""
    found = [(label, _count(sql, member_id), unit) for label, unit, sql in DEPENDENTS]
    return [(label, n, unit) for label, n, unit in found if n]


def delete_member(member_id: int) -> None:
    """Delete a member who has no records; otherwise refuse, naming what depends on them."""
    with db.atomic():
        member = get_row(Member, member_id, "工作人员")
        deps = dependents(member.id)
        if deps:
            what = "、".join(f"{label}{n}{unit}" for label, n, unit in deps)
            raise ValidationError(f"{member.name}还有相关记录（{what}），不能删除；如已离任请改为停用")
        hard_delete(member)


def require_active(member_id: int | None) -> int | None:
    """A member id that exists and is active (None passes), for putting someone in charge."""
    if member_id in (None, ""):
        return None
    member = get_row(Member, member_id, "工作人员")
    if not member.active:
        raise ValidationError(f"{member.name}已停用，不能再负责新的工作", field="member")
    return member.id


def set_village_cadre(village_id: int, member_id: int | None) -> Village:
    """Set (or clear with None) a village's supervising 驻村干部."""
    with db.atomic():
        village = get_row(Village, village_id, "村（居）", live=False)
        if member_id is not None:
            member_id = require_active(member_id)
            if Member.get_by_id(member_id).role != "驻村干部":
                raise ValidationError("驻村联系人的职务应为「驻村干部」", field="cadre")
        return update_row(village, {"cadre": member_id})


def member_rows(village_id: int | None = None, *, include_inactive: bool = False) -> list[MemberRow]:
    """Members (of one village, or all), active first, in village order then by role and name."""
    sql = ('SELECT m.id, m.name, m.role, m.phone, m.village_id, coalesce(v.name, \'（镇）\'), m.active, m.note '
           'FROM "member" m LEFT JOIN "village" v ON v.id = m.village_id WHERE 1 = 1')
    params: list[Any] = []
    if village_id is not None:
        sql, params = sql + " AND m.village_id = ?", [village_id]
    if not include_inactive:
        sql += " AND m.active = 1"
    rows = [MemberRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7])
            for r in db.execute_sql(sql, params).fetchall()]
    order = {role: i for i, role in enumerate(ROLES)}
    seqs = dict(db.execute_sql('SELECT id, seq FROM "village"').fetchall())
    rows.sort(key=lambda m: (not m.active, seqs.get(m.village_id, 1 << 30), order.get(m.role, 99), m.name, m.id))
    return rows


@dataclass(frozen=True)
class Workload:
    """What a member has in hand: cases, visited, overdue items, cases not contacted for 30 days."""

    member_id: int
    name: str
    role: str
    village: str
    active: bool
    cases: int
    visited: int
    overdue: int
    stale: int


_WORK_SQL = (
    'SELECT c.member_id, count(*), sum(' + HOME_VISITED_SQL + '), '
    "sum(c.status NOT IN ('已纳入', '已办结') AND coalesce(t.last, '0000') < ?) "
    'FROM "case" c JOIN "person" p ON p.id = c.person_id '
    'LEFT JOIN (SELECT case_id, max(date) AS last FROM "contact" WHERE deleted_at IS NULL GROUP BY case_id) t '
    "ON t.case_id = c.id "
    "WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.campaign_id = ? AND c.member_id IS NOT NULL "
    "GROUP BY c.member_id"
)


def _overdue_by_member(campaign_id: int, today: dt.date) -> dict[int, int]:
    """Overdue items (store/cases/overdue.py rules) per member: the case's member, or the rectification's."""
    items = overdue_items(campaign_id, today)
    case_ids = sorted({i.case_id for i in items if i.kind != "rectification" and i.case_id})
    owner: dict[int | None, int] = {}  # looked up by an item's case, which may have none
    for start in range(0, len(case_ids), 500):
        part = case_ids[start:start + 500]
        sql = f'SELECT id, member_id FROM "case" WHERE id IN ({",".join("?" * len(part))})'
        owner.update(db.execute_sql(sql, part).fetchall())
    fixers = dict(Rectification.select(Rectification.problem, Rectification.member).tuples())
    counts: dict[int, int] = {}
    for item in items:
        who = fixers.get(item.problem_id) if item.kind == "rectification" else owner.get(item.case_id)
        if who:
            counts[who] = counts.get(who, 0) + 1
    return counts


def workload(campaign_id: int, today: dt.date | None = None, village_id: int | None = None) -> list[Workload]:
    """Workload of every active member (and inactive ones still holding cases), in list order.

    Not contacted for 30 days: an open case (not 已纳入/已办结) whose latest contact is more than
    STALE_DAYS before today, or that has none (last contact + 30 days strictly before today)."""
    today = today_or(today)
    cutoff = (today - dt.timedelta(days=STALE_DAYS)).isoformat()
    work = {r[0]: r[1:] for r in db.execute_sql(_WORK_SQL, (cutoff, campaign_id)).fetchall()}
    late = _overdue_by_member(campaign_id, today)
    out = []
    for m in member_rows(village_id, include_inactive=True):
        cases, visited, stale = work.get(m.id, (0, 0, 0))
        if m.active or cases:
            out.append(Workload(m.id, m.name, m.role, m.village, m.active, cases, visited or 0,
                                late.get(m.id, 0), stale or 0))
    return out
