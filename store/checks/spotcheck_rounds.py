"""Stored spot-check rounds: save a draw, re-derive it, list rounds and their checks, record results.

Recording 不合格 creates a problem (source 抽查, linked to the case and the check, village of the
case) with its rectification (deadline: check date + 15 days) in the same transaction. Changing
the result away from 不合格 soft-deletes that problem (a mis-keyed result is undone, restorable,
and restored if the result goes back to 不合格), unless its rectification already has progress, a
done date or evidence: then the change is refused, because that rectification is real work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from store import audit
from store.checks import problems
from store.cases.cases import set_deleted, require_campaign
from store.common import as_date, case_categories, category_text, get_row, optional, required, stored_date, update_row
from store.errors import ValidationError
from store.schema import Problem, Rectification, SpotCheck, SpotCheckRound, db
from store.checks.spotcheck import POPULATIONS, Draw, DrawParams, draw, params_from_json, params_json

RESULTS = ["合格", "不合格", "无法核实"]


def save_round(params: DrawParams, *, date: Any, checker: str | None = None,
               campaign_id: int | None = None) -> tuple[SpotCheckRound, Draw]:
    """Draw and store a round with its seed, parameters and one SpotCheck row per sampled case."""
    day = as_date(date, "date", "抽查日期")
    with db.atomic():
        camp = require_campaign(campaign_id)
        _check_round_date(camp, day)
        d = draw(params, camp.id)
        if not d.sample:
            raise ValidationError("抽查范围内没有排查对象，未保存", field="villages")
        p = d.params
        rnd = SpotCheckRound.create(campaign=camp.id, date=day, checker=optional(checker),
                                    population=POPULATIONS[p.population], ratio=p.ratio, count=p.count,
                                    seed=p.seed, params=params_json(d))
        SpotCheck.insert_many([(rnd.id, s.case_id) for s in d.sample],
                              fields=[SpotCheck.round, SpotCheck.case]).execute()
        audit.log("create", "spot_check_round", rnd.id, None,
                  {**audit.snapshot(rnd), "cases": [s.case_id for s in d.sample]})
    return rnd, d


ROUND_DATE_BEFORE = dt.timedelta(days=30)  # a round may be dated this long before the first phase
ROUND_DATE_AFTER = dt.timedelta(days=365)  # ... and this long after the last phase or the report due date
ROUND_DATE_AHEAD = dt.timedelta(days=30)  # results are recorded between the round's date and today


def _check_round_date(camp, day: dt.date) -> None:
    """Refuse a round dated where its results could never be recorded (9999-12-31) or far outside
    the campaign: results must fall between the round's date and today."""
    from store.campaign.phases import stored_phases

    phases = stored_phases(camp.id)  # a phase date that cannot be read bounds nothing
    ends = [p.end for p in phases if p.end is not None] + ([camp.report_due] if camp.report_due else [])
    first = min((p.start for p in phases if p.start is not None), default=None)
    latest = dt.date.today() + ROUND_DATE_AHEAD
    if ends:
        latest = min(latest, max(ends) + ROUND_DATE_AFTER)
    if day > latest:
        raise ValidationError(f"抽查日期 {day} 太晚：最晚可到 {latest}（抽查结果只能记在抽查日期到今天之间，"
                              "且不超出本次整治工作一年）", field="date")
    if first and day < first - ROUND_DATE_BEFORE:
        raise ValidationError(f"抽查日期 {day} 早于本次整治工作（{first} 开始）一个月以上，请检查日期",
                              field="date")


@dataclass(frozen=True)
class Rederived:
    """A round's stored sample against the one its parameters give today."""

    matches: bool
    stored: list[int]
    drawn: list[int]
    missing: list[int]  # stored, no longer drawn
    extra: list[int]  # drawn now, not stored


def rederive(round_id: int) -> Rederived:
    """Recompute the sample from the round's stored parameters and compare it with the stored one."""
    rnd = get_row(SpotCheckRound, round_id, "抽查轮次", live=False)
    stored = sorted(c for (c,) in SpotCheck.select(SpotCheck.case).where(SpotCheck.round == rnd.id).tuples())
    try:
        now = sorted(s.case_id for s in draw(params_from_json(rnd.params), rnd.campaign_id).sample)
    except ValidationError:
        now = []
    return Rederived(stored == now, stored, now, sorted(set(stored) - set(now)), sorted(set(now) - set(stored)))


def delete_round(round_id: int) -> None:
    """Delete a round that has no recorded result yet (a draw saved by mistake)."""
    with db.atomic():
        rnd = get_row(SpotCheckRound, round_id, "抽查轮次", live=False)
        done = SpotCheck.select().where(SpotCheck.round == rnd.id, SpotCheck.result.is_null(False)).count()
        if done:
            raise ValidationError(f"该轮抽查已记录 {done} 个结果，不能删除")
        before = audit.snapshot(rnd)
        rnd.delete_instance(recursive=True)
        audit.log("delete", "spot_check_round", before["id"], before, None)


@dataclass(frozen=True)
class RoundRow:
    """A round for the list of rounds."""

    id: int
    date: dt.date
    checker: str
    population: str
    ratio: str | None
    count: int | None
    seed: int
    villages: str
    total: int
    recorded: int
    failed: int


