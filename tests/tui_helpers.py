"""Helpers for the Pilot tests: settle the workers, find demo cases the search ranks first."""

from __future__ import annotations

from store.schema import Case, Person
from store.people.search import find


async def settle(app, pilot, rounds: int = 4) -> None:
    """Let workers finish and their results reach the screen, tables measured."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
    quiet = 0
    for _ in range(150):  # a loaded machine may not have sent Idle yet, or a result may still be queued
        busy = _tables_pending(app) or any(w.is_running for w in app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:  # still settled after two more turns of the event loop
            return
        await pilot.pause(0.02)


async def open_case(app, pilot, case_id: int, *keys: str) -> None:
    """Open a case's detail screen once the first screen has settled, then press the keys (settled)."""
    from tui.screens.case_detail import CaseDetailScreen

    await settle(app, pilot)
    app.push_screen(CaseDetailScreen(case_id))
    await settle(app, pilot)
    if keys:
        await pilot.press(*keys)
        await settle(app, pilot)


def _tables_pending(app) -> bool:
    """True while a DataTable still owes its column widths (Textual measures them on Idle)."""
    from textual.widgets import DataTable

    from tui.compat import table_owes_layout

    return any(table_owes_layout(t) for t in app.screen.query(DataTable))


def waiting_case_found_by_initials() -> tuple[Case, str]:
    """A 待排查 case whose person is the first hit for their pinyin initials."""
    for case in Case.select().where(Case.status == "待排查").order_by(Case.id):
        person = Person.get_by_id(case.person_id)
        hits = find(person.py_initials, limit=5)
        if hits and hits[0].case_id == case.id and len(person.py_initials) <= 3:
            return case, person.py_initials
    raise AssertionError("no suitable demo case")


async def type_text(pilot, text: str) -> None:
    """Type text key by key (Chinese characters too)."""
    await pilot.press(*list(text))
