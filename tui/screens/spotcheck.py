"""抽查: the campaign's rounds with their progress; draw a new one, record one, re-derive one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.checks.spotcheck_rounds import Rederived, delete_round, rederive, rounds
from store.campaign.active import active_campaign_id

from ..text import cut, day
from .base import AppScreen
from .confirm import ConfirmScreen
from .spotcheck_draw import DrawForm
from .spotcheck_record import RecordScreen


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
    PALETTE = [("新一轮抽查", "按村和类别分层抽取，先看样本再保存", "draw"),
               ("记录抽查结果", "打开所选轮次", "open"),
               ("重新推算抽查样本", "用保存的种子和参数核对样本", "rederive"),
               ("删除抽查轮次", "尚未记录结果时", "delete")]

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
        self.load_then_show("rounds", lambda: rounds(cid) if (cid := active_campaign_id()) else [], self.show)

    def show(self, rows) -> None:
        """Fill the table."""
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
        if r := self.current():
            self.app.push_screen(RecordScreen(r.id))

    def action_draw(self) -> None:
        """n: a new round; once saved, its recording screen opens."""

        def drawn(rid: object) -> None:
            """A round saved: record its results."""
            if isinstance(rid, int) and rid:
                self.app.push_screen(RecordScreen(rid))

        self.app.push_screen(DrawForm(), drawn)

    def action_rederive(self) -> None:
        """r: draw the round again from its stored seed and parameters and compare."""
        if r := self.current():
            self.rederive(r.id)

    def rederive(self, round_id: int) -> None:
        """store.checks.spotcheck_rounds.rederive (reads only), then the comparison said."""
        self.load_then_show("round-check", lambda: rederive(round_id), self.rederived)

    def rederived(self, got: Rederived) -> None:
        """Whether the stored sample is drawn again the same."""
        if got.matches:
            self.notify(f"重新推算一致：{len(got.stored)} 个对象与保存的样本完全相同", severity="information", timeout=10)
        else:
            self.notify(f"重新推算不一致：少了 {len(got.missing)} 个、多了 {len(got.extra)} 个"
                        "（抽查后对象有增删或状态变化）", severity="warning", timeout=10)

    def action_delete(self) -> None:
        """d: delete a round saved by mistake (refused once results are recorded)."""
        if r := self.current():

            def answered(yes: bool | None) -> None:
                """Yes: delete it."""
                if yes:
                    self.delete(r.id)

            self.app.push_screen(ConfirmScreen(f"删除 {day(r.date)} 的这一轮抽查（{r.total} 个对象）？"), answered)

    def delete(self, round_id: int) -> None:
        """store.checks.spotcheck_rounds.delete_round; a refusal is shown in Chinese."""
        self.write_then_show("round-write", lambda: delete_round(round_id))
