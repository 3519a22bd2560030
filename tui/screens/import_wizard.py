"""导入名单: pick a file, check sheet, header row and column mapping, dry-run, then confirm.

Self-contained: push it with ``app.push_screen(ImportWizard())`` once the store's ``db`` is open.
Every file and database job runs in a thread worker (group "import") inside
``db.connection_context()``; a running import can be cancelled (Esc or 取消) and then rolls back.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

from openpyxl.utils import get_column_letter
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Input, ProgressBar, Select, Static

from importers.context import VillageChoices
from importers.headers import field_label, synonyms
from importers.load import prepare, run
from importers.reasons import reason_lines
from importers.values import clean_text
from store.fsio import os_error_text
from store.ids import mask_id, mask_personal, mask_phone
from store.imports.merge import ImportCancelled
from store.schema import db
from store.town.villages import village_list

from ..messages import DataChanged
from ..widgets.chrome import FitFooter
from ..widgets.path_suggester import PathSuggester
from .roster_import import ROSTER, RosterImportMixin, roster_options

PREVIEW_ROWS = 20
CATEGORY_NAMES = {1: "特困人员医疗费用", 2: "低保对象自付医疗费用", 3: "普通居民自付医疗费用", 4: "新增残疾人",
                  5: "社会救助信访对象", 6: "防返贫监测对象", 7: "其他困难群众"}
NEW = "new"  # a 待确认 village spelling the clerk confirmed as a new village
SAVING = "各行已写入，正在保存（行多时需稍候），按 Esc 可取消..."
log = logging.getLogger("yingbao.tui")


def field_options() -> list[tuple[str, str]]:
    """(label, field) choices for a column, with 不导入 first."""
    return [("不导入", "-")] + [(spec["label"], name) for name, spec in synonyms()["fields"].items()]


def category_options() -> list[tuple[str, int | str]]:
    """The category box: the seven categories by code, then the 在保名单 kinds."""
    return [*((f"{c} {n}", c) for c, n in CATEGORY_NAMES.items()), *roster_options()]


class VillageSelect(Select[int | str]):
    """The choice for one 待确认 village: a village id or NEW, for every spelling in ``village_names``."""

    def __init__(self, options: list[tuple[str, int | str]], village_names: list[str], **kwargs: Any) -> None:
        super().__init__(options, **kwargs)
        self.village_names = village_names


class ImportWizard(RosterImportMixin, Screen):
    """导入名单向导."""

    CSS_PATH = "import_wizard.tcss"
    BINDINGS = [Binding("escape", "cancel", "取消/返回", key_display="Esc"),
                Binding("f5", "dry_run", "试导入", key_display="F5"),
                Binding("ctrl+s", "confirm", "确认导入", key_display="Ctrl+S")]

    def __init__(self) -> None:
        super().__init__()
        self.prep: Any = None
        self.overrides: dict[str, str] = {}
        self.checked = False
        self.cancel_event = threading.Event()
        self.unknown: dict[str, dict] = {}  # 待确认 village spellings of the dry runs: name -> item
        self.village_choice: dict[str, int | str] = {}  # spelling -> village id, or NEW
        self.villages: list[tuple[int, str]] = []
        self.village_rows: list = []  # the (village, spellings) groups the 待确认 box shows, in order
        self.still_unknown: set[str] = set()  # the spellings the last dry run left 待确认
        self.read_path = ""  # the path typed when 读取 was pressed

    def compose(self) -> ComposeResult:
        """Path, sheet and category, the preview, the field of the chosen column, summary, buttons."""
        with Vertical(id="iw-body"):
            yield Static("导入名单：选择文件，核对工作表、表头和各列对应的字段，试导入后确认", id="iw-title")
            with Horizontal(id="iw-file-row"):
                yield Input(placeholder="名单文件路径（输入时自动补全，按右方向键接受）", id="iw-path",
                            suggester=PathSuggester(), compact=True)
                yield Button("读取", id="iw-read", compact=True)
            yield Static("", id="iw-info")
            with Horizontal(id="iw-options"):
                yield Select([], prompt="工作表", id="iw-sheet", compact=True)
                yield Select(category_options(), prompt="排查类别", id="iw-category", compact=True)
                yield Checkbox("新建名单中的新村（居）", id="iw-create", compact=True)
            yield DataTable(id="iw-preview", zebra_stripes=True, cursor_type="column")
            with Horizontal(id="iw-map-row"):
                yield Static("所选列：", id="iw-column")
                yield Select(field_options(), prompt="对应字段", id="iw-field", allow_blank=True, compact=True)
            yield Static("", id="iw-summary")
            yield VerticalScroll(id="iw-villages")
            yield ProgressBar(id="iw-progress", show_eta=False)
            with Horizontal(id="iw-buttons"):
                yield Button("试导入（F5）", id="iw-dry", compact=True)
                yield Button("确认导入（Ctrl+S）", id="iw-go", variant="primary", disabled=True, compact=True)
                yield Button("取消（Esc）", id="iw-cancel", compact=True)
        yield FitFooter()

    def on_mount(self) -> None:
        """Focus the path input."""
        self.query_one("#iw-path", Input).focus()

    # --- reading -------------------------------------------------------------------------------

    @on(Button.Pressed, "#iw-read")
    @on(Input.Submitted, "#iw-path")
    def start_read(self) -> None:
        """Read the file typed in the path input (the one read before is forgotten at once)."""
        self.overrides = {}
        self.read_path = self.query_one("#iw-path", Input).value.strip()
        self.forget_file()
        self.read_file(self.read_path, None)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def read_file(self, path: str, sheet: str | None) -> None:
        """prepare() off the UI thread; show the result or a Chinese error."""
        if not path:
            self.app.call_from_thread(self.notify, "请输入名单文件路径", severity="warning")
            return
        try:
            with db.connection_context():  # choices remembered per template live in the settings
                prep = prepare(path, sheet=sheet, overrides=self.overrides or None)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one Chinese line
            self.app.call_from_thread(self.forget_file)  # F5 must not dry-run the file read before
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.show_prepared, prep)

    def show_prepared(self, prep: Any) -> None:
        """Show sheets, header row, mapping and the first rows."""
        self.prep, self.checked = prep, False
        self.unknown, self.village_choice = {}, {}
        self.show_villages()
        self.query_one("#iw-go", Button).disabled = True
        sheets = [(f"{s.name}{'（隐藏）' if s.hidden else ''}（{s.rows}行）", s.name) for s in prep.sheets]
        with self.prevent(Select.Changed):
            self.query_one("#iw-sheet", Select).set_options(sheets)
            self.query_one("#iw-sheet", Select).value = prep.sheet.name
            if prep.category:
                self.query_one("#iw-category", Select).value = prep.category
        note = f"  {prep.found.note}" if prep.found.note else ""
        note += "  已套用上次同样格式名单的选择" if prep.recalled else ""
        self.query_one("#iw-info", Static).update(
            f"工作表「{prep.sheet.name}」  {prep.header_label}  数据行 {len(prep.data_rows)}  "
            f"排查类别：{prep.category or '未能判断，请选择'}{note}")
        self.query_one("#iw-summary", Static).update("请核对各列对应的字段，然后按「试导入」")
        self.fill_preview(prep)

    def fill_preview(self, prep: Any) -> None:
        """The first rows under their headers, IDs and phones masked."""
        table = self.query_one("#iw-preview", DataTable)
        table.clear(columns=True)
        width = max([len(prep.match.headers)] + [len(prep.sheet.rows[i]) for i in prep.data_rows[:PREVIEW_ROWS]])
        for col in range(width):
            head = prep.match.headers[col] if col < len(prep.match.headers) else ""
            name = prep.match.columns.get(col)
            table.add_column(f"{head or f'第{col + 1}列'}（{field_label(name) if name else '不导入'}）", key=str(col))
        for index in prep.data_rows[:PREVIEW_ROWS]:
            cells = list(prep.sheet.rows[index]) + [""] * width
            shown = []
            for col in range(width):
                text, name = clean_text(cells[col]), prep.match.columns.get(col)
                # any column: a 残疾证号 is an ID plus two digits, a 备注 may hold a phone
                shown.append(mask_id(text) if name == "id_number" else mask_phone(text) if name == "phone" and text
                             else mask_personal(text))
            table.add_row(*shown, label=str(index + 1))

    @on(DataTable.ColumnHighlighted, "#iw-preview")
    def column_chosen(self, event: DataTable.ColumnHighlighted) -> None:
        """Show the highlighted column's field in the field list."""
        if self.prep is None:
            return
        col = event.cursor_column
        head = self.prep.match.headers[col] if col < len(self.prep.match.headers) else ""
        self.query_one("#iw-column", Static).update(f"所选列：{head or f'第{col + 1}列'}")
        with self.prevent(Select.Changed):
            self.query_one("#iw-field", Select).value = self.prep.match.columns.get(col, "-")

    @on(Select.Changed, "#iw-field")
    def field_changed(self, event: Select.Changed) -> None:
        """Map the highlighted column to the chosen field and read again."""
        if self.prep is None or event.value is Select.NULL:
            return
        col = self.query_one("#iw-preview", DataTable).cursor_column
        head = self.prep.match.headers[col] if col < len(self.prep.match.headers) else ""
        self.overrides[head or get_column_letter(col + 1)] = "" if event.value == "-" else str(event.value)
        self.read_file(str(self.prep.path), self.prep.sheet.name)

    @on(Select.Changed, "#iw-sheet")
    def sheet_changed(self, event: Select.Changed) -> None:
        """Read the chosen sheet."""
        if self.prep is not None and event.value is not Select.NULL and event.value != self.prep.sheet.name:
            self.overrides = {}
            self.read_file(str(self.prep.path), str(event.value))

    @on(Select.Changed, "#iw-category")
    @on(Checkbox.Changed, "#iw-create")
    def option_changed(self) -> None:
        """A new category or 新建村（居） choice: the counts shown are stale, so dry-run again."""
        was_checked, self.checked = self.checked, False
        self.query_one("#iw-go", Button).disabled = True
        if was_checked and self.prep is not None:
            self.start_run(dry_run=True)

    @on(Input.Changed, "#iw-path")
    def path_changed(self, event: Input.Changed) -> None:
        """Another path typed: nothing may act on the file read before it (F5, Ctrl+S)."""
        if self.prep is not None and event.value.strip() != str(self.prep.path) and \
                event.value.strip() != self.read_path:
            self.forget_file()

    def forget_file(self) -> None:
        """No file read: empty preview, no dry run to confirm."""
        self.prep, self.checked = None, False
        self.query_one("#iw-go", Button).disabled = True
        self.query_one("#iw-preview", DataTable).clear(columns=True)
        self.query_one("#iw-info", Static).update("")

    # --- running -------------------------------------------------------------------------------

    def action_dry_run(self) -> None:
        """Count what the import would do, writing nothing."""
        self.start_run(dry_run=True)

    @on(Button.Pressed, "#iw-dry")
    def dry_pressed(self) -> None:
        """试导入."""
        self.start_run(dry_run=True)

    @on(Button.Pressed, "#iw-go")
    def action_confirm(self) -> None:
        """确认导入 (only after a dry run of the same choices)."""
        if self.checked:
            self.start_run(dry_run=False)
        else:
            self.notify("请先按 F5 试导入，核对统计后再确认导入", severity="warning")

    def start_run(self, dry_run: bool) -> None:
        """Check the choices and start the worker."""
        if self.prep is None:
            self.notify("请先读取名单文件", severity="warning")
            return
        category = self.query_one("#iw-category", Select).value
        if isinstance(category, str) and category.startswith(ROSTER):  # 在保名单: the roster importer
            self.start_roster(category, dry_run)
            return
        if not isinstance(category, int):  # nothing chosen (Select.NULL)
            self.notify("请选择排查类别", severity="warning")
            return
        prep = dataclasses.replace(self.prep, category=category)
        self.cancel_event.clear()
        self.query_one("#iw-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#iw-summary", Static).update("试导入中..." if dry_run else "正在导入，按 Esc 可取消...")
        self.run_import(prep, dry_run, self.query_one("#iw-create", Checkbox).value, self.choices())

    def choices(self) -> Any:
        """The clerk's choices for the 待确认 villages (mapped spellings are kept as aliases)."""
        mapped = {n: v for n, v in self.village_choice.items() if isinstance(v, int)}  # every choice but NEW
        create = [n for n, v in self.village_choice.items() if v == NEW]
        return VillageChoices.of(mapped, create, save_aliases=True)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, prep: Any, dry_run: bool, create_villages: bool, villages: Any = None) -> None:
        """run() inside the worker's own connection; progress and cancel go through the UI thread."""
        progress = lambda done, total: self.app.call_from_thread(self.show_progress, done, total, dry_run)  # noqa: E731
        try:
            with db.connection_context():
                summary = run(prep, dry_run=dry_run, create_villages=create_villages, progress=progress,
                              cancelled=self.cancel_event.is_set, villages=villages)
                names = village_list()
        except Exception as exc:  # noqa: BLE001 - every failure becomes one Chinese line
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.show_summary, summary, dry_run, names)

    def show_progress(self, done: int, total: int, dry_run: bool = False) -> None:
        """Move the progress bar; once every row is written, say what the last step is doing."""
        self.query_one("#iw-progress", ProgressBar).update(total=total, progress=done)
        if done >= total and not dry_run:
            self.query_one("#iw-summary", Static).update(SAVING)

    def show_summary(self, summary: Any, dry_run: bool, villages: list[tuple[int, str]] | None = None) -> None:
        """The counts of a dry run or an import."""
        text = (f"数据行 {summary.rows}：新增 {summary.inserted}，更新 {summary.updated}，无变化 {summary.unchanged}，"
                f"未导入 {summary.rejected}，跳过 {summary.skipped}，有提示 {summary.warnings}")
        if summary.new_villages:
            text += f"\n{'将' if dry_run else '已'}新建村（居）：{'、'.join(summary.new_villages)}"
        if summary.rejected or summary.skipped:
            text += "\n" + "\n".join(reason_lines(summary.outcomes, limit=4))
        if dry_run:
            self.villages = villages or self.villages
            self.unknown.update({u["name"]: u for u in summary.unknown_villages})
            self.still_unknown = {u["name"] for u in summary.unknown_villages}
            self.show_villages()
        else:
            self.unknown, self.village_choice = {}, {}
            self.show_villages()
        if summary.same_file:
            text += f"\n该文件此前已导入过（第{'、'.join(map(str, summary.same_file))}批）"
        bar = self.query_one("#iw-progress", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        if dry_run:
            self.checked = True
            self.query_one("#iw-go", Button).disabled = False
            text = "试导入（未写入）：" + text + "\n确认无误后按「确认导入」"
        else:
            self.checked = False
            self.query_one("#iw-go", Button).disabled = True
            text = f"已导入（第{summary.batch_id}批）：" + text + (f"\n导入报告：{summary.report}" if summary.report else "")
            self.notify(f"导入完成：第{summary.batch_id}批", title="导入")
            self.app.post_message(DataChanged())  # the dashboard and case table count again
        self.query_one("#iw-summary", Static).update(text)

    def show_error(self, exc: BaseException) -> None:
        """One Chinese line for the clerk; unexpected errors go to the log."""
        message: str | None
        if isinstance(exc, ImportCancelled):
            message = "已取消导入，数据库未作任何改动"
        else:
            message = getattr(exc, "message", None) or (os_error_text(exc) if isinstance(exc, OSError) else None)
        if not message:
            log.exception("import failed", exc_info=exc)
            message = f"导入出错（{exc.__class__.__name__}），详情已写入日志文件"
        self.query_one("#iw-summary", Static).update(message)
        self.notify(message, severity="information" if isinstance(exc, ImportCancelled) else "error", title="导入")

    # --- 待确认 villages ------------------------------------------------------------------------

    def village_groups(self) -> dict[str, list[str]]:
        """The spellings still 待确认 (or already decided), grouped by the village they would be created
        as (后龙村委会, 后龙村民委员会 -> 后龙村): the clerk chooses once for every spelling of it."""
        still = self.still_unknown
        groups: dict[str, list[str]] = {}
        for name, item in self.unknown.items():
            if name in still or name in self.village_choice:
                groups.setdefault(item["plain"] if item["can_create"] else name, []).append(name)
        return groups

    def show_villages(self) -> None:
        """One line per village still 待确认 (all its spellings, their rows) and a choice."""
        box = self.query_one("#iw-villages", VerticalScroll)
        groups = self.village_groups()
        box.display = bool(groups)
        if list(groups.items()) == self.village_rows:
            return
        self.village_rows = list(groups.items())
        box.remove_children()
        if not groups:
            return
        box.mount(Static("待确认的村（居）（不在本镇村（居）名单中，暂不导入）：选择对应的村（居）（这些写法记为别名）或新建",
                         classes="iw-vhead"))
        for key, names in groups.items():
            first = self.unknown[names[0]]
            options: list[tuple[str, int | str]] = [(f"对应到 {vname}", vid) for vid, vname in self.villages]
            options += [(f"新建「{first['plain']}」", NEW)] if first["can_create"] else []
            select = VillageSelect(options, names, prompt="待确认（不导入）",
                                   value=self.village_choice.get(names[0], Select.NULL), compact=True)
            rows = sum(self.unknown[n]["rows"] for n in names)
            label = f"「{key}」{rows}行（名单写作 {'、'.join(names)}）" if first["can_create"] else \
                f"「{key}」{rows}行，{first['reason']}"
            box.mount(Horizontal(Static(label, classes="iw-vname"), select, classes="iw-vrow"))

    @on(Select.Changed, ".iw-vrow Select")
    def village_chosen(self, event: Select.Changed) -> None:
        """A choice for one village (all its spellings): remember it and run the dry run again."""
        names = event.select.village_names if isinstance(event.select, VillageSelect) else None
        value = event.value if isinstance(event.value, (int, str)) else None  # None: back to 待确认
        if not names or all(self.village_choice.get(n) == value for n in names):
            return
        for name in names:
            if value is None:
                self.village_choice.pop(name, None)
            else:
                self.village_choice[name] = value
        self.checked = False
        self.query_one("#iw-go", Button).disabled = True
        self.start_run(dry_run=True)

    # --- leaving -------------------------------------------------------------------------------

    @on(Button.Pressed, "#iw-cancel")
    def action_cancel(self) -> None:
        """Cancel the running import; with nothing running, go back."""
        running = [w for w in self.workers if w.group == "import" and w.is_running]
        if running:
            self.cancel_event.set()
            return
        self.app.pop_screen()

