"""Per-village progress figures of a campaign as of a date, town totals and the pace rule.

Shared by the progress export, the written report and (later) the TUI dashboard.

Counting rules (as of day D, campaign window W = first day of the campaign's first phase .. D):
- 名单人数: live cases of live persons of the village created on or before D; by category 1-7 a
  case hit by two categories counts once in each.
- 已走访: status past 待排查; 已研判: a conclusion is set; 符合 / 不符合 by conclusion.
- 新纳入: benefits whose status is 纳入 or 审核确认 with status_on inside W. 低保 and 单人户
  (低保单人户) are separate columns; 特困 = 特困分散 + 特困集中; 孤儿·事实无人抚养 counted together;
  临时救助 = 急难型 + 支出型 (人次 and 金额).
- 动态监测: cases in status 动态监测.
- 已抽查: spot checks of the campaign's rounds with a result, dated on or before D;
  合格率 = 合格 / (合格 + 不合格 + 无法核实).
- 问题数: live problems found on or before D; 已整改: their rectification done on or before D.
- 满意度: the village's latest survey inside W: (满意 + 基本满意) / 测评人数.

Pace rule (`behind_pace`): visits are due from the first day of the 推动落实 phase (the plan's
谋划部署 is for planning and training, not visits), spread evenly to the end of that phase. Before
visits are due nothing is expected and no village is behind. From then on a village with cases is
behind when its visited share is more than 15 points below the median share of the town's villages,
or below the share the calendar expects by D.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field, fields
from decimal import Decimal

from .schema import Phase, db

MEDIAN_GAP = 0.15
EPSILON = 1e-9  # shares are float fractions: 0.5 vs 0.65 - 0.15 must compare equal
WORK_PHASE = "推动落实"
RULE_MEDIAN = "低于全镇中位数15个百分点以上"
RULE_PHASE = "低于阶段应完成进度"
PACE_RULE_TEXT = (
    "进度落后：已走访比例比全镇中位数低15个百分点以上（" + RULE_MEDIAN + "），"
    "或低于按日历应完成的比例（从「推动落实」阶段开始到结束平均推进，" + RULE_PHASE + "）。"
    "「推动落实」阶段开始前不要求走访，不判定落后。"
)
INCLUDED = ("纳入", "审核确认")
BENEFIT_COLUMN = {
    "低保": "new_dibao", "低保单人户": "new_single", "特困分散": "new_tekun", "特困集中": "new_tekun",
    "孤儿": "new_children", "事实无人抚养儿童": "new_children", "低保边缘": "new_edge",
    "临时救助急难型": "temp_count", "临时救助支出型": "temp_count",
}


@dataclass
class VillageProgress:
    """One village's figures (or the town's, from `town_totals`)."""

    id: int | None
    name: str
    listed: int = 0
    by_category: dict[int, int] = field(default_factory=lambda: {code: 0 for code in range(1, 8)})
    visited: int = 0
    assessed: int = 0
    eligible: int = 0
    ineligible: int = 0
    new_dibao: int = 0
    new_single: int = 0
    new_tekun: int = 0
    new_children: int = 0
    temp_count: int = 0
    temp_amount: Decimal = Decimal("0.00")
    new_edge: int = 0
    monitoring: int = 0
    checked: int = 0
    check_passed: int = 0
    check_judged: int = 0
    problems: int = 0
    rectified: int = 0
    surveyed: int = 0
    satisfied: int = 0

    @property
    def visit_rate(self) -> float | None:
        """已走访 / 名单人数 as a fraction, None without cases."""
        return self.visited / self.listed if self.listed else None

    @property
    def pass_rate(self) -> float | None:
        """合格 / (合格 + 不合格 + 无法核实), None before any result."""
        return self.check_passed / self.check_judged if self.check_judged else None

    @property
    def satisfaction(self) -> float | None:
        """(满意 + 基本满意) / 测评人数, None without a survey."""
        return self.satisfied / self.surveyed if self.surveyed else None


def campaign_start(campaign_id: int) -> dt.date | None:
    """The first day of the campaign's first phase (None without phases)."""
    first = Phase.select().where(Phase.campaign == campaign_id).order_by(Phase.start).first()
    return first.start if first else None


def window(campaign_id: int, as_of: dt.date) -> tuple[str, str]:
    """The campaign window as ISO dates: first phase start (or 1 Jan of as_of's year) .. as_of."""
    start = campaign_start(campaign_id) or dt.date(as_of.year, 1, 1)
    return start.isoformat(), as_of.isoformat()


_LIVE = ("c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.campaign_id = ? "
         "AND date(c.created_at) <= ?")
