"""人员: every member with village, role, masked phone, whether active, and their workload."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.ids import mask_phone
from store.campaign.active import active_campaign_id
from store.town import members
from store.town.members import member_rows, workload

from ..typed_app import app_of
from .base import AppScreen
from .confirm import ConfirmScreen
from .member_form import MemberForm
from .pick import PickScreen

COLUMNS = ["村（居）", "姓名", "职务", "电话", "在岗", "对象", "已入户", "逾期", "30天未联系"]


def masked(phone: str | None) -> str:
    """Each phone of a member masked."""
    return " / ".join(mask_phone(p) for p in (phone or "").split("/") if p)


class MembersScreen(AppScreen):
    """人员与工作量."""

    WRITE_ACTIONS = frozenset({"add", "edit", "toggle_active", "delete", "cadre"})  # greyed out in read-only mode

    CSS_PATH = "members.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("a", "add", "新增", key_display="a"),
        Binding("e", "edit", "修改", key_display="e"),
        Binding("t", "toggle_active", "停用/启用", key_display="t"),
        Binding("d", "delete", "删除", key_display="d", show=False),
        Binding("c", "cadre", "设为驻村干部", key_display="c", show=False),
    ]
    PALETTE = [("新增人员", "", "add"), ("修改人员", "", "edit"), ("停用或启用人员", "", "toggle_active"),
               ("删除人员", "没有任何记录时才能删除", "delete"), ("设置村（居）的驻村干部", "", "cadre")]

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="mem-title")
        yield DataTable(id="mem-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns, then the rows."""
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.rows: dict[str, object] = {}
        self.reload()

    def reload(self) -> None:
        """Read again."""
        self.load()

    def load(self) -> None:
        """Members and their workload, then show."""

        def fetch() -> tuple[list, dict]:
            """Every member, active or not, and the active campaign's workload by member."""
            cid = active_campaign_id()
            work_by = {w.member_id: w for w in workload(cid, app_of(self).today())} if cid else {}
            return member_rows(include_inactive=True), work_by

        self.load_then_show("members", fetch, lambda got: self.show(*got))

    def show(self, rows, work_by) -> None:
        """Fill the table, cursor kept."""
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {str(m.id): m for m in rows}
        for m in rows:
            w = work_by.get(m.id)
            nums = [str(x) for x in (w.cases, w.visited, w.overdue, w.stale)] if w else ["0"] * 4
            active = Text("在岗") if m.active else Text("停用", style="dim")
            table.add_row(m.village, m.name, m.role, masked(m.phone), active, *nums, key=str(m.id))
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)))
        on_duty = sum(1 for m in rows if m.active)
        self.query_one("#mem-title", Static).update(f"人员 {len(rows)} 人（在岗 {on_duty} 人）  工作量：负责的对象、已入户走访、逾期事项、30天未联系")

    def current(self):
        """The member under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.rows.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_back(self) -> None:
        """Esc: back."""
        self.app.pop_screen()

    def action_add(self) -> None:
        """a: a new member."""
        self.app.push_screen(MemberForm(None))

    def action_edit(self) -> None:
        """e: edit the member under the cursor."""
        if m := self.current():
            self.app.push_screen(MemberForm(m))

    def action_toggle_active(self) -> None:
        """t: deactivate (or reactivate) after a question."""
        if m := self.current():
            verb = "停用" if m.active else "重新启用"

            def answered(yes: bool | None) -> None:
                """Yes: set the member's active flag the other way."""
                if yes:
                    self.write("set_active", m.id, not m.active)

            self.app.push_screen(ConfirmScreen(f"{verb}{m.name}？（记录保留）"), answered)

    def action_delete(self) -> None:
        """d: delete, which the store refuses (with the reason) when the member has records."""
        if m := self.current():

            def answered(yes: bool | None) -> None:
                """Yes: delete."""
                if yes:
                    self.write("delete_member", m.id)

            self.app.push_screen(ConfirmScreen(f"删除{m.name}？（有记录的人员不能删除，只能停用）"), answered)

    def action_cadre(self) -> None:
        """c: make the 驻村干部 under the cursor a village's supervising cadre."""
        m = self.current()
        if m is None:
            return
        if m.role != "驻村干部" or not m.active:
            self.notify("请把光标移到一位在岗的驻村干部上", severity="warning")
            return

        def picked(vid: object) -> None:
            """A village picked: its cadre is this member."""
            if vid:
                self.write("set_village_cadre", vid, m.id)

        self.app.push_screen(PickScreen(f"{m.name}联系哪个村（居）", list(app_of(self).villages), allow_all=False),
                             picked)

    def write(self, fn: str, *args) -> None:
        """One store.town.members write; a refusal is shown in Chinese (by the worker-error mixin)."""
        self.write_then_show("member-write", lambda: getattr(members, fn)(*args), lambda _: self.notify("已保存"))
