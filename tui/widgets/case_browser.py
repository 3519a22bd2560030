"""The case table with its filter keys, filter bar, sort keys and match count.

Used by the 对象 screen (whole town) and the 村（居） screen (fixed to one village).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import Worker

from store.cases.table import COLUMNS, CaseFilter, CaseRow, Choice, filter_choices, ordered_ids, rows_for
from store.cases.visits import STATUSES
from store.campaign.active import active_campaign_id
from store.rosters.rosters import KINDS

from ..messages import OpenCase
from ..screens.base import LoadsInThread
from ..screens.pick import ALL, PickScreen
from ..text import day
from ..typed_app import app_of
from .case_marks import CaseMarks
from .fields import Field
from .paged_table import PagedTable

SORT_KEYS = list(COLUMNS)
STATUS_CHOICES = STATUSES
CONCLUSIONS = [None, "符合", "不符合"]


def cells(r: CaseRow) -> tuple:
    """A row for the table: the case id, then the cells."""
    return (r.case_id, r.village, r.name, r.id_masked, r.codes, r.status, r.member, day(r.last_contact),
            day(r.next_followup), r.coverage)


def fetch_rows(ids: list[int]) -> list[tuple]:
    """The page's rows (runs in the table's worker)."""
    return [cells(r) for r in rows_for(ids)]


class CaseBrowser(CaseMarks, LoadsInThread, Vertical):
    """Filter bar + paged case table."""

    DEFAULT_CSS = """
    CaseBrowser { height: 1fr; }
    CaseBrowser #cb-bar { height: 1; padding: 0 1; background: $boost; }
    CaseBrowser #cb-text { height: 1; }
    CaseBrowser PagedTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("v", "pick('village')", "村", key_display="v"),
        Binding("z", "pick('zone')", "片区", key_display="z", show=False),
        Binding("m", "pick('member')", "负责人", key_display="m", show=False),
        Binding("c", "pick('category')", "类别", key_display="c"),
        Binding("s", "pick('status')", "状态", key_display="s"),
        Binding("o", "overdue", "逾期", key_display="o"),
        Binding("b", "pick('coverage')", "在保", key_display="b", show=False),
        Binding("j", "conclusion", "研判", key_display="j", show=False),
        Binding("f", "text_filter", "筛选栏", key_display="f"),
        Binding("x", "clear", "清除", key_display="x", show=False),
        *[Binding(str(i + 1), f"sort({i})", show=False) for i in range(len(SORT_KEYS))],
        *CaseMarks.MARK_BINDINGS,
    ]

    def __init__(self, village_id: int | None = None, village_name: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.fixed_village = village_id
        self.filter = CaseFilter(village_id=village_id)
        self.sort, self.descending = "village", False
        self.names: dict[str, str] = {"village": village_name} if village_name else {}
        self.loaded = False
        self.choices: dict[str, list[Choice]] = {}
        self.marked: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Static("正在读取...", id="cb-bar")
        yield Field(placeholder="输入姓名或拼音首字母后按 Enter，Esc 收起", id="cb-text", classes="hidden")
        table = PagedTable(lambda ids: self.marked_cells(fetch_rows(ids)), id="cb-table")
        yield table

    def on_mount(self) -> None:
        """Columns, the filter choices and the first list."""
        table = self.query_one(PagedTable)
        for key in SORT_KEYS:
            table.add_column(COLUMNS[key][0], key=key)
        table.focus()
        self.load_choices()
        self.reload()

    @property
    def table(self) -> PagedTable:
        """The paged table."""
        return self.query_one(PagedTable)

    def reload(self) -> None:
        """Recompute the ordered ids for the current filter and sort, staying on the same case."""
        self.load_ids(self.filter, self.sort, self.descending, self.table.current_id)

    def load_ids(self, f: CaseFilter, sort: str, descending: bool, keep: int | None) -> Worker:
        """One query: every matching id in order."""

        def fetch() -> list[int]:
            """The ids (none without an active campaign), in the worker."""
            cid = active_campaign_id()
            if cid is None:
                return []
            return ordered_ids(f, cid, sort=sort, descending=descending, today=app_of(self).today())

        return self.load_then_show("case-ids", fetch, lambda ids: self._ids_loaded(ids, keep))

    def _ids_loaded(self, ids: list[int], keep: int | None) -> None:
        """Hand the ids to the table; update the bar."""
        self.loaded = True
        self.table.set_ids(ids, keep)
        self._bar()

    def load_choices(self) -> Worker:
        """Villages, zones, members and categories for the filter keys."""
        return self.load_then_show("case-choices", lambda: filter_choices(active_campaign_id(), self.fixed_village),
                                   self._choices_loaded)

    def _choices_loaded(self, choices: dict[str, list[Choice]]) -> None:
        """Keep the choices for the filter keys."""
        self.choices = choices

    def _bar(self) -> None:
        """Filter, sort and the match count, always visible."""
        t = self.table
        if not self.loaded:
            return
        label = COLUMNS[self.sort][0] + ("（倒序）" if self.descending else "")
        where = f"第 {t.at + 1} 条" if t.ids else "没有符合条件的对象"
        text = Text(f"筛选：{self.filter.describe(self.names)}  排序：{label}  ")
        text.append(f"共 {len(t.ids)} 个", style="bold")
        if self.marked:
            text.append(f"  已标记 {len(self.marked)} 个（a 分片）", style="bold yellow")
        self.query_one("#cb-bar", Static).update(text + Text(f"  {where}"))

    @on(PagedTable.Moved)
    def _moved(self, _event: PagedTable.Moved) -> None:
        """Keep the position in the bar current."""
        self._bar()

    @on(PagedTable.HeaderSelected)
    def _header(self, event: PagedTable.HeaderSelected) -> None:
        """A click on a column header sorts by it (again: reversed)."""
        self.action_sort(event.column_index)

    @on(PagedTable.RowSelected)
    def _open(self, _event) -> None:
        """Enter: open the case under the cursor."""
        if self.table.current_id:
            self.post_message(OpenCase(self.table.current_id))

    def apply(self, **changes) -> None:
        """Change the filter and reload, cursor kept on the same case when it still matches."""
        self.filter = replace(self.filter, **changes)
        self.reload()

    def action_pick(self, what: str) -> None:
        """v z m c s: choose a value from a list."""
        if what == "village" and self.fixed_village:
            return
        options: list[tuple[object, str]]
        if what == "status":
            options = [(s, s) for s in STATUS_CHOICES]
        elif what == "coverage":
            options = [("未在保", "未在保（不在任何现行在保名单）"), ("在保", "在保（任一类）"),
                       *[(k, f"在保：{k}") for k in KINDS]]
        else:
            options = [(c.id, c.label) for c in self.choices.get(what, [])]
        titles = {"village": "按村（居）筛选", "zone": "按片区筛选", "member": "按负责人筛选",
                  "category": "按类别筛选", "status": "按状态筛选", "coverage": "按在保情况筛选"}

        def chosen(value: Any) -> None:
            """Apply the chosen value (None: cancelled)."""
            if value is None:
                return
            field = {"village": "village_id", "zone": "zone_id", "member": "member_id"}.get(what, what)
            value = None if value == ALL else value
            if value is None:  # 全部: the bar names no value for this key
                self.names.pop(what, None)
            else:
                self.names[what] = dict(options).get(value) or ""
            self.apply(**{field: value})

        self.app.push_screen(PickScreen(titles[what], options), chosen)

    def action_overdue(self) -> None:
        """o: only cases past their follow-up date."""
        self.apply(overdue_only=not self.filter.overdue_only)

    def action_conclusion(self) -> None:
        """j: 符合, then 不符合, then all."""
        nxt = CONCLUSIONS[(CONCLUSIONS.index(self.filter.conclusion) + 1) % len(CONCLUSIONS)]
        self.apply(conclusion=nxt)

    def action_text_filter(self) -> None:
        """f: the filter bar for a name or initials."""
        box = self.query_one("#cb-text", Field)
        box.remove_class("hidden")
        box.focus()

    @on(Field.Submitted, "#cb-text")
    def _text_done(self, event: Field.Submitted) -> None:
        """Enter in the filter bar: apply it, back to the table."""
        self.apply(text=event.value.strip())
        self.table.focus()

    def close_text(self) -> bool:
        """Esc in the filter bar: hide it; True when it was open."""
        box = self.query_one("#cb-text", Field)
        if box.has_class("hidden"):
            return False
        box.add_class("hidden")
        self.table.focus()
        return True

    def action_clear(self) -> None:
        """x: every filter off (the village stays on a village's screen)."""
        self.names = {k: v for k, v in self.names.items() if k == "village" and self.fixed_village}
        self.query_one("#cb-text", Field).value = ""
        self.filter = CaseFilter(village_id=self.fixed_village)
        self.reload()

    def action_sort(self, col: int) -> None:
        """1-8: sort by that column; again to reverse."""
        key = SORT_KEYS[col]
        self.descending = not self.descending if key == self.sort else False
        self.sort = key
        self.reload()
