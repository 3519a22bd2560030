"""Per-village reviews: 验收, 群众满意度测评, 通报/约谈, and the notices the dashboard suggests.

The villages suggested for a 通报 are those behind the pace on the day under store.reports.pace's rule
(the same rule that marks 落后 on the dashboard and the progress table) that have had no 通报 or
约谈 since the current phase began. The expected shares per phase are campaign data (store.reports.pace).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from store import audit
from store.reports import pace
from store.common import as_date, get_row, hard_delete, one_of, optional, update_row
from store.errors import ValidationError
from store.schema import Acceptance, Notice, SatisfactionSurvey, Village, db

ACCEPTANCE_RESULTS = ["合格", "基本合格", "不合格"]
NOTICE_KINDS = ["通报", "约谈"]
PHASE_EXPECTED = pace.PHASE_TARGETS
SETTING_KEY = pace.SETTING_KEY
MODELS = {"acceptance": Acceptance, "survey": SatisfactionSurvey, "notice": Notice}


def _save(model, row_id: int | None, data: dict[str, Any]):
    """Create a row, or update the given one, audited."""
    with db.atomic():
        get_row(Village, data["village"], "村（居）", live=False)
        if row_id is None:
            row = model.create(**data)
            audit.log_row("create", row)
            return row
        return update_row(get_row(model, row_id, "记录", live=False), data)


def record_acceptance(village_id: int, date: Any, result: str, notes: str | None = None,
                      *, row_id: int | None = None) -> Acceptance:
    """Record (or correct, with row_id) a village's 验收."""
    data = {"village": village_id, "date": as_date(date, "date", "验收日期"),
            "result": one_of(result, ACCEPTANCE_RESULTS, "result", "验收结果"), "notes": optional(notes)}
    return _save(Acceptance, row_id, data)


def _count(value: Any, field: str, label: str) -> int:
    """A whole number of people, zero or more."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"{label}应为整数：{value}", field=field) from None
    if number < 0:
        raise ValidationError(f"{label}不能为负数", field=field)
    return number


def record_survey(village_id: int, date: Any, surveyed: Any, satisfied: Any, basically: Any,
                  unsatisfied: Any, *, row_id: int | None = None) -> SatisfactionSurvey:
    """Record (or correct) a 满意度测评; 满意 + 基本满意 + 不满意 must equal the number surveyed."""
    n = _count(surveyed, "surveyed", "测评人数")
    parts = [_count(satisfied, "satisfied", "满意人数"), _count(basically, "basically", "基本满意人数"),
             _count(unsatisfied, "unsatisfied", "不满意人数")]
    if n == 0:
        raise ValidationError("测评人数应大于 0", field="surveyed")
    if sum(parts) != n:
        raise ValidationError(f"满意、基本满意、不满意合计 {sum(parts)} 人，与测评人数 {n} 人不符", field="surveyed")
    data = {"village": village_id, "date": as_date(date, "date", "测评日期"), "surveyed": n,
            "satisfied": parts[0], "basically": parts[1], "unsatisfied": parts[2]}
    return _save(SatisfactionSurvey, row_id, data)


def satisfaction(survey: SatisfactionSurvey) -> tuple[Fraction, str]:
    """The rate (满意 + 基本满意) / surveyed, and its text with the count: 「93.3%（42/45人）」."""
    good = survey.satisfied + survey.basically
    rate = Fraction(good, survey.surveyed)
    return rate, f"{float(rate) * 100:.1f}%（{good}/{survey.surveyed}人）"


def record_notice(village_id: int, date: Any, kind: str, reason: str | None = None,
                  *, row_id: int | None = None) -> Notice:
    """Record (or correct) a 通报 or 约谈 of a village."""
    data = {"village": village_id, "date": as_date(date, "date", "日期"),
            "kind": one_of(kind, NOTICE_KINDS, "kind", "类型"), "reason": optional(reason)}
    return _save(Notice, row_id, data)


def delete_review(kind: str, row_id: int) -> None:
    """Delete an acceptance, survey or notice entered by mistake (kept in the audit log)."""
    if kind not in MODELS:
        raise ValidationError(f"未知的记录类型：{kind}")
    hard_delete(get_row(MODELS[kind], row_id, "记录", live=False))


@dataclass(frozen=True)
class VillageReview:
    """A village's latest acceptance and survey, and its notices."""

    village_id: int
    village: str
    acceptance: str
    accepted_on: dt.date | None
    survey_rate: str
    surveyed_on: dt.date | None
    notices: int
    last_notice: str


