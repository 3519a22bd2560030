"""Pilot tests of the TUI's main flows, asserting on the database."""

from __future__ import annotations

import io

from rich.console import Console

from store.schema import AuditLog, Case, Contact
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle, type_text, waiting_case_found_by_initials
from tui.app import make_app
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.cases import CasesScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HelpScreen
from tui.widgets.paged_table import PagedTable

SIZE = (100, 30)


async def test_dashboard_lists_every_village_and_the_deadline(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#dash-villages").row_count == 13  # 12 villages + town total
        assert app.shell.phase == "推动落实" and app.shell.deadline_days == 16
        assert app.screen.query_one("#dash-overdue").row_count > 0


async def test_overdue_line_opens_its_case(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("tab", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert app.screen.case_id == app.screen_stack[-2].late["0"].case_id


async def test_search_by_initials_opens_the_case_and_esc_returns(demo_db):
    case, initials = waiting_case_found_by_initials()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("pagedown", "down")
        await settle(app, pilot)
        cases = app.screen
        before = cases.query_one(PagedTable).current_id
        await pilot.press("slash", *initials)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_id == case.id
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is cases and cases.query_one(PagedTable).current_id == before


async def test_filter_sort_and_paging_keep_the_cursor(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, CasesScreen)
        table = app.screen.query_one(PagedTable)
        assert table.row_count < 40 and len(table.ids) == Case.select().count()
        await pilot.press("pagedown", "pagedown", "down", "down")
        await settle(app, pilot)
        chosen = table.current_id
        assert table.at == 2 * table.page_size + 2
        status = Case.get_by_id(chosen).status
        await pilot.press("2")  # sort by name
        await settle(app, pilot)
        assert table.current_id == chosen
        await pilot.press("s", *status, "enter")  # filter by this case's status
        await settle(app, pilot)
        assert table.current_id == chosen
        assert len(table.ids) == Case.select().where(Case.status == status).count()
        assert f"共 {len(table.ids)} 个" in str(app.screen.query_one("#cb-bar").render())
        await pilot.press("x")
        await settle(app, pilot)
        assert table.current_id == chosen and len(table.ids) == Case.select().count()


async def test_reveal_shows_the_number_and_writes_an_audit_row(demo_db):
    case = Case.get_by_id(5)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CaseDetailScreen(case.id))
        await settle(app, pilot)
        text = str(app.screen.query_one("#cd-person").render())
        assert case.person.id_number not in text
        await pilot.press("i")
        await settle(app, pilot)
        assert case.person.id_number in str(app.screen.query_one("#cd-person").render())
        app.screen._hide()
        assert case.person.id_number not in str(app.screen.query_one("#cd-person").render())
    row = AuditLog.select().where(AuditLog.action == "reveal").order_by(AuditLog.id.desc()).first()
    assert row.row_id == case.person_id


async def test_help_and_palette_are_chinese(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "总览" in titles and "村（居）：后龙村" in titles
        assert not any(t in titles for t in ("Theme", "Quit", "Keys", "Screenshot"))
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=SIZE[0], record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-text").content)
        shown = console.export_text()
        assert "进度落后" in shown and "确认后才修改" in shown


async def test_a_missing_case_is_a_chinese_notification_not_a_crash(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(CaseDetailScreen(999_999))
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("找不到该排查对象" in m for m in messages)
        assert app.is_running


async def test_village_screen_shows_zones_members_and_its_cases(demo_db):
    from store.schema import Person, Village

    village = Village.select().order_by(Village.seq).first()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert screen.village_id == village.id
        assert screen.query_one("#vil-zones").row_count >= 1
        count = (Case.select().join(Person, on=(Person.id == Case.person))
                 .where(Person.village == village.id).count())
        assert len(screen.query_one(PagedTable).ids) == count
        assert Contact.select().count() > 0


async def test_palette_opens_a_village_by_name(demo_db):
    from textual.command import CommandInput

    from tui.screens.village import VillageScreen

    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder.startswith("输入命令或村名")
        await type_text(pilot, "土坑")
        await pilot.pause(0.6)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VillageScreen)
        assert "土坑村" in str(app.screen.query_one("#vil-title").render())


async def test_every_screen_opens_at_80x24(demo_db):
    from tui.screens.followup import FollowupScreen
    from tui.screens.search import SearchScreen
    from tui.screens.village import VillageScreen

    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for keys, screen in ((["enter"], VillageScreen), (["escape", "f4"], CasesScreen),
                             (["enter"], CaseDetailScreen), (["f2"], FollowupScreen), (["escape"], CaseDetailScreen),
                             (["slash"], SearchScreen), (["escape", "f1"], HelpScreen), (["escape", "f3"], DashboardScreen)):
            await pilot.press(*keys)
            await settle(app, pilot)
            assert isinstance(app.screen, screen), (keys, app.screen)
        table = app.screen.query_one("#dash-villages")
        assert table.row_count == 13
