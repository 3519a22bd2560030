"""包片 of one village: its zones (member in charge, keywords, cases), and its case table where rows
are marked and put into a zone; auto-assignment by keywords goes through a preview."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.followup import members
from store.campaign.active import active_campaign_id
from store.town.zones import delete_zone, unzoned_counts, zone_rows

from ..widgets.case_browser import CaseBrowser
from .base import AppScreen
from .confirm import ConfirmScreen
from .zone_form import ZoneForm
from .zone_preview import ZonePreviewScreen


class ZonesScreen(AppScreen):
    """包片."""

    WRITE_ACTIONS = frozenset({"add", "edit", "delete", "preview"})  # greyed out in read-only mode

    CSS_PATH = "zones.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("n", "add", "新增片区", key_display="n"),
        Binding("e", "edit", "修改片区", key_display="e"),
        Binding("d", "delete", "删除片区", key_display="d", show=False),
        Binding("p", "preview", "自动分片", key_display="p"),
        Binding("tab", "switch", "切换", key_display="Tab", show=False),
    ]
    PALETTE = [("新增片区", "", "add"), ("修改片区", "负责人、关键词", "edit"), ("删除片区", "", "delete"),
               ("按地址关键词自动分片", "先预览再确认", "preview"),
               ("只看未分片的对象", "再按一次显示全部", "unzoned"), ("把标记的对象分到片区", "", "assign")]

    def __init__(self, village_id: int, village_name: str = "") -> None:
        super().__init__()
        self.village_id, self.village_name = village_id, village_name
        self.zones: dict[str, object] = {}
        self.members: list[tuple[int, str]] = []

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="zn-title")
        yield DataTable(id="zn-zones", cursor_type="row")
        yield CaseBrowser(self.village_id, self.village_name, id="zn-cases")

    def on_mount(self) -> None:
        """Columns, then the zones."""
        table = self.query_one("#zn-zones", DataTable)
        table.add_columns("片区", "负责人", "地址关键词", "对象")
        table.focus()
        self.load()

    def reload(self) -> None:
        """After a write."""
        self.load()
        self.query_one(CaseBrowser).reload()
        self.query_one(CaseBrowser).load_choices()

    def load(self) -> None:
        """Zones, the unzoned count and the members who can take charge."""

        def fetch() -> tuple[list, int, list[tuple[int, str]]]:
            """Read in the worker."""
            cid = active_campaign_id()
            return zone_rows(self.village_id, cid), unzoned_counts(cid).get(self.village_id, 0), members(self.village_id)

        self.load_then_show("zones", fetch, lambda got: self.show(*got))

    def show(self, rows, loose: int, people) -> None:
        """Fill the zone table."""
        self.members = people
        table = self.query_one("#zn-zones", DataTable)
        keep = table.cursor_row
        table.clear()
        self.zones = {str(z.id): z for z in rows}
        for z in rows:
            table.add_row(z.name, z.member or "（未定）", "、".join(z.keywords), str(z.cases), key=str(z.id))
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)))
        self.query_one("#zn-title", Static).update(
            f"{self.village_name} 包片：片区 {len(rows)} 个，未分片对象 {loose} 个  "
            "（下方对象表：空格标记，a 分到片区，u 只看未分片）")

    def current(self):
        """The zone under the cursor."""
        table = self.query_one("#zn-zones", DataTable)
        if not table.row_count:
            return None
        return self.zones.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_back(self) -> None:
        """Esc: close the filter bar, else back."""
        if not self.query_one(CaseBrowser).close_text():
            self.app.pop_screen()

    def action_switch(self) -> None:
        """Tab: zones, cases."""
        self.focus_next()

    def action_add(self) -> None:
        """n: a new zone."""
        self.app.push_screen(ZoneForm(self.village_id, self.members))

    def action_edit(self) -> None:
        """e: the zone under the cursor."""
        if z := self.current():
            self.app.push_screen(ZoneForm(self.village_id, self.members, z))

    def action_delete(self) -> None:
        """d: delete the zone; its cases become 未分片."""
        if z := self.current():

            def answered(yes: bool | None) -> None:
                """Yes: delete it."""
                if yes:
                    self.delete(z.id)

            self.app.push_screen(ConfirmScreen(f"删除片区「{z.name}」？其中 {z.cases} 个对象将变为未分片"), answered)

    def delete(self, zone_id: int) -> None:
        """store.town.zones.delete_zone."""
        self.write_then_show("zone-write", lambda: delete_zone(zone_id),
                             lambda n: self.notify(f"已删除片区，{n} 人变为未分片"))

    def action_preview(self) -> None:
        """p: what auto-assignment would change, before anything is written."""
        self.app.push_screen(ZonePreviewScreen(self.village_id, self.village_name))
