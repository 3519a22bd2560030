"""The one pace rule: which villages are 落后 (dashboard, progress table, report) and which the
office might 通报 (dashboard, report). Every screen and paper asks this module.

The expected visited share is campaign data: a target for the END of each phase (PHASE_TARGETS,
overridable by the JSON setting 「phase_expected」 for every campaign, or 「phase_expected.<id>」
for one), reached evenly through the phase from the previous phase's target. 谋划部署 plans and
trains (target 0): nothing is expected while planning, so before 推动落实 starts no village is
behind. From then on a village with cases is behind when its visited share is more than 15 points
below the median share of the town's villages, or below the share expected on the day.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from dataclasses import dataclass

from store import settings

MEDIAN_GAP = 0.15
EPSILON = 1e-9  # shares are float fractions: 0.5 vs 0.65 - 0.15 must compare equal
WORK_PHASE = "推动落实"
# Visited share expected by the END of each phase: 推动落实 visits every listed household (90%
# allows for a few who cannot be reached), 总结评价 closes the campaign with everyone visited.
PHASE_TARGETS = {"谋划部署": 0.0, "推动落实": 0.9, "总结评价": 1.0}
SETTING_KEY = "phase_expected"
RULE_MEDIAN = "低于全镇中位数15个百分点以上"
RULE_PHASE = "低于阶段应完成进度"
PACE_RULE_TEXT = (
    "进度落后：已走访比例比全镇中位数低15个百分点以上（" + RULE_MEDIAN + "），"
    "或低于当日应完成的比例（" + RULE_PHASE + "）。应完成比例按阶段推进：谋划部署阶段不要求走访，"
    "推动落实阶段结束时应达到90%，总结评价阶段结束时应达到100%，阶段内按天平均推进。"
    "「推动落实」阶段开始前不判定落后。建议通报的村（居）就是进度落后、本阶段尚未通报或约谈的村（居）。"
)


def phase_targets(campaign_id: int | None = None) -> dict[str, float]:
    """Expected share by the end of each phase: defaults, the town's setting, the campaign's setting."""
    targets = dict(PHASE_TARGETS)
    keys = [SETTING_KEY] + ([f"{SETTING_KEY}.{campaign_id}"] if campaign_id is not None else [])
    for key in keys:
        raw = settings.get(key)
        if not raw:
            continue
        try:
            targets.update({str(k): min(1.0, max(0.0, float(v))) for k, v in json.loads(raw).items()})
        except (ValueError, TypeError, AttributeError):
            pass  # a broken setting falls back to the defaults
    return targets


def expected_from_phases(phases: list[tuple[str, dt.date, dt.date]], as_of: dt.date,
                         targets: dict[str, float] | None = None) -> float | None:
    """Fraction of visits expected by `as_of` from (name, start, end) phases in order; None without
    phases. Phases whose names have no target run the whole span evenly from 0 to 1."""
    if not phases:
        return None
    targets = PHASE_TARGETS if targets is None else targets
    if not any(p[0] in targets for p in phases):
        start, end = phases[0][1], phases[-1][2]
        return None if end <= start else min(1.0, max(0.0, (as_of - start).days / (end - start).days))
    before = 0.0
    for name, start, end in phases:
        target = targets.get(name, before)
        if as_of < start:
            return before
        if as_of <= end:
            part = (as_of - start).days / (end - start).days if end > start else 1.0
            return before + (target - before) * part
        before = target
    return before


@dataclass(frozen=True)
class PaceContext:
    """What the rule compares against on a day: the town median, the expected share, the phase."""

    median: float | None
    expected: float | None
    phase: str
    phase_start: dt.date | None


def current_phase(phases: list[tuple[str, dt.date, dt.date]], as_of: dt.date) -> tuple[str, dt.date | None]:
    """(name, start) of the phase `as_of` falls in, else of the last phase begun; ("", None) before."""
    begun = [p for p in phases if p[1] <= as_of]
    if not begun:
        return "", None
    inside = [p for p in begun if as_of <= p[2]]
    name, start, _end = (inside or begun)[-1]
    return name, start


def context(shares: list[float | None], phases, as_of: dt.date, targets: dict[str, float]) -> PaceContext:
    """The median of the known shares and the expected share on the day."""
    known = [s for s in shares if s is not None]
    phase, start = current_phase(phases, as_of)
    return PaceContext(statistics.median(known) if known else None,
                       expected_from_phases(phases, as_of, targets), phase, start)


def reasons_for(share: float | None, ctx: PaceContext) -> tuple[str, ...]:
    """Every rule a share breaks (RULE_MEDIAN, RULE_PHASE); empty before visits are due."""
    if share is None or ctx.median is None or (ctx.expected is not None and ctx.expected <= 0):
        return ()
    out = []
    if share < ctx.median - MEDIAN_GAP - EPSILON:  # exactly 15 points below is not yet behind
        out.append(RULE_MEDIAN)
    if ctx.expected is not None and share < ctx.expected - EPSILON:
        out.append(RULE_PHASE)
    return tuple(out)


def pace_marks(shares: dict, expected: float | None) -> dict:
    """{key: first reason} for the shares (fractions; None = no cases) behind the pace."""
    known = [v for v in shares.values() if v is not None]
    ctx = PaceContext(statistics.median(known) if known else None, expected, "", None)
    out = {}
    for key, share in shares.items():
        found = reasons_for(share, ctx)
        if found:
            out[key] = found[0]
    return out


def explain(name: str, visited: int, listed: int, ctx: PaceContext) -> str:
    """One line for the dashboard: the village's share against the median and the expected share."""
    if not listed:
        return f"{name}：没有排查对象"
    share = visited / listed
    head = f"{name}：入户走访{visited}/{listed}人（{share:.0%}）"
    if ctx.median is None or ctx.expected is None or ctx.expected <= 0:
        return head + "，「推动落实」阶段开始前不要求走访，不判定落后"
    ref = f"，全镇中位数{ctx.median:.0%}，当日应完成{ctx.expected:.0%}"
    found = reasons_for(share, ctx)
    return head + ref + ("，进度落后：" + "、".join(found) if found else "，进度正常")
