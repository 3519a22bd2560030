"""村（居）名单: the town's villages with their counts; add, rename, code, order, aliases, merge one
village into another (pick the target, read the preview, confirm) and remove an empty one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from store.town import village_merge, villages
from store.town.village_merge import MergePlan, plan_merge
from store.town.villages import registry_rows

from ..text import cut
from ..widgets.fields import FieldError
from .base import AppScreen
from .confirm import ConfirmScreen
from .form import FormScreen, labelled, text_of
from .pick import PickScreen

COLUMNS = ["顺序", "村（居）", "类型", "代码", "人员", "对象", "片区", "工作人员", "别名"]


class VillagesScreen(AppScreen):
    """村（居）名单."""

    WRITE_ACTIONS = frozenset({"add", "rename", "code", "up", "down", "alias", "unalias", "merge", "remove"})

    CSS_PATH = "villages.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("a", "add", "新增", key_display="a"),
        Binding("e", "rename", "改名", key_display="e"),
        Binding("c", "code", "代码", key_display="c", show=False),
        Binding("k", "up", "上移", key_display="k", show=False),
        Binding("j", "down", "下移", key_display="j", show=False),
        Binding("l", "alias", "加别名", key_display="l"),
        Binding("x", "unalias", "删别名", key_display="x", show=False),
        Binding("m", "merge", "合并到...", key_display="m"),
        Binding("d", "remove", "删除", key_display="d", show=False),
    ]
    PALETTE = [("新增村（居）", "", "add"), ("村（居）改名", "原名称保留为别名", "rename"),
               ("村（居）代码", "区划代码", "code"), ("村（居）上移", "", "up"), ("村（居）下移", "", "down"),
               ("加别名", "名单中的另一种写法", "alias"), ("删除别名", "", "unalias"),
               ("合并村（居）", "把光标所在的村（居）并入另一个，先看预览", "merge"),
               ("删除村（居）", "只能删除没有任何记录的", "remove")]

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="vl-title")
        yield DataTable(id="vl-table", cursor_type="row", zebra_stripes=True)
        yield Static("a 新增  e 改名  c 代码  k/j 上移/下移  l/x 加/删别名  m 合并  d 删除（仅空的）",
                     id="vl-keys")

    def on_mount(self) -> None:
        """Columns, then the rows."""
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.rows: dict[str, dict] = {}
        self.keep_id: int | None = None
        self.reload()

    def reload(self) -> None:
        """Read again."""
        self.load()

    def load(self) -> None:
        """Every village with its counts, then show."""
        self.load_then_show("villages", registry_rows, self.show)

    def show(self, rows: list[dict]) -> None:
        """Fill the table; the cursor stays on the same village (or row)."""
        table = self.query_one(DataTable)
        keep = self.keep_id or (self.current() or {}).get("id")
        row_at = table.cursor_row
        table.clear()
        self.rows = {str(r["id"]): r for r in rows}
        for i, r in enumerate(rows, start=1):
            table.add_row(str(i), r["name"], r["kind"], r["code"] or "", str(r["persons"]), str(r["cases"]),
                          str(r["zones"]), str(r["members"]), cut("、".join(r["aliases"]), 30), key=str(r["id"]))
        ids = [r["id"] for r in rows]
        table.move_cursor(row=ids.index(keep) if keep in ids else min(row_at, max(0, len(rows) - 1)))
        self.keep_id = None
        persons = sum(r["persons"] for r in rows)
        self.query_one("#vl-title", Static).update(f"村（居）名单 {len(rows)} 个，人员 {persons} 人")

    def current(self) -> dict | None:
        """The village under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.rows.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")

    def action_back(self) -> None:
        """Esc: back."""
        self.app.pop_screen()

    def action_add(self) -> None:
        """a: a new village; the cursor goes to it."""
        self.app.push_screen(VillageForm("add"), self.went_to)

    def went_to(self, village) -> None:
        """After a form saved: the cursor on its village when the table is read again."""
        if village is not None:
            self.keep_id = getattr(village, "id", None)

    def action_rename(self) -> None:
        """e: rename the village under the cursor."""
        if v := self.current():
            self.app.push_screen(VillageForm("rename", v))

    def action_code(self) -> None:
        """c: the village's statistical code."""
        if v := self.current():
            self.app.push_screen(VillageForm("code", v))

    def action_alias(self) -> None:
        """l: another spelling of the village."""
        if v := self.current():
            self.app.push_screen(VillageForm("alias", v))

    def action_up(self) -> None:
        """k: one place up."""
        if v := self.current():
            self.keep_id = v["id"]
            self.write("move_village", v["id"], -1)

    def action_down(self) -> None:
        """j: one place down."""
        if v := self.current():
            self.keep_id = v["id"]
            self.write("move_village", v["id"], 1)

    def action_unalias(self) -> None:
        """x: pick one of the village's aliases to remove."""
        v = self.current()
        if v is None:
            return
        if not v["aliases"]:
            self.notify(f"「{v['name']}」没有别名", severity="warning")
            return

        def picked(alias: object) -> None:
            """An alias picked: remove it."""
            if alias:
                self.write("remove_alias", v["id"], alias)

        self.app.push_screen(PickScreen(f"删除「{v['name']}」的哪个别名", [(a, a) for a in v["aliases"]], allow_all=False),
                             picked)

    def action_merge(self) -> None:
        """m: pick the village to merge the one under the cursor into, then preview."""
        v = self.current()
        if v is None:
            return
        others: list[tuple[object, str]] = [(r["id"], r["name"]) for r in self.rows.values() if r["id"] != v["id"]]
        if not others:
            self.notify("只有一个村（居），无处合并", severity="warning")
            return

        def picked(target: object) -> None:
            """A target picked: the preview."""
            if isinstance(target, int):
                self.preview(v["id"], target)

        self.app.push_screen(PickScreen(f"把「{v['name']}」合并到", others, allow_all=False), picked)

    def preview(self, source_id: int, target_id: int) -> None:
        """What the merge would move (read only), then the question; a refusal is shown in Chinese."""
        self.load_then_show("village-merge", lambda: plan_merge(source_id, target_id), self.ask_merge)

    def ask_merge(self, plan: MergePlan) -> None:
        """The preview as a yes/no question."""
        lines = "\n".join(f"  {line}" for line in plan.lines()) or "  （没有记录）"
        question = (f"把「{plan.source}」合并到「{plan.target}」？\n以下记录将转到「{plan.target}」：\n{lines}\n"
                    f"「{plan.source}」随后删除，其名称作为「{plan.target}」的别名。")

        def answered(yes: bool | None) -> None:
            """Yes: merge."""
            if yes:
                self.merge(plan)

        self.app.push_screen(ConfirmScreen(question), answered)

    def merge(self, plan: MergePlan) -> None:
        """After yes: merge, the cursor on the target."""
        self.keep_id = plan.target_id
        self.write("merge_villages", plan.source_id, plan.target_id, done=f"已把「{plan.source}」合并到「{plan.target}」")

    def action_remove(self) -> None:
        """d: delete an empty village after a question (the store refuses one with records)."""
        if v := self.current():

            def answered(yes: bool | None) -> None:
                """Yes: delete it."""
                if yes:
                    self.write("remove_village", v["id"], done=f"已删除「{v['name']}」")

            self.app.push_screen(ConfirmScreen(f"删除「{v['name']}」？（有人员、片区等记录的不能删除，请合并）"), answered)

    def write(self, fn: str, *args, done: str = "已保存") -> None:
        """One store write (store.town.villages or store.town.village_merge); a refusal is shown in Chinese."""
        module = village_merge if fn in ("merge_villages", "remove_village") else villages

        def saved(_result: object) -> None:
            """Say it was done (a move shows itself in the table)."""
            if fn != "move_village":
                self.notify(done)

        self.write_then_show("village-write", lambda: getattr(module, fn)(*args), saved)


