"""The dashboard's numbers: one row per village, town totals, pace marks, the header's dates.

The pace rule is store.stats's (the same one the progress export shades): see PACE_RULE_TEXT.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from . import settings
from .overdue import overdue_items
from .queries import active_campaign, holds_data
from .schema import db
from .stats import PACE_RULE_TEXT, RULE_MEDIAN, RULE_PHASE, expected_from_phases, pace_marks

__all__ = ["PACE_RULE_TEXT", "RULE_MEDIAN", "RULE_PHASE", "VillageStat", "village_stats", "town_total",
           "expected_share", "mark_behind", "shell_info", "ShellInfo"]


@dataclass(frozen=True)
class VillageStat:
    """One village's progress in the campaign."""

    id: int | None
    name: str
    cases: int = 0
    visited: int = 0
    assessed: int = 0
    monitoring: int = 0
    spot_checked: int = 0
    problems: int = 0
    overdue: int = 0
    included: dict = field(default_factory=dict)
    behind: str | None = None

    @property
    def visited_pct(self) -> float | None:
        """Share of cases past 待排查, in percent; None without cases (nothing to divide)."""
        return 100.0 * self.visited / self.cases if self.cases else None

    @property
    def included_total(self) -> int:
        """Benefits granted (纳入), all types."""
        return sum(self.included.values())


_STATS_SQL = (
    "SELECT p.village_id, count(*), sum(c.status != '待排查'), sum(c.conclusion IS NOT NULL), "
    "sum(c.status = '动态监测') FROM \"case\" c JOIN \"person\" p ON p.id = c.person_id "
    "WHERE c.campaign_id = ? AND c.deleted_at IS NULL AND p.deleted_at IS NULL GROUP BY p.village_id"
)
_VILLAGES_SQL = 'SELECT id, name FROM "village" ORDER BY seq, id'
# "+c.campaign_id": drive from the (few) granted benefits, not from every case of the campaign
_INCLUDED_SQL = (
    'SELECT p.village_id, b.type, count(*) FROM "benefit" b JOIN "case" c ON c.id = b.case_id '
    'JOIN "person" p ON p.id = c.person_id WHERE b.deleted_at IS NULL AND c.deleted_at IS NULL '
    "AND b.status = '纳入' AND +c.campaign_id = ? GROUP BY p.village_id, b.type"
)
_CHECKED_SQL = (
    'SELECT p.village_id, count(DISTINCT s.case_id) FROM "spot_check" s JOIN "case" c ON c.id = s.case_id '
    'JOIN "person" p ON p.id = c.person_id WHERE +c.campaign_id = ? AND s.result IS NOT NULL '
    "GROUP BY p.village_id"
)
_PROBLEMS_SQL = (
    'SELECT pr.village_id, count(*) FROM "problem" pr LEFT JOIN "rectification" r ON r.problem_id = pr.id '
    "WHERE pr.deleted_at IS NULL AND pr.campaign_id = ? AND r.done_on IS NULL GROUP BY pr.village_id"
)


def _by_village(sql: str, cid: int) -> dict:
    """A {village_id: count} map from a two-column query."""
    return dict(db.execute_sql(sql, (cid,)).fetchall())


def village_stats(campaign_id: int, today: dt.date, overdue: list | None = None) -> list[VillageStat]:
    """Every village with its numbers, in the town's order, pace marks set.

    `overdue` is store.overdue.overdue_items for the day when the caller has it already.
    """
    included: dict[int, dict[str, int]] = {}
    for vid, btype, n in db.execute_sql(_INCLUDED_SQL, (campaign_id,)).fetchall():
        included.setdefault(vid, {})[btype] = n
    checked = _by_village(_CHECKED_SQL, campaign_id)
    problems = _by_village(_PROBLEMS_SQL, campaign_id)
    late: dict[int, int] = {}
    for item in overdue if overdue is not None else overdue_items(campaign_id, today):
        late[item.village_id] = late.get(item.village_id, 0) + 1
    counts = {r[0]: r[1:] for r in db.execute_sql(_STATS_SQL, (campaign_id,)).fetchall()}
    rows = [
        VillageStat(vid, name, *counts.get(vid, (0, 0, 0, 0)), checked.get(vid, 0), problems.get(vid, 0),
                    late.get(vid, 0), included.get(vid, {}))
        for vid, name in db.execute_sql(_VILLAGES_SQL).fetchall()
    ]
    camp = active_campaign()
    return mark_behind(rows, expected_share(camp.phases if camp else [], today))


