"""Import and export inside the real app (make_app): welcome button, F8, F9, refresh after import."""

from __future__ import annotations

import openpyxl
from textual.widgets import Checkbox, Input, Static

from store.schema import Case, ImportBatch, Village
from tests import import_fixtures as fx
from tests.conftest import DEMO_TODAY
from tests.import_helpers import ident
from tests.tui_helpers import settle
from tui.app import make_app
from tui.screens import export as export_screen
from tui.screens.dashboard import DashboardScreen
from tui.screens.export import ExportScreen
from tui.screens.import_wizard import ImportWizard
from tui.screens.welcome import WelcomeScreen

SIZE = (100, 30)
HEAD = ["序号", "姓名", "身份证号", "村(居)", "联系电话", "自付金额(元)"]


def a_list(tmp_path, village: str, n: int = 3):
    """A 低保 self-paid medical costs list of n people in one village."""
    rows = [["2021年自付医疗费用1万元以上低保对象名单"] + [""] * 5, HEAD]
    rows += [[i, f"新人{i}", ident(600 + 2 * i + 1), village, "13700003333", 20000] for i in range(n)]
    return fx.write_xlsx(tmp_path / "低保.xlsx", {"名单": rows})


async def import_through_the_wizard(app, pilot, path, new_villages: bool = False) -> None:
    """Read the file, dry run, confirm."""
    screen = app.screen
    assert isinstance(screen, ImportWizard)
    screen.query_one("#iw-path", Input).value = str(path)
    await pilot.click("#iw-read")
    await settle(app, pilot)
    screen.query_one("#iw-create", Checkbox).value = new_villages
    await pilot.press("f5")
    await settle(app, pilot)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert "已导入（第1批）" in str(screen.query_one("#iw-summary", Static).render())


async def test_welcome_import_button_then_dashboard(db_path, tmp_path):
    path = a_list(tmp_path, "后龙村")
    app = make_app(db_path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("f8")  # not before the town is saved
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press(*"后龙镇", "enter", *"泉港区", "enter", *"王五", "ctrl+s")
        await settle(app, pilot)
        assert app.screen.focused.id == "welcome-demo"
        await pilot.press("tab", "enter")  # the 导入名单 button
        await settle(app, pilot)
        await import_through_the_wizard(app, pilot, path, new_villages=True)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "全镇 3 个排查对象" in str(app.screen.query_one("#dash-title").render())
    assert ImportBatch.select().count() == 1 and Case.select().count() == 3


async def test_f6_import_refreshes_the_dashboard(demo_db, tmp_path):
    village = Village.select().order_by(Village.id).first().name
    before = Case.select().count()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert f"全镇 {before} 个排查对象" in str(app.screen.query_one("#dash-title").render())
        await pilot.press("f8")
        await settle(app, pilot)
        await import_through_the_wizard(app, pilot, a_list(tmp_path, village, n=4))
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert f"全镇 {before + 4} 个排查对象" in str(app.screen.query_one("#dash-title").render())
    assert Case.select().count() == before + 4


async def test_f7_exports_from_the_app(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(export_screen, "documents_dir", lambda: tmp_path)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportScreen)
        assert not app.screen.query_one("#export-mask", Checkbox).disabled
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
    target = tmp_path / "后龙镇_村居排查进度表_2026-11-29.xlsx"
    assert target.exists() and openpyxl.load_workbook(target).active.max_row > 12


async def test_palette_lists_the_new_commands(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"导入名单", "导出/打印", "修改记录", "设置", "立即备份"} <= set(titles)
