"""村（居）名单 through the keys: two fragments an old import made are merged (preview, y), a village
is added under its plain name, an empty one removed, one with records refused; the history shows 合并."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Button, DataTable, Input, Select, Static

from store.schema import AuditLog, Person, Village, VillageAlias, Zone
from store.town.villages import create_village, init_town
from store.town.zones import create_zone
from tests import import_fixtures as fx
from tests.import_helpers import do_import, ident
from tests.tui_helpers import settle, type_text
from tui.app import make_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.import_wizard import NEW, ImportWizard
from tui.screens.pick import PickScreen
from tui.screens.villages import VillagesScreen

SIZE = (100, 30)
TODAY = dt.date(2026, 8, 20)


def two_fragments(tmp_path) -> tuple[Village, Village]:
    """From an empty town: the old import's one village per spelling, 10 persons in each, a zone each."""
    init_town("后龙镇", "泉港区")
    a, b = Village.create(name="后龙村委会", kind="村", seq=1), Village.create(name="后龙村民委员会", kind="村", seq=2)
    rows = [["姓名", "身份证号", "村(居)"]] + [[f"张{i}", ident(i), ("后龙村委会", "后龙村民委员会")[i % 2]]
                                           for i in range(1, 21)]
    assert do_import(fx.write_csv(tmp_path / "a.csv", rows, "utf-8"), category=5).inserted == 20
    create_zone(a.id, "1组")
    create_zone(b.id, "1组")
    return a, b


def table_rows(app) -> list[list[str]]:
    """The cells of the screen's table, as text."""
    table = app.screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_villages(app, pilot) -> None:
    """The 村（居）名单 screen over the dashboard."""
    await settle(app, pilot)
    app.push_screen(VillagesScreen())
    await settle(app, pilot)


async def test_reached_from_settings_and_the_palette(db_path, tmp_path):
    two_fragments(tmp_path)
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("f4")  # F10 settings, then F4
        await settle(app, pilot)
        assert isinstance(app.screen, VillagesScreen)
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await type_text(pilot, "村（居）名单")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VillagesScreen)


async def test_merge_two_fragments_in_the_tui(db_path, tmp_path):
    a, b = two_fragments(tmp_path)
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_villages(app, pilot)
        assert [r[1] for r in table_rows(app)] == ["后龙村委会", "后龙村民委员会"]
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")  # the only other village
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.question
        assert "人员10人" in question and "排查对象10个" in question and "片区「1组」改名为「1组（后龙村委会）」" in question
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, VillagesScreen)
        assert [(r[1], r[4]) for r in table_rows(app)] == [("后龙村民委员会", "20")]
        assert Village.select().count() == 1 and Person.select().where(Person.village == b.id).count() == 20
        assert sorted(z.name for z in Zone.select()) == ["1组", "1组（后龙村委会）"]
        assert [x.alias for x in VillageAlias.select()] == ["后龙村委会"]
        assert AuditLog.select().where(AuditLog.action == "merge").count() == 11  # 10 persons and the village
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        first = table_rows(app)[0]
        assert "合并" in first and any(cell.startswith("村（居）：后龙村委会 改为 后龙村民") for cell in first)


async def test_add_remove_and_refuse_in_the_tui(db_path, tmp_path):
    two_fragments(tmp_path)
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_villages(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await type_text(pilot, "礁头社区居委会")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Village.get_or_none(Village.name == "礁头社区").kind == "社区"
        await pilot.press("d", "y")  # the new, empty one (the cursor is on it): removed
        await settle(app, pilot)
        assert Village.get_or_none(Village.name == "礁头社区") is None
        await pilot.press("home", "d", "y")  # a fragment with persons: refused, nothing changes
        await settle(app, pilot)
        assert Village.select().count() == 2 and isinstance(app.screen, VillagesScreen)


async def test_wizard_lists_unknown_villages_and_the_clerk_decides(db_path, tmp_path):
    init_town("后龙镇", "泉港区")
    houlong = create_village("后龙村")
    rows = [["序号", "姓名", "身份证号", "村(居)"], [1, "张一", ident(1), "西埔村委会"], [2, "张二", ident(2), "西埔村委会"],
            [3, "张三", ident(3), "后龙村委会"], [4, "张四", ident(4), "新兴村民委员会"], [5, "张五", ident(5), "新兴村委会"]]
    path = fx.write_csv(tmp_path / "救助信访.csv", rows, "utf-8")
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ImportWizard())
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#iw-path", Input).value = str(path)
        await pilot.click("#iw-read")
        await settle(app, pilot)
        screen.query_one("#iw-category", Select).value = 5
        await pilot.press("f5")
        await settle(app, pilot)
        lines = [str(w.render()) for w in screen.query(".iw-vname")]
        # One line a village: the two spellings of 新兴村 are decided together.
        assert lines == ["「西埔村」2行（名单写作 西埔村委会）", "「新兴村」2行（名单写作 新兴村委会、新兴村民委员会）"]
        selects = list(screen.query(".iw-vrow Select"))
        selects[0].value = houlong.id  # the dry run runs again by itself
        await settle(app, pilot)
        assert "新增 3" in str(screen.query_one("#iw-summary", Static).render())
        selects[1].value = NEW
        await settle(app, pilot)
        summary = str(screen.query_one("#iw-summary", Static).render())
        assert "新增 5" in summary and "将新建村（居）：新兴村" in summary
        assert not screen.query_one("#iw-go", Button).disabled
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert sorted(v.name for v in Village.select()) == ["后龙村", "新兴村"]
    assert Person.select().where(Person.village == houlong.id).count() == 3
    assert Person.select().join(Village).where(Village.name == "新兴村").count() == 2
    assert [(a.alias, a.village_id) for a in VillageAlias.select()] == [("西埔村委会", houlong.id)]
