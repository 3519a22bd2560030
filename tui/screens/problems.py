"""问题清单 / 整改清单: every problem with its rectification; filter by village or overdue."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.checks.problem_lists import rectification_list
from store.campaign.active import active_campaign_id

from ..messages import OpenCase
from ..text import cut, day
from ..typed_app import app_of
from .base import AppScreen
from .pick import ALL, PickScreen
from .problem_forms import ProblemForm, RectificationForm


def left_text(r) -> Text:
    """Days left, 已完成, or 逾期N天 in red."""
    if r.done_on:
        return Text(f"已完成{day(r.done_on)}", style="green")
    if r.days_left is None:
        return Text("")
    if r.overdue:
        return Text(f"逾期{-r.days_left}天", style="bold red")
    return Text(f"剩{r.days_left}天")


class ProblemsScreen(AppScreen):
    """问题与整改."""

    WRITE_ACTIONS = frozenset({"add", "edit", "rectify"})  # greyed out in read-only mode

    CSS_PATH = "problems.tcss"
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("n", "add", "新增问题", key_display="n"),
        Binding("e", "edit", "修改问题", key_display="e", show=False),
        Binding("r", "rectify", "整改", key_display="r"),
        Binding("v", "village", "村", key_display="v"),
        Binding("o", "overdue", "只看逾期", key_display="o"),
        Binding("enter", "open_case", "打开对象", key_display="Enter"),
    ]
    PALETTE = [("新增问题", "", "add"), ("修改问题", "", "edit"),
               ("填写整改", "措施、责任人、期限、进展、完成日期、佐证", "rectify"),
               ("问题清单按村筛选", "", "village"), ("只看整改逾期的问题", "", "overdue")]

    def __init__(self) -> None:
        super().__init__()
        self.village_id: int | None = None
        self.overdue_only = False
        self.problems: dict[str, object] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("正在读取...", id="pr-title")
        yield DataTable(id="pr-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="pr-note")

    def on_mount(self) -> None:
        """Columns, then the problems."""
        table = self.query_one(DataTable)
        table.add_columns("村（居）", "姓名", "类型", "整改", "期限", "责任人", "来源", "问题")
        table.focus()
        self.reload()

    def reload(self) -> None:
        """Read again."""
        self.load(self.village_id)

    def load(self, village_id: int | None) -> None:
        """store.checks.problem_lists.rectification_list (most urgent first), then show."""
        today = app_of(self).today()

        def fetch() -> list:
            """The rows of the active campaign (none without one)."""
            cid = active_campaign_id()
            return rectification_list(cid, today, village_id=village_id) if cid else []

        self.load_then_show("problems", fetch, self.show)

    def show(self, rows) -> None:
        """Fill the table (only overdue ones when asked)."""
        shown = [r for r in rows if r.overdue] if self.overdue_only else rows
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self.problems = {str(r.problem_id): r for r in shown}
        for r in shown:
            table.add_row(r.village, r.person or "（无）", r.kind, left_text(r), day(r.deadline),
                          r.responsible or "（未定）", r.source, cut(r.description, 30), key=str(r.problem_id))
        table.move_cursor(row=min(keep, max(0, table.row_count - 1)))
        late = sum(1 for r in rows if r.overdue)
        where = dict(app_of(self).villages).get(self.village_id, "全镇") if self.village_id else "全镇"
        self.query_one("#pr-title", Static).update(
            f"问题与整改（{where}{'，只看逾期' if self.overdue_only else ''}）：共 {len(rows)} 个，"
            f"未完成 {sum(1 for r in rows if not r.done_on)} 个，逾期 {late} 个")
        self._note()

    def _note(self) -> None:
        """The whole description and progress of the highlighted problem."""
        r = self.current()
        text = f"{r.description}  措施：{r.measure or '（未填）'}  进展：{r.progress.splitlines()[-1] if r.progress else '（无）'}" if r else ""
        self.query_one("#pr-note", Static).update(text)

    def on_data_table_row_highlighted(self, _event) -> None:
        """Show the highlighted problem in full below."""
        self._note()

    def current(self):
        """The problem under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.problems.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, _event) -> None:
        """Enter on a problem."""
        self.action_open_case()

    def action_back(self) -> None:
        """Esc: back."""
        self.app.pop_screen()

    def action_open_case(self) -> None:
        """Enter: the problem's case."""
        r = self.current()
        if r and r.case_id:
            self.post_message(OpenCase(r.case_id))
        elif r:
            self.notify("该问题没有对应的排查对象", severity="warning")

    def action_add(self) -> None:
        """n: a new problem (village chosen in the form)."""
        self.app.push_screen(ProblemForm(village_id=self.village_id))

    def action_edit(self) -> None:
        """e: edit the problem under the cursor."""
        if r := self.current():
            self.app.push_screen(ProblemForm(problem=r))

    def action_rectify(self) -> None:
        """r: the rectification of the problem under the cursor."""
        if r := self.current():
            self.app.push_screen(RectificationForm(r))

    def action_village(self) -> None:
        """v: only one village's problems."""

        def picked(value) -> None:
            """Apply the chosen village."""
            if value is not None:
                self.village_id = None if value == ALL else value
                self.reload()

        self.app.push_screen(PickScreen("按村（居）筛选问题", list(app_of(self).villages)), picked)

    def action_overdue(self) -> None:
        """o: only overdue rectifications (again: all)."""
        self.overdue_only = not self.overdue_only
        self.reload()
