"""The case table: filtered, sorted, paged straight from SQLite (never every row at once)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from store.common import stored_date
from store.rosters.coverage import coverage_of, covered_where
from store.ids import mask_id
from store.schema import db

# column key -> (label, SQL to sort by)
COLUMNS = {
    "village": ("村（居）", "v.seq"),
    "name": ("姓名", "p.name"),
    "id_number": ("身份证号", "p.id_number"),
    "codes": ("类别", "cc.codes"),
    "status": ("状态", "c.status"),
    "member": ("负责人", "m.name"),
    "last_contact": ("最近联系", "lc.last"),
    "next_followup": ("下次跟进", "c.next_followup"),
    "coverage": ("在保", covered_where()[0]),
}
# 在保 filter values besides a roster kind (store.rosters.rosters.KINDS): covered by none / by any kind.
UNCOVERED, COVERED = "未在保", "在保"
SHORT_KIND = {"低保": "低", "特困": "特", "孤儿": "孤", "事实无人抚养儿童": "事", "低保边缘": "边", "临时救助": "临"}
# Joined only when sorting by these columns: they cost an aggregate over the whole table.
_SORT_JOINS = {
    "codes": (' LEFT JOIN (SELECT x.case_id, group_concat(k.code, \',\') AS codes FROM "case_category" x '
              'JOIN "category" k ON k.id = x.category_id GROUP BY x.case_id) cc ON cc.case_id = c.id '),
    "last_contact": (' LEFT JOIN (SELECT case_id, max(date) AS last FROM "contact" WHERE deleted_at IS NULL '
                     "GROUP BY case_id) lc ON lc.case_id = c.id "),
}
CLOSED = ("已纳入", "已办结")


@dataclass(frozen=True)
class CaseFilter:
    """What the clerk narrowed the table to; every part optional."""

    village_id: int | None = None
    zone_id: int | None = None
    member_id: int | None = None
    category: int | None = None
    status: str | None = None
    conclusion: str | None = None
    overdue_only: bool = False
    text: str = ""
    unzoned: bool = False
    coverage: str | None = None  # 未在保, 在保, or a roster kind (在保 by that kind)

    def describe(self, names: dict | None = None) -> str:
        """A short Chinese description for the filter bar."""
        names = names or {}
        parts = [names.get(k) or f"{label}{value}" for k, label, value in (
            ("village", "村", self.village_id), ("zone", "片区", self.zone_id), ("member", "负责人", self.member_id),
            ("category", "类别", self.category), ("status", "", self.status), ("conclusion", "", self.conclusion),
            ("coverage", "", self.coverage if self.coverage in (UNCOVERED, COVERED) else
             self.coverage and f"在保（{self.coverage}）"),
        ) if value]
        if self.unzoned:
            parts.append("未分片")
        if self.overdue_only:
            parts.append("仅逾期")
        if self.text:
            parts.append(f"含「{self.text}」")
        return "、".join(parts) or "全部"


@dataclass(frozen=True)
class CaseRow:
    """One line of the table."""

    case_id: int
    village: str
    name: str
    id_masked: str
    codes: str
    status: str
    member: str
    last_contact: dt.date | None
    next_followup: dt.date | None
    conclusion: str | None = None
    coverage: str = ""  # the kinds covering the person, short: 低 特


_FROM = (
    'FROM "case" c JOIN "person" p ON p.id = c.person_id LEFT JOIN "village" v ON v.id = p.village_id '
    'LEFT JOIN "member" m ON m.id = c.member_id '
)
_ROWS = (
    "SELECT c.id, coalesce(v.name, ''), p.name, p.id_number, "
    "(SELECT group_concat(code, ',') FROM (SELECT k.code FROM \"case_category\" x "
    'JOIN "category" k ON k.id = x.category_id WHERE x.case_id = c.id ORDER BY k.code)), '
    "c.status, coalesce(m.name, ''), "
    '(SELECT max(t.date) FROM "contact" t WHERE t.case_id = c.id AND t.deleted_at IS NULL), '
    "c.next_followup, c.conclusion "
)


def _where(f: CaseFilter, campaign_id: int, today: dt.date) -> tuple[str, list]:
    """The WHERE clause and its parameters for a filter."""
    sql = ["c.campaign_id = ?", "c.deleted_at IS NULL", "p.deleted_at IS NULL"]
    params: list[Any] = [campaign_id]
    for cond, value in (("p.village_id = ?", f.village_id), ("p.zone_id = ?", f.zone_id),
                        ("c.member_id = ?", f.member_id), ("c.status = ?", f.status),
                        ("c.conclusion = ?", f.conclusion)):
        if value:
            sql.append(cond)
            params.append(value)
    if f.category:
        sql.append('EXISTS (SELECT 1 FROM "case_category" cc JOIN "category" k ON k.id = cc.category_id '
                   "WHERE cc.case_id = c.id AND k.code = ?)")
        params.append(int(f.category))
    if f.coverage:
        cond, kinds = covered_where(None if f.coverage in (UNCOVERED, COVERED) else (f.coverage,))
        sql.append(f"NOT {cond}" if f.coverage == UNCOVERED else cond)
        params += kinds
    if f.unzoned:
        sql.append("p.zone_id IS NULL")
    if f.overdue_only:
        sql.append(f"c.next_followup < ? AND c.status NOT IN {CLOSED!r}")
        params.append(today.isoformat())
    if f.text:
        text = f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql.append("(p.name LIKE ? ESCAPE '\\' OR p.py_initials LIKE ? ESCAPE '\\')")
        params += [f"%{text}%", f"{text.lower()}%"]
    return " WHERE " + " AND ".join(sql), params


def _order(sort: str, descending: bool) -> str:
    """ORDER BY for a column key, ties broken by case id; empty values last."""
    expr = COLUMNS.get(sort, COLUMNS["village"])[1]
    direction = "DESC" if descending else "ASC"
    return f" ORDER BY {expr} IS NULL, {expr} {direction}, c.id {direction}"


def ordered_ids(f: CaseFilter, campaign_id: int, *, sort: str = "village", descending: bool = False,
                today: dt.date | None = None) -> list[int]:
    """Every matching case id in display order: one query per filter or sort change.

    The table keeps only these ids (ints) and fetches the rows of the page it shows; paging and
    keeping the cursor on a case are then lookups in this list.
    """
    where, params = _where(f, campaign_id, today or dt.date.today())
    sql = "SELECT c.id " + _FROM + _SORT_JOINS.get(sort, "") + where + _order(sort, descending)
    return [r[0] for r in db.execute_sql(sql, params).fetchall()]


def rows_for(ids: list[int]) -> list[CaseRow]:
    """The table rows of these cases, in the order given."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    got = {r[0]: r for r in db.execute_sql(_ROWS + ", p.id " + _FROM + f"WHERE c.id IN ({marks})", ids).fetchall()}
    kinds = coverage_of([r[10] for r in got.values()])
    return [
        CaseRow(r[0], r[1], r[2], mask_id(r[3]) if r[3] else "", r[4] or "", r[5], r[6], stored_date(r[7]),
                stored_date(r[8]), r[9], " ".join(SHORT_KIND.get(c.kind, c.kind[:1]) for c in kinds.get(r[10], [])))
        for r in (got[i] for i in ids if i in got)
    ]


