"""修改记录 and 设置 through make_app: changes shown masked, deleted items restored, settings saved."""

from __future__ import annotations

from textual.widgets import DataTable

from store import settings
from store.safety.copies import list_backups
from store.cases.cases import delete_contact
from store.people.people import update_person
from store.schema import AuditLog, Case, Contact, Person
from tests.conftest import DEMO_TODAY
from tests.tui_helpers import settle, type_text
from tui.app import make_app
from tui.messages import OpenCase
from tui.screens.confirm import ConfirmScreen
from tui.screens.history import HistoryScreen
from tui.screens.settings import SettingsScreen
from tui.widgets.fields import Field

SIZE = (100, 30)


def text(screen, selector: str) -> str:
    """The plain text of a widget."""
    return str(screen.query_one(selector).render())


def cells(table: DataTable) -> list[list[str]]:
    """Every row of a DataTable as text."""
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_case_history_shows_a_store_update_masked(demo_db):
    case = Case.select().where(Case.deleted_at.is_null()).first()
    person = Person.get_by_id(case.person_id)
    update_person(person.id, address="新住址一号", phone="13900001111")
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.post_message(OpenCase(case.id))
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen) and screen.person_id == person.id
        first = cells(screen.query_one(DataTable))[0]
        assert first[1] == "测试员" and first[2] == "修改" and first[3] == "人员"
        detail = text(screen, "#hi-detail")
        assert "住址：" in detail and "改为 新住址一号" in detail
        assert "13900001111" not in detail and "1111" in detail  # the phone is masked
        assert f"{person.name}的修改记录" in text(screen, "#hi-title")


async def test_town_history_filters_and_pages(demo_db):
    for person in Person.select().limit(60):
        update_person(person.id, address=f"{person.address or ''}（已核实）")
    total = AuditLog.select().count()
    people = AuditLog.select().where(AuditLog.table == "person").count()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        screen = app.screen
        assert f"共 {total} 条" in text(screen, "#hi-title")
        assert screen.query_one(DataTable).row_count == min(50, total)
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert "第 2/" in text(screen, "#hi-title")
        await pilot.press("t", *"人员", "enter")
        await settle(app, pilot)
        assert f"共 {people} 条" in text(screen, "#hi-title") and "类别 人员" in text(screen, "#hi-title")
        await pilot.press("d", *"20300101", "enter", "enter")
        await settle(app, pilot)
        assert "共 0 条" in text(screen, "#hi-title")
        await pilot.press("x")
        await settle(app, pilot)
        assert f"共 {total} 条" in text(screen, "#hi-title")


async def test_deleted_contact_is_restored_after_confirming(demo_db):
    contact = Contact.select().where(Contact.deleted_at.is_null()).first()
    delete_contact(contact.id)
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l", "s")
        await settle(app, pilot)
        screen = app.screen
        rows = cells(screen.query_one(DataTable))
        assert rows[0][1] == "走访记录" and rows[0][3] in ("29天", "30天")
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert screen.query_one(DataTable).row_count == 0
    assert Contact.get_by_id(contact.id).deleted_at is None
    assert AuditLog.select().where(AuditLog.table == "contact", AuditLog.row_id == contact.id,
                                   AuditLog.action == "restore").count() == 1


async def test_settings_save_the_backup_folder_and_back_up_now(demo_db, tmp_path):
    usb = tmp_path / "U盘"
    usb.mkdir()
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert str(demo_db.parent / "备份") in text(screen, "#st-default")
        screen.query_one("#st-operator", Field).value = "王五"
        folder = screen.query_one("#st-backup_dir", Field)
        folder.value = str(tmp_path / "没有这个")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "文件夹不存在" in text(screen, "#st-backup_dir-error") and app.screen is screen
        folder.value = str(usb)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, SettingsScreen)
        assert settings.get(settings.BACKUP_DIR) == str(usb)
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, rounds=8)
        assert "已备份并校验" in text(app.screen, "#st-status")
        await pilot.press("f6")
        await settle(app, pilot)
        assert app.screen.query_one(DataTable).row_count == 1
    assert len(list_backups(usb)) == 1 and settings.get(settings.LAST_BACKUP)


async def test_settings_operator_is_required(demo_db):
    app = make_app(demo_db, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        app.screen.query_one("#st-operator", Field).value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "操作员" in text(app.screen, "#st-operator-error")
        app.screen.query_one("#st-operator", Field).value = ""
        await type_text(pilot, "李四")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert settings.get(settings.OPERATOR) == "李四"
