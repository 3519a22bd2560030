"""总览: one row per village with its progress, town totals, the pace marks, what is overdue today."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.campaign.active import active_campaign_id
from store.reports.dashboard import Board, board
from store.rosters.coverage import has_rosters

from ..messages import OpenCase, OpenVillage
from ..text import bar, cut, day, pct
from ..typed_app import app_of
from .base import AppScreen

SHORT = {"低保": "低", "低保单人户": "单", "特困集中": "特", "特困分散": "特", "孤儿": "孤",
         "事实无人抚养儿童": "事", "临时救助急难型": "临", "临时救助支出型": "临", "低保边缘": "边"}
COLUMNS = ["村（居）", "对象", "未在保", "入户", "进度", "电话", "已研判", "新纳入", "监测", "抽查", "问题", "逾期", "落后"]
LATE_COLUMNS = ["事项", "村（居）", "姓名", "到期日", "逾期天数"]
# App keys the title line names at 100 columns and more (the footer has room for F1-F4 only)
HINTED = ("spotchecks", "problems", "import_list", "export")


def fill(table: DataTable, labels: list[str], rows: list[tuple[str, list]]) -> None:
    """Replace a table's columns and rows, each column as wide as its widest cell. A DataTable measures
    new rows only once it is next idle; on a busy machine the dashboard was sometimes drawn before,
    with every column cut to its header's width."""
    widths = [cell_len(label) for label in labels]
    for _key, cells in rows:
        for i, cell in enumerate(cells):
            widths[i] = max(widths[i], cell_len(cell.plain if isinstance(cell, Text) else str(cell)))
    table.clear(columns=True)
    for label, width in zip(labels, widths):
        table.add_column(label, width=width)
    for key, cells in rows:
        table.add_row(*cells, key=key)


def included_text(included: dict) -> str:
    """Benefits granted by type, short: 低12 临5 边3; 0 when none yet (a count shows 0, not blank)."""
    counts: dict[str, int] = {}
    for btype, n in included.items():
        key = SHORT.get(btype, btype[:1])
        counts[key] = counts.get(key, 0) + n
    return " ".join(f"{k}{v}" for k, v in counts.items() if v) or "0"


def fix_text(next_fix) -> str:
    """最近整改：12月3日（上西村，还剩4天）, or nothing without an open deadline."""
    if next_fix is None:
        return ""
    when = f"{next_fix.due.month}月{next_fix.due.day}日"
    left = (f"逾期{-next_fix.days_left}天" if next_fix.days_left < 0 else
            "今天到期" if next_fix.days_left == 0 else f"还剩{next_fix.days_left}天")
    return f"最近整改：{when}（{next_fix.village}，{left}）"