@dataclass(frozen=True)
class Choice:
    """A value the filter keys cycle through."""

    id: int | str
    label: str


def filter_choices(campaign_id: int | None, village_id: int | None = None) -> dict[str, list[Choice]]:
    """Villages, zones (of the village), members and categories for the filter keys (no categories
    without a campaign)."""
    villages = [Choice(i, n) for i, n in db.execute_sql('SELECT id, name FROM "village" ORDER BY seq, id')]
    zsql = 'SELECT z.id, v.name || z.name FROM "zone" z JOIN "village" v ON v.id = z.village_id'
    msql = 'SELECT m.id, m.name FROM "member" m WHERE m.active = 1'
    if village_id:
        zones = db.execute_sql(zsql + " WHERE z.village_id = ? ORDER BY z.seq, z.id", (village_id,)).fetchall()
        members = db.execute_sql(msql + " AND m.village_id = ? ORDER BY m.id", (village_id,)).fetchall()
    else:
        zones = db.execute_sql(zsql + " ORDER BY v.seq, z.seq, z.id").fetchall()
        members = db.execute_sql(msql + " ORDER BY m.village_id, m.id").fetchall()
    cats = db.execute_sql('SELECT code, short_name FROM "category" WHERE campaign_id = ? ORDER BY code',
                          (campaign_id,)).fetchall()
    return {"village": villages, "zone": [Choice(*z) for z in zones], "member": [Choice(*m) for m in members],
            "category": [Choice(c, f"{c} {n}") for c, n in cats]}
