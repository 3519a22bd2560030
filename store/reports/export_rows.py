"""Read-only row queries behind the exports: scope, three lists, ledger, spot checks, petitions.

Problem and rectification rows come from store.checks.problem_lists, petition rows from store.checks.petitions:
one query each, shared with the screens.

Rows carry raw values (full ID numbers and phones); masking happens in exports/, never here.
Each row of a person also carries two flags for the posting rule: `child` (under 18 on the
as-of day, or holding a 孤儿 / 事实无人抚养儿童 benefit) and `monitor` (a 防返贫 case, category 6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from store import audit, settings
from store.cases.cases import require_campaign
from store.common import stored_date
from store.errors import ValidationError
from store.people.households import household_sizes
from store.checks.problem_lists import ProblemRow, problem_list
from store.schema import Village, db
from store.reports.stats import window


@dataclass(frozen=True)
class Scope:
    """What an export covers: town, campaign, window and villages (None = the whole town)."""

    town: str
    district: str
    campaign_id: int
    campaign_name: str
    start: dt.date
    as_of: dt.date
    village_ids: tuple[int, ...] | None
    village_names: tuple[str, ...] | None
    doc_number: str | None = None

    def covers(self, village_id: int | None) -> bool:
        """True when a row of this village belongs in the export."""
        return self.village_ids is None or village_id in self.village_ids


def export_scope(campaign_id: int | None, villages: list[str] | None, as_of: dt.date | None) -> Scope:
    """Resolve campaign, village names and date; ValidationError (Chinese) for an unknown village."""
    camp = require_campaign(campaign_id)
    as_of = as_of or dt.date.today()
    ids = names = None
    if villages:
        found = {v.name: v.id for v in Village.select().where(Village.name.in_([n.strip() for n in villages]))}
        missing = [n for n in villages if n.strip() not in found]
        if missing:
            raise ValidationError(f"没有这个村（居）：{'、'.join(missing)}", field="village")
        order = [v.id for v in Village.select(Village.id).order_by(Village.seq, Village.id)]
        ids = tuple(sorted(set(found.values()), key=order.index))
        names = tuple(n for n, _ in sorted(found.items(), key=lambda kv: order.index(kv[1])))
    start = dt.date.fromisoformat(window(camp.id, as_of)[0])
    return Scope(settings.get(settings.TOWN) or "", settings.get(settings.DISTRICT) or "", camp.id,
                 camp.name, start, as_of, ids, names, camp.doc_number)


def village_names() -> list[str]:
    """Every village name in the town's order (for pickers)."""
    return [v.name for v in Village.select(Village.name).order_by(Village.seq, Village.id)]


def log_unmasked_export(kind: str, path: str, rows: int) -> None:
    """Audit an export written with full ID numbers and phones."""
    with db.atomic():
        audit.log("export_unmasked", "export", None, None, {"kind": kind, "path": str(path), "rows": rows})


_FLAGS = ("(p.birth_date IS NOT NULL AND date(p.birth_date, '+18 years') > :asof) OR EXISTS (SELECT 1 "
          'FROM "benefit" cb WHERE cb.case_id = c.id AND cb.deleted_at IS NULL '
          "AND cb.type IN ('孤儿', '事实无人抚养儿童')), "
          'EXISTS (SELECT 1 FROM "case_category" mc JOIN "category" mk ON mk.id = mc.category_id '
          "WHERE mc.case_id = c.id AND mk.code = 6)")


def named_rows(sql: str, params: dict) -> list[tuple]:
    """Run a named-parameter query."""
    return db.execute_sql(sql, params).fetchall()


def categories_by_case(campaign_id: int) -> dict[int, str]:
    """{case id: '特困医疗、防返贫'}: the short names of a case's categories, in code order."""
    sql = ('SELECT cc.case_id, k.short_name FROM "case_category" cc JOIN "category" k ON k.id = cc.category_id '
           'JOIN "case" c ON c.id = cc.case_id WHERE c.campaign_id = ? ORDER BY cc.case_id, k.code')
    out: dict[int, list[str]] = {}
    for case_id, name in db.execute_sql(sql, (campaign_id,)).fetchall():
        out.setdefault(case_id, []).append(name)
    return {k: "、".join(v) for k, v in out.items()}


def problem_rows(scope: Scope) -> list[ProblemRow]:
    """Every live problem of the campaign found by the as-of day, with its rectification (the one
    query of store.checks.problem_lists, as the screens read it)."""
    rows = problem_list(scope.campaign_id, scope.as_of, as_of=scope.as_of)
    return [r for r in rows if scope.covers(r.village_id)]


