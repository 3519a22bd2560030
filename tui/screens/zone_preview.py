"""Auto-assignment preview: what would move to which zone (and whether the member in charge
changes), what matched nothing, what matched several zones; y applies it after a question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from store.town.zone_match import Applied, Preview, preview_auto_assign
from store.town.zone_match import apply as apply_changes

from ..text import cut_start
from .base import LoadsInThread
from .confirm import ConfirmScreen


class ZonePreviewScreen(LoadsInThread, ModalScreen[bool]):
    """按地址自动分片（预览）."""

    CSS_PATH = "zone_preview.tcss"
    BINDINGS = [Binding("y", "apply", "应用", key_display="y"),
                Binding("escape", "close", "关闭", key_display="Esc"),
                Binding("tab", "switch", "切换", key_display="Tab", show=False)]

    def __init__(self, village_id: int, village_name: str = "") -> None:
        super().__init__()
        self.village_id, self.village_name = village_id, village_name
        self.preview: Preview | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="zp-box"):
            yield Static("正在计算...", id="zp-title")
            yield DataTable(id="zp-changes", cursor_type="row", zebra_stripes=True)
            yield Static("", id="zp-left-title")
            yield DataTable(id="zp-left", cursor_type="row")
            yield Static("y 应用以上修改（先确认）  Tab 切换表格  Esc 关闭不修改", id="zp-keys")

    def on_mount(self) -> None:
        """Columns, then the preview."""
        self.query_one("#zp-changes", DataTable).add_columns("姓名", "地址", "原片区", "新片区", "命中", "负责人")
        self.query_one("#zp-left", DataTable).add_columns("情况", "姓名", "地址", "候选片区")
        self.query_one("#zp-changes").focus()
        self.load()

    def load(self) -> None:
        """store.town.zone_match.preview_auto_assign (reads only), then shown."""
        self.load_then_show("zone-preview", lambda: preview_auto_assign(self.village_id), self.show)

    def show(self, p: Preview) -> None:
        """Fill both tables."""
        self.preview = p
        members = sum(1 for c in p.changes if c.sets_member)
        self.query_one("#zp-title", Static).update(
            f"{self.village_name}按地址自动分片（预览，尚未修改）：将改 {len(p.changes)} 个（其中负责人随之更改 {members} 个），"
            f"已在正确片区 {p.unchanged} 个，未匹配 {len(p.unmatched)} 个，匹配多个片区 {len(p.ambiguous)} 个")
        changes = self.query_one("#zp-changes", DataTable)
        changes.clear()
        for c in p.changes:
            changes.add_row(c.person, cut_start(c.address, 22), c.old_zone, c.new_zone, c.keyword,
                            f"改为{c.new_member}" if c.sets_member else "不变")
        left = self.query_one("#zp-left", DataTable)
        left.clear()
        for u in p.ambiguous:
            left.add_row("多个片区", u.person, cut_start(u.address, 22), "、".join(u.candidates))
        for u in p.unmatched:
            left.add_row("未匹配", u.person, cut_start(u.address, 22), "")
        self.query_one("#zp-left-title", Static).update(
            f"不会修改：未匹配 {len(p.unmatched)} 个、匹配多个片区 {len(p.ambiguous)} 个（请修改关键词或在对象表中手工分片）")

    def action_switch(self) -> None:
        """Tab: between the tables."""
        self.focus_next(DataTable)

    def action_apply(self) -> None:
        """y: apply the previewed changes after a question."""
        if self.preview is None:
            return
        if not self.preview.changes:
            self.notify("没有需要修改的对象", severity="warning")
            return
        changes = self.preview.changes

        def answered(yes: bool | None) -> None:
            """Yes: write exactly the previewed rows."""
            if yes:
                self.apply(changes)

        self.app.push_screen(ConfirmScreen(f"按预览把 {len(changes)} 个对象分到新片区？"), answered)

    def apply(self, changes: list) -> None:
        """store.town.zone_match.apply: exactly the previewed rows, one transaction."""
        self.write_then_show("zone-apply", lambda: apply_changes(changes), self._applied)

    def _applied(self, done: Applied) -> None:
        """Say what was written and close (the helper then tells every screen the data changed)."""
        self.notify(f"已分片 {done.persons} 人，负责人随片区更改 {done.members_set} 个")
        self.dismiss(True)

    def action_close(self) -> None:
        """Esc: nothing written."""
        self.dismiss(False)