FORMS = {  # mode -> (title, field, label, placeholder)
    "add": ("新增村（居）", "name", "名称（如 后龙村、礁头社区；写成「后龙村委会」也按「后龙村」保存）", "后龙村"),
    "rename": ("村（居）改名", "name", "新名称（原名称保留为别名，名单里仍这样写的也能对应上）", ""),
    "code": ("村（居）代码", "code", "区划代码（留空为清除）", "如 350505102201"),
    "alias": ("加别名", "alias", "别名：名单里的另一种写法（如 西埔、后龙两委）", ""),
}


class VillageForm(FormScreen):
    """新增村（居）, 改名, 代码 or 加别名: one or two fields, Ctrl+S saves."""

    CSS_PATH = "villages.tcss"
    PREFIX = "vf"

    def __init__(self, mode: str, village: dict | None = None) -> None:
        super().__init__()
        self.mode, self.village = mode, village

    def compose(self) -> ComposeResult:
        title, name, label, hint = FORMS[self.mode]
        v = self.village
        with Vertical(classes="vf-box"):
            yield Static(f"{title}{'：' + v['name'] if v else ''}（Ctrl+S 保存，Esc 取消）", classes="vf-title")
            value = (v["code"] or "") if v and self.mode == "code" else ""
            yield from labelled("vf", name, label, value, hint)
            if self.mode == "add":
                yield from labelled("vf", "code", "区划代码（可不填）", "", "如 350505102201")
            yield FieldError(id="vf-form-error")

    def on_mount(self) -> None:
        """Start on the first field."""
        self.query_one("#vf-" + FORMS[self.mode][1]).focus()

    def values(self) -> dict:
        """What was typed."""
        out = {FORMS[self.mode][1]: text_of(self, "vf", FORMS[self.mode][1])}
        if self.mode == "add":
            out["code"] = text_of(self, "vf", "code")
        return out

    def write(self, values: dict):
        """The store function of the mode."""
        if self.mode == "add":
            return villages.create_village(values["name"], code=values["code"].strip() or None)
        assert self.village is not None  # every mode but "add" is opened on a village
        vid = self.village["id"]
        if self.mode == "rename":
            return villages.rename_village(vid, values["name"])
        if self.mode == "code":
            return villages.set_code(vid, values["code"])
        return villages.add_alias(vid, values["alias"])
