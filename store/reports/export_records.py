"""Read-only row queries for the internal exports: ledger (台账), spot checks (抽查), petitions (信访).

Raw values (full ID numbers and phones); masking happens in exports/.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from store.checks import petitions
from store.reports.export_rows import Scope, categories_by_case, named_rows
from store.people.households import household_sizes
from store.checks.petitions import PetitionRow
from store.safety.unreadable import shown_date, unreadable_in
from store.schema import db
from store.cases.visits import HOME_VISIT


@dataclass(slots=True)
class LedgerRow:
    """One live case of a village's ledger."""

    village_id: int
    village: str
    person: str
    id_number: str | None
    phone: str | None
    categories: str
    zone: str | None
    member: str | None
    contacts: int  # 入户走访 only (store/cases/visits.py); calls, 微信 and 来访 are `calls`
    last_contact: dt.date | str | None  # the latest 入户走访 (str: 「无法识别：...」, store.safety.unreadable)
    status: str
    conclusion: str | None
    reason: str | None
    benefits: str
    next_followup: dt.date | str | None
    address: str | None = None
    household_size: int | None = None  # None until the person's household is known
    home_findings: str | None = None  # what the latest 入户走访 found
    visitor: str | None = None  # who made that visit
    calls: int = 0  # calls, 微信 and 来访


_LEDGER = (
    'SELECT c.id, v.id, v.name, p.name, p.id_number, p.phone, z.name, m.name, c.status, c.conclusion, '
    'c.conclusion_reason, c.next_followup, p.address, p.household_code '
    'FROM "case" c JOIN "person" p ON p.id = c.person_id '
    'JOIN "village" v ON v.id = p.village_id LEFT JOIN "zone" z ON z.id = p.zone_id '
    'LEFT JOIN "member" m ON m.id = c.member_id WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL '
    "AND c.campaign_id = :cid "
    "ORDER BY v.seq, v.id, z.seq, z.id, p.py_full, p.id"
)
# A visit by the as-of day, or one whose date another tool wrote as no date (「昨天」 sorts after
# every ISO date): counted, its date shown 「无法识别」, rather than silently lost.
_BY_ASOF = "(t.date <= :asof OR date(t.date) IS NULL)"
_CONTACTS = (
    'SELECT t.case_id, total(t.kind = :home), max(CASE WHEN t.kind = :home THEN t.date END), '
    'total(t.kind != :home) FROM "contact" t JOIN "case" c ON c.id = t.case_id '
    "WHERE t.deleted_at IS NULL AND c.campaign_id = :cid AND " + _BY_ASOF + " GROUP BY t.case_id"
)
_HOME = (
    # who: every member who took part (contact_member), else the one on the contact, else the operator
    'SELECT t.case_id, t.findings, coalesce((SELECT group_concat(mm.name, \'、\') FROM "contact_member" cm '
    'JOIN "member" mm ON mm.id = cm.member_id WHERE cm.contact_id = t.id), m.name, t.operator) '
    'FROM "contact" t JOIN "case" c ON c.id = t.case_id '
    'LEFT JOIN "member" m ON m.id = t.member_id WHERE t.deleted_at IS NULL AND c.campaign_id = :cid '
    "AND " + _BY_ASOF + " AND t.kind = :home ORDER BY t.case_id, t.date, t.id"
)
_BENEFITS = (
    'SELECT b.case_id, b.type, b.status, b.advance FROM "benefit" b JOIN "case" c ON c.id = b.case_id '
    "WHERE b.deleted_at IS NULL AND c.campaign_id = :cid ORDER BY b.case_id, b.id"
)


def _benefits_by_case(params: dict) -> dict[int, str]:
    """{case id: '低保（纳入）、临时救助急难型（先行救助，纳入）'}."""
    out: dict[int, list[str]] = {}
    for case_id, btype, status, advance in named_rows(_BENEFITS, params):
        out.setdefault(case_id, []).append(f"{btype}（{'先行救助，' if advance else ''}{status}）")
    return {k: "、".join(v) for k, v in out.items()}


