"""修改记录: every change of one person (with their cases), or the whole town filtered and paged;
and 已删除, where a deleted person, case or contact comes back within 30 days."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.safety import history
from store.safety.history import Change, Deleted, Page, restore_deleted

from ..history_text import field_lines, summary
from .base import AppScreen
from .confirm import ConfirmScreen
from .history_filters import HistoryFilters

PAGE_SIZE = 50


class HistoryScreen(HistoryFilters, AppScreen):
    """修改记录 (town-wide, or one person's), with the 已删除 view."""

    CSS_PATH = "history.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("s", "toggle_deleted", "已删除", key_display="s"),
        Binding("r", "restore", "恢复", key_display="r"),
        Binding("o", "pick_operator", "操作员", key_display="o"),
        Binding("t", "pick_table", "类别", key_display="t"),
        Binding("d", "pick_dates", "日期", key_display="d"),
        Binding("x", "clear", "清除筛选", key_display="x", show=False),
        Binding("pagedown", "page(1)", "下一页", key_display="PgDn", show=False, priority=True),
        Binding("pageup", "page(-1)", "上一页", key_display="PgUp", show=False, priority=True),
    ]
    WRITE_ACTIONS = frozenset({"restore"})
    PALETTE = [("已删除的记录", "30天内删除的人员、排查对象和走访记录，可恢复", "toggle_deleted")]

    def __init__(self, person_id: int | None = None, title: str = "") -> None:
        super().__init__()
        self.person_id, self.title = person_id, title
        self.deleted_view = False
        self.page_no, self.pages = 1, 1
        self.filters: dict = {}
        self.changes: list = []
        self.deleted: list = []

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="hi-title")
        yield DataTable(id="hi-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="hi-detail")

    def on_mount(self) -> None:
        """Columns, then the first page."""
        self.query_one(DataTable).focus()
        self.reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Filters only town-wide; restore only in the deleted view (never read-only)."""
        if action in ("pick_operator", "pick_table", "pick_dates", "clear", "page"):
            return self.person_id is None and not self.deleted_view
        if action == "restore" and not self.deleted_view:
            return False
        if action == "toggle_deleted" and self.person_id is not None:
            return False
        return super().check_action(action, parameters)

    def reload(self) -> None:
        """Read the current view again."""
        self.load(self.deleted_view, self.page_no, dict(self.filters))

    def load(self, deleted: bool, page: int, filters: dict) -> None:
        """One page of changes, one person's changes, or the deleted items."""
        person_id = self.person_id

        def fetch() -> list[Deleted] | list[Change] | Page:
            """The rows of the view (in the worker)."""
            if deleted:
                return history.deleted_items()
            if person_id is not None:
                return history.person_history(person_id)
            return history.town_history(page=page, page_size=PAGE_SIZE, **filters)

        self.load_then_show("history", fetch, lambda result: self.show(deleted, result))

    def show(self, deleted: bool, result: Any) -> None:
        """Fill the table for the view."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if deleted:
            self._show_deleted(table, result)
        else:
            self._show_changes(table, result)
        self.refresh_bindings()

    def _show_changes(self, table: DataTable, result: list[Change] | Page) -> None:
        """Time, operator, action, what, the fields changed."""
        items = result if isinstance(result, list) else result.items
        self.changes = items
        table.add_columns("时间", "操作员", "操作", "类别", "编号", "内容")
        for c in items:
            table.add_row(f"{c.time:%Y-%m-%d %H:%M}", c.operator, c.action_label, c.table_label,
                          str(c.row_id or ""), summary(c, max(20, self.size.width - 60)))
        if isinstance(result, list):
            head = f"{self.title}的修改记录：共 {len(items)} 条（最新在前，身份证号和电话已打码）"
        else:
            self.page_no, self.pages = result.page, result.pages
            head = (f"全镇修改记录：共 {result.total} 条，第 {result.page}/{result.pages} 页（PgUp/PgDn 翻页）  "
                    f"筛选：{self.filter_text()}")
        self.query_one("#hi-title", Static).update(head)
        self._detail(0)

    def _show_deleted(self, table: DataTable, items: list[Deleted]) -> None:
        """Deleted persons, cases and contacts with the days left to restore them."""
        self.deleted = items
        table.add_columns("删除时间", "类别", "内容", "还可恢复")
        labels = {"person": "人员", "case": "排查对象", "contact": "走访记录"}
        for d in items:
            table.add_row(f"{d.deleted_at:%Y-%m-%d %H:%M}", labels[d.table], d.label, f"{d.days_left}天")
        self.query_one("#hi-title", Static).update(
            f"已删除（30天内可恢复）：共 {len(items)} 条  r 恢复所选，s 回到修改记录")
        self.query_one("#hi-detail", Static).update("" if items else "没有可恢复的已删除记录")

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show every field of the highlighted change."""
        self._detail(event.cursor_row)

    def _detail(self, row: int) -> None:
        """The before/after of one change, field by field."""
        if self.deleted_view or not self.changes or row >= len(self.changes):
            if not self.deleted_view:
                self.query_one("#hi-detail", Static).update("没有修改记录")
            return
        c = self.changes[row]
        lines = field_lines(c) or ["（无字段变化）"]
        self.query_one("#hi-detail", Static).update(
            f"{c.time:%Y-%m-%d %H:%M:%S} {c.operator} {c.action_label}{c.table_label}\n" + "\n".join(lines[:8]))

    def action_toggle_deleted(self) -> None:
        """s: between the changes and the deleted items."""
        self.deleted_view = not self.deleted_view
        self.reload()

    def action_page(self, step: int) -> None:
        """PgDn/PgUp: the next or previous page."""
        page = min(max(1, self.page_no + step), self.pages)
        if page != self.page_no:
            self.page_no = page
            self.reload()

    def action_back(self) -> None:
        """Esc: back where you were."""
        self.app.pop_screen()

    def action_restore(self) -> None:
        """r: restore the highlighted deleted item, after confirming."""
        table = self.query_one(DataTable)
        if not self.deleted_view or not self.deleted or table.cursor_row >= len(self.deleted):
            return
        item = self.deleted[table.cursor_row]
        self.app.push_screen(ConfirmScreen(f"恢复「{item.label}」？"),
                             lambda yes: self.restore(item.table, item.row_id) if yes else None)

    def restore(self, table: str, row_id: int) -> None:
        """store.safety.history.restore_deleted (audited), then every screen reloads."""
        self.write_then_show("history-write", lambda: restore_deleted(table, row_id), lambda _row: self.notify("已恢复"))
