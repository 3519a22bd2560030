"""漏救 checks and the confirmation of the app's decisions by the next roster.

漏救 (排查内容 1): a category-2 case (低保 with high self-paid costs), and a category-4 case whose
person or household is covered, with no 临时救助 recorded in the campaign: no 临时救助 benefit
(other than 不予纳入) and not on the current 临时救助 roster. (The app records no 医疗救助 of
its own; a 医疗救助 column of a list is not kept.)

Confirmation: a benefit the app records as 纳入 (or 审核确认) is confirmed when the current
roster of its kind has the person. When that roster is dated GRACE_DAYS or more after the
decision (the 公示 of 7 days and the 审核确认 and payment set-up after it) and lacks the person,
it is a mismatch; before that it is still 待确认. A case the app says 不符合 (or a benefit of the
kind 不予纳入) whose person is on the current roster of that kind is a mismatch too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from store.common import stored_date
from store.rosters.coverage import PROTECTION_KINDS, coverage_of, covered_where
from store.ids import mask_id
from store.rosters.rosters import benefit_kind, current_as_of
from store.schema import db

GRACE_DAYS = 30
INCLUDED = ("纳入", "审核确认")


@dataclass(frozen=True)
class Flag:
    """One line of a check list: the case, who, and what is wrong."""

    case_id: int
    village: str
    name: str
    id_masked: str
    kind: str  # 漏救 / 名单未见 / 名单在保
    why: str

    def as_json(self) -> dict:
        """The --json object (ID masked)."""
        return {"case_id": self.case_id, "village": self.village, "name": self.name, "id_number": self.id_masked,
                "kind": self.kind, "why": self.why}


_BASE = ('SELECT c.id, coalesce(v.name, \'\'), p.name, p.id_number, p.id FROM "case" c '
         'JOIN "person" p ON p.id = c.person_id LEFT JOIN "village" v ON v.id = p.village_id '
         "WHERE c.campaign_id = ? AND c.deleted_at IS NULL AND p.deleted_at IS NULL ")
_CODE = ('EXISTS (SELECT 1 FROM "case_category" x JOIN "category" k ON k.id = x.category_id '
         "WHERE x.case_id = c.id AND k.code = {code})")
_NO_TEMP = ("NOT EXISTS (SELECT 1 FROM \"benefit\" b WHERE b.case_id = c.id AND b.deleted_at IS NULL "
            "AND b.type LIKE '临时救助%' AND b.status != '不予纳入') AND NOT {temp}")


def relief_gaps(campaign_id: int) -> list[Flag]:
    """漏救: category-2 cases, and covered category-4 cases, with no 临时救助 in the campaign."""
    temp, tparams = covered_where(("临时救助",))
    covered, cparams = covered_where(PROTECTION_KINDS + ("低保边缘",))
    no_temp = _NO_TEMP.replace("{temp}", temp)
    sql2 = _BASE + "AND " + _CODE.format(code=2) + " AND " + no_temp
    sql4 = _BASE + "AND " + _CODE.format(code=4) + f" AND {covered} AND " + no_temp
    out: dict[int, Flag] = {}
    for cid, village, name, number, _pid in db.execute_sql(sql2, [campaign_id, *tparams]).fetchall():
        out[cid] = Flag(cid, village, name, _mask(number), "漏救",
                        "低保对象自付医疗费用达到门槛，本次整治未记录临时救助")
    rows4 = db.execute_sql(sql4, [campaign_id, *cparams, *tparams]).fetchall()
    kinds = coverage_of([r[4] for r in rows4])
    for cid, village, name, number, pid in rows4:
        label = "、".join(c.label() for c in kinds.get(pid, []))
        why = f"在保家庭（{label}）有新增残疾人，本次整治未记录临时救助"
        if cid in out:
            why = out[cid].why + "；" + why
        out[cid] = Flag(cid, village, name, _mask(number), "漏救", why)
    order = _village_order()
    return sorted(out.values(), key=lambda f: (order.get(f.village, 1 << 30), f.name, f.case_id))


def _village_order() -> dict[str, int]:
    """{village name: its place in the town's order} (lists follow the office's village order)."""
    return {name: i for i, (name,) in enumerate(db.execute_sql('SELECT name FROM "village" ORDER BY seq, id'))}


def _mask(number: str | None) -> str:
    """A masked ID number ('' without one)."""
    return mask_id(number) if number else ""


@dataclass
class Confirmation:
    """The app's 纳入 decisions against the current rosters."""

    confirmed: int = 0
    pending: int = 0
    mismatches: list[Flag] = field(default_factory=list)
    confirmed_cases: set[int] = field(default_factory=set)
    unconfirmed_cases: set[int] = field(default_factory=set)  # 纳入 in the app, missing from a roster past the grace days


