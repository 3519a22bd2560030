"""The import wizard screen, driven by Pilot in a minimal app that pushes it."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static

from store.schema import ImportBatch, Person
from tests import import_fixtures as fx
from tests.import_helpers import counts, ident
from tui.screens.import_wizard import SAVING, ImportWizard
from tui.widgets.path_suggester import PathSuggester

HEAD = ["序号", "姓名", "身份证号", "村(居)", "联系电话", "自付金额(元)"]


class WizardApp(App):
    """Just the wizard."""

    def on_mount(self) -> None:
        self.push_screen(ImportWizard())


def a_list(tmp_path, n=3):
    """A list with a title row (header on row 2) and n rows."""
    rows = [["2021年自付医疗费用1万元以上低保对象名单"] + [""] * 5, HEAD]
    rows += [[i, f"人{i}", ident(2 * i + 1), "后龙村", "13700003333", 20000] for i in range(n)]
    return fx.write_xlsx(tmp_path / "低保.xlsx", {"说明": [["填表说明"]], "名单": rows}, hidden=("说明",))


async def read(pilot, path) -> ImportWizard:
    """Type the path, read it, wait for the worker."""
    screen = pilot.app.screen
    screen.query_one("#iw-path", Input).value = str(path)
    await pilot.click("#iw-read")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def text(screen, selector) -> str:
    """The plain text of a Static."""
    return str(screen.query_one(selector, Static).render())


async def test_read_preview_dry_run_then_import(town, tmp_path):
    path = a_list(tmp_path)
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, path)
        assert "表头在第2行" in text(screen, "#iw-info") and "数据行 3" in text(screen, "#iw-info")
        table = screen.query_one("#iw-preview", DataTable)
        assert table.row_count == 3 and "身份证号（身份证号）" in str(table.ordered_columns[2].label)
        assert "*" in str(table.get_row_at(0)[2])  # ID numbers masked on screen
        sheet = screen.query_one("#iw-sheet", Select)
        assert sheet.value == "名单" and any("说明（隐藏）" in str(o[0]) for o in sheet._options)
        assert screen.query_one("#iw-category", Select).value == 2
        assert screen.query_one("#iw-go", Button).disabled
        before = counts()
        await pilot.press("ctrl+s")  # before a dry run: a hint, nothing written
        await pilot.pause()
        assert any("请先按 F5 试导入" in n.message for n in pilot.app._notifications) and counts() == before
        await pilot.click("#iw-dry")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "试导入（未写入）" in text(screen, "#iw-summary") and "新增 3" in text(screen, "#iw-summary")
        assert counts() == before
        await pilot.click("#iw-go")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "已导入（第1批）" in text(screen, "#iw-summary")
    assert Person.select().count() == 3 and ImportBatch.select().count() == 1


async def test_change_mapping_of_a_column(town, tmp_path):
    path = a_list(tmp_path)
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, path)
        table = screen.query_one("#iw-preview", DataTable)
        table.focus()
        table.move_cursor(column=4)
        await pilot.pause()
        assert screen.query_one("#iw-field", Select).value == "phone"
        screen.query_one("#iw-field", Select).value = "-"
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "联系电话（不导入）" in str(screen.query_one("#iw-preview", DataTable).ordered_columns[4].label)
        assert 4 not in screen.prep.match.columns


async def test_errors_are_chinese_notifications(town, tmp_path):
    (tmp_path / "坏.xlsx").write_bytes(b"<html></html>")
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, tmp_path / "坏.xlsx")
        assert "不是有效的Excel文件" in text(screen, "#iw-summary")
        assert any("不是有效的Excel文件" in n.message for n in pilot.app._notifications)
        assert screen.prep is None


async def test_cancelled_import_leaves_database_unchanged(town, tmp_path):
    path = a_list(tmp_path, n=50)
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, path)
        await pilot.click("#iw-dry")
        await pilot.app.workers.wait_for_complete()
        before = counts()
        screen.cancel_event.set()
        screen.run_import(screen.prep, False, False)  # the cancel flag is seen at the first check
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "已取消导入" in text(screen, "#iw-summary")
        assert counts() == before
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ImportWizard)


async def test_progress_says_when_every_row_is_written(town, tmp_path):
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, a_list(tmp_path, n=5))
        before = text(screen, "#iw-summary")
        screen.show_progress(6, 6, dry_run=True)  # a dry run writes nothing: no saving step
        screen.show_progress(5, 6)
        await pilot.pause()
        assert text(screen, "#iw-summary") == before != SAVING
        screen.show_progress(6, 6)
        await pilot.pause()
        assert text(screen, "#iw-summary") == SAVING


async def test_path_suggester_completes_folders_and_lists(tmp_path):
    (tmp_path / "名单文件夹").mkdir()
    (tmp_path / "名单.xlsx").write_bytes(b"x")
    (tmp_path / "notes.doc").write_bytes(b"x")
    suggester = PathSuggester()
    assert await suggester.get_suggestion(str(tmp_path / "名单.")) == str(tmp_path / "名单.xlsx")
    assert await suggester.get_suggestion(str(tmp_path / "名单文")) == str(tmp_path / "名单文件夹") + "/"
    assert await suggester.get_suggestion(str(tmp_path / "no")) is None


async def test_dry_run_without_a_category_asks_for_one(town, tmp_path):
    rows = [["姓名", "身份证号", "村(居)"], ["人甲", ident(1), "后龙村"]]  # no title, no amounts: no category
    path = fx.write_xlsx(tmp_path / "名单.xlsx", {"Sheet": rows})
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, path)
        assert screen.query_one("#iw-category", Select).value is Select.NULL
        before = counts()
        await pilot.press("f5")
        await pilot.pause()
        assert any("请选择排查类别" in n.message for n in pilot.app._notifications)
        assert pilot.app.screen is screen and counts() == before


async def test_preview_masks_an_id_inside_a_disability_certificate_number(town, tmp_path):
    head = ["序号", "姓名", "身份证号", "村(居)", "残疾证号", "备注"]
    rows = [head] + [[1, "残一", ident(3), "后龙村", ident(3) + "42", "家属电话13912345678"]]
    path = fx.write_xlsx(tmp_path / "残疾人.xlsx", {"名单": rows})
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, path)
        row = [str(c) for c in screen.query_one("#iw-preview", DataTable).get_row_at(0)]
        assert ident(3) not in "".join(row)  # neither the ID column nor the certificate shows it whole
        assert row[4] == ident(3)[:6] + "*" * 10 + (ident(3) + "42")[-4:]
        assert row[5] == "家属电话139****5678"


async def dry_run(pilot, screen) -> str:
    """F5 and wait; the summary's text."""
    await pilot.press("f5")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return text(screen, "#iw-summary")