def _latest(model, village_id: int):
    """The latest row of a model for a village."""
    return model.select().where(model.village == village_id).order_by(model.date.desc(), model.id.desc()).first()


def village_reviews() -> list[VillageReview]:
    """Every village in order with its latest 验收, 满意度 and its 通报/约谈."""
    out = []
    for v in Village.select().order_by(Village.seq, Village.id):
        acc, sur, note = _latest(Acceptance, v.id), _latest(SatisfactionSurvey, v.id), _latest(Notice, v.id)
        count = Notice.select().where(Notice.village == v.id).count()
        out.append(VillageReview(v.id, v.name, acc.result if acc else "", acc.date if acc else None,
                                 satisfaction(sur)[1] if sur else "", sur.date if sur else None, count,
                                 f"{note.date} {note.kind}" if note else ""))
    return out


@dataclass(frozen=True)
class ReviewLine:
    """One 验收, 测评 or 通报/约谈 row of a village, for its list."""

    kind: str  # acceptance, survey, notice
    row_id: int
    date: dt.date
    label: str
    text: str


def review_lines(village_id: int) -> list[ReviewLine]:
    """Every 验收, 满意度测评 and 通报/约谈 of a village, newest first."""
    out = [ReviewLine("acceptance", a.id, a.date, "验收", f"{a.result}{'：' + a.notes if a.notes else ''}")
           for a in Acceptance.select().where(Acceptance.village == village_id)]
    out += [ReviewLine("survey", s.id, s.date, "满意度测评",
                       f"满意度 {satisfaction(s)[1]}，满意 {s.satisfied}、基本满意 {s.basically}、不满意 {s.unsatisfied}")
            for s in SatisfactionSurvey.select().where(SatisfactionSurvey.village == village_id)]
    out += [ReviewLine("notice", n.id, n.date, n.kind, n.reason or "")
            for n in Notice.select().where(Notice.village == village_id)]
    return sorted(out, key=lambda r: (r.date, r.kind, r.row_id), reverse=True)


def expected_shares(campaign_id: int | None = None) -> dict[str, float]:
    """The expected visited share by the end of each phase (defaults, then the settings)."""
    return pace.phase_targets(campaign_id)


@dataclass(frozen=True)
class NoticeSuggestion:
    """A village behind the pace on the day, with the reasons."""

    village_id: int
    village: str
    phase: str
    since: dt.date | None  # the current phase's first day: a notice since then counts
    cases: int
    visited: int
    share: float
    median: float
    expected: float
    reasons: tuple[str, ...]
    noticed_on: dt.date | None  # a 通报/约谈 already given since the phase began


def _reason_text(reason: str, share: float, ctx) -> str:
    """A reason with the figures: 「走访进度 50% 低于全镇中位数 80% 15个百分点以上」."""
    if reason == pace.RULE_MEDIAN:
        return f"走访进度 {share:.0%} 低于全镇中位数 {ctx.median:.0%} 15个百分点以上"
    return f"走访进度 {share:.0%} 低于{ctx.phase}阶段截至当日应达到的 {ctx.expected:.0%}"


def suggest_notices(campaign_id: int, today: dt.date | None = None, *, rows=None, ctx=None) -> list[NoticeSuggestion]:
    """Villages to consider for a 通报 (store.reports.pace's 落后), slowest first; `rows` and `ctx` are
    store.reports.stats.village_progress and pace_context for the day when the caller has them."""
    from store.reports.stats import pace_context, village_progress

    today = today or dt.date.today()
    rows = village_progress(campaign_id, today, [], mark=False) if rows is None else rows
    ctx = pace_context(rows, campaign_id, today) if ctx is None else ctx
    out = []
    for r in rows:
        found = pace.reasons_for(r.visit_rate, ctx)
        if not found:
            continue
        query = Notice.select().where(Notice.village == r.id)
        if ctx.phase_start is not None:
            query = query.where(Notice.date >= ctx.phase_start)
        last = query.where(Notice.date <= today).order_by(Notice.date.desc()).first()
        out.append(NoticeSuggestion(r.id, r.name, ctx.phase, ctx.phase_start, r.listed, r.visited, r.visit_rate,
                                    ctx.median, ctx.expected or 0.0,
                                    tuple(_reason_text(x, r.visit_rate, ctx) for x in found),
                                    last.date if last else None))
    return sorted(out, key=lambda s: (s.share, s.village_id))