def ledger_rows(scope: Scope) -> list[LedgerRow]:
    """Every live case of the covered villages, by village, zone and name (pinyin)."""
    params = {"cid": scope.campaign_id, "asof": scope.as_of.isoformat(), "home": HOME_VISIT}
    cats = categories_by_case(scope.campaign_id)
    contacts = {r[0]: (int(r[1]), r[2], int(r[3])) for r in named_rows(_CONTACTS, params)}
    benefits = _benefits_by_case(params)
    home = {case_id: (findings, who) for case_id, findings, who in named_rows(_HOME, {**params, "home": HOME_VISIT})}
    sizes = household_sizes()
    out = []
    for r in named_rows(_LEDGER, params):
        if not scope.covers(r[1]):
            continue
        count, last, calls = contacts.get(r[0], (0, None, 0))
        findings, visitor = home.get(r[0], (None, None))
        out.append(LedgerRow(r[1], r[2], r[3], r[4], r[5], cats.get(r[0], ""), r[6], r[7], count, shown_date(last),
                             r[8], r[9], r[10], benefits.get(r[0], ""), shown_date(r[11]), r[12],
                             sizes.get(r[13]) if r[13] else None, findings, visitor, calls))
    return out


@dataclass(slots=True)
class SpotCheckRow:
    """One sampled case of a spot-check round."""

    round_no: int
    round_date: dt.date | str | None  # str: 「无法识别：...」, a stored value that is no date
    checker: str | None
    village: str
    person: str
    id_number: str | None
    categories: str
    result: str | None
    findings: str | None
    checked_on: dt.date | str | None


_CHECKS = (
    'SELECT r.id, r.date, r.checker, v.id, v.name, p.name, p.id_number, c.id, s.result, s.findings, s.date '
    'FROM "spot_check" s JOIN "spot_check_round" r ON r.id = s.round_id JOIN "case" c ON c.id = s.case_id '
    'JOIN "person" p ON p.id = c.person_id LEFT JOIN "village" v ON v.id = p.village_id '
    "WHERE r.campaign_id = :cid AND c.deleted_at IS NULL ORDER BY v.seq, v.id, p.py_full, s.id"
)


def round_order(campaign_id: int, as_of: dt.date) -> dict[int, tuple[int, dt.date | str | None]]:
    """{round id: (its number 1, 2, ... by date, its date as shown)} of the rounds held by the as-of
    day; a round whose date is no date (another tool wrote it) is kept, numbered last."""
    rounds = []
    for rid, raw in db.execute_sql('SELECT id, date FROM "spot_check_round" WHERE campaign_id = ?', (campaign_id,)):
        day = shown_date(raw)
        if not isinstance(day, dt.date) or day <= as_of:
            rounds.append((not isinstance(day, dt.date), day if isinstance(day, dt.date) else dt.date.min, rid, day))
    return {rid: (i, day) for i, (_bad, _key, rid, day) in enumerate(sorted(rounds), 1)}


def spotcheck_rows(scope: Scope) -> list[SpotCheckRow]:
    """Every sampled case of the campaign's rounds held by the as-of day (round_order), by round."""
    rounds, cats = round_order(scope.campaign_id, scope.as_of), categories_by_case(scope.campaign_id)
    out = []
    for r in named_rows(_CHECKS, {"cid": scope.campaign_id}):
        if r[0] in rounds and scope.covers(r[3]):
            number, day = rounds[r[0]]
            out.append(SpotCheckRow(number, day, r[2], r[4] or "（未分村）", r[5], r[6],
                                    cats.get(r[7], ""), r[8], r[9], shown_date(r[10])))
    return sorted(out, key=lambda row: row.round_no)  # stable: by village and name within a round


def petition_rows(scope: Scope) -> list[PetitionRow]:
    """Every live petition of the campaign's cases received by the as-of day (store.checks.petitions' query),
    a stored date that is no date marked 「无法识别」 for the printout."""
    rows = [r for r in petitions.petition_rows(scope.campaign_id, scope.as_of, as_of=scope.as_of)
            if scope.covers(r.village_id)]
    marks: dict[int, dict[str, str]] = {}
    for column, rid, value in unreadable_in(db.connection(), "petition"):
        mark = shown_date(value)
        if isinstance(mark, str):
            marks.setdefault(rid, {})[column] = mark
    return [replace(r, unreadable=marks[r.petition_id]) if r.petition_id in marks else r for r in rows]