_INCLUDED = ('SELECT c.id, coalesce(v.name, \'\'), p.name, p.id_number, p.id, b.type, b.status_on, p.village_id '
             'FROM "benefit" b JOIN "case" c ON c.id = b.case_id JOIN "person" p ON p.id = c.person_id '
             'LEFT JOIN "village" v ON v.id = p.village_id WHERE c.campaign_id = ? AND c.deleted_at IS NULL '
             "AND p.deleted_at IS NULL AND b.deleted_at IS NULL AND b.status IN ('纳入', '审核确认')")
_REFUSED = ('SELECT c.id, coalesce(v.name, \'\'), p.name, p.id_number, p.id, '
            "(SELECT group_concat(b.type, ',') FROM \"benefit\" b WHERE b.case_id = c.id AND b.deleted_at IS NULL "
            "AND b.status = '不予纳入'), c.conclusion FROM \"case\" c JOIN \"person\" p ON p.id = c.person_id "
            'LEFT JOIN "village" v ON v.id = p.village_id WHERE c.campaign_id = ? AND c.deleted_at IS NULL '
            "AND p.deleted_at IS NULL AND (c.conclusion = '不符合' OR EXISTS (SELECT 1 FROM \"benefit\" b "
            "WHERE b.case_id = c.id AND b.deleted_at IS NULL AND b.status = '不予纳入'))")


def confirm(campaign_id: int) -> Confirmation:
    """Confirm the app's 纳入 decisions by the current rosters; list the mismatches both ways."""
    rosters = current_as_of()
    result = Confirmation()
    rows = db.execute_sql(_INCLUDED, (campaign_id,)).fetchall()
    kinds = coverage_of([r[4] for r in rows])
    for cid, village, name, number, pid, btype, status_on, _vid in rows:
        kind = benefit_kind(btype)
        as_of = rosters.get(kind) if kind else None
        if as_of is None:
            continue
        if kind in {c.kind for c in kinds.get(pid, [])}:
            result.confirmed += 1
            result.confirmed_cases.add(cid)
            continue
        decided = stored_date(status_on)
        if decided is None or as_of < decided + dt.timedelta(days=GRACE_DAYS):
            result.pending += 1
            continue
        result.unconfirmed_cases.add(cid)
        result.mismatches.append(Flag(cid, village, name, _mask(number), "名单未见",
                                      f"本系统记为{btype}纳入（{decided.isoformat()}），{as_of.isoformat()}的"
                                      f"{kind}在保名单中没有此人"))
    _refused(campaign_id, result)
    order = _village_order()
    result.mismatches.sort(key=lambda f: (f.kind, order.get(f.village, 1 << 30), f.name, f.case_id))
    return result


def _refused(campaign_id: int, result: Confirmation) -> None:
    """Cases the app says 不符合 (or a kind 不予纳入) whose person is on the current roster."""
    rows = db.execute_sql(_REFUSED, (campaign_id,)).fetchall()
    kinds = coverage_of([r[4] for r in rows])
    for cid, village, name, number, pid, refused, conclusion in rows:
        covered = [c for c in kinds.get(pid, []) if c.kind != "临时救助"]
        refused_kinds = {benefit_kind(t) for t in (refused or "").split(",") if t}
        hits = [c for c in covered if conclusion == "不符合" or c.kind in refused_kinds]
        if hits:
            said = "不符合" if conclusion == "不符合" else "不予纳入"
            result.mismatches.append(Flag(cid, village, name, _mask(number), "名单在保",
                                          f"本系统记为{said}，但在{'、'.join(c.label() for c in hits)}名单中"))


def confirmed_by_village(campaign_id: int, start: str, end: str) -> tuple[dict, dict]:
    """({village id: benefits 纳入 inside [start, end] that the current roster of their kind lists},
    {village id: those a current roster dated GRACE_DAYS or more after the decision does not list})."""
    rosters = current_as_of()
    if not rosters:
        return {}, {}
    rows = [r for r in db.execute_sql(_INCLUDED, (campaign_id,)).fetchall() if start <= str(r[6] or "") <= end]
    kinds = coverage_of([r[4] for r in rows])
    confirmed: dict[int | None, int] = {}
    unconfirmed: dict[int | None, int] = {}
    for _cid, _v, _n, _num, pid, btype, status_on, vid in rows:
        kind = benefit_kind(btype)
        as_of = rosters.get(kind) if kind else None
        decided = stored_date(status_on)
        if as_of is None or decided is None:
            continue
        if kind in {c.kind for c in kinds.get(pid, [])}:
            confirmed[vid] = confirmed.get(vid, 0) + 1
        elif as_of >= decided + dt.timedelta(days=GRACE_DAYS):
            unconfirmed[vid] = unconfirmed.get(vid, 0) + 1
    return confirmed, unconfirmed