def _village_names(ids: list[int]) -> list[str]:
    """Village names in village order (rounds stored without their names)."""
    from store.schema import Village

    query = Village.select(Village.name).where(Village.id.in_(ids)).order_by(Village.seq, Village.id)
    return [name for (name,) in query.tuples()]


def rounds(campaign_id: int) -> list[RoundRow]:
    """The campaign's rounds, newest first, with their progress."""
    import json

    out = []
    query = SpotCheckRound.select().where(SpotCheckRound.campaign == campaign_id)
    for r in query.order_by(SpotCheckRound.date.desc(), SpotCheckRound.id.desc()):
        total, recorded, failed = db.execute_sql(
            "SELECT count(*), count(result), coalesce(sum(result = '不合格'), 0) FROM \"spot_check\" WHERE round_id = ?",
            (r.id,)).fetchone()
        params = json.loads(r.params or "{}")
        names = "、".join(params.get("village_names") or _village_names(params.get("villages") or []))
        out.append(RoundRow(r.id, r.date, r.checker or "", r.population, r.ratio, r.count, r.seed, names,
                            total, recorded, failed))
    return out


@dataclass(frozen=True)
class CheckRow:
    """One case of a round on the recording screen."""

    check_id: int
    case_id: int
    village: str
    person: str
    categories: str
    status: str
    result: str | None
    findings: str
    date: dt.date | None
    problem_id: int | None


_CHECKS_SQL = (
    "SELECT s.id, c.id, coalesce(v.name, ''), p.name, c.status, s.result, coalesce(s.findings, ''), s.date, "
    '(SELECT min(pr.id) FROM "problem" pr WHERE pr.spot_check_id = s.id AND pr.deleted_at IS NULL) '
    'FROM "spot_check" s JOIN "case" c ON c.id = s.case_id JOIN "person" p ON p.id = c.person_id '
    'LEFT JOIN "village" v ON v.id = p.village_id WHERE s.round_id = ? ORDER BY v.seq, v.id, s.id'
)


def round_checks(round_id: int) -> list[CheckRow]:
    """A round's cases (village, person, categories, status, result) in village order."""
    rows = db.execute_sql(_CHECKS_SQL, (round_id,)).fetchall()
    cats = case_categories(r[1] for r in rows)
    return [CheckRow(r[0], r[1], r[2], r[3], category_text(cats[r[1]]), r[4], r[5], r[6],
                     stored_date(r[7]), r[8]) for r in rows]


def _linked_problem(check_id: int) -> Problem | None:
    """The problem created for a check (live or soft-deleted), if any."""
    return Problem.select().where(Problem.spot_check == check_id).order_by(Problem.id).first()


def _fail(check: SpotCheck, findings: str, day: dt.date, kind: str) -> int:
    """Create (or restore and refresh) the check's problem; return its id."""
    problem = _linked_problem(check.id)
    if problem is None:
        return problems.create_problem(
            source="抽查", kind=kind, description=findings, found_on=day, case_id=check.case_id,
            found_by=check.round.checker, spot_check_id=check.id, member_id=None,
            campaign_id=check.round.campaign_id).id
    if problem.deleted_at:
        set_deleted(Problem, problem.id, restore=True)
    update_row(Problem.get_by_id(problem.id), {"description": findings, "kind": kind})
    return problem.id


def _unfail(check: SpotCheck) -> None:
    """Soft-delete the check's live problem, refusing when its rectification holds real work."""
    problem = _linked_problem(check.id)
    if problem is None or problem.deleted_at:
        return
    fix = Rectification.get_or_none(Rectification.problem == problem.id)
    if fix and (fix.progress or fix.done_on or fix.evidence):
        raise ValidationError("该不合格问题已有整改记录（进展、完成日期或佐证），不能改判；请在整改清单中处理", field="result")
    set_deleted(Problem, problem.id, restore=False)


def record_result(check_id: int, result: str | None, findings: str | None = None, date: Any = None,
                  *, problem_kind: str = "其他") -> CheckRow:
    """Record (or clear with None) a check's result; 不合格 needs findings and makes a problem."""
    if result is not None and result not in RESULTS:
        raise ValidationError(f"无效的抽查结果：{result}（可选：{'、'.join(RESULTS)}）", field="result")
    day = as_date(date, "date", "核查日期", allow_none=True) or dt.date.today()
    text = required(findings, "findings", "发现的问题") if result == "不合格" else optional(findings)
    if problem_kind not in problems.KINDS:
        raise ValidationError(f"无效的问题类型：{problem_kind}", field="kind")
    with db.atomic():
        check = get_row(SpotCheck, check_id, "抽查记录", live=False)
        if day < check.round.date or day > dt.date.today():
            raise ValidationError("核查日期应在抽查日期和今天之间", field="date")
        if result == "不合格":
            assert text is not None  # required() above: 不合格 always has its findings
            _fail(check, text, day, problem_kind)
        else:
            _unfail(check)
        update_row(check, {"result": result, "findings": text, "date": day if result else None})
    return next(r for r in round_checks(check.round_id) if r.check_id == check.id)
