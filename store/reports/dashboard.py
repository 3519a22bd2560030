"""The dashboard's numbers: the read model's rows (store.reports.stats), the pace rule (store.reports.pace) with its
explanation, the villages to consider for a 通报, what is overdue, the nearest 整改 deadline, and the
header's dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from store import settings
from store.reports import pace
from store.campaign.phases import phase_of_day
from store.common import stored_date
from store.cases.overdue import OverdueItem, overdue_items
from store.reports.queries import active_campaign, holds_data
from store.schema import db
from store.reports.stats import PACE_RULE_TEXT, RULE_MEDIAN, RULE_PHASE, VillageProgress, pace_context, town_totals, village_progress

__all__ = ["PACE_RULE_TEXT", "RULE_MEDIAN", "RULE_PHASE", "VillageStat", "village_stats", "town_total",
           "Board", "board", "next_rectification", "shell_info", "ShellInfo"]

VillageStat = VillageProgress  # one row type for every screen and paper


def village_stats(campaign_id: int, today: dt.date, overdue: list | None = None) -> list[VillageProgress]:
    """Every village with its figures on the day, in the town's order, pace marks set."""
    return village_progress(campaign_id, today, overdue)


def town_total(rows: list[VillageProgress]) -> VillageProgress:
    """The sum over every village."""
    return town_totals(rows, "全镇合计")


@dataclass(frozen=True)
class NextDeadline:
    """The nearest deadline of an open rectification."""

    due: dt.date
    village: str
    days_left: int  # negative when overdue
    count: int  # open rectifications with a deadline


_NEXT_FIX = (
    'SELECT r.deadline, v.name FROM "rectification" r JOIN "problem" pr ON pr.id = r.problem_id '
    'JOIN "village" v ON v.id = pr.village_id WHERE pr.deleted_at IS NULL AND pr.campaign_id = ? '
    "AND r.done_on IS NULL AND r.deadline IS NOT NULL ORDER BY r.deadline, v.seq, v.id"
)


def next_rectification(campaign_id: int, today: dt.date) -> NextDeadline | None:
    """The open rectification whose deadline comes first (overdue ones first of all)."""
    rows = db.execute_sql(_NEXT_FIX, (campaign_id,)).fetchall()
    if not rows:
        return None
    due = stored_date(rows[0][0])
    if due is None:  # no date at all (another tool wrote it): `check` lists it
        return None
    return NextDeadline(due, rows[0][1], (due - today).days, len(rows))


@dataclass(frozen=True)
class Board:
    """Everything the dashboard shows, counted once."""

    rows: list[VillageProgress]
    total: VillageProgress
    pace: pace.PaceContext
    late: list[OverdueItem]
    suggestions: list
    next_fix: NextDeadline | None

    def explain(self, row: VillageProgress) -> str:
        """Why a village is (or is not) behind, with the figures the rule compares, and a 通报 or
        约谈 already given this phase."""
        text = pace.explain(row.name, row.visited, row.listed, self.pace)
        noticed = next((h.noticed_on for h in self.suggestions if h.village_id == row.id and h.noticed_on), None)
        return text + (f"（{noticed.month}月{noticed.day}日已通报或约谈）" if noticed else "")


def board(campaign_id: int, today: dt.date) -> Board:
    """The dashboard's figures for the day (one pass over the read model)."""
    from store.checks.reviews import suggest_notices

    late = overdue_items(campaign_id, today)
    rows = village_progress(campaign_id, today, late)
    ctx = pace_context(rows, campaign_id, today)
    hints = suggest_notices(campaign_id, today, rows=rows, ctx=ctx)
    return Board(rows, town_total(rows), ctx, late, hints, next_rectification(campaign_id, today))


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
    """The phase today falls in, or before/after the campaign (store.campaign.phases)."""
    return phase_of_day(camp.phases, today)


def shell_info(today: dt.date) -> ShellInfo:
    """Town, campaign, phase, next deadline, operator and last backup."""
    from store.campaign.campaigns import needs_this_year

    camp = active_campaign()
    if camp is not None and needs_this_year(today):  # a new install: only the 2022 template so far
        camp = None
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
