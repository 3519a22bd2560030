"""The read model: every figure of a campaign, per village and for the town, as of a date.

The dashboard, the village screen, the progress table and the written report all read these rows,
so they give the same figures on the same day. The pace rule (落后, 建议通报) is store.reports.pace's.

Counting rules (as of day D, campaign window W = first day of the campaign's first phase .. D):
- 名单人数: live cases of live persons of the village, whenever they were entered (the as-of day
  dates what happened: visits, benefits, checks, problems; a list typed in late was still the
  list, and the screens, run on a fixed day in tests, count cases imported during the session);
  by category 1-7 a case hit by two categories counts once in each.
- 已走访: cases with a live 入户走访 dated by D (VISITED, store/cases/visits.py); 电话回访 (called): cases
  with a call, 微信 or 来访 by D, counted on their own and never in the 走访率; 已研判: a conclusion is set; 符合 / 不符合 by conclusion;
  待办理 (pending): 符合 and the case not yet 已纳入 or 已办结.
- 新纳入: benefits whose status is 纳入 or 审核确认 with status_on inside W. 低保 and 单人户
  (低保单人户) are separate columns; 特困 = 特困分散 + 特困集中; 孤儿·事实无人抚养 counted together;
  临时救助 = 急难型 + 支出型 (人次 and 金额). 低保, 低保边缘 and 特困 are also counted in 户 and
  人 (a person without a household code is a household of one; a household's 人 is its size
  (家庭人口, store.people.households) or else its persons entered).
- 动态监测: cases in status 动态监测.
- 已抽查: cases of the village spot-checked with a result dated on or before D (a case checked in
  two rounds counts once); 合格率 = 合格 / (合格 + 不合格 + 无法核实) over the checks.
- 问题数: live problems found on or before D; 已整改: their rectification done on or before D.
- 逾期: items overdue on D (store.cases.overdue's rule).
- 满意度: the village's latest survey inside W: (满意 + 基本满意) / 测评人数.
- 已在保 (covered): listed cases whose person is on a current 在保名单 of any kind, as a person or
  a member of a covered household (store.rosters.coverage's one definition); 未在保 = 名单人数 - 已在保.
  新纳入未获名单确认 (new_unconfirmed): 新纳入 benefits that the current roster of their kind, dated
  store.rosters.checks.GRACE_DAYS or more after the decision, does not list; 新纳入已获名单确认
  (new_confirmed): those the current roster of their kind lists (the report says both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal

from store.reports import pace
from store.reports.pace import PACE_RULE_TEXT, RULE_MEDIAN, RULE_PHASE, WORK_PHASE, PaceContext  # noqa: F401 - re-exported
from store.campaign.phases import dated, stored_phases
from store.schema import db
from store.cases.visits import called_sql, home_visited_sql

INCLUDED = ("纳入", "审核确认")
# 已走访 = 入户 only, dated on or before the day (the first "?" of the query); defined in store/cases/visits.py
VISITED, CALLED = home_visited_sql("?"), called_sql("?")
BENEFIT_COLUMN = {
    "低保": "new_dibao", "低保单人户": "new_single", "特困分散": "new_tekun", "特困集中": "new_tekun",
    "孤儿": "new_children", "事实无人抚养儿童": "new_children", "低保边缘": "new_edge",
    "临时救助急难型": "temp_count", "临时救助支出型": "temp_count",
}
HOUSEHOLD_COLUMN = {"低保": "new_dibao_households", "低保边缘": "new_edge_households"}


@dataclass
class VillageProgress:
    """One village's figures (or the town's, from `town_totals`)."""

    id: int | None
    name: str
    listed: int = 0
    by_category: dict[int, int] = field(default_factory=lambda: {code: 0 for code in range(1, 8)})
    visited: int = 0
    called: int = 0
    assessed: int = 0
    eligible: int = 0
    ineligible: int = 0
    pending: int = 0
    new_dibao: int = 0
    new_dibao_households: int = 0
    new_single: int = 0
    new_tekun: int = 0
    new_children: int = 0
    temp_count: int = 0
    temp_amount: Decimal = Decimal("0.00")
    new_edge: int = 0
    new_edge_households: int = 0
    new_dibao_persons: int = 0  # 人 of the new 低保 households (家庭人口)
    new_edge_persons: int = 0
    new_tekun_households: int = 0
    new_tekun_persons: int = 0
    monitoring: int = 0
    checked: int = 0
    check_passed: int = 0
    check_judged: int = 0
    problems: int = 0
    rectified: int = 0
    overdue: int = 0
    surveyed: int = 0
    satisfied: int = 0
    included: dict[str, int] = field(default_factory=dict)  # benefit type -> count (新纳入 by type)
    covered: int = 0  # 已在保 (store.rosters.coverage)
    new_unconfirmed: int = 0  # 新纳入 that a current roster past the grace days does not list
    new_confirmed: int = 0  # 新纳入 that the current roster of their kind lists
    behind: str | None = None  # the pace rule's first reason, None when on pace

    @property
    def cases(self) -> int:
        """名单人数 (the dashboard's 对象)."""
        return self.listed

    @property
    def uncovered(self) -> int:
        """未在保: listed cases not on any current roster."""
        return self.listed - self.covered

    @property
    def visit_rate(self) -> float | None:
        """已走访 / 名单人数 as a fraction, None without cases."""
        return self.visited / self.listed if self.listed else None

    @property
    def visited_pct(self) -> float | None:
        """已走访 in percent, None without cases."""
        return None if self.visit_rate is None else 100.0 * self.visit_rate

    @property
    def spot_checked(self) -> int:
        """Cases spot-checked with a result."""
        return self.checked

    @property
    def open_problems(self) -> int:
        """Problems not yet rectified."""
        return self.problems - self.rectified

    @property
    def included_total(self) -> int:
        """Benefits newly included, all types (临时救助 in 人次)."""
        return sum(self.included.values())

    @property
    def pass_rate(self) -> float | None:
        """合格 / (合格 + 不合格 + 无法核实), None before any result."""
        return self.check_passed / self.check_judged if self.check_judged else None

    @property
    def satisfaction(self) -> float | None:
        """(满意 + 基本满意) / 测评人数, None without a survey."""
        return self.satisfied / self.surveyed if self.surveyed else None


def campaign_start(campaign_id: int) -> dt.date | None:
    """The earliest start of the campaign's phases, its first day (None without phases; a start that
    cannot be read is skipped, store.campaign.phases)."""
    return min((p.start for p in stored_phases(campaign_id) if p.start is not None), default=None)


def window(campaign_id: int, as_of: dt.date) -> tuple[str, str]:
    """The campaign window as ISO dates: first phase start (or 1 Jan of as_of's year) .. as_of."""
    start = campaign_start(campaign_id) or dt.date(as_of.year, 1, 1)
    return start.isoformat(), as_of.isoformat()


_LIVE = "c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.campaign_id = ?"
_CASES = ('FROM "case" c JOIN "person" p ON p.id = c.person_id WHERE ' + _LIVE)
_SQL = {
    "villages": 'SELECT id, name FROM "village" ORDER BY seq, id',
    # total(): 0 where every row compares NULL (no conclusion yet: every case on the first day)
    "base": ("SELECT p.village_id, count(*), total(" + VISITED + "), total(c.conclusion IS NOT NULL), "
             "total(c.conclusion = '符合'), total(c.conclusion = '不符合'), total(c.status = '动态监测'), "
             "total(c.conclusion = '符合' AND c.status NOT IN ('已纳入', '已办结')), total(" + CALLED + ") "
             + _CASES + " GROUP BY p.village_id"),
    "categories": ('SELECT p.village_id, k.code, count(*) FROM "case_category" cc '
                   'JOIN "category" k ON k.id = cc.category_id JOIN "case" c ON c.id = cc.case_id '
                   'JOIN "person" p ON p.id = c.person_id WHERE ' + _LIVE + " GROUP BY 1, 2"),
    # "+c.campaign_id": drive from the (few) included benefits, not from every case of the campaign
    "benefits": ('SELECT p.village_id, b.type, count(*), coalesce(sum(b.amount), 0), '
                 "count(DISTINCT coalesce(p.household_code, '#' || p.id)) FROM \"benefit\" b "
                 'JOIN "case" c ON c.id = b.case_id JOIN "person" p ON p.id = c.person_id WHERE '
                 + _LIVE.replace("c.campaign_id", "+c.campaign_id")
                 + " AND b.deleted_at IS NULL AND b.status IN ('纳入', '审核确认') "
                 "AND b.status_on BETWEEN ? AND ? GROUP BY 1, 2"),
    # one row per (village, group, household) of included benefits, with the household's 人
    "households": ("SELECT village_id, grp, count(*), total(size) FROM (SELECT p.village_id, "
                   "CASE WHEN b.type LIKE '特困%' THEN 'tekun' WHEN b.type = '低保' THEN 'dibao' ELSE 'edge' END "
                   "AS grp, coalesce(p.household_code, '#' || p.id) AS hh, coalesce(max(h.size), "
                   "nullif(max((SELECT count(*) FROM \"person\" m WHERE m.household_code = p.household_code "
                   "AND m.deleted_at IS NULL)), 0), 1) AS size FROM \"benefit\" b "
                   'JOIN "case" c ON c.id = b.case_id JOIN "person" p ON p.id = c.person_id '
                   'LEFT JOIN "household" h ON h.code = p.household_code WHERE '
                   + _LIVE.replace("c.campaign_id", "+c.campaign_id")
                   + " AND b.deleted_at IS NULL AND b.status IN ('纳入', '审核确认') AND b.status_on BETWEEN ? AND ? "
                   "AND b.type IN ('低保', '低保边缘', '特困分散', '特困集中') GROUP BY 1, 2, 3) GROUP BY 1, 2"),
    "checks": ('SELECT p.village_id, count(DISTINCT s.case_id), coalesce(sum(s.result = \'合格\'), 0), '
               "coalesce(sum(s.result IN ('合格', '不合格', '无法核实')), 0) FROM \"spot_check\" s "
               'JOIN "spot_check_round" r ON r.id = s.round_id JOIN "case" c ON c.id = s.case_id '
               'JOIN "person" p ON p.id = c.person_id WHERE r.campaign_id = ? AND c.deleted_at IS NULL '
               "AND s.result IS NOT NULL AND coalesce(s.date, r.date) <= ? GROUP BY 1"),
    "problems": ('SELECT pr.village_id, count(*), coalesce(sum(r.done_on IS NOT NULL AND r.done_on <= ?), 0) '
                 'FROM "problem" pr LEFT JOIN "rectification" r ON r.problem_id = pr.id '
                 "WHERE pr.deleted_at IS NULL AND pr.campaign_id = ? AND pr.found_on <= ? GROUP BY 1"),
    "surveys": ('SELECT s.village_id, s.surveyed, s.satisfied + s.basically FROM "satisfaction_survey" s '
                'WHERE s.id = (SELECT s2.id FROM "satisfaction_survey" s2 WHERE s2.village_id = s.village_id '
                "AND s2.date BETWEEN ? AND ? ORDER BY s2.date DESC, s2.id DESC LIMIT 1)"),
}


def _fetch(key: str, params: tuple) -> list[tuple]:
    """Run one of the figure queries."""
    return db.execute_sql(_SQL[key], params).fetchall()


def village_progress(campaign_id: int, as_of: dt.date | None = None, overdue: list | None = None,
                     *, mark: bool = True) -> list[VillageProgress]:
    """Every village of the town, in its order, with its figures as of `as_of` (default today) and
    its pace mark. `overdue` is store.cases.overdue.overdue_items for the day when the caller has it."""
    as_of = as_of or dt.date.today()
    day, (start, end) = as_of.isoformat(), window(campaign_id, as_of)
    rows = {vid: VillageProgress(vid, name) for vid, name in _fetch("villages", ())}
    for vid, *counts in _fetch("base", (day, day, campaign_id)):  # 入户 and calls by D, then _LIVE
        if vid in rows:
            r = rows[vid]
            (r.listed, r.visited, r.assessed, r.eligible, r.ineligible, r.monitoring,
             r.pending, r.called) = (int(n) for n in counts)
    for vid, code, n in _fetch("categories", (campaign_id,)):
        if vid in rows and code in rows[vid].by_category:
            rows[vid].by_category[code] = n
    for vid, btype, n, fen, households in _fetch("benefits", (campaign_id, start, end)):
        _add_benefit(rows.get(vid), btype, n, fen, households)
    for vid, group, households, persons in _fetch("households", (campaign_id, start, end)):
        if vid in rows:
            setattr(rows[vid], f"new_{group}_persons", int(persons))
            if group == "tekun":
                rows[vid].new_tekun_households = households
    for vid, n, passed, judged in _fetch("checks", (campaign_id, day)):
        if vid in rows:
            rows[vid].checked, rows[vid].check_passed, rows[vid].check_judged = n, passed, judged
    for vid, n, done in _fetch("problems", (day, campaign_id, day)):
        if vid in rows:
            rows[vid].problems, rows[vid].rectified = n, done
    for vid, surveyed, satisfied in _fetch("surveys", (start, end)):
        if vid in rows:
            rows[vid].surveyed, rows[vid].satisfied = surveyed, satisfied
    _add_coverage(rows, campaign_id, start, end)
    if overdue is None:
        from store.cases.overdue import overdue_items

        overdue = overdue_items(campaign_id, as_of)
    for item in overdue:
        if item.village_id in rows:
            rows[item.village_id].overdue += 1
    out = list(rows.values())
    if mark:
        reasons = pace_reasons(out, campaign_id, as_of)
        for vid, r in rows.items():
            r.behind = reasons.get(vid)
    return out


def _add_coverage(rows: dict[int, VillageProgress], campaign_id: int, start: str, end: str) -> None:
    """已在保 and 新纳入 confirmed or not by a roster, per village (nothing to count before the first roster)."""
    from store.rosters.coverage import covered_by_village, has_rosters
    from store.rosters.checks import confirmed_by_village

    if not has_rosters():
        return
    confirmed, unconfirmed = confirmed_by_village(campaign_id, start, end)
    for key, counts in (("covered", covered_by_village(campaign_id)), ("new_confirmed", confirmed),
                        ("new_unconfirmed", unconfirmed)):
        for vid, n in counts.items():
            if vid in rows:
                setattr(rows[vid], key, n)


def _add_benefit(row: VillageProgress | None, btype: str, n: int, fen: int, households: int) -> None:
    """Add one (type, count, amount, households) group of included benefits to a village row."""
    if row is None:
        return
    row.included[btype] = row.included.get(btype, 0) + n
    column = BENEFIT_COLUMN.get(btype)
    if column is None:
        return
    setattr(row, column, getattr(row, column) + n)
    if btype in HOUSEHOLD_COLUMN:
        setattr(row, HOUSEHOLD_COLUMN[btype], getattr(row, HOUSEHOLD_COLUMN[btype]) + households)
    if column == "temp_count":
        row.temp_amount += (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def town_totals(rows: list[VillageProgress], name: str = "合计") -> VillageProgress:
    """The 合计 row: every count and amount summed, rates recomputed from the sums."""
    total = VillageProgress(None, name)
    for f in fields(VillageProgress):
        if f.name in ("id", "name", "behind"):
            continue
        if f.name in ("by_category", "included"):
            merged = getattr(total, f.name)
            for r in rows:
                for key, n in getattr(r, f.name).items():
                    merged[key] = merged.get(key, 0) + n
        else:
            setattr(total, f.name, sum((getattr(r, f.name) for r in rows), getattr(total, f.name)))
    return total


def campaign_phases(campaign_id: int) -> list[tuple[str, dt.date, dt.date]]:
    """(name, start, end) of the campaign's phases in order, those with a date that cannot be read
    left out (store.campaign.phases.dated)."""
    return dated(stored_phases(campaign_id))


def expected_from_phases(phases: list[tuple[str, dt.date, dt.date]], as_of: dt.date) -> float | None:
    """Fraction of visits expected by `as_of` under the default phase targets (store.reports.pace)."""
    return pace.expected_from_phases(phases, as_of)


def expected_share(campaign_id: int, as_of: dt.date) -> float | None:
    """Fraction of visits the campaign's phases expect by `as_of`; None without usable phases."""
    return pace.expected_from_phases(campaign_phases(campaign_id), as_of, pace.phase_targets(campaign_id))


def pace_context(rows: list[VillageProgress], campaign, as_of: dt.date | None = None) -> PaceContext:
    """The town median, the expected share and the phase of the day (store.reports.pace)."""
    cid = getattr(campaign, "id", campaign)
    return pace.context([r.visit_rate for r in rows], campaign_phases(cid), as_of or dt.date.today(),
                        pace.phase_targets(cid))


def pace_reference(rows: list[VillageProgress], campaign, as_of: dt.date | None = None):
    """(median visited share of the villages with cases, expected share) as fractions or None."""
    ctx = pace_context(rows, campaign, as_of)
    return ctx.median, ctx.expected


pace_marks = pace.pace_marks


def pace_reasons(rows: list[VillageProgress], campaign, as_of: dt.date | None = None) -> dict[int, str]:
    """{village id: RULE_MEDIAN or RULE_PHASE} for every village behind the pace."""
    ctx = pace_context(rows, campaign, as_of)
    out: dict[int, str] = {}
    for r in rows:
        found = pace.reasons_for(r.visit_rate, ctx)
        if found and r.id is not None:  # the town's total (id None) is never a village behind
            out[r.id] = found[0]
    return out


def behind_pace(rows: list[VillageProgress], campaign, as_of: dt.date | None = None) -> set[int]:
    """Ids of the villages behind the pace; `campaign` is an id or anything with `.id`."""
    return set(pace_reasons(rows, campaign, as_of))
