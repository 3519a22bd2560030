"""在保对照: the 漏保 suspects worklist, the 漏救 checks and the roster mismatches, one table each.

Reads store.rosters.suspects and store.rosters.checks in a worker; assigning the worklist (zone by address
and the zone's member, or one member for all) is one store call, after a confirmation.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.campaign.active import active_campaign_id
from store.rosters.checks import confirm, relief_gaps
from store.rosters.rosters import current_rosters
from store.rosters.suspects import Assigned, assign_suspects, suspects
from store.town.members import member_rows

from ..messages import OpenCase
from ..text import cut
from ..typed_app import app_of
from .base import AppScreen
from .confirm import ConfirmScreen
from .pick import ALL, PickScreen

VIEWS = {"suspects": "「漏保」疑似对象", "gaps": "「漏救」检查", "mismatches": "与在保名单不一致"}
ORDER = list(VIEWS)


class RostersScreen(AppScreen):
    """在保对照."""

    WRITE_ACTIONS = frozenset({"assign", "assign_member"})
    CSS_PATH = "rosters.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("enter", "open_case", "打开对象", key_display="Enter"),
        Binding("tab", "next_view", "切换", key_display="Tab"),
        Binding("a", "assign", "一步分派", key_display="a"),
        Binding("m", "assign_member", "交给一人", key_display="m"),
        Binding("v", "village", "村", key_display="v"),
        Binding("f5", "reload", "刷新", key_display="F5", show=False),
    ]
    PALETTE = [("分派「漏保」疑似对象", "按住址分入片区并交给片区负责人", "assign"),
               ("把「漏保」疑似对象交给一名工作人员", "", "assign_member")]

    def __init__(self, view: str = "suspects") -> None:
        super().__init__()
        self.view = view if view in VIEWS else "suspects"
        self.village_id: int | None = None
        self.items: dict[str, object] = {}
        self.data: dict[str, list] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="ro-title")
        yield Static("", id="ro-rosters")
        yield DataTable(id="ro-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="ro-note")

    def on_mount(self) -> None:
        """The lists from a worker."""
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        """Read every list again."""
        self.load(self.village_id)

    def action_reload(self) -> None:
        """F5."""
        self.reload()

    def load(self, village_id: int | None) -> None:
        """The three lists and the current rosters."""
        today = app_of(self).today()

        def fetch() -> tuple[dict, dict]:
            """Read in the worker."""
            cid = active_campaign_id()
            data = {"suspects": suspects(cid, today, village_id) if cid else [],
                    "gaps": relief_gaps(cid) if cid else [],
                    "mismatches": confirm(cid).mismatches if cid else []}
            return data, current_rosters()

        self.load_then_show("rosters", fetch, lambda got: self.show(*got))

    def show(self, data: dict, rosters: dict) -> None:
        """Fill the table of the current view."""
        self.data = data
        names = "；".join(f"{k} {v.as_of}（{v.persons}人）" for k, v in rosters.items())
        self.query_one("#ro-rosters", Static).update(
            f"现行在保名单：{names}" if names else "还没有导入在保名单（F8 导入，排查类别选「在保名单：低保」等）：所有对象都按未在保计")
        self._fill()

    def _fill(self) -> None:
        """The rows of the view, cursor kept."""
        rows = self.data.get(self.view, [])
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        why = "原因" if self.view != "mismatches" else "不一致之处"
        table.add_columns("序", "村（居）", "姓名", "身份证号", *(["分"] if self.view == "suspects" else []), why)
        self.items = {}
        for i, r in enumerate(rows, 1):
            self.items[str(r.case_id)] = r
            score = [str(r.score)] if self.view == "suspects" else []
            table.add_row(str(i), cut(r.village, 8), cut(r.name, 8), r.id_masked, *score, cut(r.why, 40),
                          key=str(r.case_id))
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)))
        where = dict(app_of(self).villages).get(self.village_id, "全镇") if self.village_id else "全镇"
        title = Text(f"在保对照（{where}）：")
        for v in ORDER:
            title.append(f"{VIEWS[v]} {len(self.data.get(v, []))}", style="reverse" if v == self.view else "dim")
            title.append("  ")
        self.query_one("#ro-title", Static).update(title + Text("Tab 切换"))
        self._note()

    def _note(self) -> None:
        """The whole reason of the highlighted line."""
        r = self.current()
        self.query_one("#ro-note", Static).update(r.why if r else "")

    def on_data_table_row_highlighted(self, _event) -> None:
        """Show the highlighted line's reason in full."""
        self._note()

    def current(self):
        """The line under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.items.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, _event) -> None:
        """Enter on a line."""
        self.action_open_case()

    def action_open_case(self) -> None:
        """Enter: the line's case."""
        if r := self.current():
            self.post_message(OpenCase(r.case_id))

    def action_back(self) -> None:
        """Esc: back."""
        self.app.pop_screen()

    def action_next_view(self) -> None:
        """Tab: 漏保, 漏救, 不一致 in turn."""
        self.view = ORDER[(ORDER.index(self.view) + 1) % len(ORDER)]
        self._fill()

    def action_village(self) -> None:
        """v: one village's worklist."""
        def picked(value) -> None:
            """Apply the chosen village."""
            if value is not None:
                self.village_id = None if value == ALL else value
                self.reload()

        self.app.push_screen(PickScreen("按村（居）筛选", list(app_of(self).villages)), picked)

    def _worklist(self) -> list[int]:
        """The case ids of the 漏保 worklist as shown (a notice when empty or another view)."""
        if self.view != "suspects":
            self.notify("分派用于「漏保」疑似对象：按 Tab 切换到该表", severity="warning")
            return []
        ids = [r.case_id for r in self.data.get("suspects", [])]
        if not ids:
            self.notify("没有「漏保」疑似对象", severity="warning")
        return ids

    def action_assign(self) -> None:
        """a: every suspect into the zone its address matches, to the zone's member (after y)."""
        ids = self._worklist()
        if ids:
            question = (f"把 {len(ids)} 个「漏保」疑似对象按住址分入片区，并交给片区负责人？"
                        "（已有负责人的不变）")

            def answered(yes: bool | None) -> None:
                """Yes: assign by zone."""
                if yes:
                    self.assign(ids, None)

            self.app.push_screen(ConfirmScreen(question), answered)

    def action_assign_member(self) -> None:
        """m: every suspect to one member."""
        ids = self._worklist()
        if not ids:
            return
        self.pick_member(ids)

    def pick_member(self, ids: list[int]) -> None:
        """The active members, then the pick list."""

        def fetch() -> list[tuple[object, str]]:
            """The members as pick-list choices, read in the worker."""
            return [(m.id, f"{m.name}（{m.role}）") for m in member_rows()]

        def show(members: list[tuple[object, str]]) -> None:
            """The pick list (or why there is none)."""
            if not members:
                self.notify("还没有工作人员：Ctrl+N 新增", severity="warning")
                return

            def picked(mid: object) -> None:
                """A member picked: every suspect to them."""
                if isinstance(mid, int) and mid:
                    self.assign(ids, mid)

            self.app.push_screen(PickScreen(f"把 {len(ids)} 个「漏保」疑似对象交给", members, allow_all=False), picked)

        self.load_then_show("rosters-members", fetch, show)

    def assign(self, ids: list[int], member_id: int | None) -> None:
        """store.rosters.suspects.assign_suspects in one transaction, then a summary."""
        self.write_then_show("rosters-assign", lambda: assign_suspects(ids, member_id), self.assigned)

    def assigned(self, done: Assigned) -> None:
        """Say what the assignment did and read the lists again."""
        self.notify(f"已分派：分入片区 {done.zoned} 人，交给负责人 {done.members_set} 人，仍无负责人 {done.unassigned} 人",
                    title="分派")
        self.reload()