_CASES = ('FROM "case" c JOIN "person" p ON p.id = c.person_id WHERE ' + _LIVE)
_SQL = {
    "villages": 'SELECT id, name FROM "village" ORDER BY seq, id',
    # total(): 0 where every row compares NULL (no conclusion yet: every case on the first day)
    "base": ('SELECT p.village_id, count(*), total(c.status != \'待排查\'), total(c.conclusion IS NOT NULL), '
             "total(c.conclusion = '符合'), total(c.conclusion = '不符合'), total(c.status = '动态监测') "
             + _CASES + " GROUP BY p.village_id"),
    "categories": ('SELECT p.village_id, k.code, count(*) FROM "case_category" cc '
                   'JOIN "category" k ON k.id = cc.category_id JOIN "case" c ON c.id = cc.case_id '
                   'JOIN "person" p ON p.id = c.person_id WHERE ' + _LIVE + " GROUP BY 1, 2"),
    "benefits": ('SELECT p.village_id, b.type, count(*), coalesce(sum(b.amount), 0) FROM "benefit" b '
                 'JOIN "case" c ON c.id = b.case_id JOIN "person" p ON p.id = c.person_id WHERE ' + _LIVE
                 + " AND b.deleted_at IS NULL AND b.status IN ('纳入', '审核确认') "
                 "AND b.status_on BETWEEN ? AND ? GROUP BY 1, 2"),
    "checks": ('SELECT p.village_id, count(*), coalesce(sum(s.result = \'合格\'), 0), '
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


def village_progress(campaign_id: int, as_of: dt.date | None = None) -> list[VillageProgress]:
    """Every village of the town, in its order, with its figures as of `as_of` (default today)."""
    as_of = as_of or dt.date.today()
    day, (start, end) = as_of.isoformat(), window(campaign_id, as_of)
    rows = {vid: VillageProgress(vid, name) for vid, name in _fetch("villages", ())}
    for vid, listed, visited, assessed, eligible, ineligible, monitoring in _fetch("base", (campaign_id, day)):
        if vid in rows:
            r = rows[vid]
            r.listed, r.visited, r.assessed, r.eligible, r.ineligible, r.monitoring = (
                listed, int(visited), int(assessed), int(eligible), int(ineligible), int(monitoring))
    for vid, code, n in _fetch("categories", (campaign_id, day)):
        if vid in rows and code in rows[vid].by_category:
            rows[vid].by_category[code] = n
    for vid, btype, n, fen in _fetch("benefits", (campaign_id, day, start, end)):
        _add_benefit(rows.get(vid), btype, n, fen)
    for vid, n, passed, judged in _fetch("checks", (campaign_id, day)):
        if vid in rows:
            rows[vid].checked, rows[vid].check_passed, rows[vid].check_judged = n, passed, judged
    for vid, n, done in _fetch("problems", (day, campaign_id, day)):
        if vid in rows:
            rows[vid].problems, rows[vid].rectified = n, done
    for vid, surveyed, satisfied in _fetch("surveys", (start, end)):
        if vid in rows:
            rows[vid].surveyed, rows[vid].satisfied = surveyed, satisfied
    return list(rows.values())


def _add_benefit(row: VillageProgress | None, btype: str, n: int, fen: int) -> None:
    """Add one (type, count, amount) group of included benefits to a village row."""
    column = BENEFIT_COLUMN.get(btype)
    if row is None or column is None:
        return
    setattr(row, column, getattr(row, column) + n)
    if column == "temp_count":
        row.temp_amount += (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def town_totals(rows: list[VillageProgress]) -> VillageProgress:
    """The 合计 row: every count and amount summed, rates recomputed from the sums."""
    total = VillageProgress(None, "合计")
    for f in fields(VillageProgress):
        if f.name in ("id", "name"):
            continue
        if f.name == "by_category":
            for r in rows:
                for code, n in r.by_category.items():
                    total.by_category[code] = total.by_category.get(code, 0) + n
        else:
            setattr(total, f.name, sum((getattr(r, f.name) for r in rows), getattr(total, f.name)))
    return total


def expected_from_phases(phases: list[tuple[str, dt.date, dt.date]], as_of: dt.date) -> float | None:
    """Fraction of visits the calendar expects by `as_of`, from (name, start, end) phases: 0 until the
    推动落实 phase starts (the first phase when there is none of that name), 1 from its end."""
    if not phases:
        return None
    work = next((p for p in phases if p[0] == WORK_PHASE), None)
    start = work[1] if work else min(p[1] for p in phases)
    end = work[2] if work else phases[-1][2]
    if end <= start:
        return None
    return min(1.0, max(0.0, (as_of - start).days / (end - start).days))


def expected_share(campaign_id: int, as_of: dt.date) -> float | None:
    """Fraction of visits the calendar expects by `as_of`; None without usable phases."""
    phases = Phase.select().where(Phase.campaign == campaign_id).order_by(Phase.seq)
    return expected_from_phases([(p.name, p.start, p.end) for p in phases], as_of)


def pace_reference(rows: list[VillageProgress], campaign, as_of: dt.date | None = None):
    """(median visited share of the villages with cases, expected share) as fractions or None."""
    shares = [r.visit_rate for r in rows if r.listed]
    median = statistics.median(shares) if shares else None
    return median, expected_share(getattr(campaign, "id", campaign), as_of or dt.date.today())


def pace_marks(shares: dict, expected: float | None) -> dict:
    """{key: reason} for the shares (fractions; None = no cases) behind the pace (module docstring)."""
    known = [v for v in shares.values() if v is not None]
    if not known or (expected is not None and expected <= 0):
        return {}  # nothing visited anywhere, or visits not due yet
    median, out = statistics.median(known), {}
    for key, share in shares.items():
        if share is None:
            continue
        if share < median - MEDIAN_GAP - EPSILON:  # exactly 15 points below is not yet behind
            out[key] = RULE_MEDIAN
        elif expected is not None and share < expected - EPSILON:
            out[key] = RULE_PHASE
    return out


def pace_reasons(rows: list[VillageProgress], campaign, as_of: dt.date | None = None) -> dict[int, str]:
    """{village id: RULE_MEDIAN or RULE_PHASE} for every village behind the pace."""
    expected = expected_share(getattr(campaign, "id", campaign), as_of or dt.date.today())
    return pace_marks({r.id: r.visit_rate for r in rows}, expected)


def behind_pace(rows: list[VillageProgress], campaign, as_of: dt.date | None = None) -> set[int]:
    """Ids of the villages behind the pace; `campaign` is an id or anything with `.id`."""
    return set(pace_reasons(rows, campaign, as_of))
