"""The first screen: the town's villages with their case counts."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static


class VillagesScreen(Screen):
    """村（居）列表."""

    CSS_PATH = "villages.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("正在读取...", id="villages-summary")
        yield DataTable(id="villages-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Set the columns and load the rows in a worker."""
        table = self.query_one(DataTable)
        table.add_columns("村（居）", "类型", "排查对象", "已走访")
        self.load()

    @work(thread=True, exclusive=True, group="villages")
    def load(self) -> None:
        """Read the villages off the UI thread."""
        from store.queries import active_campaign, village_rows, town_info
        from store.schema import db

        with db.connection_context():
            camp = active_campaign()
            rows = village_rows(camp.id if camp else None)
            town = town_info()
        self.app.call_from_thread(self.show, rows, town, camp)

    def show(self, rows, town, camp) -> None:
        """Fill the table."""
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(r.name, r.kind, str(r.cases), str(r.visited), key=str(r.id))
        place = f"{town.get('district') or ''}{town.get('town') or '（未设置乡镇）'}"
        title = camp.name if camp else "无进行中的整治工作"
        self.query_one("#villages-summary", Static).update(f"{place}  {title}  共 {len(rows)} 个村（居）")
