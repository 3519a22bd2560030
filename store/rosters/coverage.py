"""Who is already covered (在保): every person matched by ID number against the current roster of
each kind, as a person or as a member of a covered household.

A person is covered by a kind when their ID number is on the kind's current roster (a household
file lists every member with their own ID), or, for the household kinds 低保 and 低保边缘, when
another live person of the same household in the app (same household code) is on it with a line
for more than one person: a 单人户 (单列施保, 保障人数 1) covers that person alone, not the family. The since date is
the roster line's own, else its household's (importers/roster.py fills it). This module holds the
one SQL definition of 在保 that the case table, the case detail, `find`, the figures and the
worklists use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from store.common import chunks, stored_date
from store.rosters.rosters import main_kind_sql
from store.schema import db

HOUSEHOLD_KINDS = ("低保", "低保边缘")
# 在保 for the 漏保 worklist: the protection kinds (临时救助 and 低保边缘 are no 兜底保障).
PROTECTION_KINDS = ("低保", "特困", "孤儿", "事实无人抚养儿童")
KIND = main_kind_sql("r.kind")  # a roster of 农村低保 covers as 低保

# coverage_of's look-ups for a chunk of persons, in this join order (CROSS JOIN: SQLite keeps it): with a
# long IN list the planner otherwise walked every roster line (1.8 s for 1,200 cases and 30,000 lines).
_BY_PERSON = (f'SELECT p.id, {KIND}, cp.since, cp.kind, 0, r.as_of FROM "person" p '
              'CROSS JOIN "covered_person" cp ON cp.id_number = p.id_number JOIN "roster" r ON r.id = cp.roster_id '
              "WHERE r.replaced_by_id IS NULL AND p.id IN ({marks})")
_BY_HOUSEHOLD = (f'SELECT m.id, {KIND}, cp.since, cp.kind, 1, r.as_of FROM "person" m '
                 'CROSS JOIN "person" h ON h.household_code = m.household_code AND h.id != m.id '
                 'CROSS JOIN "covered_person" cp ON cp.id_number = h.id_number JOIN "roster" r ON r.id = cp.roster_id '
                 f"WHERE r.replaced_by_id IS NULL AND {KIND} IN {HOUSEHOLD_KINDS!r} AND m.household_code IS NOT NULL "
                 "AND h.household_code IS NOT NULL AND h.deleted_at IS NULL AND coalesce(cp.persons, 2) > 1 "
                 "AND m.id IN ({marks})")


def covered_where(kinds: tuple[str, ...] | None = None, person: str = "p") -> tuple[str, list]:
    """An SQL condition true when the person (table alias `person`) is 在保 by any kind, or by one of
    these kinds, and its parameters: EXISTS look-ups by ID number and household code, run per row
    through the indexes (three times faster than a list of every covered person on a town)."""
    marks = ",".join("?" * len(kinds)) if kinds else ""
    only = f" AND {KIND} IN ({marks})" if kinds else ""
    direct = (f'EXISTS (SELECT 1 FROM "covered_person" cp JOIN "roster" r ON r.id = cp.roster_id '
              f"WHERE cp.id_number = {person}.id_number AND r.replaced_by_id IS NULL{only})")
    household = [k for k in HOUSEHOLD_KINDS if not kinds or k in kinds]
    if not household:
        return direct, list(kinds or ())
    literal = ", ".join(f"'{k}'" for k in household)  # constants of this module: no parameters (a sort key)
    shared = (f'({person}.household_code IS NOT NULL AND EXISTS (SELECT 1 FROM "person" h '
              'JOIN "covered_person" cp ON cp.id_number = h.id_number JOIN "roster" r ON r.id = cp.roster_id '
              f"WHERE h.household_code = {person}.household_code AND h.id != {person}.id AND h.deleted_at IS NULL "
              f"AND coalesce(cp.persons, 2) > 1 AND r.replaced_by_id IS NULL AND {KIND} IN ({literal})))")
    return f"({direct} OR {shared})", list(kinds or ())


@dataclass(frozen=True)
class Coverage:
    """One kind a person is covered by."""

    kind: str
    since: dt.date | None
    sub_kind: str | None = None
    via_household: bool = False
    as_of: dt.date | None = None

    def label(self) -> str:
        """「低保（农村低保，2019-03-01起，家庭成员）」 for the case detail."""
        parts = [p for p in (self.sub_kind if self.sub_kind and self.sub_kind != self.kind else None,
                             f"{self.since.isoformat()}起" if self.since else None,
                             "同户在保" if self.via_household else None) if p]
        return self.kind + (f"（{'，'.join(parts)}）" if parts else "")

    def as_json(self) -> dict:
        """{kind, since} for `find --json`."""
        return {"kind": self.kind, "since": self.since.isoformat() if self.since else None}


def coverage_of(person_ids: list[int]) -> dict[int, list[Coverage]]:
    """{person id: the kinds covering them, earliest since first}; persons not covered are absent."""
    found = []
    for part in chunks(sorted(set(person_ids))):
        marks = ",".join("?" * len(part))
        for sql in (_BY_PERSON, _BY_HOUSEHOLD):  # driven by the persons asked for, through the indexes
            found += db.execute_sql(sql.format(marks=marks), part).fetchall()
    out: dict[int, dict[str, Coverage]] = {}
    for pid, kind, since, sub, via, as_of in sorted(found, key=lambda r: (r[4], r[2] is None, r[2] or "")):
        out.setdefault(pid, {}).setdefault(kind, Coverage(kind, stored_date(since), sub, bool(via),
                                                          stored_date(as_of)))
    from store.rosters.rosters import KINDS

    order = {k: i for i, k in enumerate(KINDS)}
    return {pid: sorted(kinds.values(), key=lambda c: order.get(c.kind, 99)) for pid, kinds in out.items()}


def covered_by_village(campaign_id: int, kinds: tuple[str, ...] | None = None) -> dict[int | None, int]:
    """{village id: live cases of the campaign whose person is covered} (the figures' 已在保)."""
    cond, params = covered_where(kinds)
    sql = ('SELECT p.village_id, count(*) FROM "case" c JOIN "person" p ON p.id = c.person_id '
           "WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.campaign_id = ? "
           f"AND {cond} GROUP BY p.village_id")
    return dict(db.execute_sql(sql, [campaign_id, *params]).fetchall())


def has_rosters() -> bool:
    """True once any roster was imported (before that, 未在保 means nothing)."""
    return bool(db.execute_sql('SELECT EXISTS(SELECT 1 FROM "roster")').fetchone()[0])
