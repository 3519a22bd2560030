"""A campaign's phases as stored: the one place they are read from the database.

A phase date another tool wrote as no date (「x」, 2026-02-30, 45000) reads as None
(store.schema.DateField). Such a phase is left out of the pace rule and the dashboard's phase of
the day (`dated`), its date is shown 「无法识别」 (`shown_day`), it must be typed again before the
schedule is edited or copied (store.campaign.campaigns), and `yingbao check` lists it.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from store.safety.unreadable import MARK
from store.schema import Phase


class StoredPhase(NamedTuple):
    """A phase as stored: name, start, end (None: a date that cannot be read)."""

    name: str
    start: dt.date | None
    end: dt.date | None


def stored_phases(campaign_id: int) -> list[StoredPhase]:
    """A campaign's phases in order."""
    query = Phase.select().where(Phase.campaign == campaign_id).order_by(Phase.seq, Phase.id)
    return [StoredPhase(p.name, p.start, p.end) for p in query]


def dated(phases: list[StoredPhase]) -> list[tuple[str, dt.date, dt.date]]:
    """(name, start, end) of the phases whose two dates can be read, in order: what the pace rule
    goes by (a phase it cannot place in time is skipped, as if the campaign had no such phase)."""
    return [(p.name, p.start, p.end) for p in phases if p.start is not None and p.end is not None]


def phase_of_day(phases: list[StoredPhase], today: dt.date) -> str:
    """The phase today falls in; 尚未开始 or 已结束 outside the campaign; 「无法识别」 when today may
    fall in a phase whose date cannot be read; '' without phases."""
    for name, start, end in dated(phases):
        if start <= today <= end:
            return name
    if any((p.start or today) <= today <= (p.end or today) for p in phases if None in (p.start, p.end)):
        return MARK
    starts = [p.start for p in phases if p.start is not None]
    if phases and starts and today < min(starts):
        return "尚未开始"
    return "已结束" if phases else ""


def shown_day(day: dt.date | None) -> str:
    """A phase date as YYYY-MM-DD, or 「无法识别」."""
    return day.isoformat() if day is not None else MARK
