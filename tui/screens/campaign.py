"""整治工作: the campaign's name, 文号, year and report due; its phases (add, edit, remove, move);
its categories (add, edit, retire); the 低保 standards; every campaign (new, switch); the open
items earlier campaigns left. Name, dates and phases are saved together with Ctrl+S; a category,
a standard, a new campaign or a switch is saved at once from its own form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, Static

from store.campaign import campaigns, categories, standards
from store.campaign.campaigns import CampaignView, edit_campaign, get_campaign, list_campaigns
from store.campaign.carryover import carried_over
from store.campaign.phases import shown_day
from store.campaign.standards import edge_line
from store.errors import StoreError, ValidationError
from store.schema import db

from ..errors import retry_locked
from ..messages import DataChanged, OpenCase
from ..typed_app import app_of
from ..widgets.fields import EnterMovesOn, Field, FieldError
from .base import AppScreen
from .campaign_forms import CategoryForm, NewCampaignForm, PhaseForm, StandardForm
from .confirm import ConfirmScreen

FIELDS = (("name", "名称"), ("doc_number", "文号"), ("year", "年度"), ("report_due", "报告截止"))
TABLES = {
    "cp-phases": ("序号", "阶段", "开始", "结束"),
    "cp-cats": ("代码", "简称", "门槛（元）", "起算日期", "对象", "状态", "类别名称"),
    "cp-std": ("类别", "执行日期", "低保标准（元/人/月）", "低保边缘线（1.5倍）"),
    "cp-camps": ("编号", "年度", "名称", "开始", "报告截止", "对象", "当前"),
    "cp-carry": ("事项", "村（居）", "姓名", "期限", "原整治工作"),
}
# Which keys work in which table (the footer shows only these).
TABLE_ACTIONS = {
    "add": {"cp-phases", "cp-cats", "cp-std"}, "edit": {"cp-phases", "cp-cats", "cp-std"},
    "remove": {"cp-phases", "cp-cats", "cp-std"}, "up": {"cp-phases"}, "down": {"cp-phases"},
    "use": {"cp-camps"},
}


def _d(day) -> str:
    """A date as YYYY-MM-DD, '' for None."""
    return day.isoformat() if day else ""


class CampaignScreen(EnterMovesOn, AppScreen):
    """整治工作（年度）."""

    CSS_PATH = "campaign.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "保存", key_display="Ctrl+S", priority=True),
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("a", "add", "新增", key_display="a"),
        Binding("e", "edit", "修改", key_display="e"),
        Binding("d", "remove", "删除/停用", key_display="d"),
        Binding("k", "up", "上移", key_display="k"),
        Binding("j", "down", "下移", key_display="j"),
        Binding("c", "use", "设为当前", key_display="c"),
        Binding("n", "new", "新建整治工作", key_display="n"),
    ]
    WRITE_ACTIONS = frozenset({"save", "add", "edit", "remove", "up", "down", "use", "new"})
    PALETTE = [("新建整治工作", "按模板新建一年的整治工作", "new"),
               ("保存整治工作", "名称、文号、年度、日期和阶段", "save")]

    def __init__(self, campaign_id: int | None = None) -> None:
        super().__init__()
        self.campaign_id = campaign_id
        self.view: CampaignView | None = None
        self.phases: list = []
        self.loaded: tuple | None = None
        self.rows: dict[str, list] = {key: [] for key in TABLES}

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="cp-body"):
            yield Static("正在读取...", id="cp-title")
            for key, label in FIELDS:
                with Horizontal(classes="cp-row"):
                    yield Label(label, classes="cp-label")
                    yield Field(id=f"cp-{key}")
                yield FieldError(id=f"cp-{key}-error")
            yield Static("阶段（a 新增，e 修改，d 删除，k 上移，j 下移；改完按 Ctrl+S 与名称、日期一起保存）",
                         classes="cp-head")
            yield DataTable(id="cp-phases", cursor_type="row")
            yield FieldError(id="cp-phases-error")
            yield Static("排查类别（a 新增，e 修改，d 停用：已有对象或名单的类别停用而不删除，再按 d 恢复）",
                         classes="cp-head")
            yield DataTable(id="cp-cats", cursor_type="row")
            yield Static("低保标准（a 新增，e 修改，d 删除；低保边缘：家庭月人均收入低于标准的1.5倍）", classes="cp-head")
            yield DataTable(id="cp-std", cursor_type="row")
            yield Static("全部整治工作（Enter 查看和修改，c 设为当前，n 按模板新建）", classes="cp-head")
            yield DataTable(id="cp-camps", cursor_type="row")
            yield Static("以前整治工作的未完成事项", id="cp-carry-title", classes="cp-head")
            yield DataTable(id="cp-carry", cursor_type="row")

    def on_mount(self) -> None:
        """Columns, then the data."""
        for key, columns in TABLES.items():
            self.query_one(f"#{key}", DataTable).add_columns(*columns)
        self.query_one("#cp-name", Field).focus()
        self.reload()

    def reload(self) -> None:
        """Read the campaign again (typed name, dates and phases are kept while unsaved)."""
        self.load()

    def load(self) -> None:
        """The campaign, the standards, every campaign, the carried-over items."""
        campaign_id = self.campaign_id

        def fetch() -> tuple:
            """Everything the screen shows (in the worker)."""
            view = get_campaign(campaign_id)
            stds = [(s, edge_line(s.kind, s.since)) for s in standards.standards()]
            return view, stds, list_campaigns(), carried_over(view.id)

        self.load_then_show("cp-load", fetch, lambda data: self._fill(*data))

    def _fill(self, view, stds, camps, carry) -> None:
        """Show everything; unsaved typing in the fields and phases stays."""
        keep = self.dirty()
        self.view, self.campaign_id = view, view.id
        active = "（当前）" if view.active else "（不是当前的整治工作，按 c 可设为当前）"
        self.query_one("#cp-title", Static).update(f"整治工作 第 {view.id} 号{active}  排查对象 {view.cases} 个")
        if not keep:
            values = {"name": view.name, "doc_number": view.doc_number or "", "year": str(view.year),
                      "report_due": _d(view.report_due)}
            for key, value in values.items():
                self.query_one(f"#cp-{key}", Field).value = value
            self.phases = [(p.name, shown_day(p.start), shown_day(p.end)) for p in view.phases]
            self.loaded = self._typed()
            self._show_phases()
        self._table("cp-cats", view.categories, lambda c: (
            str(c.code), c.short_name, "" if c.threshold is None else f"{c.threshold:,.2f}", _d(c.since),
            str(c.cases), f"{c.retired_on} 停用" if c.retired_on else "在用", c.name))
        self._table("cp-std", stds, lambda r: (r[0].kind, _d(r[0].since), f"{r[0].amount:,.2f}", f"{r[1]:,.2f}"))
        self._table("cp-camps", camps, lambda c: (
            str(c.id), str(c.year), c.name, _d(c.start), _d(c.report_due), str(c.cases), "当前" if c.active else ""))
        self._table("cp-carry", carry, lambda i: (i.label, i.village, i.person, _d(i.due), i.campaign))
        self.query_one("#cp-carry-title", Static).update(
            f"以前整治工作的未完成事项 {len(carry)} 项（记录留在原整治工作中；Enter 打开对象）" if carry
            else "以前整治工作的未完成事项：无")

    def _table(self, key: str, rows: list, cells) -> None:
        """Refill one table, the cursor kept."""
        table = self.query_one(f"#{key}", DataTable)
        at = table.cursor_row
        table.clear()
        self.rows[key] = list(rows)
        for row in rows:
            table.add_row(*cells(row))
        if rows:
            table.move_cursor(row=min(at, len(rows) - 1))

    def _show_phases(self, at: int | None = None) -> None:
        """The phases being edited."""
        self._table("cp-phases", list(enumerate(self.phases, 1)), lambda r: (str(r[0]), *r[1]))
        if at is not None and self.phases:
            self.query_one("#cp-phases", DataTable).move_cursor(row=at)

    def _typed(self) -> tuple:
        """The fields and phases as typed now."""
        return tuple(self.query_one(f"#cp-{k}", Field).value for k, _l in FIELDS) + (tuple(self.phases),)

    def dirty(self) -> bool:
        """Changed since loaded."""
        return self.loaded is not None and self._typed() != self.loaded

    # --- keys --------------------------------------------------------------------------------

    def _focused_table(self) -> str | None:
        """The id of the table with the cursor, if any."""
        focused = self.focused
        return focused.id if isinstance(focused, DataTable) else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Read-only mode greys the writes; table keys show only on their tables."""
        if not super().check_action(action, parameters):
            return False
        if action in TABLE_ACTIONS:
            return self._focused_table() in TABLE_ACTIONS[action]
        return True

    def on_descendant_focus(self, _event) -> None:
        """The footer follows the focused table."""
        self.refresh_bindings()

    def _current(self, key: str):
        """The row under the cursor of a table."""
        table = self.query_one(f"#{key}", DataTable)
        rows = self.rows.get(key) or []
        return rows[table.cursor_row] if rows and 0 <= table.cursor_row < len(rows) else None

    def action_add(self) -> None:
        """a: a new phase, category or standard."""
        self._open_form(self._focused_table(), None)

    def action_edit(self) -> None:
        """e: edit the phase, category or standard under the cursor."""
        key = self._focused_table()
        if key and self._current(key) is not None:
            self._open_form(key, self._current(key))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: edit a row; open a campaign; open a carried-over item's case."""
        key = event.data_table.id
        row = self._current(key) if key else None
        if row is None:
            return
        if key == "cp-camps":
            self._open_campaign(row.id)
        elif key == "cp-carry":
            if row.case_id:
                self.post_message(OpenCase(row.case_id))
        elif not app_of(self).read_only:
            self._open_form(key, row)

    def _open_form(self, key: str | None, row: Any) -> None:
        """The form for a row of a table (None: a new row)."""
        if key == "cp-phases":
            index = row[0] - 1 if row else len(self.phases)
            self.app.push_screen(PhaseForm(row[1] if row else None), lambda spec: self._phase_done(index, spec, row))
        elif key == "cp-cats" and self.view:
            self.app.push_screen(CategoryForm(self.view.id, row))
        elif key == "cp-std":
            self.app.push_screen(StandardForm(row[0] if row else None))

    def _phase_done(self, index: int, spec, old) -> None:
        """A phase typed in its form: replace or add it (saved with Ctrl+S)."""
        if spec is None:
            return
        if old:
            self.phases[index] = spec
        else:
            self.phases.insert(index, spec)
        self._show_phases(index)
        self.query_one("#cp-phases-error", FieldError).set(None)

    def action_remove(self) -> None:
        """d: remove a phase (saved with Ctrl+S), retire a category, remove a standard."""
        key = self._focused_table()
        row = self._current(key) if key else None
        if row is None:
            return
        if key == "cp-phases":
            del self.phases[row[0] - 1]
            self._show_phases(max(0, row[0] - 2))
        elif key == "cp-cats" and row.retired_on:
            self.app.push_screen(ConfirmScreen(f"恢复使用第 {row.code} 类「{row.short_name}」？"),
                                 lambda yes: self.write("reinstate", row.id) if yes else None)
        elif key == "cp-cats":
            verb = "停用（已有对象或名单，不删除）" if row.cases or row.entries else "删除（还没有对象）"
            self.app.push_screen(ConfirmScreen(f"{verb}第 {row.code} 类「{row.short_name}」？"),
                                 lambda yes: self.write("retire", row.id) if yes else None)
        elif key == "cp-std":
            self.app.push_screen(ConfirmScreen(f"删除 {row[0].since} 起执行的{row[0].kind}低保标准？"),
                                 lambda yes: self.write("remove_standard", row[0].kind, row[0].since) if yes else None)

    def _move(self, step: int) -> None:
        """Move the phase under the cursor up or down."""
        row = self._current("cp-phases")
        if row is None:
            return
        i, j = row[0] - 1, row[0] - 1 + step
        if 0 <= j < len(self.phases):
            self.phases[i], self.phases[j] = self.phases[j], self.phases[i]
            self._show_phases(j)

    def action_up(self) -> None:
        """k: the phase one up."""
        self._move(-1)

    def action_down(self) -> None:
        """j: the phase one down."""
        self._move(1)

    def action_use(self) -> None:
        """c: make the campaign under the cursor the active one."""
        row = self._current("cp-camps")
        if row and not row.active:
            self.app.push_screen(ConfirmScreen(f"把「{row.name}」设为当前整治工作？（总览、对象表和导出都随之切换）"),
                                 lambda yes: self.write("use", row.id) if yes else None)

    def action_new(self) -> None:
        """n: a new campaign from a template; it opens here once made."""

        def made(view: Any) -> None:
            """Open the new campaign (nothing when the form was left)."""
            if view:
                self._open_campaign(view.id)

        self.app.push_screen(NewCampaignForm(app_of(self).today().year), made)

    def _open_campaign(self, campaign_id: int) -> None:
        """Show another campaign (unsaved typing is asked about first)."""

        def go(yes: bool | None) -> None:
            if yes:
                self.campaign_id, self.loaded = campaign_id, None
                self.reload()
                self.query_one("#cp-name", Field).focus()

        if self.dirty() and campaign_id != self.campaign_id:
            self.app.push_screen(ConfirmScreen("放弃未保存的修改？"), go)
        else:
            go(True)

    def action_back(self) -> None:
        """Esc: back; ask first when something typed is unsaved."""
        if self.dirty():
            self.app.push_screen(ConfirmScreen("放弃未保存的修改？"), lambda yes: yes and self.app.pop_screen())
        else:
            self.app.pop_screen()

    # --- writes ------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Ctrl+S: name, 文号, year, report due and the phases, in one transaction."""
        if self.view is None:
            return
        for err in self.query(FieldError):
            err.set(None)
        values = {k: self.query_one(f"#cp-{k}", Field).value for k, _l in FIELDS}
        self.save(self.view.id, values, list(self.phases))

    # Stays a hand-written worker (not write_then_show), like FormScreen.save: a refusal goes under
    # its field or phase, and the typed values stay.
    @work(thread=True, exclusive=True, exit_on_error=False, group="cp-save")
    def save(self, campaign_id: int, values: dict, phases: list) -> None:
        """store.campaign.campaigns.edit_campaign."""
        try:
            with db.connection_context():
                retry_locked(lambda: edit_campaign(campaign_id, phases=phases, **values))
        except ValidationError as exc:
            self.app.call_from_thread(self.show_error, exc)
            return
        except StoreError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="未保存", severity="error", timeout=10)
            return
        self.app.call_from_thread(self._saved, "整治工作已保存")

    def show_error(self, exc: ValidationError) -> None:
        """The message under its field (a phase's under the phases, cursor on that phase)."""
        field = exc.field or "name"
        if field.startswith("phase"):
            self.query_one("#cp-phases-error", FieldError).set(exc.message)
            table = self.query_one("#cp-phases", DataTable)
            parts = field.split("-")
            if len(parts) > 1 and parts[1].isdigit() and table.row_count:
                table.move_cursor(row=min(int(parts[1]), table.row_count - 1))
            table.focus()
            return
        key = field if field in dict(FIELDS) else "name"
        self.query_one(f"#cp-{key}-error", FieldError).set(exc.message)
        self.query_one(f"#cp-{key}", Field).focus()

    def _saved(self, text: str) -> None:
        """Saved: the header and every screen reload."""
        self.loaded = None
        self.notify(text)
        self.app.post_message(DataChanged(None))

    def write(self, what: str, *args: Any) -> None:
        """Retire or reinstate a category, remove a standard, switch the active campaign; then say so
        and every screen reloads (typing kept)."""
        calls: dict[str, Callable[..., Any]] = {
            "retire": categories.retire_category, "reinstate": categories.reinstate_category,
            "remove_standard": standards.remove_standard, "use": campaigns.use_campaign}

        def done(result: Any) -> None:
            """What was done, in words."""
            self.notify({"retire": f"类别{result}", "reinstate": "类别已恢复使用", "remove_standard": "低保标准已删除",
                         "use": "已切换当前整治工作"}[what])

        self.write_then_show("cp-write", lambda: calls[what](*args), done)

    def field_enter(self, field) -> None:
        """Enter in a field: the next one."""
        self.focus_next()
