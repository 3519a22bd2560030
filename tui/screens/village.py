"""村（居）: its zones with the member in charge and progress, its members and cadre, its cases."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from store.campaign.active import active_campaign_id
from store.reports.stats import village_progress
from store.town.village_view import village_view

from ..text import bar, pct
from ..typed_app import app_of
from ..widgets.case_browser import CaseBrowser
from .base import AppScreen
from .dashboard import included_text
from .reviews import ReviewsScreen
from .zones import ZonesScreen


def figures_text(r) -> Text:
    """The village's line of the read model, as on the dashboard."""
    text = Text(f"对象 {r.cases}  入户走访 {r.visited}（{pct(r.visited_pct)}）  电话回访 {r.called}  已研判 {r.assessed}  "
                f"待办理 {r.pending}  新纳入 {included_text(r.included) or 0}  监测 {r.monitoring}  "
                f"抽查 {r.spot_checked}  未整改问题 {r.open_problems}  逾期 {r.overdue}")
    households = [f"{label} {h}户{n}人" for label, h, n in (
        ("低保", r.new_dibao_households, r.new_dibao_persons), ("低保边缘", r.new_edge_households, r.new_edge_persons),
        ("特困", r.new_tekun_households, r.new_tekun_persons)) if h]
    if households:  # policy counts these per household (户 and 人, store.reports.stats)
        text.append("  按户：" + "，".join(households))
    if r.behind:
        text.append(f"  落后：{r.behind}", style="bold red")
    return text


class VillageScreen(AppScreen):
    """村（居）."""

    CSS_PATH = "village.tcss"
    BINDINGS = [Binding("escape", "back", "返回", key_display="Esc"),
                Binding("tab", "switch", "切换", key_display="Tab"),
                Binding("p", "zones", "包片", key_display="p"),
                Binding("r", "reviews", "验收测评", key_display="r")]
    PALETTE = [("本村包片", "片区、负责人、关键词，自动分片", "zones"),
               ("本村验收、满意度测评、通报约谈", "", "reviews"),
               ("只看本村未分片的对象", "", "unzoned")]

    def __init__(self, village_id: int) -> None:
        super().__init__()
        self.village_id = village_id

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="vil-title")
        yield Static("", id="vil-figures")
        with Horizontal(id="vil-top"):
            yield DataTable(id="vil-zones", cursor_type="row")
            yield DataTable(id="vil-members", cursor_type="row")
        yield CaseBrowser(self.village_id, id="vil-cases")

    def on_mount(self) -> None:
        """Columns, then the data."""
        self.query_one("#vil-zones", DataTable).add_columns("片区", "负责人", "对象", "已走访", "进度")
        self.query_one("#vil-members", DataTable).add_columns("姓名", "职务", "电话")
        self.load()

    def reload(self) -> None:
        """After a write."""
        self.load()
        self.query_one(CaseBrowser).reload()
        self.query_one(CaseBrowser).load_choices()

    def load(self) -> None:
        """Zones, members, cadre."""
        today = app_of(self).today()

        def fetch() -> tuple:
            """The village's view and its line of the read model, read in the worker."""
            cid = active_campaign_id()
            view = village_view(self.village_id, cid)
            rows = village_progress(cid, today) if cid else []
            return view, next((r for r in rows if r.id == self.village_id), None)

        self.load_then_show("village", fetch, lambda got: self.show(*got))

    def show(self, view, figures=None) -> None:
        """The village's figures (the dashboard's, store.reports.stats), then the two small tables."""
        self.query_one("#vil-figures", Static).update(figures_text(figures) if figures else "")
        self.query_one("#vil-title", Static).update(
            f"{view.name}  驻村干部：{view.cadre or '（未设置）'}  片区 {len(view.zones)} 个  人员 {len(view.members)} 人")
        browser = self.query_one(CaseBrowser)
        browser.names["village"] = view.name
        browser._bar()
        zones = self.query_one("#vil-zones", DataTable)
        zones.clear()
        for name, member, cases, visited in view.zones:
            share = visited / cases if cases else None
            zones.add_row(name, member, str(cases), pct(None if share is None else 100 * share), bar(share or 0, 8))
        members = self.query_one("#vil-members", DataTable)
        members.clear()
        for row in view.members:
            members.add_row(*row)

    def action_back(self) -> None:
        """Esc: close the filter bar, else back."""
        if not self.query_one(CaseBrowser).close_text():
            self.app.pop_screen()

    def action_zones(self) -> None:
        """p: the village's zones."""
        self.app.push_screen(ZonesScreen(self.village_id, self.query_one(CaseBrowser).names.get("village", "")))

    def action_reviews(self) -> None:
        """r: the village's 验收, 测评, 通报."""
        self.app.push_screen(ReviewsScreen(self.village_id, self.query_one(CaseBrowser).names.get("village", "")))

    def action_switch(self) -> None:
        """Tab: zones, members, cases."""
        self.focus_next()
