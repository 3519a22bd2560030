"""抽查: the campaign's rounds with their progress; draw a new one, record one, re-derive one."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from ..errors import retry_locked
from ..messages import DataChanged
from ..text import day
from .base import AppScreen


class SpotCheckScreen(AppScreen):
    """抽查轮次."""

    WRITE_ACTIONS = frozenset({"draw", "delete"})  # greyed out in read-only mode

    CSS_PATH = "spotcheck.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("enter", "open", "记录结果", key_display="Enter"),
        Binding("n", "draw", "新抽查", key_display="n"),
        Binding("r", "rederive", "重新推算", key_display="r"),
        Binding("d", "delete", "删除轮次", key_display="d", show=False),
    ]
    PALETTE = [("新一轮抽查", "按村和类别分层抽取，先看样本再保存（n）", "draw"),
               ("记录抽查结果", "打开所选轮次（Enter）", "open"),
               ("重新推算抽查样本", "用保存的种子和参数核对样本（r）", "rederive"),
               ("删除抽查轮次", "尚未记录结果时（d）", "delete")]

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="sc-title")
        yield DataTable(id="sc-rounds", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns, then the rounds."""
        table = self.query_one(DataTable)
        table.add_columns("日期", "检查人", "村（居）", "范围", "比例/数量", "种子", "已记录", "不合格")
        table.focus()
        self.rounds: dict[str, object] = {}
        self.reload()

    def reload(self) -> None:
        """Read again."""
        self.load()

    def load(self) -> None:
        """store.checks.spotcheck_rounds.rounds of the active campaign, then show."""
        from store.people.search import active_campaign_id
        from store.checks.spotcheck_rounds import rounds

        self.load_then_show("rounds", lambda: rounds(cid) if (cid := active_campaign_id()) else [], self.show)

    def show(self, rows) -> None:
        """Fill the table."""
        from ..text import cut

        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self.rounds = {str(r.id): r for r in rows}
        for r in rows:
            size = f"{r.count}个" if r.count else f"{float(r.ratio or 0) * 100:g}%"
            table.add_row(day(r.date), r.checker, cut(r.villages, 20), r.population, size, str(r.seed),
                          f"{r.recorded}/{r.total}", str(r.failed), key=str(r.id))
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)))
        self.query_one("#sc-title", Static).update(
            f"抽查 {len(rows)} 轮  n 新抽查，Enter 记录结果" if rows else "还没有抽查。按 n 抽取第一轮")

    def current(self):
        """The round under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.rounds.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, _event) -> None:
        """Enter on a round."""
        self.action_open()

    def action_back(self) -> None:
        """Esc: back."""
        self.app.pop_screen()

    def action_open(self) -> None:
        """Enter: the recording screen of the round."""
        from .spotcheck_record import RecordScreen

        if r := self.current():
            self.app.push_screen(RecordScreen(r.id))

    def action_draw(self) -> None:
        """n: a new round; once saved, its recording screen opens."""
        from .spotcheck_draw import DrawForm
        from .spotcheck_record import RecordScreen

        self.app.push_screen(DrawForm(), lambda rid: rid and self.app.push_screen(RecordScreen(rid)))

    def action_rederive(self) -> None:
        """r: draw the round again from its stored seed and parameters and compare."""
        if r := self.current():
            self.rederive(r.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="round-check")
    def rederive(self, round_id: int) -> None:
        """store.checks.spotcheck_rounds.rederive (reads only)."""
        from store.schema import db
        from store.checks.spotcheck_rounds import rederive

        with db.connection_context():
            got = rederive(round_id)
        if got.matches:
            text, level = f"重新推算一致：{len(got.stored)} 个对象与保存的样本完全相同", "information"
        else:
            text, level = (f"重新推算不一致：少了 {len(got.missing)} 个、多了 {len(got.extra)} 个"
                           "（抽查后对象有增删或状态变化）"), "warning"
        self.app.call_from_thread(self.notify, text, severity=level, timeout=10)

    def action_delete(self) -> None:
        """d: delete a round saved by mistake (refused once results are recorded)."""
        from .confirm import ConfirmScreen

        if r := self.current():
            self.app.push_screen(ConfirmScreen(f"删除 {day(r.date)} 的这一轮抽查（{r.total} 个对象）？"),
                                 lambda yes: yes and self.delete(r.id))

    @work(thread=True, exclusive=True, exit_on_error=False, group="round-write")
    def delete(self, round_id: int) -> None:
        """store.checks.spotcheck_rounds.delete_round."""
        from store.errors import StoreError
        from store.schema import db
        from store.checks.spotcheck_rounds import delete_round

        try:
            with db.connection_context():
                retry_locked(lambda: delete_round(round_id))
        except StoreError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="未删除", severity="error", timeout=10)
            return
        self.app.call_from_thread(self.app.post_message, DataChanged())
