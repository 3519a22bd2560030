"""Snapshots (pytest-textual-snapshot) of the main screens at 100x30 with the demo town.

Deterministic: the app's today is the demo's, the database path shown is fixed, no cursor blinks.
Regenerate after a deliberate change with `pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle, type_text
from tui.app import make_app
from tui.screens.case_detail import CaseDetailScreen

SIZE = (100, 30)
CASE_ID = 5


def _app(db):
    """The app on the demo copy, showing a fixed database path."""
    app = make_app(db, today=DEMO_TODAY)
    return app


async def _ready(pilot) -> None:
    """Wait for the first screen, then fix the shown path."""
    await settle(pilot.app, pilot)
    pilot.app.db_path = Path("demo.db")
    pilot.app.shell = pilot.app.shell  # re-render header and status line
    await settle(pilot.app, pilot)


def test_dashboard_snapshot(demo_db, snap_compare):
    assert snap_compare(_app(demo_db), terminal_size=SIZE, run_before=_ready)


def test_case_table_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f4")
        await settle(pilot.app, pilot)
        await pilot.press("pagedown", "down")
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_case_detail_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        pilot.app.push_screen(CaseDetailScreen(CASE_ID))
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_followup_form_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        pilot.app.push_screen(CaseDetailScreen(CASE_ID))
        await settle(pilot.app, pilot)
        await pilot.press("f2")
        await settle(pilot.app, pilot)
        await type_text(pilot, "已电话联系")
        await pilot.press("ctrl+g")
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SIZE, run_before=run_before)
