"""The TUI side of 在保名单 (issue 18): the F8 wizard's roster option, the 在保对照 worklists with
their one-step assignment, and the case table's 在保 filter."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Select

from store.cases.table import COLUMNS
from store.schema import Case, CoveredPerson, Person, Roster, Zone
from store.campaign.active import active_campaign_id
from store.rosters.suspects import suspects
from tests.conftest import DEMO_TODAY
from tests.import_helpers import ident
from tests.roster_fixtures import household_roster
from tests.test_import_screen import WizardApp, read, text
from tests.tui_helpers import settle
from tui.app import make_app
from tui.screens.cases import CasesScreen
from tui.screens.rosters import RostersScreen
from tui.widgets.case_browser import CaseBrowser
from tui.widgets.paged_table import PagedTable

SIZE = (100, 30)


async def test_wizard_imports_a_roster_after_a_dry_run(town, tmp_path):
    path = household_roster(tmp_path / "低保花名册.xlsx", [
        {"head": ("王大", ident(500, "19550101")), "since": dt.date(2019, 3, 1),
         "members": [("王小", ident(501, "20100101"), "子女")]}])
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, path)
        screen.query_one("#iw-category", Select).value = "roster:低保"
        await pilot.press("f5")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "在保 2 人（1 户）" in text(screen, "#iw-summary") and Roster.select().count() == 0
        await pilot.press("ctrl+s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "已导入为第1份在保名单" in text(screen, "#iw-summary")
    roster = Roster.get()
    assert (roster.kind, roster.as_of, roster.persons) == ("低保", dt.date(2026, 6, 30), 2)
    member = CoveredPerson.get(CoveredPerson.id_number == ident(501, "20100101"))
    assert member.since == dt.date(2019, 3, 1) and member.household == ident(500, "19550101")


async def test_worklist_assigns_suspects_to_their_zones_members_in_one_step(demo_db):
    cid = active_campaign_id()
    worklist = suspects(cid, DEMO_TODAY)
    assert worklist
    unassigned = [s.case_id for s in worklist[:5]]  # the demo gives every case a member: take five away
    Case.update(member=None).where(Case.id.in_(unassigned)).execute()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(RostersScreen())
        await settle(app, pilot)
        assert app.screen.query_one(DataTable).row_count == len(worklist)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        await pilot.press("tab")
        await settle(app, pilot)
        assert app.screen.view == "gaps"
    for case_id in unassigned:
        case = Case.get_by_id(case_id)
        zone = Zone.get_by_id(Person.get_by_id(case.person_id).zone_id)
        assert case.member_id == zone.member_id is not None


async def test_case_table_filters_uncovered(demo_db):
    person = Person.select().join(Case, on=(Case.person == Person.id)).where(Case.deleted_at.is_null()).first()
    Roster.insert(kind="特困", as_of=DEMO_TODAY, file_name="特困.xlsx", sha256="x", rows=1, persons=1, households=1,
                  rejected=0, warnings=0, created_at=dt.datetime(2026, 1, 1)).execute()
    CoveredPerson.insert(roster=Roster.get().id, id_number=person.id_number, kind="分散供养").execute()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CasesScreen())
        await settle(app, pilot)
        browser = app.screen.query_one(CaseBrowser)
        everyone = len(browser.table.ids)
        browser.apply(coverage="特困")
        await settle(app, pilot)
        assert browser.table.ids == [Case.get(Case.person == person.id).id]
        assert app.screen.query_one(PagedTable).get_cell(str(browser.table.ids[0]), "coverage") == "特"
        browser.apply(coverage="未在保")
        await settle(app, pilot)
        assert len(browser.table.ids) == everyone - 1
        for step in (lambda: browser.apply(coverage=None), lambda: browser.action_sort(list(COLUMNS).index("coverage")),
                     lambda: browser.action_sort(list(COLUMNS).index("coverage"))):  # again: reversed, covered first
            step()
            await settle(app, pilot)
        assert browser.table.ids[0] == Case.get(Case.person == person.id).id and len(browser.table.ids) == everyone


async def test_dashboard_shows_uncovered_once_a_roster_exists(demo_db):
    from store.reports.stats import village_progress
    from tui.screens.dashboard import DashboardScreen

    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#dash-villages", DataTable)
        assert "未在保" not in [str(c.label) for c in table.ordered_columns]  # before any roster: no column
    person = Person.select().join(Case, on=(Case.person == Person.id)).where(Case.deleted_at.is_null()).first()
    Roster.insert(kind="低保", as_of=DEMO_TODAY, file_name="低保.xlsx", sha256="x", rows=1, persons=1, households=1,
                  rejected=0, warnings=0, created_at=dt.datetime(2026, 1, 1)).execute()
    CoveredPerson.insert(roster=Roster.get().id, id_number=person.id_number).execute()
    rows = {r.name: r for r in village_progress(active_campaign_id(), DEMO_TODAY)}
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one("#dash-villages", DataTable)
        labels = [str(c.label) for c in table.ordered_columns]
        col = labels.index("未在保")
        shown = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[col]) for i in range(table.row_count - 1)}
        assert shown == {name: str(r.uncovered) for name, r in rows.items()}
        assert sum(r.listed - r.uncovered for r in rows.values()) == 1