def expected_share(phases: list[tuple[str, dt.date, dt.date]], today: dt.date) -> float | None:
    """Percent of visits the calendar expects by today; None without phases."""
    share = expected_from_phases(phases, today)
    return None if share is None else round(100.0 * share, 1)


def mark_behind(rows: list[VillageStat], expected: float | None) -> list[VillageStat]:
    """Set `behind` on villages with cases that fall behind the median or the calendar (percent)."""
    shares = {i: r.visited_pct / 100 if r.cases else None for i, r in enumerate(rows)}
    marks = pace_marks(shares, None if expected is None else expected / 100)
    return [replace(r, behind=marks.get(i)) for i, r in enumerate(rows)]


def town_total(rows: list[VillageStat]) -> VillageStat:
    """The sum over every village."""
    included: dict[str, int] = {}
    for r in rows:
        for k, v in r.included.items():
            included[k] = included.get(k, 0) + v
    total = lambda attr: sum(getattr(r, attr) for r in rows)  # noqa: E731
    return VillageStat(None, "全镇合计", total("cases"), total("visited"), total("assessed"),
                       total("monitoring"), total("spot_checked"), total("problems"), total("overdue"), included)


@dataclass(frozen=True)
class ShellInfo:
    """What the header and status line show."""

    town: str
    campaign: str
    phase: str
    deadline: str
    deadline_days: int | None
    operator: str
    last_backup: dt.datetime | None
    empty: bool


def _deadline(camp, today: dt.date) -> tuple[str, int | None]:
    """The next deadline (the report due date or the current phase's end) and days left."""
    dates = [(f"{name}结束", end) for name, _s, end in camp.phases]
    if camp.report_due:
        dates.append(("报告截止", camp.report_due))
    upcoming = sorted((d, label) for label, d in dates if d and d >= today)
    if upcoming:
        day, label = upcoming[0]
        return f"{label} {_md(day, today)}", (day - today).days
    if camp.report_due:
        return f"报告截止 {_md(camp.report_due, today)}", (camp.report_due - today).days
    return "", None


def _md(day: dt.date, today: dt.date) -> str:
    """12月15日, with the year when it is not this year's."""
    return f"{day.month}月{day.day}日" if day.year == today.year else f"{day.year}年{day.month}月{day.day}日"


def _current_phase(camp, today: dt.date) -> str:
    """The phase today falls in, or before/after the campaign."""
    for name, start, end in camp.phases:
        if start <= today <= end:
            return name
    if camp.phases and today < camp.phases[0][1]:
        return "尚未开始"
    return "已结束" if camp.phases else ""


def shell_info(today: dt.date) -> ShellInfo:
    """Town, campaign, phase, next deadline, operator and last backup."""
    camp = active_campaign()
    town = f"{settings.get(settings.DISTRICT) or ''}{settings.get(settings.TOWN) or ''}"
    raw = settings.get(settings.LAST_BACKUP)
    try:
        backup = dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        backup = None
    label, days = _deadline(camp, today) if camp else ("", None)
    return ShellInfo(town, camp.name if camp else "（无进行中的整治工作）",
                     _current_phase(camp, today) if camp else "", label, days,
                     settings.get(settings.OPERATOR) or "", backup, not holds_data())