async def test_the_dry_run_says_why_rows_were_not_imported(town, tmp_path):
    from tests.import_helpers import bad_checksum

    rows = [HEAD] + [[i, f"人{i}", bad_checksum(ident(2 * i + 1)), "后龙村", "", 20000] for i in range(3)]
    rows += [[9, "新人", ident(41), "新村子", "", 20000]]
    path = fx.write_xlsx(tmp_path / "低保.xlsx", {"名单": rows})
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, path)
        screen.query_one("#iw-category", Select).value = 2
        summary = await dry_run(pilot, screen)
        assert "未导入 3行：身份证号" in summary and "（第2、3、4行）" in summary
        assert bad_checksum(ident(1)) not in summary
        box = screen.query_one("#iw-create", Checkbox)
        box.value = True  # an option changed: the counts are dry-run again at once
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "将新建村（居）：新村子" in text(screen, "#iw-summary")


async def test_after_a_file_that_failed_to_read_f5_does_not_use_the_one_before(town, tmp_path):
    path = a_list(tmp_path)
    async with WizardApp().run_test(size=(120, 40)) as pilot:
        screen = await read(pilot, path)
        assert screen.prep is not None
        await read(pilot, tmp_path / "没有这个文件.xlsx")
        before = counts()
        await pilot.press("f5")
        await pilot.pause()
        assert screen.prep is None and any("请先读取名单文件" in n.message for n in pilot.app._notifications)
        assert screen.query_one("#iw-preview", DataTable).row_count == 0 and counts() == before