@dataclass(slots=True)
class OutcomeRow:
    """One outcome (成果清单): a benefit included in the window, or a case put under monitoring."""

    village: str
    person: str
    id_number: str | None
    outcome: str  # a benefit type, or 动态监测
    amount: Decimal | None
    date: dt.date | None  # None: a stored value that is no date
    child: bool
    monitor: bool


_OUTCOMES = (
    "SELECT v.id, v.name, p.name, p.id_number, b.type || CASE WHEN b.advance THEN '（先行救助）' ELSE '' END, "
    'b.amount, b.status_on, ' + _FLAGS +
    ' FROM "benefit" b JOIN "case" c ON c.id = b.case_id JOIN "person" p ON p.id = c.person_id '
    'JOIN "village" v ON v.id = p.village_id WHERE b.deleted_at IS NULL AND c.deleted_at IS NULL '
    "AND p.deleted_at IS NULL AND c.campaign_id = :cid AND b.status IN ('纳入', '审核确认') "
    "AND b.status_on BETWEEN :start AND :asof "
    "UNION ALL SELECT v.id, v.name, p.name, p.id_number, '动态监测', NULL, c.assessed_on, " + _FLAGS +
    ' FROM "case" c JOIN "person" p ON p.id = c.person_id JOIN "village" v ON v.id = p.village_id '
    "WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.campaign_id = :cid "
    "AND c.status = '动态监测' AND c.assessed_on BETWEEN :start AND :asof"
)


def outcome_rows(scope: Scope) -> list[OutcomeRow]:
    """The outcomes of the campaign window, by village order, date and name."""
    params = {"cid": scope.campaign_id, "start": scope.start.isoformat(), "asof": scope.as_of.isoformat()}
    order = {vid: i for i, vid in enumerate(v.id for v in Village.select(Village.id).order_by(Village.seq, Village.id))}
    rows = [r for r in named_rows(_OUTCOMES, params) if scope.covers(r[0])]
    rows.sort(key=lambda r: (order.get(r[0], 0), str(r[6]), r[2]))
    return [OutcomeRow(r[1], r[2], r[3], r[4], Decimal(r[5]) / 100 if r[5] is not None else None,
                       stored_date(r[6]), bool(r[7]), bool(r[8])) for r in rows]


def category_names(campaign_id: int) -> dict[int, str]:
    """{code: short name} of a campaign's categories."""
    sql = 'SELECT code, short_name FROM "category" WHERE campaign_id = ? ORDER BY code'
    return dict(db.execute_sql(sql, (campaign_id,)).fetchall())


# What a 村级公示表 may say about each benefit type: 单人户 would reveal a disability or illness, so it
# shows as 最低生活保障; children's benefits never appear (事实无人抚养儿童, 孤儿).
PUBLIC_BENEFIT = {
    "低保": "最低生活保障", "低保单人户": "最低生活保障", "特困分散": "特困人员救助供养",
    "特困集中": "特困人员救助供养", "低保边缘": "低保边缘家庭", "临时救助急难型": "临时救助",
    "临时救助支出型": "临时救助",
}


@dataclass(slots=True)
class NoticeRow:
    """One line of a 村级公示表: only what the 低保 rules allow to be posted."""

    village_id: int
    village: str
    name: str
    household_size: int | None
    benefit: str
    amount: Decimal | None


_NOTICE = (
    'SELECT v.id, v.name, p.name, p.household_code, b.type, b.amount, ' + _FLAGS +
    ' FROM "benefit" b JOIN "case" c ON c.id = b.case_id JOIN "person" p ON p.id = c.person_id '
    'JOIN "village" v ON v.id = p.village_id WHERE b.deleted_at IS NULL AND c.deleted_at IS NULL '
    "AND p.deleted_at IS NULL AND c.campaign_id = :cid AND b.status IN ('纳入', '审核确认') "
    "AND b.status_on BETWEEN :start AND :asof ORDER BY v.seq, v.id, b.type, p.py_full, p.id"
)


def notice_rows(scope: Scope) -> list[NoticeRow]:
    """Households newly included in the window that may be posted: no minor, no child's benefit."""
    params = {"cid": scope.campaign_id, "start": scope.start.isoformat(), "asof": scope.as_of.isoformat()}
    sizes = household_sizes()
    out = []
    for vid, village, name, household, btype, fen, child, _monitor in named_rows(_NOTICE, params):
        if child or btype not in PUBLIC_BENEFIT or not scope.covers(vid):
            continue
        size = sizes.get(household) if household else (1 if btype == "低保单人户" else None)
        out.append(NoticeRow(vid, village, name, size, PUBLIC_BENEFIT[btype],
                             Decimal(fen) / 100 if fen is not None else None))
    return out