class DashboardScreen(AppScreen):
    """总览."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("enter", "open", "打开", key_display="Enter"),
        Binding("tab", "switch", "切换表格", key_display="Tab"),
        Binding("f5", "reload", "刷新", key_display="F5"),
    ]
    PALETTE = [("刷新总览", "重新统计各村进度", "reload")]

    def _hidden_keys(self) -> str:
        """The app's keys the footer leaves out (F6 抽查 F7 问题 ...), from the app's BINDINGS."""
        return " ".join(f"{b.key_display} {b.description}" for b in self.app.BINDINGS
                        if isinstance(b, Binding) and b.action in HINTED)

    def compose_body(self) -> ComposeResult:
        yield Static("正在统计...", id="dash-title")
        yield DataTable(id="dash-villages", cursor_type="row", zebra_stripes=True)
        yield Static("", id="dash-note")
        yield Static("", id="dash-suggest")
        yield Static("今日逾期事项", id="dash-overdue-title")
        yield DataTable(id="dash-overdue", cursor_type="row")

    def on_mount(self) -> None:
        """Columns, then the numbers from a worker."""
        self.query_one("#dash-villages", DataTable).add_columns(*COLUMNS)
        self.query_one("#dash-overdue", DataTable).add_columns(*LATE_COLUMNS)
        self.query_one("#dash-villages", DataTable).focus()
        self.reload()

    def reload(self) -> None:
        """Recount."""
        self.load()

    def action_reload(self) -> None:
        """F5: recount, and re-read the status line (last backup)."""
        self.load()
        app_of(self).load_shell()

    def load(self) -> None:
        """Count every village's progress and list what is overdue, off the UI thread."""
        today = app_of(self).today()

        def fetch() -> tuple[Board | None, bool]:
            """The board of the active campaign (none without one) and whether a 在保名单 is in."""
            cid = active_campaign_id()
            return (board(cid, today) if cid else None), has_rosters()

        self.load_then_show("dashboard", fetch, lambda got: self.show(*got))

    def show(self, data: Board | None, rostered: bool = False) -> None:
        """Fill both tables, keeping the cursor where it was (未在保 once a 在保名单 is imported)."""
        self.board, self.rostered = data, rostered
        rows = data.rows if data else []
        total = data.total if data else None
        self._suggest([h for h in data.suggestions if h.noticed_on is None] if data else [])
        table = self.query_one("#dash-villages", DataTable)
        keep = table.cursor_row
        self.rows = {str(r.id): r for r in rows}
        labels = COLUMNS if self.size.width >= 120 else [c for c in COLUMNS if c != "进度"]  # 电话 and 落后 fit at 100
        labels = [c for c in labels if c != "未在保" or rostered]
        fill(table, labels, [(str(r.id), self._cells(r)) for r in ([*rows, total] if total else [])])
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)))
        behind = sum(1 for r in rows if r.behind)
        cases, visited = (total.cases, total.visited_pct) if total else (0, None)
        self.query_one("#dash-title", Static).update(
            f"全镇 {cases} 个排查对象，入户走访 {pct(visited)}，电话 {total.called if total else 0} 人，"
            f"落后 {behind} 个村（居）" + (" " + self._hidden_keys() if self.size.width >= 100 else ""))
        self._show_late(data.late if data else [], data.next_fix if data else None)
        self._explain_row(table.cursor_row)

    def _cells(self, r) -> list:
        """One village's cells."""
        flag = Text("落后", style="bold red") if r.behind else Text("")
        name = Text(cut(r.name, 10), style="bold" if r.id is None else "")
        width = 10 if self.size.width < 140 else 20  # under 120 columns no bar: 落后 must fit at 100
        progress = [bar((r.visited_pct or 0) / 100, width)] if self.size.width >= 120 else []
        uncovered = [str(r.uncovered)] if getattr(self, "rostered", False) else []
        return [name, str(r.cases), *uncovered, pct(r.visited_pct), *progress, str(r.called), str(r.assessed),
                cut(included_text(r.included), self._included_room()), str(r.monitoring), str(r.spot_checked),
                str(r.open_problems),
                Text(str(r.overdue), style="red" if r.overdue else ""), flag]

    def _included_room(self) -> int:
        """Cells for 新纳入 so that 问题, 逾期 and 落后 stay on screen (80 columns: about 10)."""
        if self.size.width >= 100:
            return 40
        others = 8 + 4 + 4 + 4 + 6 + 4 + 4 + 4 + 4 + 4 + (6 if getattr(self, "rostered", False) else 0)
        return max(6, self.size.width - 2 - others - 2 * 11)  # 2: the scrollbar; 11 columns padded 1+1

    def _suggest(self, hints) -> None:
        """The villages the office might 通报 (落后 under the one pace rule, not noticed this phase)."""
        box = self.query_one("#dash-suggest", Static)
        box.display = bool(hints)
        if hints:
            names = "、".join(f"{h.village}（{h.share:.0%}）" for h in hints)
            box.update(f"建议通报（进度落后，{hints[0].phase}阶段尚未通报或约谈）：{names}  打开该村后按 r 记录通报")

    def _show_late(self, late, next_fix=None) -> None:
        """The overdue panel (each line opens its case) and the nearest 整改 deadline."""
        table = self.query_one("#dash-overdue", DataTable)
        self.late = {str(i): item for i, item in enumerate(late)}
        fill(table, LATE_COLUMNS, [(str(i), [item.label, item.village, item.person or "（无对应对象）", day(item.due),
                                             Text(f"{item.days_over}天", style="red")]) for i, item in enumerate(late)])
        self.query_one("#dash-overdue-title", Static).update(
            f"今日逾期事项（{len(late)}）  {fix_text(next_fix)}  Enter 打开对象".replace("    ", "  "))

    def _explain_row(self, index: int) -> None:
        """Explain the pace rule for the village on a table row."""
        data = getattr(self, "board", None)
        rows = data.rows if data else []
        row = rows[index] if 0 <= index < len(rows) else None
        box = self.query_one("#dash-note", Static)
        box.update(data.explain(row) if data and row else "")
        box.set_class(bool(row and row.behind), "-behind")

    @on(DataTable.RowHighlighted, "#dash-villages")
    def _explain(self, event: DataTable.RowHighlighted) -> None:
        """Say why the highlighted village is (or is not) marked behind."""
        self._explain_row(event.cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self, _event: DataTable.RowSelected) -> None:
        """Enter on a line (the table handles the key itself)."""
        self.action_open()

    def action_switch(self) -> None:
        """Tab: between the villages and the overdue list."""
        self.focus_next(DataTable)

    def action_open(self) -> None:
        """Enter: open the village, or the overdue line's case."""
        table = self.focused if isinstance(self.focused, DataTable) else None
        if table is None or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None:
            return
        if table.id == "dash-villages":
            village = self.rows.get(key)  # none for the town's total line
            if village is not None and village.id is not None:
                self.post_message(OpenVillage(village.id))
        elif table.id == "dash-overdue":
            item = self.late[key]
            if item.case_id:
                self.post_message(OpenCase(item.case_id))
            else:
                self.notify("该问题没有对应的排查对象", severity="warning")
