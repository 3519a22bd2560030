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
DEMO_TIME = "2026-11-29 09:00:00"
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


# The same screens and the import wizard, export and history at the smallest size: 80x24.
SMALL = (80, 24)


def test_dashboard_80x24_snapshot(demo_db, snap_compare):
    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=_ready)


def test_case_table_80x24_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f4")
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_case_detail_80x24_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        pilot.app.push_screen(CaseDetailScreen(CASE_ID))
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_followup_form_80x24_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        pilot.app.push_screen(CaseDetailScreen(CASE_ID))
        await settle(pilot.app, pilot)
        await pilot.press("f2")
        await settle(pilot.app, pilot)
        await type_text(pilot, "已电话联系")
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_import_wizard_80x24_snapshot(demo_db, snap_compare, monkeypatch, tmp_path):
    from tests import import_fixtures as fx
    from tests.import_helpers import ident

    rows = [["2021年以来新增残疾人名单"], ["序号", "姓名", "身份证号", "村(居)", "残疾证号", "联系电话"]]
    rows += [[i + 1, name, ident(2 * i + 1), "后龙村", ident(2 * i + 1) + "42", "13700003333"]
             for i, name in enumerate(["陈一", "林二", "黄三"])]
    fx.write_xlsx(tmp_path / "残疾人.xlsx", {"名单": rows})
    monkeypatch.chdir(tmp_path)  # a relative path: the same on every machine

    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f8")
        await settle(pilot.app, pilot)
        await type_text(pilot, "残疾人.xlsx")
        await pilot.press("enter")
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_export_80x24_snapshot(demo_db, snap_compare, monkeypatch):
    monkeypatch.setattr("tui.screens.export.documents_dir", lambda: Path("D:/文档"))

    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f9")
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_history_80x24_snapshot(demo_db, snap_compare):
    from store.schema import AuditLog

    AuditLog.update(time=DEMO_TIME, operator="测试员").execute()  # the demo was built just now, by whoever

    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_spotcheck_record_80x24_snapshot(demo_db, snap_compare):
    from store.schema import SpotCheckRound
    from tui.screens.spotcheck_record import RecordScreen

    round_id = SpotCheckRound.select(SpotCheckRound.id).order_by(SpotCheckRound.id).scalar()

    async def run_before(pilot):
        await _ready(pilot)
        pilot.app.push_screen(RecordScreen(round_id))
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_zone_preview_80x24_snapshot(demo_db, snap_compare):
    from store.schema import Person, Village
    from tui.screens.zone_preview import ZonePreviewScreen

    village = Village.select().order_by(Village.seq, Village.id).first()
    unzoned = Person.select(Person.id).where(Person.village == village.id).order_by(Person.id).limit(12)
    Person.update(zone=None).where(Person.id.in_(unzoned)).execute()  # rows for the preview to place

    async def run_before(pilot):
        await _ready(pilot)
        pilot.app.push_screen(ZonePreviewScreen(village.id, village.name))
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_help_80x24_snapshot(demo_db, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("f1")
        await settle(pilot.app, pilot)

    assert snap_compare(_app(demo_db), terminal_size=SMALL, run_before=run_before)
