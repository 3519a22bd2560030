"""The 问题清单 and 整改清单 as plain rows: the one query for problem and rectification rows, read
by the screens and the exports alike.

A rectification is overdue when it has no done date and its deadline is strictly before today,
the rule of store/cases/overdue.py. With `as_of` (the exports' 截至 day) only problems found by that
day are listed and a rectification done after it counts as not yet done.

Each row also carries two flags for the posting rule: `child` (under 18 on the day, or holding a
孤儿 / 事实无人抚养儿童 benefit) and `monitor` (a 防返贫 case, category 6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from store.common import case_categories, category_text, stored_date, today_or
from store.schema import db


@dataclass(frozen=True)
class ProblemRow:
    """One problem with its rectification, every column of both lists."""

    problem_id: int
    village_id: int
    village: str
    case_id: int | None
    person: str
    categories: str
    description: str
    kind: str
    source: str
    found_by: str
    found_on: dt.date | None  # None: a stored value that is no date
    spot_check_id: int | None
    measure: str
    member_id: int | None
    responsible: str
    deadline: dt.date | None
    progress: str
    done_on: dt.date | None
    evidence: list[str]
    days_left: int | None
    overdue: bool
    child: bool = False
    monitor: bool = False


_SQL = (
    'SELECT pr.id, v.id, v.name, pr.case_id, coalesce(p.name, \'\'), pr.description, pr.kind, pr.source, '
    "coalesce(pr.found_by, ''), pr.found_on, pr.spot_check_id, coalesce(r.measure, ''), r.member_id, "
    "coalesce(m.name, ''), r.deadline, coalesce(r.progress, ''), "
    "CASE WHEN ? IS NULL OR r.done_on <= ? THEN r.done_on END, r.evidence, "
    "(p.birth_date IS NOT NULL AND date(p.birth_date, '+18 years') > ?) OR EXISTS (SELECT 1 "
    'FROM "benefit" cb WHERE cb.case_id = c.id AND cb.deleted_at IS NULL '
    "AND cb.type IN ('孤儿', '事实无人抚养儿童')), "
    'EXISTS (SELECT 1 FROM "case_category" mc JOIN "category" mk ON mk.id = mc.category_id '
    "WHERE mc.case_id = c.id AND mk.code = 6) "
    'FROM "problem" pr JOIN "village" v ON v.id = pr.village_id '
    'LEFT JOIN "rectification" r ON r.problem_id = pr.id LEFT JOIN "member" m ON m.id = r.member_id '
    'LEFT JOIN "case" c ON c.id = pr.case_id LEFT JOIN "person" p ON p.id = c.person_id '
    "WHERE pr.deleted_at IS NULL AND pr.campaign_id = ?"
)


def _day(value: Any) -> dt.date | None:
    """A stored date (text) as a date (None when it is no date)."""
    return stored_date(value)


def _row(r: tuple, cats: dict, today: dt.date) -> ProblemRow:
    """A ProblemRow from one result row."""
    deadline, done = _day(r[14]), _day(r[16])
    days_left = (deadline - today).days if deadline and not done else None
    return ProblemRow(
        r[0], r[1], r[2], r[3], r[4], category_text(cats.get(r[3], [])), r[5], r[6], r[7], r[8],
        _day(r[9]), r[10], r[11], r[12], r[13], deadline, r[15], done,
        [p for p in (r[17] or "").splitlines() if p.strip()], days_left,
        days_left is not None and days_left < 0, bool(r[18]), bool(r[19]),
    )


def _rows(campaign_id: int, today: dt.date | None, village_id: int | None, open_only: bool,
          source: str | None, case_id: int | None = None, as_of: dt.date | None = None) -> list[ProblemRow]:
    """The problems matching the filters, by village then found date."""
    day = as_of.isoformat() if as_of else None
    sql, params = _SQL, [day, day, (as_of or today_or(today)).isoformat(), campaign_id]
    if as_of is not None:
        sql, params = sql + " AND pr.found_on <= ?", params + [day]
    if case_id is not None:
        sql, params = sql + " AND pr.case_id = ?", params + [case_id]
    if village_id is not None:
        sql, params = sql + " AND pr.village_id = ?", params + [village_id]
    if source:
        sql, params = sql + " AND pr.source = ?", params + [source]
    if open_only:
        sql, params = sql + " AND (r.done_on IS NULL OR (? IS NOT NULL AND r.done_on > ?))", params + [day, day]
    rows = db.execute_sql(sql + " ORDER BY v.seq, v.id, pr.found_on, pr.id", params).fetchall()
    cats = case_categories(r[3] for r in rows if r[3])
    return [_row(r, cats, as_of or today_or(today)) for r in rows]


def problem_list(campaign_id: int, today: dt.date | None = None, *, village_id: int | None = None,
                 case_id: int | None = None, open_only: bool = False, source: str | None = None,
                 as_of: dt.date | None = None) -> list[ProblemRow]:
    """问题清单: by village, then found date (of one village or one case when given)."""
    return _rows(campaign_id, today, village_id, open_only, source, case_id, as_of)


def rectification_list(campaign_id: int, today: dt.date | None = None, *, village_id: int | None = None,
                       open_only: bool = False, as_of: dt.date | None = None) -> list[ProblemRow]:
    """整改清单: open ones first, most urgent deadline first, then the completed ones."""
    rows = _rows(campaign_id, today, village_id, open_only, None, as_of=as_of)
    return sorted(rows, key=lambda r: (r.done_on is not None, r.deadline or dt.date.max, r.problem_id))
